"""The persuasion technique component: targets for training, spans and their techniques, claims' techniques."""

from __future__ import annotations

import numpy as np
import pytest

from counterclaim.model import Claim, TechniqueUse, TextSpans
from counterclaim.nlp.technique_training import word_targets
from counterclaim.nlp.techniques import TECHNIQUES, ParagraphReading, claim_techniques, technique_spans
from tests.conftest import SEED


class Word:
    def __init__(self, text: str, idx: int) -> None:
        self.text, self.idx = text, idx


def words(text: str) -> list[Word]:
    out, at = [], 0
    for piece in text.split():
        at = text.index(piece, at)
        out.append(Word(piece, at))
        at += len(piece)
    return out


def test_training_targets_mark_merged_spans_in_bio_and_each_words_techniques():
    tokens = words("They are evil traitors and liars .")
    spans = [("Name_Calling,Labeling", 9, 22), ("Loaded_Language", 9, 13), ("Name_Calling,Labeling", 27, 33)]
    tags, techniques = word_targets(tokens, spans)
    assert tags == [0, 0, 1, 2, 0, 1, 0]
    name_calling, loaded = TECHNIQUES.index("Name_Calling,Labeling"), TECHNIQUES.index("Loaded_Language")
    assert techniques[2][name_calling] == techniques[2][loaded] == 1.0 and sum(techniques[2]) == 2.0
    assert techniques[3][loaded] == 0.0 and techniques[1] == [0.0] * len(TECHNIQUES)


def test_spans_come_from_bio_tags_and_a_run_another_technique_reads_best_is_its_own_span():
    tokens = words("It is a sinister propaganda machine today")
    span_probs = np.log(np.array([[0.9, 0.05, 0.05]] * 2 + [[0.1, 0.8, 0.1]] + [[0.1, 0.1, 0.8]] * 3 + [[0.9, 0.05, 0.05]]))
    technique_probs = np.full((7, len(TECHNIQUES)), 0.01)
    technique_probs[2:4, TECHNIQUES.index("Loaded_Language")] = 0.9
    technique_probs[4:6, TECHNIQUES.index("Name_Calling,Labeling")] = 0.6
    spans = technique_spans(ParagraphReading(tokens, span_probs, technique_probs))
    whole, run = spans[0], spans[1]
    text = "It is a sinister propaganda machine today"
    assert text[whole.start : whole.end] == "a sinister propaganda machine" and whole.techniques[0] == "Loaded_Language"
    assert text[run.start : run.end] == "propaganda machine" and run.techniques == ["Name_Calling,Labeling"]


def test_a_claim_gets_the_techniques_of_spans_in_its_content_cut_to_it():
    claim = Claim("d", "direct", "assert", TextSpans([(10, 30)], "x"))
    from counterclaim.nlp.techniques import TechniqueSpan

    uses = claim_techniques(claim, [TechniqueSpan(0, 15, ["Doubt"], [0.6]), TechniqueSpan(40, 50, ["Slogans"], [0.7])])
    assert uses == [TechniqueUse("Doubt", [(10, 15)])]
    record = Claim("d", "direct", "assert", TextSpans([(10, 30)], "x"), techniques=uses).to_json()
    assert record["techniques"] == [{"technique": "Doubt", "spans": [[10, 15]]}]
    assert Claim.from_json(record).shifted(5).techniques == [TechniqueUse("Doubt", [(15, 20)])]


@pytest.mark.skipif(not SEED.exists(), reason="needs ../shared/seed/panjshir-npr-2021-09-03.txt")
def test_techniques_on_the_reference_case_lie_inside_their_claims(extractor):
    """What the branch finds is cut to each claim's content. (Its quality is gated in tests/eval/test_ptc.py; which
    spans it marks on the seed changes with each training: over the 6-epoch tagger it no longer marks Nazary's "The
    Taliban propaganda machine is trying to divert attention", and retrained over the tagger's 8-bit reading no longer
    "civil war" as loaded language.)"""
    from counterclaim.ingest import read_document

    extraction = next(extractor.extract([read_document(SEED)]))
    text = extraction.document.text
    found = {(c.content.text, use.technique, text[s:e]) for c in extraction.claims for use in c.techniques for s, e in use.spans}
    assert {(c.speaker.name, text[s:e]) for c in extraction.claims for use in c.techniques for s, e in use.spans if c.speaker} >= {
        ("Ali Nazary", "The whole world has abandoned us.")
    }, sorted(found)
    for claim in extraction.claims:
        for use in claim.techniques:
            assert all(any(a <= s and e <= b for a, b in claim.content.spans) for s, e in use.spans)
    assert all(doc_state is None for doc_state in [extractor.nlp("A test.")._.tagger_states])  # the component frees them


def test_techniques_leave_the_claims_as_they_were(extractor):
    """Keeping the tagger's states for the branch changes no tag: the same claims with the component and without it."""
    from counterclaim.claims import ClaimExtractor
    from counterclaim.ingest import read_document
    from counterclaim.nlp.pipeline import load_pipeline
    from tests.conftest import FIXTURES

    documents = [read_document(FIXTURES / "interview.txt"), read_document(FIXTURES / "dam_article.txt")]
    without = ClaimExtractor(load_pipeline(with_techniques=False))
    strip = lambda claims: [{k: v for k, v in c.to_json().items() if k != "techniques"} for c in claims]  # noqa: E731
    for with_them, plain in zip(extractor.extract(documents), without.extract(documents), strict=True):
        assert strip(with_them.claims) == strip(plain.claims)


def test_speaker_rows_count_the_techniques_of_each_speakers_claims():
    from counterclaim.claims import Extraction
    from counterclaim.export.speakers import speaker_rows
    from counterclaim.ingest import document_from_text
    from counterclaim.model import Speaker

    nazary = Speaker(id="ali-nazary", name="Ali Nazary", kind="person")
    uses = [TechniqueUse("Loaded_Language", [(0, 4)]), TechniqueUse("Loaded_Language", [(6, 9)]), TechniqueUse("Doubt", [(0, 2)])]
    claims = [
        Claim("d", "direct", "assert", TextSpans([(0, 10)], "x"), speaker=nazary, techniques=uses),
        Claim("d", "direct", "assert", TextSpans([(20, 30)], "y"), speaker=nazary, techniques=uses[:1]),
    ]
    [row] = speaker_rows(Extraction(document_from_text("d", "x" * 40), claims, [nazary]))
    assert row["claims"] == 2 and row["techniques"] == {"Loaded_Language": 2, "Doubt": 1}  # claims, not spans


def test_a_short_training_run_writes_a_branch_that_loads_and_scores(tmp_path):
    """The whole path of `train techniques` and `eval ptc` on two articles written here (one epoch, in a scratch folder)."""
    from counterclaim.cli import main

    (tmp_path / "toy-articles").mkdir()
    texts = {"10": "Traitors Again\n\nThe council is a gang of traitors and liars.\nThey will never stop.\n",
             "11": "A Quiet Day\n\nThe bridge opened on Monday.\nEveryone knows the mayor is a crook.\n"}
    labels = []
    for article, text in texts.items():
        (tmp_path / "toy-articles" / f"article{article}.txt").write_text(text, encoding="utf-8")
    labels.append(f"10\tName_Calling,Labeling\t{texts['10'].index('gang')}\t{texts['10'].index(' and liars')}")
    labels.append(f"11\tName_Calling,Labeling\t{texts['11'].index('a crook')}\t{texts['11'].index('crook') + 5}")
    (tmp_path / "toy-task2-TC.labels").write_text("\n".join(labels) + "\n", encoding="utf-8")
    model = tmp_path / "model"
    assert main(["train", "techniques", str(tmp_path), "--all", "--epochs", "1", "--depth", "1", "--model-dir", str(model)]) == 0
    meta = __import__("json").loads((model / "techniques.json").read_text())
    assert meta["depth"] == 1 and meta["articles"] == 2 and meta["attribution"]
    assert main(["eval", "ptc", str(tmp_path), "--model-dir", str(model), "--json"]) == 0
