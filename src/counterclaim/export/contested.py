"""Propositions as tables: the statement, then the claims on each side."""

from __future__ import annotations

from typing import TYPE_CHECKING, TextIO

from rich.console import Console
from rich.table import Table
from rich.text import Text

from counterclaim.export.safe import cell

if TYPE_CHECKING:
    from counterclaim.link.propositions import Proposition

STANCE_STYLE = {"supports": "green", "disputes": "bold red", "neutral": "dim"}
STANCE_ORDER = {"supports": 0, "disputes": 1, "neutral": 2}


def write_contested(propositions: list[Proposition], out: TextIO, everything: bool = False) -> None:
    """One table per proposition, supporters first; numeric conflicts listed under it.

    A stance the model gave with less confidence than makes a proposition contested is marked `?`.
    """
    console = Console(file=out, width=None if out.isatty() else 160)
    if not propositions:
        console.print("No propositions with two or more claims." if everything else "No contested propositions.")
    for proposition in propositions:
        mark = " (contested)" if everything and proposition.contested else ""
        table = Table(title=cell(f"[{proposition.id}] {proposition.statement}{mark}"), expand=True)
        table.add_column("stance", no_wrap=True)
        table.add_column("speaker", max_width=26)
        table.add_column("doc", max_width=18, no_wrap=True)
        table.add_column("claim", ratio=1)
        for member in sorted(proposition.members, key=lambda m: (STANCE_ORDER[m.stance], m.unit.id)):
            stance = member.stance + ("" if member.confident else "?")
            table.add_row(
                Text(stance, style=STANCE_STYLE[member.stance]), cell(member.unit.speaker),
                cell(member.unit.record["doc_id"]), cell(member.unit.record["content"]["text"]),
            )
        console.print(table)
        for conflict in proposition.numeric_conflicts:
            values = " vs ".join(f"{v['text']} ({v['speaker']})" for v in conflict["values"])
            console.print(cell(f"  numbers differ on {conflict['unit']}: {values}"))
