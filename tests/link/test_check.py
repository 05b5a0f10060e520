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


def test_vectors_of_new_claims_are_packed_after_the_others_and_a_changed_one_packs_all_again(tmp_path, monkeypatch):
    import numpy as np

    from counterclaim.link import vectors as vectors_module
    from counterclaim.link.vectors import all_vectors

    monkeypatch.setattr(vectors_module, "BLOCK", 4)

    def put(ledger, ids, value):
        rows = [(i, "h", np.full(384, value, dtype=np.float16).tobytes()) for i in ids]
        ledger.write(lambda: ledger.db.executemany("INSERT OR REPLACE INTO claim_vectors (claim_id, meaning_hash, vector) VALUES (?, ?, ?)", rows))

    with Ledger(tmp_path / "ledger.db") as ledger:
        ledger.db.execute("PRAGMA foreign_keys = OFF")  # vectors without claims: this test is about packing alone
        put(ledger, range(1, 6), 0.1)
        ids, _ = all_vectors(ledger)
        assert ids.tolist() == [1, 2, 3, 4, 5]
        blocks = ledger.db.execute("SELECT id, version FROM vector_blocks").fetchall()
        put(ledger, range(6, 12), 0.2)  # new claims: a tail, packed once a block of them is there
        ids, found = all_vectors(ledger)
        assert ids.tolist() == list(range(1, 12)) and float(found[-1][0]) == np.float16(0.2)
        after = ledger.db.execute("SELECT id, version FROM vector_blocks").fetchall()
        assert after[: len(blocks)] == blocks and len(after) == len(blocks) + 1  # appended, the packed ones untouched
        assert ledger.db.execute("SELECT value FROM meta WHERE key = 'vectors_packed_upto'").fetchone()[0] == "9"
        put(ledger, [2], 0.3)  # a packed vector changed: all packed again
        ids, found = all_vectors(ledger)
        assert ids.tolist() == list(range(1, 12)) and float(found[1][0]) == np.float16(0.3)
        versions = {row[0] for row in ledger.db.execute("SELECT version FROM vector_blocks")}
        assert versions == {int(ledger.db.execute("SELECT value FROM meta WHERE key = 'vectors_version'").fetchone()[0])}
        assert ledger.db.execute("SELECT count(*) FROM vector_blocks").fetchone()[0] == 3  # 11 vectors, 4 a block
