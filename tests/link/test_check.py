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
