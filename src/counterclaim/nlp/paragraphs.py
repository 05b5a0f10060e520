"""Paragraph breaks are sentence breaks: set them before the parser sees the text."""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc


@Language.component("counterclaim_paragraphs")
def mark_paragraph_starts(doc: Doc) -> Doc:
    """Start a sentence after every line break, so no sentence spans two paragraphs or turns."""
    for token in doc[1:]:
        previous = doc[token.i - 1]
        if "\n" in previous.text_with_ws and not token.is_space:
            token.is_sent_start = True
        elif token.is_space and "\n" in token.text:
            token.is_sent_start = False
    return doc
