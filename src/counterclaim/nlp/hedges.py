"""Hedges: words by which the writer or speaker keeps a distance from a claim.

`the Taliban's purported victory`, `allegedly`, `it isn't clear`, `claims`:
a hedge in the claim's own sentence marks the claim as hedged.
"""

from __future__ import annotations

import re

from spacy.language import Language
from spacy.tokens import Doc

from counterclaim.model import Claim
from counterclaim.nlp.doc_text import doc_text
from counterclaim.nlp.lexicons import load_lexicon


def _pattern() -> re.Pattern[str]:
    phrases = sorted(load_lexicon("hedges"), key=len, reverse=True)
    return re.compile(r"\b(" + "|".join(re.escape(p).replace("'", "['\u2019]") for p in phrases) + r")\b", re.IGNORECASE)


def claim_hedges(doc: Doc, claim: Claim, pattern: re.Pattern[str]) -> list[str]:
    """Hedge words in the sentences that hold the claim's content, in order, each once."""
    first = doc.char_span(claim.content.start, claim.content.end, alignment_mode="expand")
    if first is None:
        return []
    start = first[0].sent.start_char
    end = first[-1].sent.end_char
    found: list[str] = []
    for match in pattern.finditer(doc_text(doc), start, end):
        word = match.group(0).lower().replace("\u2019", "'")
        if word not in found:
            found.append(word)
    return found


@Language.factory("counterclaim_hedges")
class HedgeFinder:
    """Sets `claim.hedges` on every claim of `doc._.claims`."""

    def __init__(self, nlp: Language, name: str) -> None:
        self.name = name
        self.pattern = _pattern()

    def __call__(self, doc: Doc) -> Doc:
        for claim in doc._.claims or []:
            claim.hedges = claim_hedges(doc, claim, self.pattern)
        return doc
