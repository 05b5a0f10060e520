"""Model reads kept in the ledger: the stance cross-encoder reads each (statement, text) pair once, and the tagger
reads each claim's text once for whether it is a clause.

Reading pairs is most of what linking costs (about 140 of 150 CPU seconds of a
first link of the 837 articles of PolNeAR train whose claims are already embedded), and
tagging every claim for a finite verb most of the rest (about 35 s). A relink
after new documents arrive asks again about almost every pair it asked before:
the statements of propositions the new claims do not touch stay the same, and
so do the claims near them. So every read is stored under a hash of what was
read, and only what was never read goes to a model, which is not even loaded
when there is nothing new. The reads are the models' own numbers (stance
probabilities as float32): a relink gives what a first link of the same ledger
gives.

The reads belong to the shipped models: `fingerprint` hashes the stance model's
files and the tagger's name and version, and a ledger whose reads came from
other models (an upgrade of counterclaim or of the spaCy pipeline) forgets them
at the next read.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from functools import cache
from typing import TYPE_CHECKING, Any

import numpy as np

from counterclaim.link.stance_data import LABELS, StancePair
from counterclaim.store import Ledger

if TYPE_CHECKING:
    from counterclaim.link.stance import StanceModel

CHUNK = 500  # keys per lookup query (SQLite allows 32,766 parameters; short queries stay fast)


@cache
def fingerprint() -> str:
    """A hash of the shipped stance readers' files, of how pairs and clauses are read, and of the tagger: what a stored read depends on."""
    from importlib import resources
    from importlib.metadata import version

    from counterclaim.link.checkable import CLAUSE_READING
    from counterclaim.link.stance import CLAIMS, MAX_SUBWORDS, PASSAGES, SHORT_TEXT, model_paths
    from counterclaim.nlp.english_model import english_model_name

    tagger = english_model_name()
    digest = hashlib.sha256(f"{MAX_SUBWORDS}:{SHORT_TEXT}:{tagger}=={version(tagger)}:clauses{CLAUSE_READING}".encode())
    for name in (CLAIMS, PASSAGES):
        for path in model_paths(name):
            digest.update(path.read_bytes() if path.exists() else b"missing")
    digest.update(resources.files("counterclaim.link").joinpath("stance_cues.py").read_bytes())  # how the claim reader's cue layer reads
    return digest.hexdigest()[:32]


def text_key(*texts: str) -> bytes:
    return hashlib.blake2b("\x00".join(texts).encode("utf-8", "surrogatepass"), digest_size=16).digest()


def forget_other_models(ledger: Ledger) -> None:
    """Drop the stored reads when they came from other models than these."""
    row = ledger.db.execute("SELECT value FROM meta WHERE key = 'read_by'").fetchone()
    if row is not None and row[0] == fingerprint():
        return

    def forget() -> None:
        ledger.db.execute("DELETE FROM stance_reads")
        ledger.db.execute("DELETE FROM clause_reads")
        ledger.db.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('read_by', ?)", (fingerprint(),))

    ledger.write(forget)


def _stored(ledger: Ledger, table: str, keys: list[bytes]) -> dict[bytes, Any]:
    """The stored values of these keys (table: stance_reads or clause_reads)."""
    found: dict[bytes, Any] = {}
    for start in range(0, len(keys), CHUNK):
        chunk = keys[start : start + CHUNK]
        found.update(ledger.db.execute(f"SELECT key, value FROM {table} WHERE key IN ({','.join('?' * len(chunk))})", chunk).fetchall())
    return found


def _store(ledger: Ledger, table: str, entries: list[tuple[bytes, bytes | int]]) -> None:
    ledger.write(lambda: ledger.db.executemany(f"INSERT OR REPLACE INTO {table} (key, value) VALUES (?, ?)", entries))


def stored_clauses(ledger: Ledger) -> Callable[[list[str]], list[bool]]:
    """`checkable.clauses` with the ledger's stored reads in front of it: each text tagged once."""
    from counterclaim.link.checkable import clauses

    def read(texts: list[str]) -> list[bool]:
        forget_other_models(ledger)
        keys = [text_key(t) for t in texts]
        stored = _stored(ledger, "clause_reads", list(set(keys)))
        missing = list(dict.fromkeys(k for k in keys if k not in stored))
        if missing:
            text_of = {k: t for k, t in zip(keys, texts, strict=True)}
            fresh = clauses([text_of[k] for k in missing])
            _store(ledger, "clause_reads", [(k, int(v)) for k, v in zip(missing, fresh, strict=True)])
            stored.update((k, int(v)) for k, v in zip(missing, fresh, strict=True))
        return [bool(stored[k]) for k in keys]

    return read


class StoredStance:
    """The stance model with the ledger's stored reads in front of it: the same `probabilities`, each pair read once."""

    def __init__(self, ledger: Ledger, model: StanceModel | None = None) -> None:
        self.ledger = ledger
        self._model = model

    @property
    def model(self) -> StanceModel:
        if self._model is None:
            from counterclaim.link.stance import load_stance_model

            self._model = load_stance_model()
        return self._model

    def probabilities(self, pairs: list[StancePair]) -> np.ndarray:
        """One row per pair: the probability of each of LABELS, read back where stored, else read and stored."""
        result = np.zeros((len(pairs), len(LABELS)), dtype="float32")
        if not pairs:
            return result
        forget_other_models(self.ledger)
        keys = [text_key(p.claim, p.text) for p in pairs]
        stored = _stored(self.ledger, "stance_reads", list(set(keys)))
        missing: dict[bytes, list[int]] = {}
        for row, key in enumerate(keys):
            if key in stored:
                result[row] = np.frombuffer(stored[key], dtype="float32")
            else:
                missing.setdefault(key, []).append(row)
        if missing:
            firsts = [rows[0] for rows in missing.values()]
            read = self.model.probabilities([pairs[row] for row in firsts]).astype("float32")
            for rows, values in zip(missing.values(), read, strict=True):
                result[rows] = values
            _store(self.ledger, "stance_reads", [(key, values.tobytes()) for key, values in zip(missing, read, strict=True)])
        return result
