"""The Doc's text, built once: spaCy's `Doc.text` joins every token again on each access."""

from __future__ import annotations

from spacy.tokens import Doc

TEXT_KEY = "counterclaim_text"


def doc_text(doc: Doc) -> str:
    """`doc.text`, cached in the Doc's user data (the text of a Doc never changes)."""
    text = doc.user_data.get(TEXT_KEY)
    if text is None:
        text = doc.user_data[TEXT_KEY] = doc.text
    return text
