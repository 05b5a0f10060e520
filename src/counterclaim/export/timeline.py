"""The timeline as a table: date, how it was dated, speaker, and what was claimed."""

from __future__ import annotations

from typing import TYPE_CHECKING, TextIO

from rich.console import Console
from rich.table import Table
from rich.text import Text

from counterclaim.export.safe import cell

if TYPE_CHECKING:
    from counterclaim.link.timeline import TimelineEntry


def write_timeline_table(entries: list[TimelineEntry], out: TextIO) -> None:
    """One row per claim, oldest first; denials in red."""
    table = Table(expand=True)
    table.add_column("date", no_wrap=True)
    table.add_column("dated by", max_width=18)
    table.add_column("doc", max_width=18, no_wrap=True)
    table.add_column("speaker", max_width=20)
    table.add_column("pol", no_wrap=True)
    table.add_column("content", ratio=1)
    for e in entries:
        table.add_row(
            cell(e.date), cell(e.dated_by), cell(e.doc_id), cell(e.speaker),
            Text(e.polarity, style="bold red" if e.polarity == "deny" else ""), cell(e.content),
        )
    Console(file=out, width=None if out.isatty() else 160).print(table)
