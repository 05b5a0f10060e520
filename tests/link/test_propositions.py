"""Propositions on two short documents written for the purpose: one claim, its denial, and two numbers."""

import pytest

from counterclaim.ingest import read_document
from counterclaim.link.propositions import content_words, link, linked_pairs, load_units, negated, store
from counterclaim.store import Ledger
from tests.conftest import FIXTURES, SEED


@pytest.fixture(scope="module")
def propositions(tmp_path_factory, extractor):
    path = tmp_path_factory.mktemp("contested") / "ledger.db"
    with Ledger(path) as ledger:
        for extraction in extractor.extract(read_document(p) for p in sorted((FIXTURES / "contested").glob("*.txt"))):
            ledger.add(extraction)
        found = link(load_units(ledger))
        store(ledger, found)
        stored = ledger.db.execute("SELECT count(*) FROM proposition_claims").fetchone()[0]
    return found, stored


def test_a_claim_and_its_denial_make_one_contested_proposition(propositions):
    found, _ = propositions
    capture = next(p for p in found if "captured the Kessel bridge" in p.statement)
    stances = {(m.speaker, m.stance) for m in capture.members}
    assert ("Northern Army", "supports") in stances
    assert ("Mira Castell", "disputes") in stances
    assert capture.contested


def test_different_numbers_on_one_unit_are_a_numeric_conflict(propositions):
    found, _ = propositions
    soldiers = next(p for p in found if "soldiers" in p.statement)
    assert soldiers.contested
    [conflict] = soldiers.numeric_conflicts
    assert sorted(v["value"] for v in conflict["values"]) == [3000, 10000]


def test_stances_are_stored(propositions):
    found, stored = propositions
    assert stored == sum(len(p.members) for p in found)


def test_blocking_leaves_out_words_shared_by_too_many_claims():
    import numpy as np

    class Unit:
        def __init__(self, words):
            self.words = words

    units = [Unit({"common", f"rare{i // 2}"}) for i in range(10)]
    vectors = np.ones((10, 4), dtype="float32") / 2  # all alike: only blocking keeps pairs apart
    assert {(a, b) for _, a, b in linked_pairs(units, vectors, block_max=4)} == {(0, 1), (2, 3), (4, 5), (6, 7), (8, 9)}
    assert content_words("The army captured the bridge") == {"army", "captured", "bridge"}
    assert negated("The bridge has not fallen") and not negated("The bridge fell")


def test_the_kessel_bridge_corpus_against_its_ground_truth(extractor):
    """Five documents from both parties and neutral outlets, with a ground truth written before measuring."""
    from counterclaim.eval.propositions import load_truth, score

    folder = FIXTURES / "kessel_bridge"
    with Ledger(":memory:") as ledger:
        for extraction in extractor.extract(read_document(p) for p in sorted((folder / "docs").glob("*.txt"))):
            ledger.add(extraction)
        units = load_units(ledger)
        result = score(link(units), units, load_truth(folder / "truth.json"))
    assert result["claims_found"] == result["named_claims"]
    assert result["purity"] >= 0.8
    assert result["contested_precision"] >= 0.66 and result["contested_recall"] >= 0.5


@pytest.mark.skipif(not SEED.exists(), reason="needs ../shared/seed/panjshir-npr-2021-09-03.txt")
def test_seed_dispute_over_the_province_is_contested(tmp_path, extractor):
    with Ledger(tmp_path / "ledger.db") as ledger:
        ledger.add(next(extractor.extract([read_document(SEED)])))
        found = link(load_units(ledger))
    taken = [p for p in found if any("taken control of the province" in m.text for m in p.members)]
    assert taken and taken[0].contested
    sides = {(m.speaker, m.stance) for m in taken[0].members}
    assert ("Ali Nazary", "disputes") in sides
    assert ("Amrullah Saleh", "disputes") in sides
    assert ("reports", "supports") in sides
    assert "Taliban" in taken[0].statement
