"""Cue lexicons, kept as data files so they can be read and edited without code."""

from __future__ import annotations

from functools import cache
from importlib import resources


@cache
def load_lexicon(name: str) -> frozenset[str]:
    """The entries of `lexicons/<name>.txt`, lower-cased, comments and blanks dropped."""
    text = resources.files(__package__).joinpath(f"{name}.txt").read_text(encoding="utf-8")
    entries = (line.split("#", 1)[0].strip().lower() for line in text.splitlines())
    return frozenset(e for e in entries if e)
