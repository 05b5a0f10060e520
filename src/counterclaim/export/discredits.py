"""Who discredits whom, as a table: one row per discrediting claim."""

from __future__ import annotations

from typing import TYPE_CHECKING, TextIO

from rich.console import Console
from rich.table import Table

from counterclaim.export.safe import cell

if TYPE_CHECKING:
    from counterclaim.link.discredits import Edge


def write_discredits(edges: list[Edge], out: TextIO) -> None:
    """Edges grouped by who discredits, each with its kind, its target, the words and the claim."""
    console = Console(file=out, width=None if out.isatty() else 160)
    if not edges:
        console.print("No discrediting claims.")
        return
    table = Table(expand=True)
    table.add_column("who", max_width=24)
    table.add_column("kind", no_wrap=True)
    table.add_column("whom", max_width=24)
    table.add_column("p", no_wrap=True)
    table.add_column("claim", ratio=1)
    for edge in sorted(edges, key=lambda e: (e.source, e.target, e.kind, e.claim)):
        table.add_row(cell(edge.source), edge.kind, cell(edge.target), str(edge.proposition or ""), cell(edge.content))
    console.print(table)
