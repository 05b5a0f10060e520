"""The PolNeAR scorer on a fixture it can be checked by hand, and the gate on the dev split."""

import json
import subprocess
import sys

import pytest

from counterclaim.eval.polnear import load_split, score
from tests.conftest import POLNEAR, SHARED

TEXT = 'Ann Lee said the dam was safe. "It will hold," Bo Kim added.\n'
ANN = (
    "T1\tSource 0 7\tAnn Lee\nT2\tCue 8 12\tsaid\nT3\tContent 13 29\tthe dam was safe\nT4\tAttribution 8 12\tsaid\n"
    "E1\tAttribution:T4 Content:T3 Cue:T2 Source:T1\n"
    'T5\tContent 31 46\t"It will hold,"\nT6\tSource 47 53\tBo Kim\nT7\tCue 54 59\tadded\nT8\tAttribution 54 59\tadded\n'
    "E2\tAttribution:T8 Content:T5 Cue:T7 Source:T6\n"
)


@pytest.fixture
def split(tmp_path):
    (tmp_path / "text").mkdir()
    (tmp_path / "attributions").mkdir()
    (tmp_path / "text" / "a.txt").write_text(TEXT, encoding="utf-8")
    (tmp_path / "attributions" / "a_0a0a.ann").write_text(ANN, encoding="utf-8")
    (tmp_path / "attributions" / "a_ffff.ann").write_text("", encoding="utf-8")
    return tmp_path


def test_reads_gold_from_the_first_annotator(split):
    [document] = load_split(split)
    assert len(document.claims) == 2
    assert document.claims[1].direct and not document.claims[0].direct


def test_scores_loose_strict_and_attribution(split):
    documents = load_split(split)
    predictions = {
        "a": [
            {"content": {"spans": [[13, 22]]}, "source": {"spans": [[0, 3]]}, "cue": None},  # covers 9 of 16: loose only
            {"content": {"spans": [[31, 46]]}, "source": {"spans": [[0, 3]]}, "cue": {"spans": [[54, 59]]}},  # wrong source
            {"content": {"spans": [[0, 3]]}, "source": None, "cue": None},  # matches nothing
        ]
    }
    result = score(documents, predictions)
    assert result["loose"]["content"]["tp"] == 2
    assert result["strict"]["content"]["tp"] == 1
    assert result["loose"]["attribution"]["tp"] == 1
    assert result["loose"]["content"]["precision"] == pytest.approx(2 / 3)
    assert result["loose"]["cue_accuracy"] == pytest.approx(0.5)


def test_a_folder_that_is_not_a_split_is_refused(tmp_path):
    with pytest.raises(FileNotFoundError, match="not a PolNeAR split"):
        load_split(tmp_path)


@pytest.mark.skipif(not (POLNEAR / "dev").is_dir(), reason="needs ../shared/data/polnear/dev")
def test_dev_gate_and_agreement_with_the_acceptance_scorer(tmp_path):
    """Extraction on dev must stay above the floor, scored the same way as acceptance scores it."""
    predictions = tmp_path / "dev.jsonl"
    ours = subprocess.run(
        [sys.executable, "-m", "counterclaim.cli", "eval", "polnear", str(POLNEAR / "dev"), "--json", "--predictions", str(predictions)],
        capture_output=True, text=True, check=True,
    )
    result = json.loads(ours.stdout)
    assert result["loose"]["content"]["f1"] >= 0.80
    assert result["loose"]["attribution"]["f1"] >= 0.72
    # issue 13's spans (shipped: strict 0.700, attribution 0.774), with room for float differences between machines
    assert result["strict"]["content"]["f1"] >= 0.68 and result["loose"]["attribution"]["f1"] >= 0.75
    scorer = SHARED / "tools" / "polnear_score.py"
    if scorer.exists():
        theirs = subprocess.run(
            [sys.executable, str(scorer), "--gold", str(POLNEAR / "dev"), "--pred", str(predictions), "--json"],
            capture_output=True, text=True, check=True,
        )
        reference = json.loads(theirs.stdout)
        for level in ("loose", "strict"):
            for metric in ("content", "attribution"):
                assert abs(result[level][metric]["f1"] - reference[level][metric]["f1"]) <= 0.005
