"""The claims stage: Documents in, Claims out, through the nlp pipeline.

`nlp.pipe` is the one batch path; each Doc carries its Document's id and turns
so that the components can build complete claims.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from spacy.language import Language
from spacy.tokens import Doc

from counterclaim.model import Claim, Document, Speaker, Turn
from counterclaim.nlp.pipeline import load_pipeline


@dataclass(slots=True)
class Extraction:
    """What the claims stage found in one document: its claims and the speaker entities behind them."""

    document: Document
    claims: list[Claim]
    speakers: list[Speaker]

    def claim_counts(self) -> dict[str, int]:
        """Claims per speaker id."""
        counts: dict[str, int] = {}
        for claim in self.claims:
            if claim.speaker is not None:
                counts[claim.speaker.id] = counts.get(claim.speaker.id, 0) + 1
        return counts


# A longer document goes through the pipeline in parts cut at paragraph breaks: spaCy refuses texts
# over a million characters (E088), and the parser's memory grows with the text it holds.
PART_CHARS = 100_000
# Where a part may end, best first: a blank line, a line break, a sentence's end, any space.
PART_BREAKS = ("\n\n", "\n", ". ", " ")


def part_bounds(text: str, limit: int = PART_CHARS) -> list[tuple[int, int]]:
    """Character ranges that cover `text` in order, each at most `limit` long, cut at the best break
    in the second half of each part (a hard cut only in a run with no space at all)."""
    bounds, start = [], 0
    while len(text) - start > limit:
        window_end = start + limit
        cut = window_end
        for separator in PART_BREAKS:
            found = text.rfind(separator, start + limit // 2, window_end)
            if found >= 0:
                cut = found + len(separator)
                break
        bounds.append((start, cut))
        start = cut
    bounds.append((start, len(text)))
    return bounds


def turns_within(turns: list[Turn], start: int, end: int) -> list[Turn]:
    """The turns that overlap a part, clipped to it and in its offsets; a label outside the part is dropped."""
    inside = []
    for turn in turns:
        if turn.end <= start or turn.start >= end:
            continue
        label_inside = turn.label_start is not None and turn.label_start >= start and (turn.label_end or 0) <= end
        inside.append(Turn(
            label=turn.label, start=max(turn.start, start) - start, end=min(turn.end, end) - start,
            label_start=turn.label_start - start if label_inside else None,
            label_end=turn.label_end - start if label_inside and turn.label_end is not None else None,
            is_introduction=turn.is_introduction,
        ))
    return inside


class ClaimExtractor:
    """Loads the pipeline once and extracts claims from any number of documents."""

    def __init__(self, nlp: Language | None = None, batch_size: int = 8) -> None:
        self.nlp = nlp or load_pipeline()
        self.batch_size = batch_size

    def _docs(self, documents: Iterable[Document]) -> Iterator[tuple[Doc, tuple[Document, int, bool]]]:
        """Each document's parts as Docs, with the document, the part's offset and whether it is the last."""
        for document in documents:
            bounds = part_bounds(document.text)
            whole = len(bounds) == 1
            for n, (start, end) in enumerate(bounds):
                doc = self.nlp.make_doc(document.text if whole else document.text[start:end])
                doc._.doc_id = document.doc_id
                doc._.turns = document.turns if whole else turns_within(document.turns, start, end)
                yield doc, (document, start, n == len(bounds) - 1)

    def extract(self, documents: Iterable[Document]) -> Iterator[Extraction]:
        """Each document with its claims, in document order; documents are consumed lazily.

        The parts of a long document are joined again: claims in the whole text's offsets,
        speakers once each.
        """
        claims: list[Claim] = []
        speakers: dict[str, Speaker] = {}
        for doc, (document, start, last) in self.nlp.pipe(self._docs(documents), batch_size=self.batch_size, as_tuples=True):
            claims.extend(claim.shifted(start) if start else claim for claim in doc._.claims or [])
            for speaker in doc._.speakers or []:
                speakers.setdefault(speaker.id, speaker)
            if last:
                yield Extraction(document, claims, list(speakers.values()))
                claims, speakers = [], {}

    def extract_one(self, document: Document) -> list[Claim]:
        """Claims of a single document."""
        return next(self.extract([document])).claims
