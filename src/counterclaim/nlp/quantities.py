"""Numbers in claims, parsed into value, unit and approximation so sources can be compared.

`about 10,000 fighters` is 10000 fighters, approximate; `50 percent` and `50%`
are both 50 percent; `hundreds of fighters` is at least 100, approximate.
Dates and times are not quantities.
"""

from __future__ import annotations

import re

from spacy.language import Language
from spacy.tokens import Doc, Span

from counterclaim.model import Claim, Quantity

WORD_NUMBERS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
    "eleven": 11, "twelve": 12, "fifteen": 15, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "hundred": 100,
}
SCALES = {"hundred": 100, "thousand": 1_000, "million": 1_000_000, "billion": 1_000_000_000, "trillion": 1_000_000_000_000}
VAGUE_PLURALS = {"dozens": 12, "hundreds": 100, "thousands": 1_000, "millions": 1_000_000, "billions": 1_000_000_000}
APPROXIMATORS = {
    "about", "around", "approximately", "roughly", "nearly", "almost", "some", "over", "more", "than", "up", "to",
    "at", "least", "estimated", "less", "fewer", "under", "an", "upwards", "of", "close",
}
PERCENT = {"%", "percent", "per", "cent", "pct"}
NUMBER = re.compile(r"^\d[\d,]*(?:\.\d+)?$")
NOT_QUANTITIES = {"DATE", "TIME", "ORDINAL"}


def _number_value(token_text: str) -> float | None:
    lower = token_text.lower()
    if NUMBER.match(lower):
        return float(lower.replace(",", ""))
    return WORD_NUMBERS.get(lower)


def _quantity_at(span: Span, n: int) -> tuple[Quantity, int] | None:
    """The quantity whose number starts at token `n` of the span, and the index after it."""
    tokens = list(span)
    token = tokens[n]
    if token.ent_type_ in NOT_QUANTITIES or token.is_punct:
        return None
    approx = False
    value = _number_value(token.text)
    if value is None:
        if token.lower_ not in VAGUE_PLURALS or n + 1 >= len(tokens) or tokens[n + 1].lower_ != "of":
            return None
        value, approx = float(VAGUE_PLURALS[token.lower_]), True
    end = n + 1
    while end < len(tokens) and tokens[end].lower_ in SCALES:
        value *= SCALES[tokens[end].lower_]
        end += 1
    if end < len(tokens) and tokens[end].lower_ == "of" and token.lower_ in VAGUE_PLURALS:
        end += 1
    start = n
    while start > 0 and tokens[start - 1].lower_ in APPROXIMATORS:
        start -= 1
        approx = approx or tokens[start].lower_ not in ("an", "of")
    unit: str | None = None
    if start > 0 and tokens[start - 1].text in "$\u20ac\u00a3":
        unit = {"$": "USD", "\u20ac": "EUR", "\u00a3": "GBP"}[tokens[start - 1].text]
        start -= 1
    elif end < len(tokens) and tokens[end].lower_ in PERCENT:
        unit = "percent"
        end += 2 if tokens[end].lower_ == "per" and end + 1 < len(tokens) and tokens[end + 1].lower_ == "cent" else 1
    else:
        head = token.head
        if token.lower_ in VAGUE_PLURALS and tokens[end - 1].lower_ == "of":
            # "hundreds of fighters": the unit is the object of "of"
            head = next((c for c in tokens[end - 1].children if c.dep_ == "pobj"), head)
        if head.pos_ in ("NOUN", "PROPN") and head.i > token.i and head.i - tokens[0].i < len(tokens):
            unit = head.text
            end = max(end, head.i - tokens[0].i + 1)
    text = span.doc[tokens[start].i : tokens[end - 1].i + 1].text
    return Quantity(text=text, value=value, unit=unit, approx=approx), end


def find_quantities(span: Span) -> list[Quantity]:
    """Every quantity in a span of text, in order."""
    found: list[Quantity] = []
    n = 0
    tokens = list(span)
    while n < len(tokens):
        result = _quantity_at(span, n)
        if result is None:
            n += 1
            continue
        quantity, n = result
        found.append(quantity)
    return found


def claim_quantities(doc: Doc, claim: Claim) -> list[Quantity]:
    quantities: list[Quantity] = []
    for start, end in claim.content.spans:
        span = doc.char_span(start, end, alignment_mode="expand")
        if span is not None:
            quantities.extend(find_quantities(span))
    return quantities


@Language.factory("counterclaim_quantities")
class QuantityParser:
    """Sets `claim.quantities` on every claim of `doc._.claims`."""

    def __init__(self, nlp: Language, name: str) -> None:
        self.name = name

    def __call__(self, doc: Doc) -> Doc:
        for claim in doc._.claims or []:
            claim.quantities = claim_quantities(doc, claim)
        return doc
