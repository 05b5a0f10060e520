"""CSV: one row a claim, offsets as `start-end` ranges, for spreadsheets."""

from __future__ import annotations

import csv
from collections.abc import Iterable
from typing import TextIO

from counterclaim.export.safe import csv_cell
from counterclaim.model import Claim, TextSpans

COLUMNS = [
    "doc_id", "claim_id", "mode", "polarity", "speaker", "speaker_id", "role", "affiliation",
    "source", "source_spans", "cue", "content", "content_spans", "reported_by", "hedges", "quantities",
]


def _ranges(spans: TextSpans | None) -> str:
    return "" if spans is None else " ".join(f"{s}-{e}" for s, e in spans.spans)


def write_csv(claims: Iterable[Claim], out: TextIO) -> None:
    """A header row, then one row per claim."""
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    for c in claims:
        s = c.speaker
        writer.writerow([csv_cell(value) for value in [
            c.doc_id, c.claim_id, c.mode, c.polarity,
            s.name if s else "", s.id if s else "", (s.role or "") if s else "", (s.affiliation or "") if s else "",
            c.source.text if c.source else "", _ranges(c.source), c.cue.text if c.cue else "",
            c.content.text, _ranges(c.content), c.reported_by.name if c.reported_by else "",
            "; ".join(c.hedges), "; ".join(f"{q.value:g} {q.unit or ''}".strip() for q in c.quantities),
        ]])
