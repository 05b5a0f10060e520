"""The stance model: clear cases with the shipped weights, the Emergent reader, and the gate on Emergent."""

import json
import subprocess
import sys

import pytest

from counterclaim.link.stance import StanceModel, StancePair, cue_features, read_emergent
from tests.conftest import SHARED

EMERGENT = SHARED / "data" / "emergent" / "train.csv"


@pytest.fixture(scope="module")
def model():
    return StanceModel.load()


@pytest.mark.parametrize(
    ("text", "stance"),
    [
        ("Highland council denies the army captured Sorell Pass", "against"),
        ("Army captures Sorell Pass after three-day battle", "for"),
        ("Army reportedly claims it took Sorell Pass", "observing"),
    ],
)
def test_clear_headlines_get_their_stance(model, text, stance):
    assert model.predict([StancePair("The army captured the Sorell Pass", text)]) == [stance]


def test_cues_count_denials_beyond_the_claims_own():
    assert cue_features("Officials deny the dam burst", "The dam burst")[:2] == [1.0, 1.0]
    assert cue_features("The dam did not burst", "The dam did not burst")[1] == 0.0


def test_a_csv_without_emergent_columns_is_refused(tmp_path):
    path = tmp_path / "other.csv"
    path.write_text("a,b\n1,2\n")
    with pytest.raises(ValueError, match="not an Emergent file"):
        read_emergent(path)


@pytest.mark.skipif(not EMERGENT.exists(), reason="needs ../shared/data/emergent/train.csv")
def test_emergent_cross_validated_by_claim_beats_the_published_baseline():
    out = subprocess.run(
        [sys.executable, "-m", "counterclaim.cli", "eval", "emergent", str(EMERGENT), "--json"], capture_output=True, text=True, check=True
    )
    result = json.loads(out.stdout)
    assert result["claims"] == 240
    assert result["accuracy"] >= 0.73
