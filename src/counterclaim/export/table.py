"""A readable table for the terminal."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TextIO

from rich.console import Console
from rich.table import Table
from rich.text import Text

from counterclaim.export.safe import cell
from counterclaim.model import Claim


def claims_table(claims: Iterable[Claim], title: str | None = None) -> Table:
    """Speaker, mode, polarity, cue and content of each claim; denials stand out."""
    table = Table(title=cell(title) if title else None, show_lines=False, expand=True)
    table.add_column("doc", style="dim", no_wrap=True, max_width=18)
    table.add_column("at", justify="right", style="dim", no_wrap=True)
    table.add_column("speaker", style="bold", max_width=28)
    table.add_column("mode", no_wrap=True)
    table.add_column("pol", no_wrap=True)
    table.add_column("cue", max_width=16)
    table.add_column("content", ratio=1)
    for c in claims:
        speaker = c.speaker.name if c.speaker else "-"
        if c.speaker and c.speaker.affiliation:
            speaker += f" ({c.speaker.affiliation})"
        if c.reported_by:
            speaker += f", via {c.reported_by.name}"
        if c.hedges:
            speaker += " [hedged]"
        table.add_row(
            cell(c.doc_id),
            str(c.content.start),
            cell(speaker),
            c.mode,
            Text(c.polarity, style="bold red" if c.polarity == "deny" else ""),
            cell(c.cue.text if c.cue else None),
            cell(c.content.text),
        )
    return table


def write_table(claims: Iterable[Claim], out: TextIO) -> None:
    """The table, sized to the terminal when there is one, else 160 columns."""
    console = Console(file=out, width=None if out.isatty() else 160)
    console.print(claims_table(claims))
