"""Part files: one Parquet file per shard, a row per document with its turns, speakers and claims nested.

A row is either a document (`error` null) or a story that could not be read or analysed (`error` the one-line
reason, `path` naming it), so a shard that met bad input still finishes and its errors travel with it. The
columns are plain Parquet types (lists of structs), readable by pyarrow, DuckDB or pandas without counterclaim:

    duckdb -c "SELECT path, c.polarity, c.content.text FROM 'out/part-*.parquet', UNNEST(claims) AS t(c)"

A part is written under a temporary name and renamed, so a part file that exists is whole.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyarrow as pa
import pyarrow.parquet as pq

from counterclaim.model import Claim, Document, Speaker, Turn

if TYPE_CHECKING:  # the claims stage loads spaCy: the process that only plans and schedules a batch does without it
    from counterclaim.claims import Extraction

SPANS = pa.struct([("text", pa.string()), ("spans", pa.list_(pa.list_(pa.int64())))])
SPEAKER = pa.struct([
    ("id", pa.string()), ("name", pa.string()), ("role", pa.string()), ("affiliation", pa.string()),
    ("kind", pa.string()), ("aliases", pa.list_(pa.string())),
])
TURN = pa.struct([
    ("label", pa.string()), ("span", pa.list_(pa.int64())), ("label_span", pa.list_(pa.int64())), ("is_introduction", pa.bool_()),
])
QUANTITY = pa.struct([("text", pa.string()), ("value", pa.float64()), ("unit", pa.string()), ("approx", pa.bool_())])
TECHNIQUE = pa.struct([("technique", pa.string()), ("spans", pa.list_(pa.list_(pa.int64())))])
CLAIM = pa.struct([
    ("claim_id", pa.string()), ("mode", pa.string()), ("polarity", pa.string()), ("content", SPANS), ("cue", SPANS),
    ("source", SPANS), ("speaker", pa.string()), ("reported_by", pa.string()), ("hedges", pa.list_(pa.string())),
    ("quantities", pa.list_(QUANTITY)), ("techniques", pa.list_(TECHNIQUE)), ("clauses", pa.list_(SPANS)),
])
SCHEMA = pa.schema([
    ("doc_id", pa.string()), ("path", pa.string()), ("url", pa.string()), ("title", pa.string()), ("date", pa.string()),
    ("author", pa.string()), ("site", pa.string()), ("kind", pa.string()), ("transcript_start", pa.int64()),
    ("from_summary", pa.bool_()), ("encoding", pa.string()), ("text", pa.string()), ("turns", pa.list_(TURN)),
    ("speakers", pa.list_(SPEAKER)), ("claims", pa.list_(CLAIM)), ("error", pa.string()),
])
DOCUMENT_FIELDS = ("doc_id", "path", "url", "title", "date", "author", "site", "kind", "transcript_start", "from_summary", "encoding", "text")


def part_name(shard_id: int) -> str:
    return f"part-{shard_id:05d}.parquet"


def document_row(extraction: Extraction) -> dict[str, Any]:
    """A document's row: its fields, and its turns, speakers and claims (a claim's speakers by id)."""
    document = extraction.document
    claims = []
    for claim in extraction.claims:
        record = claim.to_json()
        del record["doc_id"]
        record["speaker"] = claim.speaker.id if claim.speaker else None
        record["reported_by"] = claim.reported_by.id if claim.reported_by else None
        claims.append(record)
    return {field: getattr(document, field) for field in DOCUMENT_FIELDS} | {
        "turns": [t.to_json() for t in document.turns],
        "speakers": [s.to_json() for s in extraction.all_speakers()],
        "claims": claims,
        "error": None,
    }


def error_row(path: str, message: str) -> dict[str, Any]:
    """A story that could not be read or analysed: where, and why (the line the batch printed)."""
    return {name: None for name in SCHEMA.names} | {"path": path, "error": message, "turns": [], "speakers": [], "claims": []}


def extraction_of(row: dict[str, Any]) -> Extraction:
    """The extraction a document row holds, as the claims stage made it."""
    from counterclaim.claims import Extraction

    document = Document(**{field: row[field] for field in DOCUMENT_FIELDS if field != "from_summary"}, from_summary=bool(row["from_summary"]))
    document.turns = [Turn.from_json(t) for t in row["turns"]]
    speakers = {s["id"]: Speaker.from_json(s) for s in row["speakers"]}
    claims = [Claim.from_json(c | {"doc_id": document.doc_id}, speakers) for c in row["claims"]]
    return Extraction(document, claims, list(speakers.values()))  # with the speakers only a claim named, as the ledger stores them


def write_part(rows: list[dict[str, Any]], folder: Path, shard_id: int) -> Path:
    """Write a shard's rows as its part file: under a temporary name first, then renamed, so it is never seen half written."""
    final = folder / part_name(shard_id)
    temporary = folder / f".{final.name}.{os.getpid()}.tmp"
    pq.write_table(pa.Table.from_pylist(rows, schema=SCHEMA), temporary, compression="zstd")
    os.replace(temporary, final)
    return final


def read_part(path: Path) -> Iterator[Extraction | tuple[str, str]]:
    """A part's rows in order: each document's extraction, or `(path, error)` for a story that failed."""
    table = pq.read_table(path, schema=SCHEMA)
    for batch in table.to_batches(max_chunksize=64):
        for row in batch.to_pylist():
            yield (row["path"], row["error"]) if row["error"] is not None else extraction_of(row)
