"""Long documents go through the pipeline in parts, and long runs without spaces never reach the tokenizer whole."""

import pytest

from counterclaim import claims as claims_module
from counterclaim.claims import part_bounds, turns_within
from counterclaim.ingest import document_from_text
from counterclaim.model import Turn
from counterclaim.nlp.attribution import MAX_WORD_CHARS, tagger_words
from counterclaim.nlp.long_runs import MAX_RUN

PARAGRAPH = 'Petra Lind, the chief engineer, said the spillway was opened on time. "We had no choice," Lind said.\n\n'


def slices_back(text, claim):
    for part in (claim.content, claim.cue, claim.source):
        if part is not None:
            assert " ".join(text[s:e] for s, e in part.spans) == part.text


def test_parts_cover_the_text_in_order_and_end_at_paragraph_breaks():
    text = PARAGRAPH * 400
    bounds = part_bounds(text, limit=5_000)
    assert bounds[0][0] == 0 and bounds[-1][1] == len(text)
    assert all(a[1] == b[0] for a, b in zip(bounds, bounds[1:], strict=False))
    assert all(end - start <= 5_000 for start, end in bounds)
    assert all(text[end - 2 : end] == "\n\n" for _, end in bounds[:-1])
    assert part_bounds("x" * 12_000, limit=5_000) == [(0, 5_000), (5_000, 10_000), (10_000, 12_000)]


def test_turns_are_clipped_to_a_part_and_keep_their_label_only_inside_it():
    turns = [Turn("HOST", 0, 100, 0, 4), Turn("GUEST", 100, 300, 100, 105)]
    assert turns_within(turns, 150, 250) == [Turn("GUEST", 0, 100, None, None)]
    assert turns_within(turns, 50, 150) == [Turn("HOST", 0, 50, None, None), Turn("GUEST", 50, 100, 50, 55)]


def test_a_document_in_parts_gives_the_claims_it_gives_whole(extractor, monkeypatch):
    text = PARAGRAPH * 12
    document = document_from_text("whole", text)
    whole = extractor.extract_one(document)
    monkeypatch.setattr(claims_module, "PART_CHARS", len(PARAGRAPH) * 3 + 10)
    parted = next(extractor.extract([document]))
    assert [c.claim_id for c in parted.claims] == [c.claim_id for c in whole]
    assert [c.content.text for c in parted.claims] == [c.content.text for c in whole]
    assert len({s.id for s in parted.speakers}) == len(parted.speakers)
    for claim in parted.claims:
        slices_back(text, claim)


def test_a_text_over_a_million_characters_is_extracted_not_refused(extractor):
    text = PARAGRAPH + "\n" * 1_100_000 + PARAGRAPH
    claims = extractor.extract_one(document_from_text("long", text))
    assert max(c.content.start for c in claims) > 1_000_000
    for claim in claims:
        slices_back(text, claim)


@pytest.mark.parametrize("run", ['"' * 40_000, "\U0001F600" * 50_000, "\U0001F1FA\U0001F1F8" * 5_000, "(" * 5_000 + ")" * 5_000])
def test_a_long_run_without_spaces_is_cut_into_bounded_tokens_and_text_is_kept(extractor, run):
    text = f"The spokesman said {run} was false.\n" + PARAGRAPH
    doc = extractor.nlp.make_doc(text)
    assert doc.text == text
    assert max(len(token) for token in doc) <= MAX_RUN
    assert max(len(word) for word in tagger_words(list(doc))) <= MAX_WORD_CHARS
    for claim in extractor.extract_one(document_from_text("run", text)):
        slices_back(text, claim)


def test_ordinary_text_is_tokenized_exactly_as_spacy_does(extractor):
    text = 'He said "no" (twice) at https://example.com/a-long-path?x=1 — and left.\n' * 3
    assert [t.text for t in extractor.nlp.make_doc(text)] == [t.text for t in extractor.nlp.tokenizer.tokenizer(text)]
