"""The stance cue layer: the cues a short text carries, how the layer shares the related probability, and its fitting."""

import subprocess
import sys

import numpy as np
import pytest

from counterclaim.link.stance_cues import CUE_NAMES, CueLayer, cue_features, fit_cue_layer
from counterclaim.link.stance_data import StanceDataError

CLAIM = "The army captured the dam"


def cues_of(text: str, claim: str = CLAIM) -> dict[str, float]:
    return dict(zip(CUE_NAMES, cue_features(claim, text), strict=True))


def test_cues_name_hedges_refutations_questions_and_sources():
    hedged = cues_of("Army reportedly captured the dam, officials say")
    assert hedged["text hedges"] and hedged["trailing source"] and hedged["text attributes"]
    assert not hedged["text refutes"] and not hedged["question mark"]
    assert hedged["claim words in text"] == 1.0
    refuted = cues_of("Report: dam capture a hoax?")
    assert refuted["text refutes"] and refuted["labelled"] and refuted["ends in a question"]
    assert cues_of("The army did not capture the dam")["text negation"]
    # every n't, as linking's own rules read a negation
    assert all(cues_of(f"The army {verb} the dam")["text negation"] for verb in ("couldn't take", "hasn't taken", "cannot hold"))
    assert not cues_of("The army noted the dam")["text negation"]
    assert cues_of("Video: the army at the dam")["text shows"] and cues_of("It is confirmed: the army took the dam")["text confirms"]


def layer_favouring_discuss_when_hedged() -> CueLayer:
    weights = np.zeros((3, len(CUE_NAMES)))
    weights[2, CUE_NAMES.index("text hedges")] = 3.0
    return CueLayer(0.5, weights, np.zeros(3))


def test_the_layer_moves_only_the_related_share_and_only_where_the_cues_overturn_the_reader():
    layer = layer_favouring_discuss_when_hedged()
    reading = np.array([[0.6, 0.1, 0.1, 0.2], [0.6, 0.1, 0.1, 0.2]], dtype="float32")
    result = layer.apply(reading, [CLAIM, CLAIM], ["The army reportedly captured the dam", "The army captured the dam"])
    assert result[:, 3] == pytest.approx([0.2, 0.2])
    assert result.sum(axis=1) == pytest.approx([1.0, 1.0], abs=1e-6)
    assert result[0].argmax() == 2  # hedged: discusses rather than supports
    assert (result[1] == reading[1]).all()  # no cue against the reader, no change: its own confidence stays


def test_a_stored_layer_reads_back_and_one_of_other_cues_is_refused():
    layer = layer_favouring_discuss_when_hedged()
    again = CueLayer.from_json(layer.to_json())
    assert again.reader_weight == layer.reader_weight and (again.weights == layer.weights).all()
    stored = layer.to_json()
    stored["cues"] = stored["cues"][:-1]
    with pytest.raises(ValueError, match="fit it again"):
        CueLayer.from_json(stored)


def test_fitting_learns_what_a_cue_says_where_the_reader_is_blind():
    rng = np.random.default_rng(0)
    texts, labels = [], []
    for n in range(300):
        label = n % 3
        texts.append(["The army captured the dam", "The army did not capture the dam", "The army reportedly captured the dam"][label])
        labels.append(label)
    blind = rng.dirichlet([1, 1, 1, 1], size=300).astype("float32")  # readings that say nothing about the label
    layer = fit_cue_layer(blind, [CLAIM] * 300, texts, labels)
    predicted = layer.apply(blind, [CLAIM] * 300, texts)[:, :3].argmax(axis=1)
    assert (predicted == np.array(labels)).mean() > 0.95
    with pytest.raises(StanceDataError, match="all three"):
        fit_cue_layer(blind[:2], [CLAIM] * 2, texts[:2], [0, 0])
    with pytest.raises(StanceDataError, match="all three"):
        fit_cue_layer(blind[:0], [], [], [])  # no claim held out by a fold model: nothing to fit on


def test_the_shipped_claim_reader_carries_its_layer():
    from counterclaim.link.stance import StanceModel

    assert StanceModel.load(passages=False).cues is not None
    assert StanceModel.load(passages=False, cues=False).cues is None


def test_training_the_readers_without_their_data_is_a_usage_error(tmp_path):
    emergent = tmp_path / "emergent.csv"
    emergent.write_text("claimHeadline,articleHeadline,articleHeadlineStance,claimId\nA claim,A headline,for,1\n")
    out = subprocess.run(
        [sys.executable, "-m", "counterclaim.cli", "train", "stance", "--emergent", str(emergent), "--model-dir", str(tmp_path)],
        capture_output=True, text=True,
    )
    assert out.returncode == 2 and "--fnc1 and --polnear" in out.stderr and "Traceback" not in out.stderr


def test_fitting_the_cue_layers_where_no_readers_are_is_a_clear_error(tmp_path):
    emergent = tmp_path / "emergent.csv"
    emergent.write_text("claimHeadline,articleHeadline,articleHeadlineStance,claimId\nA claim,A headline,for,1\n")
    out = subprocess.run(
        [sys.executable, "-m", "counterclaim.cli", "train", "stance", "--emergent", str(emergent), "--only", "cues", "--model-dir", str(tmp_path)],
        capture_output=True, text=True,
    )
    assert out.returncode == 1 and "need the five fold models" in out.stderr and "Traceback" not in out.stderr
