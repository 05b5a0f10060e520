"""PTC scoring: the task's partial-overlap span F1 and technique micro-F1 on gold spans, on figures worked by hand."""

from __future__ import annotations

import pytest

from counterclaim.eval.ptc import held_out, load_ptc, merged, span_scores, technique_scores
from tests.conftest import SHARED


def test_span_scores_give_partial_credit_by_characters_after_merging():
    gold = {"1": [(0, 10), (5, 20), (30, 40)]}  # merged: (0, 20) and (30, 40)
    predicted = {"1": [(10, 20), (30, 35), (50, 60)]}
    scores = span_scores(gold, predicted)
    # precision: (10/10 + 5/5 + 0/10) / 3; recall: (10/20 + 5/10) / 2
    assert scores["precision"] == pytest.approx(2 / 3)
    assert scores["recall"] == pytest.approx(0.5)
    assert scores["f1"] == pytest.approx(2 * (2 / 3) * 0.5 / (2 / 3 + 0.5))
    assert merged([(5, 8), (0, 3), (2, 6)]) == [(0, 8)]
    assert span_scores({"1": [(0, 5)]}, {})["f1"] == 0.0


def test_technique_scores_match_labels_of_one_span_as_multisets():
    gold = [("1", "Doubt", 0, 5), ("1", "Loaded_Language", 0, 5), ("1", "Slogans", 9, 12), ("2", "Doubt", 0, 3)]
    predicted = [("1", "Doubt", 0, 5), ("1", "Doubt", 0, 5), ("1", "Slogans", 9, 12), ("2", "Repetition", 0, 3)]
    scores = technique_scores(gold, predicted)
    assert scores["micro_f1"] == pytest.approx(0.5)  # Doubt once and Slogans: 2 right of 4
    assert scores["per_class"]["Slogans"]["f1"] == 1.0 and scores["per_class"]["Loaded_Language"]["recall"] == 0.0


def test_a_folder_is_read_whatever_its_prefix(tmp_path):
    (tmp_path / "dev-articles").mkdir()
    (tmp_path / "dev-articles" / "article10.txt").write_text("Title\n\nThey are traitors.\n", encoding="utf-8")
    (tmp_path / "dev-articles" / "article11.txt").write_text("Plain\n", encoding="utf-8")
    (tmp_path / "dev-task2-TC.labels").write_text("10\tName_Calling,Labeling\t16\t24\n", encoding="utf-8")
    articles = load_ptc(tmp_path)
    assert [a.id for a in articles] == ["10", "11"]
    assert articles[0].text[16:24] == "traitors" and articles[0].spans == [("Name_Calling,Labeling", 16, 24)]
    assert held_out(articles[0]) and not held_out(articles[1])
    (tmp_path / "dev-task2-TC.labels").unlink()
    with pytest.raises(FileNotFoundError, match="no technique labels"):
        load_ptc(tmp_path)


@pytest.mark.skipif(not (SHARED / "data" / "ptc").exists(), reason="needs ../shared/data/ptc")
def test_the_shared_training_articles_load():
    articles = load_ptc(SHARED / "data" / "ptc")
    assert len(articles) == 311
    assert sum(len(a.spans) for a in articles) == 4942
    assert all(0 <= s < e <= len(a.text) for a in articles for _, s, e in a.spans)


@pytest.mark.skipif(not (SHARED / "data" / "ptc").exists(), reason="needs ../shared/data/ptc")
def test_the_shipped_branch_on_the_held_out_articles_keeps_its_scores(capsys):
    """A gate on the README's figures (span F1 0.339, technique micro-F1 0.399 on the 66 held-out articles)."""
    import json

    from counterclaim.cli import main

    assert main(["eval", "ptc", str(SHARED / "data" / "ptc"), "--held-out", "--json"]) == 0
    scores = json.loads(capsys.readouterr().out)
    assert scores["articles"] == 66
    assert scores["si_f1"] >= 0.30 and scores["tc_micro_f1"] >= 0.36, scores
