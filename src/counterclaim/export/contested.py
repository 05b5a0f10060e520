"""Contested propositions as tables: the statement, then each side's claims."""

from __future__ import annotations

from typing import TYPE_CHECKING, TextIO

from rich.console import Console
from rich.table import Table
from rich.text import Text

if TYPE_CHECKING:
    from counterclaim.link.propositions import Proposition

STANCE_STYLE = {"supports": "green", "disputes": "bold red", "reports": "dim"}


def write_contested(propositions: list[Proposition], out: TextIO) -> None:
    """One table per contested proposition; numeric conflicts listed under it."""
    console = Console(file=out, width=None if out.isatty() else 160)
    if not propositions:
        console.print("No contested propositions.")
    for proposition in propositions:
        table = Table(title=f"[{proposition.id}] {proposition.statement}", expand=True)
        table.add_column("stance", no_wrap=True)
        table.add_column("speaker", max_width=26)
        table.add_column("doc", max_width=18, no_wrap=True)
        table.add_column("claim", ratio=1)
        order = {"supports": 0, "disputes": 1, "reports": 2}
        for member in sorted(proposition.members, key=lambda m: order[m.stance]):
            table.add_row(
                Text(member.stance, style=STANCE_STYLE[member.stance]), Text(member.speaker or "-"),
                Text(member.record["doc_id"]), Text(member.record["content"]["text"]),
            )
        console.print(table)
        for conflict in proposition.numeric_conflicts:
            values = " vs ".join(f"{v['text']} ({v['speaker']})" for v in conflict["values"])
            console.print(f"  numbers differ on {conflict['unit']}: {values}")
