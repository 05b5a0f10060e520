"""Bounding the tokenizer's cost: long runs without whitespace are cut into pieces first.

spaCy's tokenizer strips prefixes and suffixes from a whitespace-delimited
chunk one at a time, searching the rest again after each: a run of 40,000
quotation marks or emoji costs time in the square of its length (minutes).
No word is that long, so a run longer than `MAX_RUN` characters is cut into
pieces of `MAX_RUN` characters that become tokens as they are; everything
between such runs goes to the real tokenizer. The Doc's text is the input
text, character for character, so every offset stays true.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from spacy.tokens import Doc
from spacy.vocab import Vocab

# Longer than any word or URL worth parsing; short enough that the affix loop stays cheap.
MAX_RUN = 200
LONG_RUN = re.compile(r"\S{" + str(MAX_RUN + 1) + ",}")


class BoundedTokenizer:
    """Wraps a spaCy tokenizer: the same Doc for ordinary text, long runs cut into `MAX_RUN`-character tokens."""

    def __init__(self, tokenizer: Callable[[str], Doc], vocab: Vocab) -> None:
        self.tokenizer = tokenizer
        self.vocab = vocab

    def __call__(self, text: str) -> Doc:
        runs = list(LONG_RUN.finditer(text))
        if not runs:
            return self.tokenizer(text)
        parts: list[Doc] = []
        position = 0
        for run in runs:
            if run.start() > position:
                parts.append(self.tokenizer(text[position : run.start()]))
            pieces = [run.group()[i : i + MAX_RUN] for i in range(0, len(run.group()), MAX_RUN)]
            parts.append(Doc(self.vocab, words=pieces, spaces=[False] * len(pieces)))
            position = run.end()
        if position < len(text):
            parts.append(self.tokenizer(text[position:]))
        return Doc.from_docs(parts, ensure_whitespace=False)

    def __getattr__(self, name: str):
        """Everything else (`explain`, `to_disk`, rules) is the wrapped tokenizer's."""
        if name == "tokenizer":  # not yet set: no recursion
            raise AttributeError(name)
        return getattr(self.tokenizer, name)
