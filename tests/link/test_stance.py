"""The stance readers: clear cases, passages, the data readers, the official FNC-1 score, and the gates on FNC-1 and Emergent."""

import json
import subprocess
import sys

import pytest

from counterclaim.eval.stance import fnc1_score, score_fnc1
from counterclaim.link.stance import StanceModel, StancePair
from counterclaim.link.stance_data import StanceDataError, claim_key, emergent_folds, is_fnc1_dev, passage, read_emergent, read_fnc1
from counterclaim.link.stance_training import WeightAverage, negated_text
from tests.conftest import SHARED

EMERGENT = SHARED / "data" / "emergent" / "train.csv"
FNC1 = SHARED / "data" / "fnc1"


@pytest.fixture(scope="module")
def model():
    return StanceModel.load()


def test_a_negation_disputes_and_a_restatement_supports(model):
    claim = "400 council fighters surrendered to the army"
    labels = model.predict([
        StancePair(claim, "No council fighters surrendered to the army"),
        StancePair(claim, "Four hundred fighters of the council gave themselves up to the army"),
    ])
    assert labels == ["disagree", "agree"]


def test_a_claim_on_another_matter_is_unrelated(model):
    [label] = model.predict([StancePair("400 council fighters surrendered to the army", "The city council approved a new budget for schools")])
    assert label == "unrelated"


def test_a_long_text_is_read_as_the_passage_that_bears_on_the_claim():
    body = " ".join(["The weather was fine and the market was busy."] * 20) + " Officials denied that the dam had burst. " + " ".join(
        ["Traffic moved slowly through the centre."] * 20
    )
    reading = passage("The dam burst overnight", body)
    assert "Officials denied that the dam had burst." in reading
    assert len(reading.split()) <= 80
    assert passage("The dam burst", "A short text.") == "A short text."


def test_readers_refuse_files_that_are_not_theirs(tmp_path):
    other = tmp_path / "other.csv"
    other.write_text("a,b\n1,2\n")
    with pytest.raises(StanceDataError, match="not an Emergent file"):
        read_emergent(other)
    stances, bodies = tmp_path / "stances.csv", tmp_path / "bodies.csv"
    bodies.write_text("Body ID,articleBody\n1,Some text\n")
    stances.write_text("Headline,Body ID,Stance\nA headline,2,agree\n")
    with pytest.raises(StanceDataError, match="body 2"):
        read_fnc1(stances, bodies)
    stances.write_text("Headline,Body ID,Stance\nA headline,1,maybe\n")
    with pytest.raises(StanceDataError, match="unknown stance"):
        read_fnc1(stances, bodies)


def test_the_official_fnc1_score():
    gold = ["agree", "unrelated", "discuss", "disagree"]
    # related/unrelated right on all four (4 x 0.25), the label right on agree only (0.75): 1.75 of 1.0 + 3 x 0.75 = 3.25
    assert fnc1_score(gold, ["agree", "unrelated", "agree", "agree"]) == pytest.approx(1.75 / 3.25)
    assert fnc1_score(gold, gold) == 1.0
    scores = score_fnc1(gold, ["agree", "unrelated", "agree", "agree"])
    assert scores["accuracy"] == 0.5 and scores["per_class"]["agree"]["precision"] == pytest.approx(1 / 3)


def test_splits_are_by_body_and_by_claim():
    assert is_fnc1_dev("1") == is_fnc1_dev("1")
    assert 0.05 < sum(is_fnc1_dev(str(i)) for i in range(2000)) / 2000 < 0.15
    pairs = [StancePair(f"claim {i // 3}", f"headline {i}", "agree", str(i // 3)) for i in range(30)]
    folds = emergent_folds(pairs)
    assert len(folds) == 10 and set(folds.values()) == set(range(5))
    assert claim_key("The army, captured it!") == claim_key("the army captured it")


def test_weight_average_puts_the_mean_of_the_counted_steps_in_place():
    import torch

    weights = [torch.zeros(2), torch.zeros(1)]
    average = WeightAverage(weights)
    average.apply()  # nothing counted: nothing changes
    assert weights[0].tolist() == [0.0, 0.0]
    for value in (1.0, 2.0, 6.0):
        for weight in weights:
            weight.fill_(value)
        average.add()
    weights[0].fill_(100.0)  # a step not counted
    average.apply()
    assert weights[0].tolist() == [3.0, 3.0] and weights[1].tolist() == [3.0]


def test_negated_text_says_the_opposite():
    assert negated_text("Bale will play Steve Jobs") == "Bale will not play Steve Jobs"
    assert negated_text("Man keeps burger for 20 years") == "It is not true that man keeps burger for 20 years"


@pytest.mark.skipif(not EMERGENT.exists(), reason="needs ../shared/data/emergent/train.csv")
def test_emergent_cross_validated_by_claim_holds_its_level():
    out = subprocess.run(
        [sys.executable, "-m", "counterclaim.cli", "eval", "emergent", str(EMERGENT), "--json"], capture_output=True, text=True, check=True
    )
    result = json.loads(out.stdout)
    assert result["claims"] == 240
    assert set(result["models"]) == {f"stance-claims-fold{k}" for k in range(5)}  # every training claim scored by a model that never saw it
    assert result["accuracy"] >= 0.78  # 0.787 measured with the cue layers (0.759 without); the aim of 0.80 is not reached yet


@pytest.mark.skipif(not (FNC1 / "train_stances.csv").exists(), reason="needs ../shared/data/fnc1")
def test_fnc1_on_the_held_out_bodies_beats_the_challenge_winner():
    out = subprocess.run(
        [sys.executable, "-m", "counterclaim.cli", "eval", "fnc1", "--stances", str(FNC1 / "train_stances.csv"),
         "--bodies", str(FNC1 / "train_bodies.csv"), "--held-out", "--json"],
        capture_output=True, text=True, check=True,
    )
    result = json.loads(out.stdout)
    assert result["pairs"] > 4000
    assert result["relative_score"] > 0.8202
