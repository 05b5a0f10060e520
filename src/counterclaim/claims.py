"""The claims stage: Documents in, Claims out, through the nlp pipeline.

`nlp.pipe` is the one batch path; each Doc carries its Document's id and turns
so that the components can build complete claims. Long documents go through in
parts; a document the pipeline fails on is reported and left out, and the batch
goes on.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from itertools import islice

from spacy.language import Language
from spacy.tokens import Doc

from counterclaim.errors import shown
from counterclaim.model import Claim, Document, Speaker, Turn
from counterclaim.nlp.pipeline import load_pipeline


@dataclass(slots=True)
class Extraction:
    """What the claims stage found in one document: its claims and the speaker entities behind them."""

    document: Document
    claims: list[Claim]
    speakers: list[Speaker]

    def all_speakers(self) -> list[Speaker]:
        """The document's speakers, with any a claim names that the list lacks: every speaker a record of it must hold."""
        found = {s.id: s for s in self.speakers}
        for claim in self.claims:
            for speaker in (claim.speaker, claim.reported_by):
                if speaker is not None:
                    found.setdefault(speaker.id, speaker)
        return list(found.values())

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


# Reports a document the pipeline failed on, with the error; the batch goes on without it.
OnError = Callable[[Document, Exception], None]


def analysis_failure(document: Document, problem: Exception) -> str:
    """The one line that reports a document the pipeline failed on (a bug, not the user's input)."""
    return (f"{shown(document.path or document.doc_id)}: could not be analysed ({type(problem).__name__}: {problem}); "
            "the rest of the batch goes on (a bug: please report it with this file)")


@dataclass(slots=True, frozen=True)
class _Part:
    """Where one part of a document lies: the document, the part's range, and whether it is the document's last."""

    document: Document
    start: int
    end: int
    last: bool


class ClaimExtractor:
    """Loads the pipeline once and extracts claims from any number of documents."""

    def __init__(self, nlp: Language | None = None, batch_size: int = 8) -> None:
        self.nlp = nlp or load_pipeline()
        self.batch_size = batch_size

    def _doc(self, part: _Part) -> Doc:
        document = part.document
        whole = part.start == 0 and part.end == len(document.text)
        doc = self.nlp.make_doc(document.text if whole else document.text[part.start : part.end])
        doc._.doc_id = document.doc_id
        doc._.turns = document.turns if whole else turns_within(document.turns, part.start, part.end)
        return doc

    def _processed(self, parts: Iterable[_Part]) -> Iterator[tuple[_Part, Doc | None, Exception | None]]:
        """Each part with its processed Doc, or with the exception the pipeline raised on it.

        Parts go through `nlp.pipe` a batch at a time; when a batch fails, its parts go
        through again one by one, so that one bad input costs only its own document.
        """
        remaining = iter(parts)
        while batch := list(islice(remaining, self.batch_size)):
            try:
                docs = list(self.nlp.pipe((self._doc(p) for p in batch), batch_size=self.batch_size))
                yield from ((p, doc, None) for p, doc in zip(batch, docs, strict=True))
            except Exception:  # which part failed is found below, one at a time
                for alone in batch:
                    try:
                        yield alone, self.nlp(self._doc(alone)), None
                    except Exception as problem:  # a bug, not a user error: reported per document by the caller
                        yield alone, None, problem

    def extract(self, documents: Iterable[Document], on_error: OnError | None = None) -> Iterator[Extraction]:
        """Each document with its claims, in document order; documents are consumed lazily.

        The parts of a long document are joined again: claims in the whole text's offsets,
        speakers once each. A document the pipeline fails on is given to `on_error` and left
        out, the others go on; without `on_error` the exception is raised.
        """
        claims: list[Claim] = []
        speakers: dict[str, Speaker] = {}
        failure: Exception | None = None
        for part, doc, problem in self._processed(_parts(documents)):
            failure = failure or problem
            if doc is not None and failure is None:
                claims.extend(claim.shifted(part.start) if part.start else claim for claim in doc._.claims or [])
                for speaker in doc._.speakers or []:
                    speakers.setdefault(speaker.id, speaker)
            if part.last:
                if failure is None:
                    yield Extraction(part.document, claims, list(speakers.values()))
                elif on_error is None:
                    raise failure
                else:
                    on_error(part.document, failure)
                claims, speakers, failure = [], {}, None

    def explained(self, document: Document) -> Iterator[tuple[int, Doc]]:
        """Each part of a document as the pipeline leaves it (tags, claims, notes on each claim), with where the part starts:
        what `counterclaim extract --explain` prints. Raises what the pipeline raises."""
        for part, doc, problem in self._processed(_parts([document])):
            if problem is not None:
                raise problem
            yield part.start, doc

    def extract_one(self, document: Document) -> list[Claim]:
        """Claims of a single document."""
        return next(self.extract([document])).claims


def _parts(documents: Iterable[Document]) -> Iterator[_Part]:
    for document in documents:
        bounds = part_bounds(document.text)
        for n, (start, end) in enumerate(bounds):
            yield _Part(document, start, end, n == len(bounds) - 1)

