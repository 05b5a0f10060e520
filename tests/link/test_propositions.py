"""Propositions on two short documents written for the purpose: one claim, its denial, and two numbers."""

import pytest

from counterclaim.ingest import read_document
from counterclaim.link.propositions import content_words, document_texts, lead_sentence, link, linked_pairs, load_units, negated, store
from counterclaim.store import Ledger
from tests.conftest import FIXTURES, SEED


@pytest.fixture(scope="module")
def propositions(tmp_path_factory, extractor):
    path = tmp_path_factory.mktemp("contested") / "ledger.db"
    with Ledger(path) as ledger:
        for extraction in extractor.extract(read_document(p) for p in sorted((FIXTURES / "contested").glob("*.txt"))):
            ledger.add(extraction)
        found = link(load_units(ledger), document_texts(ledger))
        store(ledger, found)
        stored = ledger.db.execute("SELECT count(*) FROM proposition_claims").fetchone()[0]
    return found, stored


def test_a_claim_and_its_denial_make_one_contested_proposition(propositions):
    found, _ = propositions
    capture = next(p for p in found if "captured the Kessel bridge" in p.statement)
    stances = {(m.unit.speaker, m.stance) for m in capture.members}
    assert ("Northern Army", "supports") in stances
    assert ("Mira Castell", "disputes") in stances
    assert capture.contested


def test_different_numbers_on_one_unit_are_a_numeric_conflict(propositions):
    found, _ = propositions
    soldiers = next(p for p in found if "soldiers" in p.statement)
    assert soldiers.contested
    [conflict] = soldiers.numeric_conflicts
    assert sorted(v["value"] for v in conflict["values"]) == [3000, 10000]


def test_stances_are_stored(propositions):
    found, stored = propositions
    assert stored == sum(len(p.members) for p in found)


def test_blocking_leaves_out_words_shared_by_too_many_claims():
    import numpy as np

    class Unit:
        def __init__(self, words):
            self.words = words

    units = [Unit({"common", f"rare{i // 2}"}) for i in range(10)]
    vectors = np.ones((10, 4), dtype="float32") / 2  # all alike: only blocking keeps pairs apart
    assert {(a, b) for _, a, b in linked_pairs(units, vectors, block_max=4)} == {(0, 1), (2, 3), (4, 5), (6, 7), (8, 9)}
    assert content_words("The army captured the bridge") == {"army", "captured", "bridge"}
    assert negated("The bridge has not fallen") and not negated("The bridge fell")


def test_the_kessel_bridge_corpus_against_its_ground_truth(extractor):
    """Five documents from both parties and neutral outlets, with a ground truth written before measuring."""
    from counterclaim.eval.propositions import load_truth, score

    folder = FIXTURES / "kessel_bridge"
    with Ledger(":memory:") as ledger:
        for extraction in extractor.extract(read_document(p) for p in sorted((folder / "docs").glob("*.txt"))):
            ledger.add(extraction)
        units = load_units(ledger)
        result = score(link(units, document_texts(ledger)), units, load_truth(folder / "truth.json"))
    assert result["claims_found"] == result["named_claims"]
    assert result["purity"] >= 0.8
    assert result["contested_precision"] >= 0.66 and result["contested_recall"] >= 0.5


needs_seed = pytest.mark.skipif(not SEED.exists(), reason="needs ../shared/seed/panjshir-npr-2021-09-03.txt")


@pytest.fixture(scope="module")
def seed_propositions(tmp_path_factory, extractor):
    with Ledger(tmp_path_factory.mktemp("seed") / "ledger.db") as ledger:
        ledger.add(next(extractor.extract([read_document(SEED)])))
        return link(load_units(ledger), document_texts(ledger))


def _valley(found):
    """The proposition about the capture of the province: the one holding the reports that the Taliban took it."""
    return next(p for p in found if any("taken control of the province" in m.unit.text and m.unit.kind == "unnamed" for m in p.members))


def _stance_of(proposition, phrase, speaker=None):
    stances = {m.stance for m in proposition.members if phrase in m.unit.record["content"]["text"] and (speaker is None or m.unit.speaker == speaker)}
    assert stances, f"{phrase!r} is not in [{proposition.id}] {proposition.statement}"
    return stances


@needs_seed
def test_seed_dispute_over_the_province_has_the_reports_on_one_side_and_the_resistance_on_the_other(seed_propositions):
    valley = _valley(seed_propositions)
    assert valley.contested
    assert "Taliban" in valley.statement
    sides = {(m.unit.speaker, m.stance) for m in valley.members}
    assert ("Ali Nazary", "disputes") in sides and ("Amrullah Saleh", "disputes") in sides and ("reports", "supports") in sides


@needs_seed
@pytest.mark.parametrize(
    ("phrase", "speaker"),
    [
        ("has repelled repeated attacks", None),
        ("the Taliban had even retreated from some areas", None),
        ("held ground", "Amrullah Saleh"),
        ("Reports Of Its Defeat In Panjshir Are Taliban Propaganda", None),
        ('the rumors "propaganda', None),
        ("has not been breached", None),
    ],
)
def test_seed_the_resistances_own_statements_dispute_the_capture(seed_propositions, phrase, speaker):
    assert _stance_of(_valley(seed_propositions), phrase, speaker) == {"disputes"}


@needs_seed
@pytest.mark.parametrize(
    "phrase",
    ["we hear from the resistance", "that you also are in communication with the Taliban", "elements of al-Qaida have joined the Taliban"],
)
def test_seed_framing_questions_and_other_matters_stay_out_of_the_valleys_proposition(seed_propositions, phrase):
    assert not [m for m in _valley(seed_propositions).members if phrase in m.unit.record["content"]["text"]]


@needs_seed
def test_seed_they_say_they_want_an_inclusive_government_but(seed_propositions):
    [government] = [p for p in seed_propositions if "inclusive government" in p.statement and p.contested]
    assert government.statement.startswith("The Taliban want to form an inclusive government")
    sides = {(m.unit.speaker, m.stance) for m in government.members}
    assert ("Taliban", "supports") in sides and ("Ali Nazary", "disputes") in sides


@needs_seed
def test_seed_the_narrative_of_an_internal_conflict_is_refuted_by_this(seed_propositions):
    [narrative] = [p for p in seed_propositions if "internal conflict" in p.statement]
    assert narrative.contested
    assert _stance_of(narrative, "the conflict in Afghanistan is an internal conflict", "narrative") == {"supports"}
    assert _stance_of(narrative, "We refute this") == {"disputes"}


@needs_seed
def test_seed_saleh_being_in_the_valley_denies_that_he_fled(seed_propositions):
    [fled] = [p for p in seed_propositions if "had also fled" in p.statement]
    assert fled.contested
    assert _stance_of(fled, "he is in the Panjshir Valley") == {"disputes"}
    assert _stance_of(fled, "he and Massoud had also fled", "reports") == {"supports"}


class _DiscussingModel:
    """A stance reader that reads every pair as discussing: what the claim reader does with short paraphrases."""

    def probabilities(self, pairs):
        import numpy as np

        return np.tile(np.array([[0.3, 0.0, 0.7, 0.0]], dtype="float32"), (len(pairs), 1))


def test_a_denial_of_the_statement_in_its_own_words_disputes_it_however_the_model_reads_it():
    import numpy as np

    from counterclaim.link.propositions import ClaimUnit

    texts = {1: "The army holds the Kessel bridge.", 2: "The council denied that the army had captured the bridge."}

    def unit(number, document, text, speaker, name, kind, polarity):
        start = texts[document].index(text)
        return ClaimUnit(number, {}, text, speaker, name, polarity, document, start, start + len(text), kind,
                         words=content_words(text), meaning=text)

    hale = unit(1, 1, "The army holds the Kessel bridge", 1, "Tomas Hale", "person", "assert")
    denial = unit(2, 2, "the army had captured the bridge", 2, "Highland Defence Council", "organization", "deny")
    near = np.array([[1.0, 0.0], [0.65, (1 - 0.65**2) ** 0.5]], dtype="float32")  # a candidate, not one core
    vectors = np.pad(near, ((0, 0), (0, 382)))
    [proposition] = link([hale, denial], texts, model=_DiscussingModel(), vectors=vectors)
    assert {(m.unit.id, m.stance, m.rule) for m in proposition.members} == {(1, "supports", "statement"), (2, "disputes", "denial")}
    assert proposition.contested
    other = unit(2, 2, "the army had captured the bridge", 2, "Highland Defence Council", "organization", "assert")
    [proposition] = link([hale, other], texts, model=_DiscussingModel(), vectors=vectors) or [None]
    assert proposition is None or all(m.rule != "denial" for m in proposition.members)  # an assertion read as discussing stays out


def test_a_denial_in_a_title_case_headline_disputes_what_another_party_reported():
    import numpy as np

    from counterclaim.link.propositions import ClaimUnit

    texts = {1: "The army captured the Kessel bridge on Monday, the Tribune reported.", 2: "Council Denies Kessel Bridge Captured By Army\n\nBody."}

    def unit(number, document, text, speaker, name, kind, polarity, headline=False):
        start = texts[document].index(text)
        return ClaimUnit(number, {}, text, speaker, name, polarity, document, start, start + len(text), kind,
                         words=content_words(text), meaning=text, headline=headline)

    report = unit(1, 1, "The army captured the Kessel bridge on Monday", 1, "Tribune", "organization", "assert")
    denial = unit(2, 2, "Kessel Bridge Captured By Army", 2, "Highland Defence Council", "organization", "deny", headline=True)
    vectors = np.pad(np.array([[1.0, 0.0], [0.65, (1 - 0.65**2) ** 0.5]], dtype="float32"), ((0, 0), (0, 382)))
    [proposition] = link([report, denial], texts, model=_DiscussingModel(), vectors=vectors)
    assert {(m.unit.id, m.stance, m.rule) for m in proposition.members} == {(1, "supports", "statement"), (2, "disputes", "denial")}
    assert proposition.contested


def test_a_dismissal_holding_the_notion_it_dismisses_is_its_denier_not_a_statement_of_its_own():
    import numpy as np

    from counterclaim.link.propositions import ClaimUnit

    text = 'The mayor spoke on Friday. "This notion that the dam is leaking is simply false. The dam is sound," Mayor Ona Brisk said.'
    texts = {1: text}

    def unit(number, content, speaker, name, kind):
        start = text.index(content)
        return ClaimUnit(number, {}, content, speaker, name, "assert", 1, start, start + len(content), kind,
                         words=content_words(content), meaning=content)

    brisk = unit(1, '"This notion that the dam is leaking is simply false. The dam is sound,"', 1, "Ona Brisk", "person")
    notion = unit(2, "the dam is leaking", 2, "notion", "unnamed")
    vectors = np.pad(np.array([[1.0, 0.0], [0.9, (1 - 0.9**2) ** 0.5]], dtype="float32"), ((0, 0), (0, 382)))  # one core by cosine
    [proposition] = link([brisk, notion], texts, model=_DiscussingModel(), vectors=vectors)
    assert proposition.statement == "The dam is leaking"
    assert {(m.unit.id, m.stance, m.rule) for m in proposition.members} == {(2, "supports", "statement"), (1, "disputes", "dismissal")}
    assert proposition.contested


def test_another_number_for_the_same_thing_from_another_party_disputes_it_however_the_model_reads_it():
    import numpy as np

    from counterclaim.link.propositions import ClaimUnit

    def unit(number, text, speaker, name, quantities):
        texts[number] = text
        return ClaimUnit(number, {"quantities": quantities}, text, speaker, name, "assert", number, 0, len(text), "person",
                         words=content_words(text), meaning=text)

    def fighters(text, value):
        return {"text": text, "value": value, "unit": "fighters", "approx": True}

    texts: dict[int, str] = {}
    castell = unit(1, "The council has about 2,000 fighters in the valley", 1, "Mira Castell", [fighters("about 2,000 fighters", 2000)])
    hale = unit(2, "The council has fewer than 500 fighters left in the valley", 2, "Tomas Hale", [fighters("fewer than 500 fighters", 500)])
    vectors = np.pad(np.array([[1.0, 0.0], [0.83, (1 - 0.83**2) ** 0.5]], dtype="float32"), ((0, 0), (0, 382)))  # one core
    [proposition] = link([castell, hale], texts, model=_DiscussingModel(), vectors=vectors)
    assert {(m.unit.id, m.stance) for m in proposition.members} == {(1, "supports"), (2, "disputes")} and proposition.contested
    # two polls, each with two numbers of one unit: no number stands against another
    def percents(*values):
        return [{"text": f"{v} percent", "value": v, "unit": "percent", "approx": False} for v in values]

    first = unit(1, "51 percent of voters back Clinton and 39 percent back Trump", 1, "Ann Poll", percents(51, 39))
    second = unit(2, "50 percent of voters back Clinton and 40 percent back Trump", 2, "Bo Survey", percents(50, 40))
    found = link([first, second], texts, model=_DiscussingModel(), vectors=vectors)
    assert all(m.rule != "number" for p in found for m in p.members)


def test_a_passage_states_its_first_sentence():
    passage = '"He opposed every single one of them. Every single amendment," "It\'s not like people were quiet."'
    assert lead_sentence(passage) == '"He opposed every single one of them.'
    assert lead_sentence("The bill, said Sen. Warren, will pass. It will.") == "The bill, said Sen. Warren, will pass."
    assert lead_sentence("The period before the Roe v. Wade decision") == "The period before the Roe v. Wade decision"
    assert lead_sentence("No. The army has not left the town.") == "No. The army has not left the town."  # too short a first sentence
