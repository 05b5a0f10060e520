"""Claims carried by a participle clause, one per party of its subject."""


def test_each_party_of_a_coordinated_subject_claims_and_denies(extract):
    text = "The day saw both the Northern Army and the Highland Council claiming victories and denying defeats.\n"
    claims = [c for c in extract(text) if c.cue is not None and c.cue.text in ("claiming", "denying")]
    found = {(c.source.text, c.cue.text, c.content.text, c.polarity) for c in claims}
    assert found == {
        ("the Northern Army", "claiming", "victories", "assert"),
        ("the Highland Council", "claiming", "victories", "assert"),
        ("the Northern Army", "denying", "defeats", "deny"),
        ("the Highland Council", "denying", "defeats", "deny"),
    }
    army = next(c for c in claims if c.source.text == "the Northern Army")
    assert army.speaker.kind == "organization" and army.speaker.name == "Northern Army"


def test_a_participle_inside_a_reported_clause_is_a_claim_beside_the_outer_one(extract):
    claims = extract('General Tomas Hale said on Monday that the rebels were claiming victories in the hills.\n')
    outer = next(c for c in claims if c.cue is not None and c.cue.text == "said")
    inner = next(c for c in claims if c.cue is not None and c.cue.text == "claiming")
    assert "the rebels were claiming victories" in outer.content.text
    assert inner.source.text == "the rebels" and inner.content.text == "victories in the hills"
