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
from counterclaim.store import Ledger, id_lists

if TYPE_CHECKING:
    from counterclaim.link.propositions import ClaimUnit

CHUNK = 512
BLOCK = 4096
CELLS_FROM = 200_000  # below this many vectors `check` reads them all (exact); from it, an inverted file of cells
CELL_TRAINED_SIZE = 256  # vectors a cell holds when its centroids are trained (cells grow with the ledger after)
CELLS_AT_MOST = 1024  # so that training, and assigning every vector, stays under a minute on a large ledger
PROBE_VECTORS = 100_000  # a query reads the cells nearest it until it has read this many vectors
SMALL_ROWS = 16  # a cell's rows of fewer than BLOCK vectors (appended as the ledger grows) are merged past this many
KMEANS_ROUNDS = 12
SAMPLE_PER_CELL = 64


def meaning_hash(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:16]


def stored_vectors(ledger: Ledger, claim_ids: list[int] | None = None, dtype: str = "float32") -> tuple[np.ndarray, np.ndarray]:
    """(claim ids, vectors as float32, or as stored with `float16`) of the stored vectors, of the given claims or of all."""
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
        return ids, np.zeros((0, DIMENSIONS), dtype=dtype)
    matrix = np.frombuffer(b"".join(row[1] for row in rows), dtype=np.float16).reshape(len(rows), DIMENSIONS)
    return ids, matrix.astype(dtype, copy=False)


def nearest(ledger: Ledger, query: np.ndarray, count: int) -> tuple[np.ndarray, np.ndarray]:
    """(claim ids, cosines) of the `count` stored vectors nearest the (unit) query, nearest first.

    Below CELLS_FROM vectors every one is read, so the answer is exact. From it the vectors are kept in cells around
    centroids (an inverted file) and a query reads the cells whose centroids are nearest it until it has read
    PROBE_VECTORS: its cost stays the same as the ledger grows, and a near vector is missed only when its cell is
    farther from the query than cells holding PROBE_VECTORS others."""
    tail_ids, tail_vectors = _packed_and_tail(ledger)
    cells = _probed_cells(ledger, query)
    if cells is None:
        blocks = ledger.db.execute("SELECT claim_ids, vectors FROM vector_blocks ORDER BY id").fetchall()
    else:
        blocks = [row for listed in id_lists(sorted(cells)) for row in ledger.db.execute(
            f"SELECT claim_ids, vectors FROM vector_blocks WHERE cell IN ({listed}) ORDER BY id")]
    ids = np.concatenate([np.frombuffer(b"".join(row[0] for row in blocks), dtype=np.int64), tail_ids])
    vectors = np.frombuffer(b"".join(row[1] for row in blocks), dtype=np.float16).reshape(-1, DIMENSIONS)
    similarity = np.concatenate([_similarity(vectors, query), _similarity(tail_vectors, query)])
    if len(similarity) > count:
        chosen = np.argpartition(-similarity, count - 1)[:count]
    else:
        chosen = np.arange(len(similarity))
    chosen = chosen[np.lexsort((ids[chosen], -similarity[chosen]))]  # nearest first, ties by claim
    return ids[chosen], similarity[chosen]


def _similarity(vectors: np.ndarray, query: np.ndarray) -> np.ndarray:
    """Cosine of each stored (float16) vector with the query, a block at a time in float32 (numpy has no fast float16 product)."""
    result = np.empty(len(vectors), dtype="float32")
    for start in range(0, len(vectors), 16384):
        result[start : start + 16384] = vectors[start : start + 16384].astype("float32") @ query
    return result


def _cells(ledger: Ledger) -> tuple[np.ndarray, np.ndarray]:
    """(centroids, sizes) of the cells, indexed by cell number; none when the vectors are not in cells."""
    rows = ledger.db.execute("SELECT centroid, size FROM vector_cells ORDER BY cell").fetchall()
    centroids = np.frombuffer(b"".join(row[0] for row in rows), dtype=np.float32).reshape(len(rows), DIMENSIONS)
    return centroids, np.array([row[1] for row in rows], dtype=np.int64)


def _probed_cells(ledger: Ledger, query: np.ndarray) -> list[int] | None:
    """The cells to read for this query, nearest centroid first, or None when the vectors are not in cells."""
    centroids, sizes = _cells(ledger)
    if not len(centroids):
        return None
    order = np.argsort(-(centroids @ query), kind="stable")
    enough = int(np.searchsorted(np.cumsum(sizes[order]), PROBE_VECTORS)) + 1
    return order[:enough].tolist()


def _packed_and_tail(ledger: Ledger) -> tuple[np.ndarray, np.ndarray]:
    """Bring the packed blocks up to date and return the vectors not packed yet (claims added since, fewer than a block).

    Blocks hold the vectors of claims up to `vectors_packed_upto`; later claims' vectors are read from claim_vectors
    until there are a block's worth, which is then packed (into their cells, when there are cells). A change to a packed
    vector packs every block again, as does the ledger reaching CELLS_FROM vectors (which trains the cells)."""
    version = int(ledger.db.execute("SELECT value FROM meta WHERE key = 'vectors_version'").fetchone()[0])
    stale = ledger.db.execute("SELECT 1 FROM vector_blocks WHERE version != ? LIMIT 1", (version,)).fetchone()
    packed = ledger.db.execute("SELECT 1 FROM vector_blocks LIMIT 1").fetchone()
    if packed and not stale:
        upto = int(ledger.db.execute("SELECT value FROM meta WHERE key = 'vectors_packed_upto'").fetchone()[0])
        tail = ledger.db.execute("SELECT claim_id, vector FROM claim_vectors WHERE claim_id > ? ORDER BY claim_id", (upto,)).fetchall()
        tail_ids = np.fromiter((row[0] for row in tail), dtype=np.int64, count=len(tail))
        tail_vectors = np.frombuffer(b"".join(row[1] for row in tail), dtype=np.float16).reshape(len(tail), DIMENSIONS)
        if len(tail) < BLOCK:
            return tail_ids, tail_vectors
        in_cells = ledger.db.execute("SELECT 1 FROM vector_cells LIMIT 1").fetchone() is not None
        if in_cells or _packed_count(ledger) + len(tail) < CELLS_FROM:
            whole = len(tail) // BLOCK * BLOCK
            _append(ledger, tail_ids[:whole], tail_vectors[:whole], version, in_cells)
            return tail_ids[whole:], tail_vectors[whole:]
    ids, vectors = stored_vectors(ledger, dtype="float16")
    if len(ids):
        _pack_all(ledger, ids, vectors, version)
    return np.zeros(0, dtype=np.int64), np.zeros((0, DIMENSIONS), dtype=np.float16)


def _packed_count(ledger: Ledger) -> int:
    """How many vectors the blocks hold."""
    return int(ledger.db.execute("SELECT coalesce(sum(length(claim_ids)), 0) / 8 FROM vector_blocks").fetchone()[0])


def _pack_all(ledger: Ledger, ids: np.ndarray, vectors: np.ndarray, version: int) -> None:
    """Every vector packed again, in claim order: in one cell below CELLS_FROM vectors, else in cells trained on them."""
    centroids = train_centroids(vectors) if len(ids) >= CELLS_FROM else None
    cells = assign(vectors, centroids) if centroids is not None else np.zeros(len(ids), dtype=np.int64)

    def pack() -> None:
        ledger.db.execute("DELETE FROM vector_blocks")
        ledger.db.execute("DELETE FROM vector_cells")
        if centroids is not None:
            sizes = np.bincount(cells, minlength=len(centroids))
            ledger.db.executemany(
                "INSERT INTO vector_cells (cell, centroid, size) VALUES (?, ?, ?)",
                [(n, centroid.astype(np.float32).tobytes(), int(sizes[n])) for n, centroid in enumerate(centroids)],
            )
        _insert_blocks(ledger, ids, vectors, cells, version)

    ledger.write(pack)


def _append(ledger: Ledger, ids: np.ndarray, vectors: np.ndarray, version: int, in_cells: bool) -> None:
    """New vectors packed after the others: each into its cell when there are cells."""
    cells = assign(vectors, _cells(ledger)[0]) if in_cells else np.zeros(len(ids), dtype=np.int64)

    def pack() -> None:
        _insert_blocks(ledger, ids, vectors, cells, version)
        if in_cells:
            ledger.db.executemany("UPDATE vector_cells SET size = size + ? WHERE cell = ?",
                                  [(int(n), int(cell)) for cell, n in zip(*np.unique(cells, return_counts=True), strict=True)])
            for cell in np.unique(cells).tolist():
                _merge_small_rows(ledger, cell, version)

    ledger.write(pack)


def _insert_blocks(ledger: Ledger, ids: np.ndarray, vectors: np.ndarray, cells: np.ndarray, version: int) -> None:
    """Rows of at most BLOCK vectors, each of one cell, in claim order within a cell; the packed watermark moves to the last id."""
    order = np.argsort(cells, kind="stable")
    ids, vectors, cells = ids[order], vectors[order], cells[order]
    starts = _run_starts(cells)
    rows = []
    for start, end in zip(starts.tolist(), [*starts[1:].tolist(), len(cells)], strict=True):
        for at in range(start, end, BLOCK):
            upto = min(at + BLOCK, end)
            rows.append((version, int(cells[at]), ids[at:upto].astype(np.int64).tobytes(), vectors[at:upto].astype(np.float16).tobytes()))
    ledger.db.executemany("INSERT INTO vector_blocks (version, cell, claim_ids, vectors) VALUES (?, ?, ?, ?)", rows)
    ledger.db.execute("UPDATE meta SET value = ? WHERE key = 'vectors_packed_upto'", (str(int(ids.max()) if len(ids) else 0),))


def _merge_small_rows(ledger: Ledger, cell: int, version: int) -> None:
    """A cell's rows of fewer than BLOCK vectors merged into one once there are more than SMALL_ROWS of them, so that
    reading a cell stays a few rows however many times vectors were appended to it."""
    small = ledger.db.execute(
        "SELECT id, claim_ids, vectors FROM vector_blocks WHERE cell = ? AND length(claim_ids) < ? ORDER BY id", (cell, BLOCK * 8)
    ).fetchall()
    if len(small) <= SMALL_ROWS:
        return
    for listed in id_lists(row[0] for row in small):
        ledger.db.execute(f"DELETE FROM vector_blocks WHERE id IN ({listed})")
    ledger.db.execute("INSERT INTO vector_blocks (version, cell, claim_ids, vectors) VALUES (?, ?, ?, ?)",
                      (version, cell, b"".join(row[1] for row in small), b"".join(row[2] for row in small)))


def train_centroids(vectors: np.ndarray) -> np.ndarray:
    """Unit centroids of cells of about CELL_TRAINED_SIZE vectors (spherical k-means on a sample, seeded, float32)."""
    count = min(CELLS_AT_MOST, max(1, len(vectors) // CELL_TRAINED_SIZE))
    random = np.random.default_rng(0)
    sample = vectors[np.sort(random.choice(len(vectors), min(len(vectors), count * SAMPLE_PER_CELL), replace=False))].astype(np.float32)
    centroids = sample[random.choice(len(sample), count, replace=False)].copy()
    for _ in range(KMEANS_ROUNDS):
        cells = assign(sample, centroids)
        order = np.argsort(cells, kind="stable")
        ordered = cells[order]
        starts = _run_starts(ordered)
        sums = np.zeros_like(centroids)
        sums[ordered[starts]] = np.add.reduceat(sample[order], starts, axis=0)
        norms = np.linalg.norm(sums, axis=1, keepdims=True)
        empty = norms[:, 0] == 0
        centroids = np.where(empty[:, None], sample[random.choice(len(sample), count)], sums / np.maximum(norms, 1e-12))
    return centroids.astype(np.float32)


def _run_starts(sorted_cells: np.ndarray) -> np.ndarray:
    """Where each cell's run begins in cell numbers sorted."""
    return np.flatnonzero(np.r_[True, sorted_cells[1:] != sorted_cells[:-1]]) if len(sorted_cells) else np.zeros(0, dtype=np.int64)


def assign(vectors: np.ndarray, centroids: np.ndarray) -> np.ndarray:
    """Each vector's nearest centroid (the largest dot product), a block at a time."""
    cells = np.empty(len(vectors), dtype=np.int64)
    for start in range(0, len(vectors), 16384):
        cells[start : start + 16384] = np.argmax(vectors[start : start + 16384].astype(np.float32) @ centroids.T, axis=1)
    return cells


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
