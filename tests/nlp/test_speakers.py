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
