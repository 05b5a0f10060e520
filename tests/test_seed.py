"""The reference case: the NPR Panjshir article and its interview transcript (read from ../shared, never copied)."""

import pytest

from tests.conftest import SEED

pytestmark = pytest.mark.skipif(not SEED.exists(), reason="needs ../shared/seed/panjshir-npr-2021-09-03.txt")


@pytest.fixture(scope="module")
def seed(extractor):
    from counterclaim.ingest import read_document

    document = read_document(SEED)
    return document, extractor.extract_one(document)


def in_article(document, claim):
    return claim.content.start < document.transcript_start


def test_the_file_is_an_article_followed_by_its_transcript(seed):
    document, _ = seed
    assert document.kind == "article+transcript"
    assert document.text[document.transcript_start :].startswith("We've been exploring")
    labels = {t.label for t in document.turns}
    assert {"ALI NAZARY", "NAZARY", "CORNISH"} <= labels
    assert document.turns[0].is_introduction and document.turns[0].label == "CORNISH"


def test_nazary_denies_the_reports_that_the_taliban_took_the_province(seed):
    document, claims = seed
    denials = [
        c for c in claims
        if in_article(document, c) and c.polarity == "deny" and "the Taliban have taken control of the province" in c.content.text
    ]
    assert denials, "the denial of the reports is missing"
    assert denials[0].speaker.name == "Ali Nazary"
    assert denials[0].speaker.affiliation == "National Resistance Front"
    assert not denials[0].content.text.lower().startswith("reports")


def test_the_whole_world_has_abandoned_us_is_nazarys_in_article_and_transcript(seed):
    document, claims = seed
    said = [c for c in claims if "The whole world has abandoned us" in c.content.text]
    article = [c for c in said if in_article(document, c)]
    transcript = [c for c in said if not in_article(document, c)]
    assert article and transcript
    assert all(c.speaker.name == "Ali Nazary" for c in said)
    assert article[0].mode == "direct" and article[0].cue.text == "said"
    assert transcript[0].mode == "turn" and transcript[0].source.text == "NAZARY"


def test_saleh_denies_rumors_of_a_defeat(seed):
    _, claims = seed
    saleh = [c for c in claims if c.speaker and c.speaker.name == "Amrullah Saleh" and c.polarity == "deny"]
    assert saleh and "defeat" in saleh[0].content.text


def test_hosts_questions_are_questions(seed):
    _, claims = seed
    question = next(c for c in claims if c.content.text.startswith("What do you think the goal is"))
    assert question.mode == "question" and question.speaker.name == "Audie Cornish"
