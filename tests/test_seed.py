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
    # what the host asks Nazary to think is no claim of his (it gave a 'you' who called Panjshir propaganda)
    assert not [c.content.text for c in claims if c.source is not None and c.source.text == "you" and "goal" in c.content.text]


def test_nazarys_claims_after_the_interview_intro_are_one_entity_with_his_affiliation(seed):
    document, claims = seed
    after = document.text.index("Speaking with NPR's All Things Considered")
    nazary_mentions = {"he", "nazary", "nazary, who", "ali nazary"}
    his = [
        c for c in claims
        if after <= c.content.start < document.transcript_start and c.source is not None
        and (c.source.text.lower() in nazary_mentions or c.source.text.startswith("Ali Nazary"))
    ]
    assert len(his) >= 8
    for claim in his:
        assert claim.speaker.name == "Ali Nazary", claim.content.text
        assert claim.speaker.affiliation == "National Resistance Front"
        assert claim.speaker.role == "head of foreign relations"


def test_the_former_vice_president_is_amrullah_saleh(seed):
    _, claims = seed
    told = [c for c in claims if c.source is not None and c.source.text == "the former vice president"]
    assert told and all(c.speaker.name == "Amrullah Saleh" for c in told)


def test_the_nrf_claims_about_10000_fighters(seed):
    _, claims = seed
    claim = next(c for c in claims if "10,000 fighters" in c.content.text)
    assert claim.speaker.kind == "organization"
    assert claim.speaker.name == "National Resistance Front"
    assert [(q.value, q.unit, q.approx) for q in claim.quantities] == [(10000, "fighters", True)]


def test_unnamed_reports_claim_the_taliban_took_the_province(seed):
    _, claims = seed
    unnamed = [c for c in claims if c.speaker is not None and c.speaker.kind == "unnamed" and c.polarity == "assert"]
    assert any("the Taliban have taken control of the province" in c.content.text for c in unnamed)
    gunfire = [c for c in unnamed if "celebratory gunfire" in c.content.text]
    assert gunfire and "purported" in gunfire[0].hedges


def test_the_taliban_quoted_inside_nazarys_turn_are_reported_by_him(seed):
    document, claims = seed
    inner = [c for c in claims if "they want to form an inclusive government" in c.content.text and c.mode != "turn"]
    assert inner
    assert inner[0].speaker.name == "Taliban" and inner[0].speaker.kind == "organization"
    assert inner[0].reported_by.name == "Ali Nazary"


def test_claim_ids_are_unique(seed):
    _, claims = seed
    ids = [c.claim_id for c in claims]
    assert len(ids) == len(set(ids))


def test_the_representative_in_the_lede_is_ali_nazary(seed):
    _, claims = seed
    lede = [c for c in claims if c.source is not None and c.source.text == "a representative for the group"]
    assert lede and all(c.speaker.name == "Ali Nazary" for c in lede)
    assert "repelled repeated attacks" in lede[0].content.text


def test_saleh_is_affiliated_with_the_opposition_he_joined(seed):
    _, claims = seed
    saleh = next(c.speaker for c in claims if c.speaker and c.speaker.name == "Amrullah Saleh")
    assert saleh.affiliation == "Massoud's opposition"


def test_the_taliban_and_the_nrf_each_claim_victories(seed):
    document, claims = seed
    victories = [c for c in claims if in_article(document, c) and c.content.text == "victories"]
    assert {c.speaker.name for c in victories} == {"Taliban", "National Resistance Front"}
    assert all(c.speaker.kind == "organization" and c.polarity == "assert" for c in victories)
    defeats = [c for c in claims if in_article(document, c) and c.content.text == "defeats"]
    assert defeats and all(c.polarity == "deny" for c in defeats)
