"""Relinking a ledger that grew: stored stance and clause reads, only what is new read, the same propositions as a first link."""

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


def test_a_relink_after_new_documents_gives_what_a_first_link_of_them_all_gives(grown, fresh):
    _, _, _, _, after = grown
    found, _ = fresh
    assert any(p.contested for p in found)
    assert _shape(after) == _shape(found)


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
