"""Relations that the place of a claim in its document makes certain."""

from counterclaim.link.discourse import Layout, analyse
from counterclaim.link.propositions import ClaimUnit

TRANSCRIPT = (
    "HOST: The army says hundreds of your fighters surrendered.\n\n"
    "CASTELL: We deny that. A few wounded men were captured. The narrative is that the council is beaten. It is finished. We refute this.\n\n"
    "CASTELL: The army - they say they want a truce, but in practice they shelled the road.\n"
)


def unit(number, text, speaker, start, polarity="assert", kind="person", name=None):
    start = TRANSCRIPT.index(text, start)
    return ClaimUnit(number, {}, text, speaker, name or f"speaker {speaker}", polarity, 1, start, start + len(text), kind)


def units():
    return [
        unit(1, "hundreds of your fighters surrendered", 2, 0, kind="organization", name="army"),
        unit(2, "We deny that.", 3, 0, polarity="deny", name="Mira Castell"),
        unit(3, "A few wounded men were captured.", 3, 0, name="Mira Castell"),
        unit(4, "the council is beaten", 4, 0, kind="unnamed", name="narrative"),
        unit(5, "It is finished.", 3, 0, name="Mira Castell"),
        unit(6, "We refute this.", 3, 0, polarity="deny", name="Mira Castell"),
        unit(7, "they want a truce", 2, TRANSCRIPT.index("The army -"), kind="organization", name="army"),
        unit(8, "The army - they say they want a truce, but in practice they shelled the road.", 3, 0, name="Mira Castell"),
    ]


def test_an_anaphoric_denial_disputes_the_nearest_claim_of_another_speaker():
    found = analyse(units(), TRANSCRIPT)
    relations = {r.unit: (r.targets, r.stance, r.rule) for r in found.relations}
    assert relations[2] == ([1], "disputes", "anaphora")  # the previous turn's claim
    assert relations[6] == ([4], "disputes", "anaphora")  # the narrative, past the denier's own sentence
    assert found.voiced == {5}  # "It is finished": the view refuted, voiced by the one who refutes it
    assert {2, 6} <= found.anaphoric


def test_they_say_x_but_y_is_a_proposition_held_by_them_and_disputed_by_the_speaker():
    [seed] = analyse(units(), TRANSCRIPT).seeds
    assert seed.statement == "The army want a truce"
    assert seed.members == [(7, "supports"), (8, "disputes")]


def test_layout_finds_sentences_and_paragraphs():
    layout = Layout("One. Two?\nThree.")
    assert layout.sentence(0) == layout.sentence(3) != layout.sentence(5)
    assert layout.paragraph(5) == 0 and layout.paragraph(11) == 1


NEWS = (
    "The mayor said the bridge was closed for repairs. Councillor Ruiz said the works were finished in May.\n\n"
    "The mayor later dismissed Ruiz's charges about the works, saying crews were still on site.\n"
)


def test_a_pointer_that_names_its_owner_points_only_at_that_speakers_claims():
    def at(number, text, speaker, name, polarity="assert"):
        start = NEWS.index(text)
        return ClaimUnit(number, {"speaker": {"aliases": [name]}}, text, speaker, name, polarity, 1, start, start + len(text), "person")

    found = analyse([
        at(1, "the bridge was closed for repairs", 1, "Ana Mayor"),
        at(2, "the works were finished in May", 2, "Luis Ruiz"),
        at(3, "Ruiz's charges about the works", 1, "Ana Mayor", "deny"),
        at(4, "crews were still on site", 1, "Ana Mayor"),
    ], NEWS)
    relations = {r.unit: (r.targets, r.stance, r.rule) for r in found.relations}
    assert relations[3] == ([2], "disputes", "anaphora")
    alone = [at(1, "the bridge was closed for repairs", 1, "Ana Mayor"), at(3, "Ruiz's charges about the works", 1, "Ana Mayor", "deny")]
    without_owner = analyse(alone, NEWS)
    assert not [r for r in without_owner.relations if r.unit == 3]  # Ruiz said nothing before: the pointer points at nobody


WIRE = (
    "The Associated Press reported that the mayor met donors at 85 of 154 meetings.\n\n"
    "A spokesman, Tom Reed, said the AP report is misleading and cherry-picked a few days.\n"
)


def test_a_dismissal_of_a_named_report_disputes_that_outlets_claims():
    def at(number, text, speaker, name, kind):
        start = WIRE.index(text)
        return ClaimUnit(number, {"speaker": {"aliases": [name]}}, text, speaker, name, "assert", 1, start, start + len(text), kind)

    found = analyse([
        at(1, "the mayor met donors at 85 of 154 meetings", 1, "Associated Press", "organization"),
        at(2, "the AP report is misleading and cherry-picked a few days", 2, "Tom Reed", "person"),
    ], WIRE)
    assert [(r.unit, r.targets, r.stance, r.rule) for r in found.relations] == [(2, [1], "disputes", "dismissal")]


def test_a_named_report_is_named_after_a_capital_determiner():
    from counterclaim.link.discourse import NAMED_REPORT

    assert NAMED_REPORT.search("The AP report is misleading").group("owner") == "AP"
    assert NAMED_REPORT.search("This Politico story is false").group("owner") == "Politico"
    assert NAMED_REPORT.search("The report is false") is None


DEBATE = (
    "A poll on Monday found that most voters trusted the mayor.\n\n"
    "\"Let's dispel this fiction that the bridge is unsafe. It is sound,\" the mayor said. "
    "\"This notion that the dam is leaking is simply false,\" she added.\n\n"
    "\"The dam never leaked,\" the engineer said, repeating a false claim that the dam was inspected in May.\n"
)


def _debate_unit(number, text, speaker, name, kind="person"):
    start = DEBATE.index(text)
    return ClaimUnit(number, {}, text, speaker, name, "assert", 1, start, start + len(text), kind)


def test_a_dismissal_holding_its_report_is_a_verdict_and_one_that_spells_out_its_report_has_no_other_target():
    found = analyse([
        _debate_unit(1, "most voters trusted the mayor", 1, "poll", kind="unnamed"),
        _debate_unit(2, "\"Let's dispel this fiction that the bridge is unsafe. It is sound,\"", 2, "Ona Brisk"),
        _debate_unit(3, "the dam is leaking", 3, "notion", kind="unnamed"),
        _debate_unit(4, "\"This notion that the dam is leaking is simply false,\"", 2, "Ona Brisk"),
    ], DEBATE)
    # the fiction's own words were not read as a claim: the poll before it is not what it dismisses
    assert [(r.unit, r.targets, r.rule) for r in found.relations] == [(4, [3], "dismissal")]
    assert found.verdicts == {4: [3]}


def test_a_false_claim_the_writer_says_a_speaker_repeated_is_no_verdict_of_the_speakers():
    found = analyse([
        _debate_unit(1, "the dam was inspected in May", 1, "claim", kind="unnamed"),
        _debate_unit(2, "a false claim that the dam was inspected in May", 2, "Ivo Marr"),
    ], DEBATE)
    assert found.relations == [] and found.verdicts == {}


CLAUSES = (
    "The mayor said the bridge was closed for repairs.\n\n"
    "The bridge has stood for a century and carries most of the traffic, although the council disputes this.\n\n"
    "Ruiz said the bridge had reopened, but the mayor denied it.\n"
)


def test_a_pointer_after_a_clause_of_its_own_sentence_means_that_clause():
    def at(number, text, speaker, name, polarity="assert"):
        start = CLAUSES.index(text)
        return ClaimUnit(number, {}, text, speaker, name, polarity, 1, start, start + len(text), "person")

    found = analyse([
        at(1, "the bridge was closed for repairs", 1, "mayor"),
        at(2, "this", 2, "council", polarity="deny"),
        at(3, "the bridge had reopened", 3, "Ruiz"),
        at(4, "it", 1, "mayor", polarity="deny"),
    ], CLAUSES)
    relations = {r.unit: r.targets for r in found.relations}
    assert 2 not in relations  # the writer's own clause, no claim of the ledger: not the mayor's words two paragraphs up
    assert relations[4] == [3]  # Ruiz's claim, in the sentence
