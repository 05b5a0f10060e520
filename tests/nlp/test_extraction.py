"""Extraction on texts the project wrote: each hard case named in the foundation issue."""

from counterclaim.ingest import read_document
from tests.conftest import fixture_path


def find(claims, fragment):
    found = [c for c in claims if fragment in c.content.text]
    assert found, f"no claim contains {fragment!r}: {[c.content.text for c in claims]}"
    return found[0]


def test_offsets_point_into_the_text(extract):
    text = fixture_path("quotes_article.txt").read_text(encoding="utf-8")
    claims = extract(text)
    assert claims
    for claim in claims:
        for role in (claim.content, claim.cue, claim.source):
            if role is not None:
                assert role.text == " ".join(text[s:e] for s, e in role.spans)


def test_direct_quote_spanning_sentences_is_one_claim_of_the_named_speaker(extract):
    claims = extract(fixture_path("quotes_article.txt").read_text(encoding="utf-8"))
    claim = find(claims, "We had no choice")
    assert claim.mode == "direct"
    assert "The reservoir was two metres" in claim.content.text
    assert claim.cue.text == "said"
    assert claim.speaker.name == "Petra Lind"


def test_pronoun_after_a_paragraph_break_resolves_to_who_was_just_quoted(extract):
    claims = extract(fixture_path("quotes_article.txt").read_text(encoding="utf-8"))
    claim = find(claims, "farms downstream had been warned")
    assert claim.source.text == "She"
    assert claim.speaker.name == "Petra Lind"


def test_said_that_a_and_that_b_is_one_content_of_two_statements(extract):
    claims = extract(fixture_path("quotes_article.txt").read_text(encoding="utf-8"))
    claim = find(claims, "farms downstream had been warned")
    assert "no homes were at risk" in claim.content.text  # one content, as a reader marks it
    first, second = claim.statements()  # two statements, as the ledger links them
    assert "farms downstream had been warned" in first.content.text and "no homes" not in first.content.text
    assert second.content.text.startswith("that no homes were at risk")
    assert (first.speaker, first.cue, first.polarity) == (second.speaker, second.cue, second.polarity) == (claim.speaker, claim.cue, "assert")


def test_quote_before_the_cue_and_continued_across_paragraphs(extract):
    claims = extract(fixture_path("quotes_article.txt").read_text(encoding="utf-8"))
    claim = find(claims, "Nobody told us anything")
    assert claim.speaker.name == "Karel Brandt"
    assert claim.mode == "direct"
    continued = find(claims, "The board is lying about the warnings")
    assert continued.speaker.name == "Karel Brandt"
    assert continued.cue.text == "told"


def test_denied_reports_that_x_is_a_denial_of_x(extract):
    claims = extract(fixture_path("quotes_article.txt").read_text(encoding="utf-8"))
    claim = find(claims, "the spillway had been opened without notice")
    assert claim.polarity == "deny"
    assert not claim.content.text.lower().startswith("reports")
    assert claim.speaker.name == "Petra Lind"


def test_mixed_quote_with_the_cue_inside(extract):
    claims = extract(fixture_path("quotes_article.txt").read_text(encoding="utf-8"))
    claim = find(claims, "simply invented")
    assert claim.mode in ("mixed", "direct")
    assert claim.speaker.name == "Karel Brandt"


def test_transcript_turns_statements_and_questions(extractor):
    document = read_document(fixture_path("interview.txt"))
    claims = extractor.extract_one(document)
    letter = find(claims, "Every farm received a letter")
    assert letter.mode == "turn" and letter.speaker.name == "Petra Lind"
    assert letter.source.text == "PETRA LIND"
    question = find(claims, "were the farms warned?")
    assert question.mode == "question" and question.speaker.name == "Sam Okafor"
    reject = find(claims, "We reject that claim entirely")
    assert reject.polarity == "deny" and reject.speaker.name == "Petra Lind"
    surname_label = find(claims, "That is not true")
    assert surname_label.source.text == "LIND" and surname_label.speaker.name == "Petra Lind"
    intro = find(claims, "Tonight we look at the quarrel")
    assert intro.speaker.name == "Sam Okafor" and intro.speaker.role == "host"
    # what a turn reports is its reported speaker's claim, and a turn's `we` adds no second claim of the turn's speaker
    mayor = [c for c in claims if c.content.text == "nobody was told"]
    assert [(c.speaker.name, c.cue.text) for c in mayor] == [("mayor", "says")]
    assert not [c for c in claims if c.source is not None and c.source.text == "We"]


def test_role_and_affiliation_from_an_apposition(extract):
    text = "Ali Nazary, the National Resistance Front's head of foreign relations, said the valley had not been breached.\n"
    claim = extract(text)[0]
    assert claim.speaker.name == "Ali Nazary"
    assert claim.speaker.role == "head of foreign relations"
    assert claim.speaker.affiliation == "National Resistance Front"


VOX_POP = """Readers on the flood plan

We asked readers what they made of the council's flood plan. Here is what some of them told us.

“The wall will only push the water onto the farms downstream. Nobody asked us.” ― Ilse Marten
“I have lived by this river for forty years and I have never seen the council this unprepared.”― Tomas Reyes, 58, Dorn
“It is the first sensible thing they have done in a decade.” — Greta Holm.
"""


def test_a_quotation_credited_by_a_dash_and_a_name_is_that_persons(extract):
    claims = extract(VOX_POP)
    for fragment, name in (("push the water onto the farms", "Ilse Marten"), ("never seen the council", "Tomas Reyes"),
                           ("first sensible thing", "Greta Holm")):
        claim = find(claims, fragment)
        assert claim.source is not None and claim.source.text == name, (fragment, claim.source)
        assert claim.cue.text.strip("”") in ("―", "—")
        assert "―" not in claim.content.text



def test_dismissals_and_title_case_denials_deny_and_a_negated_denial_does_not(extract):
    cases = {
        "Council Denies Losing Bridge\n\nThe council said the bridge was held.\n": ("Losing Bridge", "deny"),
        "The general waved away suggestions that his troops had retreated.\n": ("his troops had retreated", "deny"),
        "A spokesman laughed off claims that the mayor had resigned.\n": ("the mayor had resigned", "deny"),
        "The rebels refused to accept that the valley had fallen.\n": ("the valley had fallen", "deny"),
        "The ministry did not deny reports that the dam had failed.\n": ("the dam had failed", "assert"),
    }
    for text, (fragment, polarity) in cases.items():
        claim = find(extract(text), fragment)
        assert claim.polarity == polarity, (text, claim.cue)


def test_a_notion_myth_or_fiction_that_x_is_an_unnamed_claim_of_x(extract):
    claims = extract('"This notion that the dam is leaking is simply false," the mayor said.\n')
    [notion] = [c for c in claims if c.speaker and c.speaker.name == "notion"]
    assert notion.speaker.kind == "unnamed" and notion.content.text == "the dam is leaking"
    denial = find(extract("The mayor rejected the notion that the dam was leaking.\n"), "the dam was leaking")
    assert denial.polarity == "deny"


def test_a_claim_put_to_the_listener_in_a_question_is_the_turns_question_not_the_listeners_claim():
    from counterclaim.model import Claim, TextSpans, Turn
    from counterclaim.nlp.turns import _asked_of_the_listener

    text = "HOST: What do you think the blockade is for? And you said the town was warned.\nGUEST: It was."
    turns = [Turn("HOST", 6, 79, 0, 4), Turn("GUEST", 87, len(text), 80, 85)]

    def claim(content: str, source_at: int) -> Claim:
        at = text.index(content)
        return Claim("d", "indirect", "assert", TextSpans.from_offsets(text, [(at, at + len(content))]),
                     source=TextSpans.from_offsets(text, [(source_at, source_at + 3)]))

    asked, told = text.index("you"), text.index("you said")
    assert _asked_of_the_listener(claim("the blockade is for", asked), turns, text)
    assert not _asked_of_the_listener(claim("the town was warned", told), turns, text)  # a statement, not a question


def test_a_documents_claims_do_not_depend_on_the_documents_read_beside_it(extractor):
    """Windows of several documents share forward passes; what each is tagged (and so its claim ids) must not change
    with its neighbours, whose lengths change the padding and whose values would change a batch-wide rounding scale."""
    from counterclaim.ingest import document_from_text

    texts = {name: fixture_path(name).read_text(encoding="utf-8") for name in ("quotes_article.txt", "dam_interview.txt", "speakers_hard.txt")}
    documents = [document_from_text(name, text) for name, text in texts.items()]

    def claims(found):
        return [(c.claim_id, c.content.spans, c.mode, c.polarity) for c in found]

    together = {e.document.doc_id: claims(e.claims) for e in extractor.extract(documents)}
    for document in documents:
        assert claims(extractor.extract_one(document)) == together[document.doc_id]
