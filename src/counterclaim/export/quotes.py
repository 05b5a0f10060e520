"""Quote checks as a table: each quotation, how faithful it is, and where its words were found."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, TextIO

from rich.console import Console
from rich.table import Table
from rich.text import Text

from counterclaim.export.safe import cell

if TYPE_CHECKING:
    from counterclaim.link.fidelity import QuoteCheck

STATUS_STYLE = {"verbatim": "green", "near": "yellow", "paraphrase": "cyan", "not found": "dim"}


def write_quote_table(checks: Iterable[QuoteCheck], out: TextIO) -> None:
    """One row per quotation or linked indirect claim; a change of meaning is marked in red."""
    table = Table(expand=True)
    table.add_column("doc", max_width=18, no_wrap=True)
    table.add_column("speaker", max_width=18)
    table.add_column("status", no_wrap=True)
    table.add_column("quote", ratio=3)
    table.add_column("found as", ratio=3)
    table.add_column("differences (source -> quote)", ratio=2)
    for check in checks:
        status = Text(check.status + (" (changed)" if check.changed else ""), style="bold red" if check.changed else STATUS_STYLE[check.status])
        edits = "; ".join(f"{d['source'] or '-'} -> {d['quote'] or '-'}" for d in check.differences)
        found = f"{check.match_doc_id}: {check.match_text}" if check.match_text else "-"
        table.add_row(cell(check.doc_id), cell(check.speaker), status, cell(check.quote), cell(found), cell(edits, empty=""))
    Console(file=out, width=None if out.isatty() else 160).print(table)
