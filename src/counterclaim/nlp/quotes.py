"""Quotation spans: which characters of a text stand inside quotation marks.

News quotes run across sentences and paragraphs, a paragraph that continues a
quote reopens it without closing the one before, and real text has stray or
missing marks. This component pairs marks paragraph by paragraph, so one
missing mark never swallows the rest of the document (best effort on
unbalanced quotes).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from spacy.language import Language
from spacy.tokens import Doc, Token

from counterclaim.nlp.doc_text import doc_text

OPENING = "\u201c\u201e\u00ab"
CLOSING = "\u201d\u00bb"
NEUTRAL = '"'
# NYT writes ``...'' or ''...''; treat doubled marks as one.
DOUBLED = re.compile(r"``|''")

if not Doc.has_extension("quotes"):
    Doc.set_extension("quotes", default=None)
if not Token.has_extension("in_quote"):
    Token.set_extension("in_quote", default=False)


def _marks(paragraph: str) -> list[tuple[int, str]]:
    """Positions of quotation marks in a paragraph with their role: open, close or neutral."""
    found: list[tuple[int, str]] = []
    doubled = {m.start() for m in DOUBLED.finditer(paragraph)}
    skip = set()
    for i, ch in enumerate(paragraph):
        if i in skip:
            continue
        if i in doubled:
            skip.add(i + 1)
            found.append((i, "open" if paragraph[i] == "`" else "neutral"))
        elif ch in OPENING:
            found.append((i, "open"))
        elif ch in CLOSING:
            found.append((i, "close"))
        elif ch == NEUTRAL:
            found.append((i, "neutral"))
    return found


def _opens(paragraph: str, i: int, role: str) -> bool:
    if role != "neutral":
        return role == "open"
    before = paragraph[i - 1] if i > 0 else " "
    after = paragraph[i + 1] if i + 1 < len(paragraph) else " "
    if before.isspace() or before in "([{\u2014\u2013-/":
        return not after.isspace()
    return False


@dataclass(slots=True)
class QuoteScan:
    """Quotation spans (marks included), and where a quotation was left unclosed."""

    spans: list[tuple[int, int]] = field(default_factory=list)
    unclosed: list[int] = field(default_factory=list)


def scan_quotes(text: str) -> QuoteScan:
    """Pair the quotation marks of `text`, paragraph by paragraph.

    A quotation still open at a paragraph's end is closed there: either the next
    paragraph reopens it (news style for long quotes) or the closing mark is
    missing, which is recorded in `unclosed`.
    """
    scan = QuoteScan()
    spans = scan.spans
    paragraphs = text.split("\n")
    offset = 0
    for n, paragraph in enumerate(paragraphs):
        open_at: int | None = None
        for i, role in _marks(paragraph):
            width = 2 if paragraph[i : i + 2] in ("``", "''") else 1
            if open_at is None:
                if _opens(paragraph, i, role) or role == "neutral":
                    open_at = i
            elif role == "close" or role == "neutral" or not _opens(paragraph, i, role):
                spans.append((offset + open_at, offset + i + width))
                open_at = None
            else:  # an opening mark while open: the earlier one was stray
                open_at = i
        if open_at is not None:
            end = len(paragraph.rstrip())
            if end > open_at + 1:
                spans.append((offset + open_at, offset + end))
            following = next((p.lstrip() for p in paragraphs[n + 1 :] if p.strip()), "")
            if not following[:1] or following[0] not in OPENING + NEUTRAL + "`":
                scan.unclosed.append(offset + open_at)
        offset += len(paragraph) + 1
    return scan


def find_quotes(text: str) -> list[tuple[int, int]]:
    """Character spans (marks included) of quotations in `text`."""
    return scan_quotes(text).spans


@Language.factory("counterclaim_quotes")
class QuoteFinder:
    """Marks quotation spans on the Doc (`doc._.quotes`) and tokens inside them (`token._.in_quote`)."""

    def __init__(self, nlp: Language, name: str) -> None:
        self.name = name

    def __call__(self, doc: Doc) -> Doc:
        spans = find_quotes(doc_text(doc))
        doc._.quotes = spans
        if spans:
            for start, end in spans:
                span = doc.char_span(start, end, alignment_mode="expand")
                if span is not None:
                    for token in span:
                        token._.in_quote = True
        return doc
