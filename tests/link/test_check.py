"""Preparing a ledger for `check`: only claims without a stored vector are loaded and embedded."""

from counterclaim.ingest import read_document
from counterclaim.link.check import check, prepare
from counterclaim.store import Ledger
from tests.conftest import FIXTURES

DOCS = sorted((FIXTURES / "kessel_bridge" / "docs").glob("*.txt"))


def test_prepare_embeds_each_claim_once_and_a_grown_ledger_only_its_new_claims(tmp_path, extractor, monkeypatch):
    from counterclaim.link import check as check_module

    loaded = []
    load_units = check_module.load_units
    monkeypatch.setattr(check_module, "load_units", lambda ledger, ids=None: loaded.append(ids) or load_units(ledger, ids))
    extractions = list(extractor.extract(read_document(p) for p in DOCS))
    with Ledger(tmp_path / "ledger.db") as ledger:
        ledger.store_many(extractions[:3])
        first = prepare(ledger)
        assert first > 0
        assert prepare(ledger) == 0
        loaded.clear()
        ledger.store_many(extractions[3:])
        new = ledger.db.execute(
            "SELECT count(*) FROM claims c JOIN documents d ON d.id = c.document_id WHERE d.doc_id IN (?, ?) AND c.mode != 'question'",
            (extractions[3].document.doc_id, extractions[4].document.doc_id),
        ).fetchone()[0]
        assert prepare(ledger) == new > 0
        assert len(loaded) == 1 and loaded[0] is not None and len(loaded[0]) == new  # the new claims alone were loaded
        vectors = ledger.db.execute("SELECT count(*) FROM claim_vectors").fetchone()[0]
        assert vectors == first + new
        assert check(ledger, "The army captured the Kessel bridge").findings


def _put(ledger, ids, vectors):
    import numpy as np

    rows = [(int(i), "h", np.asarray(v, dtype=np.float16).tobytes()) for i, v in zip(ids, vectors, strict=True)]
    ledger.write(lambda: ledger.db.executemany("INSERT OR REPLACE INTO claim_vectors (claim_id, meaning_hash, vector) VALUES (?, ?, ?)", rows))


def test_vectors_of_new_claims_are_packed_after_the_others_and_a_changed_one_packs_all_again(tmp_path, monkeypatch):
    import numpy as np

    from counterclaim.link import vectors as vectors_module
    from counterclaim.link.vectors import nearest

    monkeypatch.setattr(vectors_module, "BLOCK", 4)
    query = np.full(384, 1 / np.sqrt(384), dtype=np.float32)

    def put(ids, value):
        _put(ledger, ids, [np.full(384, value) for _ in ids])

    with Ledger(tmp_path / "ledger.db") as ledger:
        ledger.db.execute("PRAGMA foreign_keys = OFF")  # vectors without claims: this test is about packing alone
        put(range(1, 6), 0.1)
        ids, _ = nearest(ledger, query, 100)
        assert sorted(ids.tolist()) == [1, 2, 3, 4, 5]
        blocks = ledger.db.execute("SELECT id, version FROM vector_blocks").fetchall()
        put(range(6, 12), 0.2)  # new claims: a tail, packed once a block of them is there
        ids, cosines = nearest(ledger, query, 100)
        assert sorted(ids.tolist()) == list(range(1, 12)) and ids[:6].tolist() == list(range(6, 12))  # the larger ones first
        assert nearest(ledger, query, 3)[0].tolist() == [6, 7, 8]  # the nearest, ties by claim
        after = ledger.db.execute("SELECT id, version FROM vector_blocks").fetchall()
        assert after[: len(blocks)] == blocks and len(after) == len(blocks) + 1  # appended, the packed ones untouched
        assert ledger.db.execute("SELECT value FROM meta WHERE key = 'vectors_packed_upto'").fetchone()[0] == "9"
        put([2], 0.3)  # a packed vector changed: all packed again
        ids, _ = nearest(ledger, query, 1)
        assert ids.tolist() == [2]
        versions = {row[0] for row in ledger.db.execute("SELECT version FROM vector_blocks")}
        assert versions == {int(ledger.db.execute("SELECT value FROM meta WHERE key = 'vectors_version'").fetchone()[0])}
        assert ledger.db.execute("SELECT count(*) FROM vector_blocks").fetchone()[0] == 3  # 11 vectors, 4 a block
        assert ledger.db.execute("SELECT count(*) FROM vector_cells").fetchone()[0] == 0  # a small ledger has no cells


def _clustered(count, topics, seed):
    """Unit vectors near `topics` random directions (as claims gather around what they are about)."""
    import numpy as np

    random = np.random.default_rng(seed)
    centres = random.normal(size=(topics, 384))
    vectors = centres[random.integers(topics, size=count)] + random.normal(scale=0.6, size=(count, 384))
    return (vectors / np.linalg.norm(vectors, axis=1, keepdims=True)).astype(np.float32), centres


def test_a_large_ledger_keeps_its_vectors_in_cells_and_a_query_reads_only_the_nearest_cells(tmp_path, monkeypatch):
    import numpy as np

    from counterclaim.link import vectors as vectors_module
    from counterclaim.link.vectors import nearest

    for name, value in {"BLOCK": 16, "CELLS_FROM": 400, "CELL_TRAINED_SIZE": 50, "PROBE_VECTORS": 150, "SMALL_ROWS": 2}.items():
        monkeypatch.setattr(vectors_module, name, value)
    vectors, centres = _clustered(600, 8, seed=1)
    with Ledger(tmp_path / "ledger.db") as ledger:
        ledger.db.execute("PRAGMA foreign_keys = OFF")
        _put(ledger, range(1, 301), vectors[:300])
        nearest(ledger, vectors[0], 5)
        assert ledger.db.execute("SELECT count(*) FROM vector_cells").fetchone()[0] == 0  # 300 vectors: read them all
        _put(ledger, range(301, 501), vectors[300:500])  # past CELLS_FROM: trained and packed in cells
        nearest(ledger, vectors[0], 5)
        cells = ledger.db.execute("SELECT cell, size FROM vector_cells").fetchall()
        assert len(cells) == 10 and sum(row[1] for row in cells) == 500  # 500 // 50 cells, every vector in one
        read = []
        blocks = ledger.db.execute
        monkeypatch.setattr(vectors_module, "_similarity", lambda v, q, f=vectors_module._similarity: read.append(len(v)) or f(v, q))
        for n in (0, 123, 456):
            query = vectors[n]
            ids, cosines = nearest(ledger, query, 10)
            exact = np.argsort(-(vectors[:500] @ query), kind="stable")[:10] + 1
            assert ids[0] == n + 1 and cosines[0] > 0.99  # the vector itself, from its own cell
            assert len(set(ids.tolist()) & set(exact.tolist())) >= 8  # nearly all of the exact ten
            assert 150 <= read[-2] < 500 and read[-1] == 0  # a few cells, not every vector; no tail
        for start in range(500, 600, 20):  # appended to their cells a few at a time; a cell's small rows merged
            _put(ledger, range(start + 1, start + 21), vectors[start : start + 20])
            ids, _ = nearest(ledger, vectors[start + 5], 3)
            assert ids[0] == start + 6
        assert sum(row[0] for row in blocks("SELECT size FROM vector_cells")) == 596  # the last 4 wait as the tail
        most = blocks("SELECT max(n) FROM (SELECT count(*) AS n FROM vector_blocks WHERE length(claim_ids) < 128 GROUP BY cell)").fetchone()[0]
        assert most <= 2
        stored = blocks("SELECT claim_ids FROM vector_blocks").fetchall()
        assert sorted(np.frombuffer(b"".join(row[0] for row in stored), dtype=np.int64).tolist()) == list(range(1, 597))
