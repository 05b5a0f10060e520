"""The ledger: documents, speakers and claims in SQLite, the embedded default.

One transaction per document, so an interrupted ingest leaves every document
either wholly stored or absent; a document already stored (the same text, or a
near-duplicate from another outlet or URL) is not stored again, and the place
it came from is recorded. Speakers are merged across documents by full name (people with at
least a first and a last name, organisations by name), never on a bare surname,
a pronoun or a description: those stay with their document.
"""

from __future__ import annotations

import hashlib
import json
import re
import sqlite3
import time
from collections.abc import Callable, Iterable, Iterator
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import numpy as np

from counterclaim.model import Document, Speaker, slug
from counterclaim.store.near_duplicates import NEAR_DUPLICATE, band_keys, signature, similarity

if TYPE_CHECKING:
    from counterclaim.claims import Extraction

SCHEMA_VERSION = "12"
VERDICTS = ("true", "false", "misleading", "unresolved")
# Older schemas this version opens, and the statements that bring them up to date (the schema script
# then adds what is missing). Version 1 kept propositions without stable ids and with the stance
# `reports`: they are derived data, dropped and rebuilt by the next `counterclaim contested`. Version 2
# recorded one path per document; version 3 records every path the same text was ingested under, and the
# URL of a story from a feed, web archive or JSON Lines file; version 4 keeps a changed text under the same
# URL or path as a new version of one document; version 5 keeps the models' reads (stance, clause) and whether a member
# restates its proposition, so that `contested` reads what linking stored; version 6 keeps users' verdicts; version 7 who discredits whom;
# version 8 indexes the names speakers went by per document (finding who a claim discredits read them all once per document);
# version 9 records what the last link covered (documents, claims' words, propositions' cores), so that linking adds only what
# is new, and indexes the passages quotes may come from: a version-8 ledger is linked whole once more, by the next command that
# links, and its quotes checked again by the next `quotes`; version 10 keeps the packed vectors of a large ledger in cells
# around centroids (its blocks gain a cell, 0 for all of them until the ledger is large); version 11 keeps with each quote's
# finding the share of its words a new turn or paragraph must exceed, and the score a new sentence must reach, to change
# it (its bounds; older findings have none, and a new passage that may match them has them checked again), with the
# embeddings of what was compared with transcript sentences and of the sentences; version 12 keeps a quote's keys for new
# turns and for new paragraphs apart, each as tight as the finding's bounds for them allow (the key table is rebuilt with
# its rows: an older ledger's keys, for both, stay valid). Each version's statements run in turn from the ledger's own.
MIGRATIONS = {
    "1": "DROP TABLE IF EXISTS proposition_claims; DROP TABLE IF EXISTS propositions;",
    "2": "",
    "3": "",
    "4": "",
    "5": "",
    "6": "",
    "7": "",
    "8": "DELETE FROM meta WHERE key IN ('linked_state', 'quote_checks_state');",
    "9": "",
    "10": "",
    "11": "",
}
# Columns later versions added to tables that older ledgers already have (the schema script creates only what is missing).
ADDED_COLUMNS = {
    "documents": {
        "url": "TEXT", "from_summary": "INTEGER NOT NULL DEFAULT 0",
        "identity": "TEXT", "version": "INTEGER NOT NULL DEFAULT 1", "latest": "INTEGER NOT NULL DEFAULT 1",
    },
    "proposition_claims": {"restates": "INTEGER NOT NULL DEFAULT 0"},
    "vector_blocks": {"cell": "INTEGER NOT NULL DEFAULT 0"},
    "quote_checks": {"bound_own_turns": "REAL", "bound_turns": "REAL", "bound_paragraphs": "REAL", "bound_sentences": "REAL", "vector": "BLOB"},
}
# Tables whose declaration changed in a way `ALTER TABLE` cannot make (a constraint): an older ledger's is made again.
REBUILT_TABLES = ("quote_keys",)
BACKFILL = """
INSERT OR IGNORE INTO document_paths (document_id, path) SELECT id, path FROM documents WHERE path IS NOT NULL;
UPDATE documents SET identity = COALESCE(url, path, doc_id) WHERE identity IS NULL;
UPDATE documents SET
    version = (SELECT count(*) FROM documents o WHERE o.identity = documents.identity AND o.id <= documents.id),
    latest = NOT EXISTS (SELECT 1 FROM documents o WHERE o.identity = documents.identity AND o.id > documents.id);
"""
DEFAULT_DB = "ledger.db"
# How long a write waits for another process's write lock before giving up, by default; and how long
# each attempt lets SQLite wait before the wait is reported.
DEFAULT_LOCK_TIMEOUT = 60.0
LOCK_STEP = 1.0

T = TypeVar("T")


class LedgerError(Exception):
    """The ledger file cannot be used (not SQLite, not a ledger, a newer schema, or locked too long)."""


class LedgerBusyError(LedgerError):
    """Another process held the ledger's write lock for longer than this one would wait."""


def _plain(statement: str) -> str:
    """A table's declaration with its layout and comments left out, to compare two of them."""
    return " ".join(re.sub(r"--[^\n]*", "", statement).split())


def id_lists(ids: Iterable[int], size: int = 500) -> Iterator[str]:
    """Ids as comma-separated SQL integer literals, `size` at a time: for `IN (...)` over any number of ids, within
    SQLite's limits on a statement's parameters."""
    listed = [str(int(i)) for i in ids]
    for start in range(0, len(listed), size):
        yield ",".join(listed[start : start + size])


def content_hash(text: str) -> str:
    """What makes two documents the same: their text."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def identity_of(document: Document) -> str:
    """What a document is, whatever its text: its URL where it has one, else the path it was read from (else its id)."""
    return document.url or document.path or document.doc_id


def merge_key(speaker: Speaker, document_hash: str) -> str:
    """Named people and organisations merge across documents; everyone else stays in their document."""
    if speaker.kind == "organization" or (speaker.kind == "person" and len(speaker.name.split()) >= 2):
        return f"{speaker.kind}:{slug(speaker.name)}"
    return f"document:{document_hash[:16]}:{speaker.kind}:{slug(speaker.name)}"


def _is_busy(problem: sqlite3.OperationalError) -> bool:
    return "locked" in str(problem) or "busy" in str(problem)


def schema_version(db: sqlite3.Connection) -> str | None:
    """The ledger schema version an SQLite database records, or None when it records none."""
    if not db.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'meta'").fetchone():
        return None
    row = db.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
    return row[0] if row else None


def inspect_file(path: str) -> tuple[list[str], str | None] | None:
    """The tables of an SQLite file and its ledger schema version, read without changing it; None when it is no SQLite database."""
    try:
        db = sqlite3.connect(f"{Path(path).resolve().as_uri()}?mode=ro", uri=True, timeout=LOCK_STEP)
        try:
            return [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")], schema_version(db)
        finally:
            db.close()
    except sqlite3.OperationalError as problem:
        if _is_busy(problem):
            raise LedgerBusyError(f"{path}: locked by another process") from None
        return None
    except sqlite3.DatabaseError:
        return None


class Ledger:
    """A SQLite ledger file.

    With `create`, a missing or empty file becomes a new ledger; without it (every command but
    `ingest`), only an existing ledger opens. A file that is something else (another program's
    database, not a database at all) is refused without being changed. Writes wait up to
    `lock_timeout` seconds for another process's write lock, telling `on_wait` once that they wait.
    """

    def __init__(
        self, path: str | Path = DEFAULT_DB, create: bool = True, lock_timeout: float = DEFAULT_LOCK_TIMEOUT,
        on_wait: Callable[[str], None] | None = None,
    ) -> None:
        self.path = str(path)
        self.lock_timeout = lock_timeout
        self.on_wait = on_wait
        self._refuse_unless_ledger(create)
        try:
            self.db = sqlite3.connect(self.path, timeout=LOCK_STEP)
            self.db.row_factory = sqlite3.Row
            self.db.execute("PRAGMA foreign_keys = ON")
            version = schema_version(self.db)
            if version not in (None, SCHEMA_VERSION, *MIGRATIONS):
                raise LedgerError(f"{self.path}: ledger schema version {version}, this counterclaim reads version {SCHEMA_VERSION}")
            if version != SCHEMA_VERSION:
                self._retrying(lambda: self._build(version))
        except sqlite3.DatabaseError as error:
            raise LedgerError(f"{self.path}: not a counterclaim ledger ({error})") from None

    def _refuse_unless_ledger(self, create: bool) -> None:
        if self.path == ":memory:":
            return
        if not Path(self.path).exists() or Path(self.path).stat().st_size == 0:
            if create:
                return
            what = "no such ledger" if not Path(self.path).exists() else "an empty file, not a ledger"
            raise LedgerError(f"{self.path}: {what} (make one with `counterclaim ingest FILE... --db {self.path}`)")
        found = inspect_file(self.path)
        if found is None:
            raise LedgerError(f"{self.path}: not a counterclaim ledger (not an SQLite database)")
        tables, version = found
        if version is None and (tables or not create):
            named = f" (it has tables {', '.join(tables[:5])}{', ...' if len(tables) > 5 else ''})" if tables else ""
            raise LedgerError(f"{self.path}: an SQLite database but not a counterclaim ledger{named}; left unchanged")

    def _build(self, version: str | None) -> None:
        """A new ledger's schema (in WAL mode), or an older one's migration; each statement is idempotent, so a retry is safe."""
        self.db.execute("PRAGMA journal_mode = WAL")
        schema = resources.files(__package__).joinpath("schema.sql").read_text(encoding="utf-8")
        if version in MIGRATIONS:
            for later in sorted((v for v in MIGRATIONS if int(v) >= int(version)), key=int):
                self.db.executescript(MIGRATIONS[later])
            for table, columns in ADDED_COLUMNS.items():
                present = {row[1] for row in self.db.execute(f"PRAGMA table_info({table})")}
                for column, kind in columns.items():
                    if present and column not in present:
                        self.db.execute(f"ALTER TABLE {table} ADD COLUMN {column} {kind}")
            for table in REBUILT_TABLES:
                self._rebuild(table, schema)
        self.db.executescript(schema)
        with self.db:
            for statement in filter(str.strip, BACKFILL.split(";")):
                self.db.execute(statement)
            unsigned = self.db.execute("SELECT id, text FROM documents WHERE id NOT IN (SELECT document_id FROM document_signatures)")
            for row in unsigned.fetchall():
                self._sign(row["id"], signature(row["text"]))
            self.db.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'", (SCHEMA_VERSION,))

    def _rebuild(self, table: str, schema: str) -> None:
        """An older ledger's table made again as the schema now declares it (a changed constraint, which SQLite cannot
        alter), its rows copied over; in one transaction, so that a failure leaves the old table as it was."""
        declared = next(s for s in schema.split(";") if _plain(s).startswith(f"CREATE TABLE IF NOT EXISTS {table} ("))
        stored = self.db.execute("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?", (table,)).fetchone()
        if stored is None or _plain(stored[0]) == _plain(declared.replace(" IF NOT EXISTS", "")):
            return
        indexes = [row[0] for row in self.db.execute(
            "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL", (table,))]
        self.db.execute("BEGIN IMMEDIATE")
        try:
            for index in indexes:  # made again by the schema script, on the new table
                self.db.execute(f"DROP INDEX {index}")
            self.db.execute(f"ALTER TABLE {table} RENAME TO {table}_before")
            self.db.execute(declared)
            self.db.execute(f"INSERT INTO {table} SELECT * FROM {table}_before")
            self.db.execute(f"DROP TABLE {table}_before")
            self.db.commit()
        except BaseException:
            self.db.rollback()
            raise

    def write(self, work: Callable[[], T]) -> T:
        """Run `work` as one transaction that takes the write lock at its start (not halfway through), again and again
        while another process holds the lock, up to `lock_timeout`; all of it is stored or none."""

        def transaction() -> T:
            with self.db:
                self.db.execute("BEGIN IMMEDIATE")
                return work()

        return self._retrying(transaction)

    def _retrying(self, work: Callable[[], T]) -> T:
        """`work`, again while another process holds the write lock, telling `on_wait` once; `LedgerBusyError` after `lock_timeout`."""
        deadline = time.monotonic() + self.lock_timeout
        told = False
        while True:
            try:
                return work()
            except sqlite3.OperationalError as problem:
                if not _is_busy(problem):
                    raise
                if self.db.in_transaction:
                    self.db.rollback()
                if time.monotonic() >= deadline:
                    raise LedgerBusyError(
                        f"{self.path}: another process held the ledger's write lock for over {self.lock_timeout:g} s; gave up"
                    ) from None
                if not told and self.on_wait is not None:
                    self.on_wait(f"{self.path}: another process holds the ledger's write lock; waiting up to {self.lock_timeout:g} s")
                    told = True
                time.sleep(0.1)

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Ledger:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _stored(self, digest: str) -> int | None:
        row = self.db.execute("SELECT id FROM documents WHERE content_hash = ?", (digest,)).fetchone()
        return None if row is None else row["id"]

    def stored_as(self, document: Document) -> tuple[int, float] | None:
        """The stored document this one is (the same text, or a near-duplicate from another place), with how similar.

        A near-duplicate under the same URL or path is not the same story but a changed one, and is not matched.
        """
        exact = self._stored(content_hash(document.text))
        return (exact, 1.0) if exact is not None else self._near_duplicate(document, signature(document.text))

    def _near_duplicate(self, document: Document, values: np.ndarray) -> tuple[int, float] | None:
        keys = band_keys(values)
        candidates = {row[0] for band, key in enumerate(keys) for row in self.db.execute(
            "SELECT document_id FROM document_bands WHERE band = ? AND key = ?", (band, key))}
        best: tuple[int, float] | None = None
        for candidate in sorted(candidates):
            row = self.db.execute(
                "SELECT s.signature, d.path, d.url FROM document_signatures s JOIN documents d ON d.id = s.document_id"
                " WHERE s.document_id = ?", (candidate,)).fetchone()
            if row is None or (document.url and document.url == row["url"]) or (not document.url and document.path == row["path"]):
                continue
            score = similarity(values, np.frombuffer(row["signature"], dtype=np.uint64))
            if score >= NEAR_DUPLICATE and (best is None or score > best[1]):
                best = (candidate, score)
        return best

    def record_appearance(self, document_id: int, document: Document, score: float = 1.0) -> bool:
        """Record another place a stored story appeared (a new file name, URL or outlet); True when the place is new."""
        if document.path is None:
            return False
        return self.write(lambda: self._appeared(document_id, document, score))

    def _appeared(self, document_id: int, document: Document, score: float) -> bool:
        return self.db.execute(
            "INSERT OR IGNORE INTO document_paths (document_id, path, url, site, date, similarity) VALUES (?, ?, ?, ?, ?, ?)",
            (document_id, document.path, document.url, document.site, document.date, round(score, 3)),
        ).rowcount > 0

    def paths(self, document_id: int) -> list[str]:
        """Every path a document's story was ingested under, first seen first."""
        rows = self.db.execute("SELECT path FROM document_paths WHERE document_id = ? ORDER BY rowid", (document_id,))
        return [r["path"] for r in rows]

    def add(self, extraction: Extraction) -> bool:
        """Store a document with its speakers and claims; False when it was already stored (the same text, or a
        near-duplicate from another place: then this place is recorded as one where it appeared).

        One transaction (`write`): all of the document or none of it.
        """
        return self.store(extraction) == "added"

    def store(self, extraction: Extraction) -> str:
        """As `add`, saying what happened: `added`, `new place` (stored before; this place recorded) or `known`."""
        return self.write(lambda: self._add(extraction))

    def store_many(self, extractions: list[Extraction]) -> list[str]:
        """As `store` for each, in one transaction: a bulk load of a batch's part, stored whole or not at all."""
        return self.write(lambda: [self._add(extraction) for extraction in extractions])

    def _add(self, extraction: Extraction) -> str:
        document = extraction.document
        digest = content_hash(document.text)
        exact = self._stored(digest)
        values = None if exact is not None else signature(document.text)  # the text itself known: no signature needed
        found = (exact, 1.0) if values is None else self._near_duplicate(document, values)
        if found is not None:
            return "new place" if self._appeared(found[0], document, found[1]) else "known"
        identity = identity_of(document)
        earlier = self.db.execute("SELECT max(version) FROM documents WHERE identity = ?", (identity,)).fetchone()[0] or 0
        self.db.execute("UPDATE documents SET latest = 0 WHERE identity = ? AND latest = 1", (identity,))
        cursor = self.db.execute(
            "INSERT INTO documents (doc_id, content_hash, path, url, from_summary, title, date, author, site, kind,"
            " transcript_start, text, identity, version, latest) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1)",
            (document.doc_id, digest, document.path, document.url, int(document.from_summary), document.title, document.date,
             document.author, document.site, document.kind, document.transcript_start, document.text, identity, earlier + 1),
        )
        document_id = cursor.lastrowid
        self._appeared(document_id, document, 1.0)
        self._sign(document_id, values)
        self.db.executemany(
            "INSERT INTO turns (document_id, label, start, end, is_introduction) VALUES (?, ?, ?, ?, ?)",
            [(document_id, t.label, t.start, t.end, int(t.is_introduction)) for t in document.turns],
        )
        speaker_ids: dict[str, int] = {}
        for speaker in extraction.all_speakers():
            speaker_ids[speaker.id] = self._store_speaker(speaker, digest, document_id)
        self.db.executemany(
            "INSERT INTO claims (claim_id, document_id, speaker_id, reported_by_id, mode, polarity, content,"
            " content_start, content_end, cue, source, hedges, quantities, record)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (
                    claim.claim_id, document_id,
                    speaker_ids.get(claim.speaker.id) if claim.speaker else None,
                    speaker_ids.get(claim.reported_by.id) if claim.reported_by else None,
                    claim.mode, claim.polarity, claim.content.text, claim.content.start, claim.content.end,
                    claim.cue.text if claim.cue else None, claim.source.text if claim.source else None,
                    json.dumps(claim.hedges), json.dumps([q.to_json() for q in claim.quantities]),
                    json.dumps(claim.to_json(), ensure_ascii=False),
                )
                for whole in extraction.claims
                for claim in whole.statements()
            ],
        )
        return "added"

    def _sign(self, document_id: int, values: np.ndarray) -> None:
        self.db.execute("INSERT OR REPLACE INTO document_signatures (document_id, signature) VALUES (?, ?)", (document_id, values.tobytes()))
        self.db.executemany(
            "INSERT INTO document_bands (band, key, document_id) VALUES (?, ?, ?)",
            [(band, key, document_id) for band, key in enumerate(band_keys(values))],
        )

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

    def versions(self, name: str) -> list[sqlite3.Row]:
        """Every version of the document a URL, path or document id names, oldest first (empty when none does).

        A document id names a document only when it is not ambiguous; otherwise give its URL or path."""
        row = self.db.execute(
            "SELECT identity FROM documents WHERE identity = ? OR url = ? OR path = ? ORDER BY id DESC LIMIT 1", (name, name, name)
        ).fetchone()
        if row is None:
            named = {r[0] for r in self.db.execute("SELECT identity FROM documents WHERE doc_id = ?", (name,))}
            if len(named) != 1:
                return []
            identity = named.pop()
        else:
            identity = row[0]
        return self.db.execute(
            "SELECT d.id, d.doc_id, d.identity, d.version, d.latest, d.ingested_at, d.title, d.date, d.text,"
            " (SELECT count(*) FROM claims c WHERE c.document_id = d.id) AS claims FROM documents d WHERE d.identity = ? ORDER BY d.version",
            (identity,),
        ).fetchall()

    def latest_documents(self) -> list[int]:
        """The ids of the latest version of each document, in order: what derived results (propositions, quote checks)
        record having been computed from, to tell whether they still stand."""
        return [row[0] for row in self.db.execute("SELECT id FROM documents WHERE latest = 1 ORDER BY id")]

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

    def set_verdict(self, proposition_id: int, verdict: str, note: str = "", source_url: str = "") -> None:
        """Record a user's verdict on a stored proposition (replacing an earlier one), with the statement it was given on."""
        if verdict not in VERDICTS:
            raise ValueError(f"verdict must be one of {', '.join(VERDICTS)}, not {verdict!r}")
        row = self.db.execute("SELECT statement FROM propositions WHERE id = ?", (proposition_id,)).fetchone()
        if row is None:
            raise KeyError(f"no proposition {proposition_id} in {self.path}")
        self.write(lambda: self.db.execute(
            "INSERT INTO verdicts (proposition_id, statement, verdict, note, source_url) VALUES (?, ?, ?, ?, ?)"
            " ON CONFLICT (proposition_id) DO UPDATE SET statement = excluded.statement, verdict = excluded.verdict,"
            " note = excluded.note, source_url = excluded.source_url, decided_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now')",
            (proposition_id, row["statement"], verdict, note, source_url),
        ))

    def verdict(self, proposition_id: int) -> dict[str, Any] | None:
        """The verdict given on a proposition, if any."""
        row = self.db.execute("SELECT * FROM verdicts WHERE proposition_id = ?", (proposition_id,)).fetchone()
        return None if row is None else dict(row)
