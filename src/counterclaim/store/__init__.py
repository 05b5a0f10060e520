"""The ledger: documents, speakers and claims in SQLite, the embedded default.

One transaction per document, so an interrupted ingest leaves every document
either wholly stored or absent; a document already stored (same content hash)
is skipped. Speakers are merged across documents by full name (people with at
least a first and a last name, organisations by name), never on a bare surname,
a pronoun or a description: those stay with their document.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Iterator
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from counterclaim.model import Speaker
from counterclaim.nlp.speakers import slug

if TYPE_CHECKING:
    from counterclaim.claims import Extraction

SCHEMA_VERSION = "2"
# Older schemas this version opens, and the statements that bring them up to date. Version 1 kept
# propositions without stable ids and with the stance `reports`: they are derived data, dropped and
# rebuilt by the next `counterclaim contested`.
MIGRATIONS = {"1": "DROP TABLE IF EXISTS proposition_claims; DROP TABLE IF EXISTS propositions;"}
DEFAULT_DB = "ledger.db"


class LedgerError(Exception):
    """The ledger file cannot be used (not SQLite, or a newer schema)."""


def content_hash(text: str) -> str:
    """What makes two documents the same: their text."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def merge_key(speaker: Speaker, document_hash: str) -> str:
    """Named people and organisations merge across documents; everyone else stays in their document."""
    if speaker.kind == "organization" or (speaker.kind == "person" and len(speaker.name.split()) >= 2):
        return f"{speaker.kind}:{slug(speaker.name)}"
    return f"document:{document_hash[:16]}:{speaker.kind}:{slug(speaker.name)}"


class Ledger:
    """A SQLite ledger file, created with its schema on first use."""

    def __init__(self, path: str | Path = DEFAULT_DB) -> None:
        self.path = str(path)
        try:
            self.db = sqlite3.connect(self.path)
            self.db.row_factory = sqlite3.Row
            self.db.execute("PRAGMA foreign_keys = ON")
            self.db.execute("PRAGMA journal_mode = WAL")
            version = self._schema_version()
            if version not in (None, SCHEMA_VERSION, *MIGRATIONS):
                raise LedgerError(f"{self.path}: ledger schema version {version}, this counterclaim reads version {SCHEMA_VERSION}")
            if version in MIGRATIONS:
                self.db.executescript(MIGRATIONS[version])
            schema = resources.files(__package__).joinpath("schema.sql").read_text(encoding="utf-8")
            self.db.executescript(schema)
            if version in MIGRATIONS:
                with self.db:
                    self.db.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'", (SCHEMA_VERSION,))
        except sqlite3.DatabaseError as error:
            raise LedgerError(f"{self.path}: not a counterclaim ledger ({error})") from None

    def _schema_version(self) -> str | None:
        exists = self.db.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'meta'").fetchone()
        if not exists:
            return None
        row = self.db.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
        return row["value"] if row else None

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Ledger:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def has_document(self, text: str) -> bool:
        return self._stored(content_hash(text))

    def _stored(self, digest: str) -> bool:
        return self.db.execute("SELECT 1 FROM documents WHERE content_hash = ?", (digest,)).fetchone() is not None

    def add(self, extraction: Extraction) -> bool:
        """Store a document with its speakers and claims; False when it was already stored."""
        document = extraction.document
        digest = content_hash(document.text)
        with self.db:  # one transaction: all of the document or none of it
            if self._stored(digest):
                return False
            cursor = self.db.execute(
                "INSERT INTO documents (doc_id, content_hash, path, title, date, author, site, kind, transcript_start, text)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (document.doc_id, digest, document.path, document.title, document.date, document.author, document.site,
                 document.kind, document.transcript_start, document.text),
            )
            document_id = cursor.lastrowid
            self.db.executemany(
                "INSERT INTO turns (document_id, label, start, end, is_introduction) VALUES (?, ?, ?, ?, ?)",
                [(document_id, t.label, t.start, t.end, int(t.is_introduction)) for t in document.turns],
            )
            speaker_ids: dict[str, int] = {}
            for speaker in self._speakers_of(extraction):
                speaker_ids[speaker.id] = self._store_speaker(speaker, digest, document_id)
            for claim in extraction.claims:
                self.db.execute(
                    "INSERT INTO claims (claim_id, document_id, speaker_id, reported_by_id, mode, polarity, content,"
                    " content_start, content_end, cue, source, hedges, quantities, record)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        claim.claim_id, document_id,
                        speaker_ids.get(claim.speaker.id) if claim.speaker else None,
                        speaker_ids.get(claim.reported_by.id) if claim.reported_by else None,
                        claim.mode, claim.polarity, claim.content.text, claim.content.start, claim.content.end,
                        claim.cue.text if claim.cue else None, claim.source.text if claim.source else None,
                        json.dumps(claim.hedges), json.dumps([q.to_json() for q in claim.quantities]),
                        json.dumps(claim.to_json(), ensure_ascii=False),
                    ),
                )
        return True

    @staticmethod
    def _speakers_of(extraction: Extraction) -> list[Speaker]:
        """The document's speakers, with any a claim names that the list lacks."""
        found = {s.id: s for s in extraction.speakers}
        for claim in extraction.claims:
            for speaker in (claim.speaker, claim.reported_by):
                if speaker is not None:
                    found.setdefault(speaker.id, speaker)
        return list(found.values())

    def _store_speaker(self, speaker: Speaker, digest: str, document_id: int) -> int:
        key = merge_key(speaker, digest)
        row = self.db.execute("SELECT id, role, affiliation FROM speakers WHERE merge_key = ?", (key,)).fetchone()
        if row is None:
            speaker_id = self.db.execute(
                "INSERT INTO speakers (merge_key, name, kind, role, affiliation) VALUES (?, ?, ?, ?, ?)",
                (key, speaker.name, speaker.kind, speaker.role, speaker.affiliation),
            ).lastrowid
        else:
            speaker_id = row["id"]
            self.db.execute(
                "UPDATE speakers SET role = COALESCE(role, ?), affiliation = COALESCE(affiliation, ?) WHERE id = ?",
                (speaker.role, speaker.affiliation, speaker_id),
            )
        self.db.executemany(
            "INSERT OR IGNORE INTO speaker_aliases (speaker_id, document_id, alias) VALUES (?, ?, ?)",
            [(speaker_id, document_id, alias) for alias in speaker.aliases],
        )
        return speaker_id

    def counts(self) -> dict[str, int]:
        """How many documents, speakers and claims the ledger holds."""
        return {table: self.db.execute(f"SELECT count(*) FROM {table}").fetchone()[0] for table in ("documents", "speakers", "claims")}

    def claims(self, where: str = "1", params: tuple[Any, ...] = ()) -> Iterator[dict[str, Any]]:
        """Claim records as `extract` prints them, with the ledger's speaker ids and document date."""
        query = (
            "SELECT c.id, c.record, c.speaker_id, c.document_id, d.date, d.doc_id FROM claims c"
            f" JOIN documents d ON d.id = c.document_id WHERE {where} ORDER BY c.document_id, c.content_start"
        )
        for row in self.db.execute(query, params):
            record = json.loads(row["record"])
            record["ledger"] = {"claim": row["id"], "speaker": row["speaker_id"], "document": row["document_id"], "date": row["date"]}
            yield record

    def search(self, text: str) -> Iterator[dict[str, Any]]:
        """Claims whose content matches a full-text query (SQLite FTS5 syntax)."""
        return self.claims("c.id IN (SELECT rowid FROM claims_fts WHERE claims_fts MATCH ?)", (text,))
