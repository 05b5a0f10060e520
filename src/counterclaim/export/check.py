"""A checked statement as tables: the claims that support it, those that dispute it, those that discuss it."""

from __future__ import annotations

from typing import TYPE_CHECKING, TextIO

from rich.console import Console
from rich.table import Table
from rich.text import Text

from counterclaim.export.contested import STANCE_STYLE
from counterclaim.export.safe import cell

if TYPE_CHECKING:
    from counterclaim.link.check import CheckResult


def write_check(result: CheckResult, out: TextIO) -> None:
    """One table per side, the surest first; each claim with what settled its side (the model, or a stored proposition's
    rule), speaker, affiliation, document, date and its propositions."""
    console = Console(file=out, width=None if out.isatty() else 160)
    console.print(cell(f"{result.statement}: {result.candidates} candidate claims, {result.read} read, {len(result.findings)} bear on it"))
    for side in ("supports", "disputes", "neutral"):
        findings = result.side(side)
        if not findings:
            continue
        table = Table(title=Text(f"{side} ({len(findings)})", style=STANCE_STYLE[side]), expand=True)
        table.add_column("p", no_wrap=True)
        table.add_column("by", no_wrap=True)
        table.add_column("speaker", max_width=24)
        table.add_column("affiliation", max_width=20)
        table.add_column("doc", max_width=18, no_wrap=True)
        table.add_column("date", no_wrap=True)
        table.add_column("passage", ratio=1)
        table.add_column("propositions", max_width=12)
        for finding in findings:
            start, end = finding.claim["content"]["spans"][0][0], finding.claim["content"]["spans"][-1][1]
            table.add_row(
                f"{finding.score:.2f}", finding.stance_by.replace("proposition ", "prop. "),
                cell(finding.speaker), cell(finding.affiliation), cell(finding.document),
                cell(finding.date), cell(f"{finding.claim['content']['text']}  [{start}-{end}]"),
                cell(", ".join(f"{p['id']} ({p['stance']})" for p in finding.propositions)),
            )
        console.print(table)
