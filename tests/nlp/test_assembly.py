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
    assert all(a.cue is None or a.cue.text != "—" for a in assemble(doc, [content_of(doc, "The wall will hold.")]))


def cue_at(doc, fragment: str, occurrence: int = 0) -> RoleSpan:
    start = -1
    for _ in range(occurrence + 1):
        start = doc.text.index(fragment, start + 1)
    span = doc.char_span(start, start + len(fragment))
    return RoleSpan("CUE", span.start, span.end)


def test_a_content_with_neither_cue_nor_source_is_no_attribution_and_only_a_quotation_takes_the_cue_before(nlp):
    doc = nlp('The mayor said the wall would hold.\nThe river rose again on Monday.\n"It will hold," he said.\n"We built it well."')
    spans = [cue_at(doc, "said"), content_of(doc, "the wall would hold"), content_of(doc, "The river rose again on Monday"),
             cue_at(doc, "said", 1), content_of(doc, "It will hold,"), content_of(doc, "We built it well.")]
    attributions = assemble(doc, spans)
    assert [[c.text for c in a.contents] for a in attributions] == [["the wall would hold"], ["It will hold,", "We built it well."]]


def test_a_tagged_piece_of_punctuation_alone_is_no_content(nlp):
    doc = nlp('He told the paper: "It is madness.\n"They have devices to launch them."')
    mark = doc.text.index('\n"') + 1
    stray = doc.char_span(mark, mark + 1)
    attributions = assemble(doc, [cue_at(doc, "told"), content_of(doc, "It is madness."), RoleSpan("CONTENT", stray.start, stray.end)])
    assert [[c.text for c in a.contents] for a in attributions] == [["It is madness."]]


def test_punctuation_touching_a_content_stays_part_of_it(nlp):
    doc = nlp("The minister said [the Taliban] had taken the valley.")
    bracket = doc.text.index("[")
    open_mark = doc.char_span(bracket, bracket + 1)
    spans = [cue_at(doc, "said"), RoleSpan("CONTENT", open_mark.start, open_mark.end), content_of(doc, "the Taliban] had taken the valley")]
    [attribution] = assemble(doc, spans)
    assert attribution.contents[0].text == "[the Taliban] had taken the valley"


@pytest.mark.parametrize(
    ("text", "noun", "content", "cue"),
    [
        ("Countering reports that he had fled, the former governor told supporters he was in the valley.", "reports",
         "that he had fled", "Countering reports"),
        ("The ministry dismissed the claims that the bridge had fallen.", "claims", "that the bridge had fallen", "dismissed the claims"),
    ],
)
def test_a_report_noun_tagged_as_the_cue_takes_the_speech_verb_that_governs_it(nlp, text, noun, content, cue):
    doc = nlp(text)
    [attribution] = assemble(doc, [cue_at(doc, noun), content_of(doc, content)])
    assert attribution.cue.text == cue
    assert "widened" in " ".join(attribution.notes)


def test_a_report_noun_with_no_speech_verb_before_it_stays_the_cue(nlp):
    doc = nlp("There were reports that the bridge had fallen.")
    [attribution] = assemble(doc, [cue_at(doc, "reports"), content_of(doc, "that the bridge had fallen")])
    assert attribution.cue.text == "reports"


@pytest.mark.parametrize(
    ("text", "cue", "content", "source"),
    [
        ("The dam has been called a disaster by local engineers for years.", "has been called", "a disaster", "local engineers"),
        ("The shooting has become a focal point for demonstrators, who have taken to the streets and called for the footage to be released.",
         "called for", "the footage to be released", "who"),
        ("The marchers have taken to the streets and called for the footage to be released.", "called for", "the footage to be released",
         "The marchers"),
        ('The debate went on.\n"MARTEN: We will keep the bridge open.\n', ":", "We will keep the bridge open.", "MARTEN"),
    ],
)
def test_a_source_the_tagger_missed_is_the_agent_the_shared_subject_or_the_turn_label(nlp, text, cue, content, source):
    doc = nlp(text)
    [attribution] = assemble(doc, [cue_at(doc, cue), content_of(doc, content)])
    assert attribution.source is not None and attribution.source.text == source


def test_a_content_that_stops_before_its_closing_bracket_takes_it(nlp):
    doc = nlp("The minister said [the Taliban] had taken the valley [sic] on Monday (local time).")
    spans = [cue_at(doc, "said"), content_of(doc, "[the Taliban] had taken the valley [sic"), content_of(doc, "(local time")]
    pieces = [c.text for a in assemble(doc, spans) for c in a.contents]
    assert pieces == ["[the Taliban] had taken the valley [sic]", "(local time)"]


def test_only_a_quotation_takes_its_cue_from_the_sentence_before(nlp):
    doc = nlp('The authority says every village was warned. We refute this. "Nobody came," he said. "Not one of them."')
    spans = [cue_at(doc, "says"), content_of(doc, "every village was warned"), content_of(doc, "We refute this"),
             cue_at(doc, "said"), content_of(doc, "Nobody came,"), content_of(doc, "Not one of them.")]
    pieces = [[c.text for c in a.contents] for a in assemble(doc, spans)]
    assert pieces == [["every village was warned"], ["Nobody came,", "Not one of them."]]


def test_a_piece_after_another_speech_verb_is_that_verbs_claim(nlp):
    doc = nlp("The governor questioned the count in three districts, urging his supporters to watch the polling stations closely.")
    spans = [RoleSpan("SOURCE", 0, 2), cue_at(doc, "questioned"), content_of(doc, "the count in three districts"),
             content_of(doc, "his supporters to watch the polling stations closely.")]
    attributions = assemble(doc, spans)
    assert [(a.cue.text, [c.text for c in a.contents]) for a in attributions] == [
        ("questioned", ["the count in three districts"]), ("urging", ["his supporters to watch the polling stations closely."])]
    assert attributions[1].source.text == "The governor"


def test_a_piece_after_the_cue_repeated_stays_its_claim(nlp):
    doc = nlp('"We will not leave," the mayor said on Monday, "and we will not be moved."')
    spans = [cue_at(doc, "said"), content_of(doc, "We will not leave,"), content_of(doc, "and we will not be moved.")]
    [attribution] = assemble(doc, spans)
    assert [c.text for c in attribution.contents] == ["We will not leave,", "and we will not be moved."]


def test_a_lone_article_or_pronoun_is_no_content_but_a_word_that_stands_for_a_statement_is(nlp):
    doc = nlp("The minister said the. Her deputy denied that. The council rejected his.")
    spans = [cue_at(doc, "said"), content_of(doc, "the."), cue_at(doc, "denied"), content_of(doc, "that"),
             cue_at(doc, "rejected"), content_of(doc, "his")]
    assert [[c.text for c in a.contents] for a in assemble(doc, spans)] == [["that"]]


def test_an_unquoted_content_with_a_source_but_no_cue_is_no_attribution(nlp):
    doc = nlp('The minister, on the bridge, the river rose again.\n"It will hold," the minister, smiling.')
    second = cue_at(doc, "the minister", 0)  # a span found like a cue's, tagged as the second source
    spans = [RoleSpan("SOURCE", 0, 2), content_of(doc, "the river rose again"), content_of(doc, "It will hold,"),
             RoleSpan("SOURCE", second.start, second.end)]
    [attribution] = assemble(doc, spans)
    assert [c.text for c in attribution.contents] == ["It will hold,"] and attribution.cue is None
    assert attribution.source.text == "the minister"


def test_a_report_the_tagger_already_gave_a_claim_is_not_claimed_twice(nlp):
    from counterclaim.model import Claim, TextSpans
    from counterclaim.nlp.unnamed_sources import unnamed_claims

    def spans(doc, text):
        at = doc.text.index(text)
        return TextSpans.from_offsets(doc.text, [(at, at + len(text))])

    def claim(doc, content, cue, source=None):
        return Claim("t", "indirect", "assert", spans(doc, content), spans(doc, cue), spans(doc, source) if source else None)

    rumours = nlp("Rumours that the bridge had fallen spread on Monday.")
    assert [c.content.text for c in unnamed_claims(rumours)] == ["the bridge had fallen"]
    rumours._.claims = [claim(rumours, "that the bridge had fallen", "spread", "Rumours")]  # the tagger's: the rumours' own
    assert unnamed_claims(rumours) == []
    denial = nlp("Nazary denied reports that the bridge had fallen.")
    denial._.claims = [claim(denial, "the bridge had fallen", "denied reports", "Nazary")]  # the denier's: the reports' stays
    assert [c.speaker.name for c in unnamed_claims(denial)] == ["reports"]


def test_a_report_the_tagger_gave_as_a_cue_without_a_source_becomes_the_unnamed_claim(nlp):
    from counterclaim.model import Claim, TextSpans
    from counterclaim.nlp.unnamed_sources import UnnamedSources

    doc = nlp("There were reports that the bridge had fallen.")
    at = doc.text.index("that the bridge")
    cue = doc.text.index("reports")
    doc._.claims = [Claim("t", "indirect", "assert", TextSpans.from_offsets(doc.text, [(at, len(doc.text) - 1)]),
                          TextSpans.from_offsets(doc.text, [(cue, cue + len("reports"))]))]
    UnnamedSources(nlp, "unnamed")(doc)
    assert [(c.speaker.name, c.content.text) for c in doc._.claims] == [("reports", "the bridge had fallen")]


def test_an_unnamed_report_keeps_a_quotation_that_closes_inside_it_whole(nlp):
    from counterclaim.nlp.unnamed_sources import unnamed_claims

    [gunfire] = unnamed_claims(nlp('There were reports of "celebratory gunfire" in the capital.'))
    assert gunfire.content.text == '"celebratory gunfire" in the capital'
    [fallen] = unnamed_claims(nlp('There were rumours that "the bridge had fallen".'))
    assert fallen.content.text == '"the bridge had fallen"'
