"""Speaker entities of each document: a table to read, or JSON."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable
from typing import TYPE_CHECKING, TextIO

from rich.console import Console
from rich.table import Table

from counterclaim.export.safe import cell

if TYPE_CHECKING:
    from counterclaim.claims import Extraction


def speaker_rows(extraction: Extraction) -> list[dict]:
    """Each speaker of the document as a record with its claim count and how many of its claims use each persuasion
    technique, most claims first."""
    counts = extraction.claim_counts()
    techniques: dict[str, Counter] = {}
    for claim in extraction.claims:
        if claim.speaker is not None:
            techniques.setdefault(claim.speaker.id, Counter()).update({use.technique for use in claim.techniques})
    rows = [
        {"doc_id": extraction.document.doc_id, **s.to_json(), "claims": counts.get(s.id, 0),
         "techniques": dict(techniques.get(s.id, Counter()).most_common())}
        for s in extraction.speakers
    ]
    return sorted(rows, key=lambda r: (-r["claims"], r["name"]))


def write_speakers(extractions: Iterable[Extraction], out: TextIO, fmt: str = "table") -> None:
    """One row (or JSON Lines record) per speaker entity of each document."""
    if fmt == "json":
        for extraction in extractions:
            for row in speaker_rows(extraction):
                out.write(json.dumps(row, ensure_ascii=False) + "\n")
        return
    console = Console(file=out, width=None if out.isatty() else 160)
    for extraction in extractions:
        table = Table(title=cell(f"{extraction.document.doc_id}: speakers"), expand=True)
        for column in ("speaker", "kind", "role", "affiliation", "claims", "aliases"):
            table.add_column(column, justify="right" if column == "claims" else "left")
        for row in speaker_rows(extraction):
            table.add_row(
                cell(row["name"], style="bold"), row["kind"], cell(row["role"]), cell(row["affiliation"]),
                str(row["claims"]), cell(", ".join(row["aliases"]), empty=""),
            )
        console.print(table)
