"""Relinking a ledger that grew: new documents linked into the stored propositions, stored reads, only what is new read."""

import json

import pytest

from counterclaim.ingest import read_document
from counterclaim.link import reads
from counterclaim.link.propositions import relink, stored_propositions
from counterclaim.link.stance import load_stance_model
from counterclaim.store import Ledger
from tests.conftest import FIXTURES

DOCS = sorted((FIXTURES / "kessel_bridge" / "docs").glob("*.txt"))


class CountingModel:
    """The shipped stance model, noting every pair it is asked to read."""

    def __init__(self) -> None:
        self.pairs: list[tuple[str, str]] = []

    def probabilities(self, pairs):
        self.pairs.extend((p.claim, p.text) for p in pairs)
        return load_stance_model().probabilities(pairs)


class RefusingModel:
    def probabilities(self, pairs):
        raise AssertionError(f"read {len(pairs)} pairs that should have been stored")


def _shape(propositions):
    """What a proposition says, without its id: statement, contested, and each member's claim, stance and rule."""
    return sorted(
        json.dumps([p.statement, p.contested, p.numeric_conflicts,
                    sorted((m.unit.record["claim_id"], m.stance, m.rule, round(m.score, 4)) for m in p.members)])
        for p in propositions
    )


@pytest.fixture(scope="module")
def extractions(extractor):
    return list(extractor.extract(read_document(p) for p in DOCS))


@pytest.fixture(scope="module")
def grown(tmp_path_factory, extractions):
    """A ledger linked on three documents, then on all five; the model's reads each time; and the results."""
    path = tmp_path_factory.mktemp("relink") / "ledger.db"
    first, second = CountingModel(), CountingModel()
    with Ledger(path) as ledger:
        ledger.store_many(extractions[:3])
        before, linked = relink(ledger, model=first)
        assert linked
        ledger.store_many(extractions[3:])
        after, linked = relink(ledger, model=second)
        assert linked
    return path, first, second, before, after


@pytest.fixture(scope="module")
def fresh(tmp_path_factory, extractions):
    """All five documents linked at once."""
    model = CountingModel()
    with Ledger(tmp_path_factory.mktemp("fresh") / "ledger.db") as ledger:
        ledger.store_many(extractions)
        found, _ = relink(ledger, model=model)
    return found, model


def _members(proposition):
    return {m.unit.record["claim_id"]: (m.stance, m.rule) for m in proposition.members}


def test_new_documents_are_linked_into_the_stored_propositions_which_keep_their_ids_statements_and_members(grown):
    _, _, _, before, after = grown
    by_id = {p.id: p for p in after}
    old_claims = {m.unit.record["claim_id"] for p in before for m in p.members}
    grew = False
    for proposition in before:
        now = by_id[proposition.id]
        assert now.statement == proposition.statement
        kept, added = _members(proposition), _members(now)
        assert {claim: added[claim] for claim in kept} == kept  # nothing stored moved
        new_claims = set(added) - set(kept)
        assert all(claim.split("#")[0] in ("4-radio", "5-monitor") for claim in new_claims)
        grew |= bool(new_claims)
    assert grew, "the new documents' claims join stored propositions"
    made = [p for p in after if p.id not in {q.id for q in before}]
    assert all(any(m.unit.record["claim_id"] not in old_claims for m in p.members) for p in made)
    assert any(p.contested for p in after)


def test_a_whole_relink_gives_what_a_first_link_of_them_all_gives(grown, fresh, tmp_path):
    import shutil

    path, *_ = grown
    copy = tmp_path / "ledger.db"
    shutil.copy(path, copy)
    found, _ = fresh
    with Ledger(copy) as ledger:
        again, linked = relink(ledger, model=CountingModel(), whole=True)
    assert linked
    assert _shape(again) == _shape(found)


def test_linking_new_documents_reads_only_them_and_their_neighbours(tmp_path, extractions, monkeypatch):
    """What an added document costs does not grow with the ledger: no unbounded read of its claims (a structural check)."""
    from counterclaim.link import incremental, propositions

    with Ledger(tmp_path / "ledger.db") as ledger:
        ledger.store_many(extractions[:4])
        relink(ledger)
        ledger.store_many(extractions[4:])
        loads = []
        real = incremental.load_units

        def bounded(ledger, claim_ids=None, documents=None):
            assert claim_ids is not None or documents is not None, "a load of every claim"
            loads.append(len(claim_ids) if claim_ids is not None else len(documents))
            return real(ledger, claim_ids, documents)

        monkeypatch.setattr(incremental, "load_units", bounded)
        monkeypatch.setattr(propositions, "link", lambda *a, **k: pytest.fail("a whole link"))
        monkeypatch.setattr(propositions, "document_texts", lambda *a, **k: pytest.fail("every document's text read"))
        _, linked = relink(ledger, contested_only=True)
    assert linked and loads


def test_a_replaced_document_leaves_its_propositions_and_the_new_version_is_linked(tmp_path, extractor, extractions):
    import dataclasses

    with Ledger(tmp_path / "ledger.db") as ledger:
        ledger.store_many(extractions)
        relink(ledger)
        army = next(e for e in extractions if e.document.doc_id == "2-army")
        old_id = ledger.db.execute("SELECT id FROM documents WHERE doc_id = '2-army'").fetchone()[0]
        assert ledger.db.execute("SELECT count(*) FROM proposition_claims pc JOIN claims c ON c.id = pc.claim_id"
                                 " WHERE c.document_id = ?", (old_id,)).fetchone()[0]
        text = army.document.text.replace("the army had not shelled the power station", "the army had shelled no power station")
        edition = next(extractor.extract([dataclasses.replace(army.document, text=text)]))
        assert ledger.store(edition) == "added"
        propositions, linked = relink(ledger)
        assert linked
        held = {m.unit.document_id for p in propositions for m in p.members}
        assert old_id not in held
        new_id = ledger.db.execute("SELECT id FROM documents WHERE doc_id = '2-army' AND latest = 1").fetchone()[0]
        assert new_id in held
        assert all(len(p.members) >= 2 for p in propositions)
        assert ledger.db.execute("SELECT count(*) FROM linked_documents WHERE document_id = ?", (old_id,)).fetchone()[0] == 0


def test_a_relink_reads_only_pairs_never_read_before(grown, fresh):
    _, first, second, _, _ = grown
    _, everything = fresh
    assert second.pairs, "the new documents bring pairs to read"
    assert not set(second.pairs) & set(first.pairs)
    assert len(second.pairs) == len(set(second.pairs))  # each pair once, even when several claims ask it
    assert len(second.pairs) < len(set(everything.pairs))


def test_with_nothing_new_contested_reads_what_was_stored(grown):
    path, _, _, _, after = grown
    with Ledger(path) as ledger:
        again, linked = relink(ledger, model=RefusingModel())
        assert not linked
        assert [p.to_json() for p in again] == [p.to_json() for p in after]
        assert [p.to_json() for p in stored_propositions(ledger)] == [p.to_json() for p in again]


def test_proposition_ids_live_on_when_the_ledger_grows(grown):
    _, _, _, before, after = grown
    ids_after = {p.statement: p.id for p in after}
    kept = [p for p in before if p.statement in ids_after]
    assert kept
    assert all(ids_after[p.statement] == p.id for p in kept)


def test_reads_of_another_model_are_forgotten(grown, tmp_path, monkeypatch):
    import shutil

    path, *_ = grown
    copy = tmp_path / "ledger.db"
    shutil.copy(path, copy)
    with Ledger(copy) as ledger:
        relink(ledger, model=CountingModel(), whole=True)  # what a whole link asks beyond what the added documents asked
        ledger.db.execute("DELETE FROM meta WHERE key = 'linked_state'")
        ledger.db.commit()
        again, linked = relink(ledger, model=RefusingModel())  # the same model: everything is stored
        assert linked and again
        monkeypatch.setattr(reads, "fingerprint", lambda: "another model")
        model = CountingModel()
        ledger.db.execute("DELETE FROM meta WHERE key = 'linked_state'")
        ledger.db.commit()
        relink(ledger, model=model)
        assert model.pairs
        assert ledger.db.execute("SELECT value FROM meta WHERE key = 'read_by'").fetchone()[0] == "another model"
