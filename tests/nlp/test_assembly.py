"""Tying tagged spans into attributions, on spans given by hand (the tagger's choices are tested elsewhere)."""

import pytest

from counterclaim.nlp.assembly import assemble
from counterclaim.nlp.attribution import RoleSpan


@pytest.fixture(scope="module")
def nlp():
    from counterclaim.nlp.pipeline import load_base_pipeline

    return load_base_pipeline()


def content_of(doc, fragment: str) -> RoleSpan:
    start = doc.text.index(fragment)
    span = doc.char_span(start, start + len(fragment))
    return RoleSpan("CONTENT", span.start, span.end)


def test_a_quotation_credited_by_a_dash_takes_the_name_as_source(nlp):
    doc = nlp("“The wall will only push the water onto the farms.”― Ilse Marten, 58, Dorn\nNext line.")
    [attribution] = assemble(doc, [content_of(doc, "The wall will only push the water onto the farms.")])
    assert attribution.source.text == "Ilse Marten"
    assert attribution.cue.text.endswith("―")
    assert "credit" in " ".join(attribution.notes)


def test_a_dash_after_unquoted_speech_is_no_credit(nlp):
    doc = nlp("The mayor said the wall will hold — Ilse Marten, the engineer, disagreed.")
    said = doc.text.index("said")
    cue = doc.char_span(said, said + 4)
    [attribution] = assemble(doc, [RoleSpan("CUE", cue.start, cue.end), content_of(doc, "the wall will hold")])
    assert attribution.cue.text == "said"
    assert attribution.source is None or attribution.source.text != "Ilse Marten"


def test_a_name_followed_by_more_words_is_no_credit(nlp):
    doc = nlp("“The wall will hold.” — Ilse Marten and the mayor disagree on little else.")
    [attribution] = assemble(doc, [content_of(doc, "The wall will hold.")])
    assert attribution.cue is None or attribution.cue.text != "—"
