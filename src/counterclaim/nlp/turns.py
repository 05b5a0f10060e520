"""Transcript turns as claims: each statement sentence of a turn is a claim of its speaker.

Questions are kept, marked `question`, since they are not assertions; fillers
without a verb ("Of course.") are left out. The turn's label is the source.
"""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc, Span

from counterclaim.model import Claim, TextSpans, Turn
from counterclaim.nlp.doc_text import doc_text
from counterclaim.nlp.reported_speech import add_claims, is_denial

MIN_WORDS = 3


def _is_statement(sentence: Span) -> bool:
    words = [t for t in sentence if not (t.is_punct or t.is_space)]
    return len(words) >= MIN_WORDS and any(t.pos_ in ("VERB", "AUX") for t in words)


def turn_claims(doc: Doc, turn: Turn) -> list[Claim]:
    """Claims for the sentences of one turn, clipped to the turn's span."""
    span = doc.char_span(turn.start, turn.end, alignment_mode="expand")
    if span is None:
        return []
    source = None
    if turn.label_start is not None:
        source = TextSpans.from_offsets(doc_text(doc), [(turn.label_start, turn.label_end)])
    claims = []
    for sentence in span.sents:
        start = max(sentence.start_char, turn.start)
        end = min(sentence.end_char, turn.end)
        sentence = doc.char_span(start, end, alignment_mode="contract")
        if sentence is None or not _is_statement(sentence):
            continue
        text = sentence.text.rstrip()
        is_question = text.endswith("?")
        deny = is_denial(doc[sentence.root.i : sentence.root.i + 1])
        claims.append(
            Claim(
                doc_id=doc._.doc_id,
                mode="question" if is_question else "turn",
                polarity="deny" if deny and not is_question else "assert",
                content=TextSpans.from_offsets(doc_text(doc), [(sentence.start_char, sentence.start_char + len(text))]),
                source=source,
            )
        )
    return claims


@Language.factory("counterclaim_turns")
class TurnClaims:
    """Adds the claims of transcript turns (`doc._.turns`, set from the Document) to `doc._.claims`."""

    def __init__(self, nlp: Language, name: str) -> None:
        self.name = name

    def __call__(self, doc: Doc) -> Doc:
        turns = doc._.turns or []
        labels = [(t.label_start, t.label_end) for t in turns if t.label_start is not None]
        if labels:  # the tagger reads `NAME: text` as an attribution too; the turn's own claims replace it
            doc._.claims = [c for c in doc._.claims or [] if c.source is None or not any(_overlaps(c.source.spans, label) for label in labels)]
        if turns:  # `We deny that.` is the turn's own statement already: a tagged claim whose source is the speaker's `I` or `we`;
            # `What do you think the goal is?` is the turn's question, not a claim of the one asked
            text = doc_text(doc)
            doc._.claims = [c for c in doc._.claims or [] if not (_speaks_for_itself(c, turns, text) or _asked_of_the_listener(c, turns, text))]
        add_claims(
            doc, [claim for turn in turns for claim in turn_claims(doc, turn)],
            note="a statement of a transcript turn, said by the turn's speaker",
        )
        return doc


def _overlaps(spans: list[tuple[int, int]], other: tuple[int, int]) -> bool:
    return any(start < other[1] and other[0] < end for start, end in spans)


FIRST_PERSON = frozenset({"i", "we", "me", "us"})


def _source_in_a_turn(claim: Claim, turns: list[Turn], text: str) -> str | None:
    """The claim's source as written, lower-cased, when it is one span inside a turn."""
    if claim.source is None or len(claim.source.spans) != 1:
        return None
    start, end = claim.source.spans[0]
    return text[start:end].lower() if any(t.start <= start < t.end for t in turns) else None


def _speaks_for_itself(claim: Claim, turns: list[Turn], text: str) -> bool:
    """Whether a tagged claim inside a turn has the turn's speaker, as `I` or `we`, for its source."""
    return _source_in_a_turn(claim, turns, text) in FIRST_PERSON


def _asked_of_the_listener(claim: Claim, turns: list[Turn], text: str) -> bool:
    """Whether a tagged claim inside a turn is a question put to the listener: `you` as source, a `?` closing the content."""
    asked = claim.content.text.rstrip().endswith("?") or text[claim.content.end : claim.content.end + 3].lstrip().startswith("?")
    return asked and _source_in_a_turn(claim, turns, text) == "you"
