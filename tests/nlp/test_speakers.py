"""Speaker resolution on hard cases written for the purpose."""

import pytest

from tests.conftest import fixture_path


@pytest.fixture(scope="module")
def claims(extract):
    return extract(fixture_path("speakers_hard.txt").read_text(encoding="utf-8"), doc_id="hard")


def find(claims, fragment):
    found = [c for c in claims if fragment in c.content.text]
    assert found, f"no claim contains {fragment!r}: {[c.content.text for c in claims]}"
    return found[0]


def test_two_people_of_the_same_gender_each_keep_their_pronoun(claims):
    assert find(claims, "passed every test").speaker.name == "Anna Berg"
    olsen = find(claims, "cracks had been painted over")
    assert olsen.source.text == "She" and olsen.speaker.name == "Maria Olsen"
    assert olsen.speaker.role == "engineer"


def test_a_description_before_the_name_resolves_to_the_person_it_describes(claims):
    claim = find(claims, "repair contract was never signed")
    assert claim.source.text.lower() == "the former minister"
    assert claim.speaker.name == "Karl Stein" and claim.speaker.kind == "person"
    assert "former minister" in claim.speaker.aliases[0].lower()


def test_an_acronym_used_before_its_expansion_is_one_organisation(claims):
    tva = find(claims, "inspectors had found no cracks")
    assert tva.speaker.name == "Town Valley Authority" and tva.speaker.kind == "organization"
    members = find(claims, "has about 3,000 members")
    assert members.speaker is tva.speaker
    [quantity] = members.quantities
    assert (quantity.value, quantity.unit, quantity.approx) == (3000, "members", True)


def test_unnamed_sources_are_claims_of_their_own(claims):
    rumor = [c for c in claims if c.speaker and c.speaker.kind == "unnamed" and c.source.text == "rumors"]
    assert rumor and rumor[0].content.text == "a collapse" and rumor[0].polarity == "assert"
    reports = [c for c in claims if c.source and c.source.text == "reports"]
    assert reports and "loud cracking" in reports[0].content.text
    assert "allegedly" in reports[0].hedges


def test_every_speaker_lists_its_mentions(claims):
    berg = find(claims, "bridge was safe").speaker
    assert {"Anna Berg", "she"} <= set(berg.aliases)


def test_a_name_that_only_modifies_the_mention_is_not_the_speaker(extract):
    claims = extract("Mitch McConnell spoke on Monday. McConnell aides said that the deal was close.\n")
    claim = next(c for c in claims if "the deal was close" in c.content.text)
    assert claim.source.text == "McConnell aides"
    assert claim.speaker.name != "Mitch McConnell"


def test_a_pronoun_skips_a_person_of_the_other_gender(extract):
    text = (
        "Petra Holm, who chairs the audit board, said she had doubts about the budget.\n\n"
        "Mayor Jonas Vik said the budget was balanced and that he would publish it.\n\n"
        "She said the audit would show a deficit.\n"
    )
    claims = extract(text)
    vik = next(c for c in claims if "budget was balanced" in c.content.text)
    assert vik.speaker.name == "Jonas Vik"
    deficit = next(c for c in claims if "would show a deficit" in c.content.text)
    assert deficit.source.text == "She" and deficit.speaker.name == "Petra Holm"


def test_an_honorific_gives_the_gender(extract):
    text = "Ms. Lind met Oskar Berg on Monday.\n\nHe said the talks had failed.\n\nShe said the talks would go on.\n"
    claims = extract(text)
    assert next(c for c in claims if "had failed" in c.content.text).speaker.name == "Oskar Berg"
    assert next(c for c in claims if "would go on" in c.content.text).speaker.name == "Lind"


def test_a_lede_description_is_the_person_the_next_paragraph_introduces(extract):
    text = (
        "Flood Defences Held, Council Says\n\n"
        "The river defences of Ostrow held through the night, a spokeswoman for the council told reporters.\n\n"
        "Speaking on Monday, Hanna Kroll, the council's head of emergency planning, also denied that the dam had been opened.\n"
    )
    claims = extract(text)
    lede = next(c for c in claims if "held through the night" in c.content.text)
    assert lede.source.text == "a spokeswoman for the council"
    assert lede.speaker.name == "Hanna Kroll" and lede.speaker.kind == "person"
    assert "a spokeswoman for the council" in lede.speaker.aliases


def test_a_lede_description_stays_unnamed_when_the_next_person_cannot_be_it(extract):
    text = (
        "The river defences of Ostrow held through the night, a spokeswoman for the council told reporters.\n\n"
        "Mr. Tomas Rell, the council's engineer, said the pumps were running.\n"
    )
    lede = next(c for c in extract(text) if "held through the night" in c.content.text)
    assert lede.speaker.kind == "unnamed"


def test_the_group_a_person_joins_is_the_affiliation(extract):
    text = (
        "Joining the river alliance is Maria Sanchez. Sanchez said the dam was safe.\n\n"
        "Karel Brandt joined the Green Union last year. Brandt said the dam was not safe.\n"
    )
    claims = extract(text)
    assert next(c for c in claims if "the dam was safe" in c.content.text).speaker.affiliation == "river alliance"
    assert next(c for c in claims if "was not safe" in c.content.text).speaker.affiliation == "Green Union"


def test_a_person_named_since_the_last_quote_comes_before_the_one_quoted(extract):
    text = 'Anna Berg said the bridge was safe.\n\nIn a letter, Maria Olsen was more careful. "The tests were thin," she wrote.\n'
    thin = next(c for c in extract(text) if "The tests were thin" in c.content.text)
    assert thin.source.text == "she" and thin.speaker.name == "Maria Olsen"


NAME_FORMS = """Prince Frederik said the treaty had been signed in good faith. Frederik told reporters that he had not read the annex.

Tim Morrison, a former council official, said the vote was fair. Morrison added that nobody had been pressured.

Greta Lindqvist spoke in Dorn on Monday. Greta said the bridge would reopen in May.
"""


def test_one_speaker_per_person_across_royal_surname_and_first_name_forms(extract):
    claims = extract(NAME_FORMS, doc_id="forms")
    prince = {find(claims, "signed in good faith").speaker.id, find(claims, "not read the annex").speaker.id}
    assert prince == {"prince-frederik"}
    assert find(claims, "nobody had been pressured").speaker.id == find(claims, "the vote was fair").speaker.id == "tim-morrison"
    assert find(claims, "bridge would reopen").speaker.id == "greta-lindqvist"


def test_a_pronoun_source_is_not_someone_named_inside_its_own_quotation(extract):
    text = ("Greta Lindqvist criticised the senator on Monday.\n"
            "“You voted to keep the bridge closed at Karl Stein’s request,” she wrote.\n")
    claim = find(extract(text, doc_id="inside"), "voted to keep the bridge closed")
    assert claim.source.text == "she"
    assert claim.speaker.name == "Greta Lindqvist"


def test_a_name_followed_by_a_relative_clause_or_apposition_is_the_person_named(extract):
    text = ("Dylan Maxwell, 21, felt a sting on holiday in Bali.\n\n"
            "\"They managed to pull the spider out,\" said Maxwell, whose mates have nicknamed him \"Spiderman\".\n")
    claim = find(extract(text, doc_id="relative"), "pull the spider out")
    assert claim.source.text in ("Maxwell", "Maxwell, whose mates have nicknamed him")  # the tagger may take the clause in or not
    assert (claim.speaker.name, claim.speaker.kind) == ("Dylan Maxwell", "person")


def test_a_name_the_recogniser_misses_is_a_person_by_the_role_in_apposition(extract):
    text = "Odile Brac, the director of the Varn Water Authority, dismissed the union's claims.\n"
    [claim] = extract(text, doc_id="apposition")
    assert (claim.speaker.name, claim.speaker.kind, claim.speaker.affiliation) == ("Odile Brac", "person", "Varn Water Authority")
