"""The claims stage: Documents in, Claims out, through the nlp pipeline.

`nlp.pipe` is the one batch path; each Doc carries its Document's id and turns
so that the components can build complete claims.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from spacy.language import Language

from counterclaim.model import Claim, Document, Speaker
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


class ClaimExtractor:
    """Loads the pipeline once and extracts claims from any number of documents."""

    def __init__(self, nlp: Language | None = None, batch_size: int = 8) -> None:
        self.nlp = nlp or load_pipeline()
        self.batch_size = batch_size

    def _docs(self, documents: Iterable[Document]):
        for document in documents:
            doc = self.nlp.make_doc(document.text)
            doc._.doc_id = document.doc_id
            doc._.turns = document.turns
            yield doc

    def extract(self, documents: Iterable[Document]) -> Iterator[Extraction]:
        """Each document with its claims, in document order; documents are consumed lazily.

        `nlp.pipe` reads a batch ahead, so the documents in flight wait in a queue.
        """
        pending: deque[Document] = deque()

        def remember(items: Iterable[Document]):
            for document in items:
                pending.append(document)
                yield document

        for doc in self.nlp.pipe(self._docs(remember(documents)), batch_size=self.batch_size):
            yield Extraction(pending.popleft(), list(doc._.claims or []), list(doc._.speakers or []))

    def extract_one(self, document: Document) -> list[Claim]:
        """Claims of a single document."""
        return next(self.extract([document])).claims
