"""Claim embeddings kept in the ledger: computed once per claim, read back by every relink and every `check`.

Each vector is the MiniLM embedding of what the claim means (its content, or
the headline an elliptical content stands for), unit length, stored as
float16: 768 bytes a claim, 77 MB for 100,000 claims.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np

from counterclaim.link.embeddings import DIMENSIONS
from counterclaim.store import Ledger

if TYPE_CHECKING:
    from counterclaim.link.propositions import ClaimUnit

CHUNK = 512
BLOCK = 4096


def meaning_hash(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:16]


def stored_vectors(ledger: Ledger, claim_ids: list[int] | None = None) -> tuple[np.ndarray, np.ndarray]:
    """(claim ids, vectors as float32) of the stored vectors, of the given claims or of all."""
    if claim_ids is None:
        rows = ledger.db.execute("SELECT claim_id, vector FROM claim_vectors ORDER BY claim_id").fetchall()
    else:
        rows = []
        for start in range(0, len(claim_ids), CHUNK):
            chunk = claim_ids[start : start + CHUNK]
            rows.extend(ledger.db.execute(
                f"SELECT claim_id, vector FROM claim_vectors WHERE claim_id IN ({','.join('?' * len(chunk))})", chunk
            ).fetchall())
    ids = np.fromiter((row[0] for row in rows), dtype=np.int64, count=len(rows))
    if not rows:
        return ids, np.zeros((0, DIMENSIONS), dtype="float32")
    matrix = np.frombuffer(b"".join(row[1] for row in rows), dtype=np.float16).reshape(len(rows), DIMENSIONS)
    return ids, matrix.astype("float32")


def all_vectors(ledger: Ledger) -> tuple[np.ndarray, np.ndarray]:
    """(claim ids, float16 vectors) of every stored vector: the packed blocks, then the vectors of claims added since,
    which are packed once there is a block of them; every block is packed again when a packed vector changed."""
    version = int(ledger.db.execute("SELECT value FROM meta WHERE key = 'vectors_version'").fetchone()[0])
    blocks = ledger.db.execute("SELECT version, claim_ids, vectors FROM vector_blocks ORDER BY id").fetchall()
    if not blocks or any(row[0] != version for row in blocks):
        ids, vectors = stored_vectors(ledger)
        _pack(ledger, ids, vectors, version, again=True)
        return ids, vectors.astype(np.float16)
    upto = int(ledger.db.execute("SELECT value FROM meta WHERE key = 'vectors_packed_upto'").fetchone()[0])
    ids = np.frombuffer(b"".join(row[1] for row in blocks), dtype=np.int64)
    vectors = np.frombuffer(b"".join(row[2] for row in blocks), dtype=np.float16).reshape(len(ids), DIMENSIONS)
    tail = ledger.db.execute("SELECT claim_id, vector FROM claim_vectors WHERE claim_id > ? ORDER BY claim_id", (upto,)).fetchall()
    if not tail:
        return ids, vectors
    tail_ids = np.fromiter((row[0] for row in tail), dtype=np.int64, count=len(tail))
    tail_vectors = np.frombuffer(b"".join(row[1] for row in tail), dtype=np.float16).reshape(len(tail), DIMENSIONS)
    if len(tail) >= BLOCK:
        whole = len(tail) // BLOCK * BLOCK
        _pack(ledger, tail_ids[:whole], tail_vectors[:whole], version, again=False)
    return np.concatenate([ids, tail_ids]), np.concatenate([vectors, tail_vectors])


def _pack(ledger: Ledger, ids: np.ndarray, vectors: np.ndarray, version: int, again: bool) -> None:
    """Store these vectors (in claim order) as blocks: in place of all blocks (`again`), or after them."""

    def pack() -> None:
        if again:
            ledger.db.execute("DELETE FROM vector_blocks")
        ledger.db.executemany(
            "INSERT INTO vector_blocks (version, claim_ids, vectors) VALUES (?, ?, ?)",
            [(version, ids[i : i + BLOCK].astype(np.int64).tobytes(), vectors[i : i + BLOCK].astype(np.float16).tobytes())
             for i in range(0, max(len(ids), 1), BLOCK)],
        )
        ledger.db.execute("UPDATE meta SET value = ? WHERE key = 'vectors_packed_upto'", (str(int(ids[-1]) if len(ids) else 0),))

    ledger.write(pack)


def unit_vectors(ledger: Ledger, units: list[ClaimUnit], progress: Callable[[int, int], None] | None = None) -> np.ndarray:
    """One row per unit, in order: stored vectors where there are, new ones embedded and stored for the rest."""
    from counterclaim.link.embeddings import embed

    ids, stored = stored_vectors(ledger, [u.id for u in units])
    hashes: dict[int, str] = {}
    wanted = [int(i) for i in ids]
    for start in range(0, len(wanted), CHUNK):  # of these claims only: not a read of every stored vector's hash
        chunk = wanted[start : start + CHUNK]
        hashes.update(ledger.db.execute(
            f"SELECT claim_id, meaning_hash FROM claim_vectors WHERE claim_id IN ({','.join('?' * len(chunk))})", chunk).fetchall())
    found = {int(i): row for i, row in zip(ids, stored, strict=True)}
    missing = [u for u in units if u.id not in found or hashes.get(u.id) != meaning_hash(u.meaning)]
    for start in range(0, len(missing), CHUNK):
        chunk = missing[start : start + CHUNK]
        vectors = embed([u.meaning for u in chunk])
        rows = [(u.id, meaning_hash(u.meaning), v.astype(np.float16).tobytes()) for u, v in zip(chunk, vectors, strict=True)]
        ledger.write(lambda rows=rows: ledger.db.executemany(
            "INSERT OR REPLACE INTO claim_vectors (claim_id, meaning_hash, vector) VALUES (?, ?, ?)", rows))
        for unit, vector in zip(chunk, vectors, strict=True):
            found[unit.id] = vector.astype(np.float16).astype("float32")
        if progress:
            progress(start + len(chunk), len(missing))
    if not units:
        return np.zeros((0, DIMENSIONS), dtype="float32")
    return np.stack([found[u.id] for u in units])
