"""The ledger's claims, speakers and propositions as flat records, for `counterclaim export` to CSV and JSON Lines.

Rows are streamed from SQLite, so an export of millions of claims holds one row at a time. Only the latest version of
each document counts, as everywhere else. CSV cells go through `csv_cell` (no spreadsheet formula runs).
"""

from __future__ import annotations

import csv
import json
import sqlite3
from collections.abc import Iterator
from typing import Any, TextIO

from counterclaim.export.safe import csv_cell

TABLES = ("claims", "speakers", "propositions")

QUERIES = {
    "claims": (
        "SELECT c.id, c.claim_id, d.doc_id AS document, d.title, d.site AS outlet, d.date, d.url, c.mode, c.polarity,"
        " s.id AS speaker_id, s.name AS speaker, s.kind AS speaker_kind, s.role, s.affiliation, r.name AS reported_by,"
        " c.cue, c.source, c.content, c.content_start, c.content_end, c.hedges, c.quantities"
        " FROM claims c JOIN documents d ON d.id = c.document_id LEFT JOIN speakers s ON s.id = c.speaker_id"
        " LEFT JOIN speakers r ON r.id = c.reported_by_id WHERE d.latest = 1 ORDER BY c.document_id, c.content_start, c.id"
    ),
    "speakers": (
        "SELECT s.id, s.name, s.kind, s.role, s.affiliation, count(c.id) AS claims, coalesce(sum(c.polarity = 'deny'), 0) AS denials"
        " FROM speakers s LEFT JOIN claims c ON c.speaker_id = s.id"
        " AND c.document_id IN (SELECT id FROM documents WHERE latest = 1) GROUP BY s.id ORDER BY s.id"
    ),
    "propositions": (
        "SELECT p.id AS proposition_id, p.statement, p.contested, v.verdict, pc.stance, round(pc.score, 3) AS stance_score,"
        " pc.rule AS stance_by, c.id AS claim, c.claim_id, s.name AS speaker, s.affiliation, d.doc_id AS document, d.date, c.content"
        " FROM propositions p JOIN proposition_claims pc ON pc.proposition_id = p.id JOIN claims c ON c.id = pc.claim_id"
        " JOIN documents d ON d.id = c.document_id LEFT JOIN speakers s ON s.id = c.speaker_id"
        " LEFT JOIN verdicts v ON v.proposition_id = p.id ORDER BY p.id, pc.stance, c.id"
    ),
}
JSON_COLUMNS = {"hedges", "quantities"}


def rows(db: sqlite3.Connection, table: str) -> Iterator[dict[str, Any]]:
    """One table's records, one at a time; JSON columns decoded, `contested` as a boolean."""
    cursor = db.execute(QUERIES[table])
    names = [column[0] for column in cursor.description]
    for values in cursor:
        record = dict(zip(names, values, strict=True))
        for name in JSON_COLUMNS & record.keys():
            record[name] = json.loads(record[name] or "[]")
        if "contested" in record:
            record["contested"] = bool(record["contested"])
        yield record


def columns(db: sqlite3.Connection, table: str) -> list[str]:
    return [column[0] for column in db.execute(f"SELECT * FROM ({QUERIES[table]}) LIMIT 0").description]


def write_table_csv(db: sqlite3.Connection, table: str, out: TextIO) -> int:
    """A header, then one row per record; lists joined with `; `. How many rows were written."""
    writer = csv.writer(out)
    writer.writerow(columns(db, table))
    written = 0
    for record in rows(db, table):
        writer.writerow([csv_cell(_flat(value)) for value in record.values()])
        written += 1
    return written


def _flat(value: Any) -> Any:
    if isinstance(value, list):
        return "; ".join(v.get("text", json.dumps(v)) if isinstance(v, dict) else str(v) for v in value)
    return value


def write_tables_jsonl(db: sqlite3.Connection, out: TextIO, tables: tuple[str, ...] = TABLES) -> int:
    """Every record of the tables, one JSON object a line, each with its `type` (`claim`, `speaker`, `proposition`)."""
    written = 0
    for table in tables:
        for record in rows(db, table):
            out.write(json.dumps({"type": table.removesuffix("s"), **record}, ensure_ascii=False) + "\n")
            written += 1
    return written
