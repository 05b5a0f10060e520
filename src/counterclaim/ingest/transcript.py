"""Transcripts: speaker turns (`CORNISH: ...`), where they start, and the host's introduction.

A broadcast transcript may follow the article written from it in one file, as
on NPR's pages. Turns start at the first labelled line; unlabelled paragraphs
just before it are the host's introduction, back to a boundary such as the
article's copyright line.
"""

from __future__ import annotations

import re
from collections import Counter

from counterclaim.model import Turn

# `ALI NAZARY:`, `CORNISH:`, `AUDIE CORNISH, HOST:` at the start of a line.
LABEL = re.compile(
    r"^(?P<label>[A-Z][A-Z'\.\-]*(?: [A-Z][A-Z'\.\-]*){0,3})(?:, (?P<role>[A-Z][A-Z ]{1,30}))?: (?=\S)",
    re.MULTILINE,
)
BOUNDARY = re.compile(r"copyright|to see more, visit|transcript provided|^\s*(?:byline|\(soundbite)", re.IGNORECASE)
NOT_LABELS = {"NOTE", "UPDATE", "EDITOR'S NOTE", "CORRECTION", "PHOTO", "VIDEO", "WATCH", "READ MORE", "RELATED"}
MIN_TURNS = 2
MAX_UNMARKED_INTRO = 3


def _paragraph_starts(text: str, before: int) -> list[int]:
    """Start offsets of the non-blank paragraphs (lines) that begin before `before`."""
    starts, offset = [], 0
    for line in text[:before].split("\n"):
        if line.strip():
            starts.append(offset)
        offset += len(line) + 1
    return starts


def _host_label(labels: list[tuple[str, str | None, str]]) -> str | None:
    """The interviewer: the label marked HOST, else the one that asks the most questions."""
    for label, role, _ in labels:
        if role and "HOST" in role:
            return label
    questions = Counter(label for label, _, body in labels if "?" in body)
    return questions.most_common(1)[0][0] if questions else None


def find_turns(text: str) -> tuple[int | None, list[Turn]]:
    """Where the transcript starts and its turns; (None, []) for text without turns."""
    matches = [m for m in LABEL.finditer(text) if m.group("label") not in NOT_LABELS]
    if len(matches) < MIN_TURNS:
        return None, []
    bodies = []
    for n, m in enumerate(matches):
        end = matches[n + 1].start() if n + 1 < len(matches) else len(text)
        body = text[m.end() : end]
        if n + 1 == len(matches) and (trailer := BOUNDARY.search(body)):
            body = body[: trailer.start()]
        body_end = m.end() + len(body.rstrip())
        bodies.append((m, m.end(), body_end))
    labels = [(m.group("label"), m.group("role"), text[s:e]) for m, s, e in bodies]
    turns = [
        Turn(label=m.group("label"), start=s, end=e, label_start=m.start(), label_end=m.start() + len(m.group("label")))
        for m, s, e in bodies
    ]
    first = matches[0].start()
    intro = _introduction(text, first)
    start = first
    if intro is not None:
        start = intro
        host = _host_label(labels) or "HOST"
        intro_end = len(text[:first].rstrip())
        turns.insert(0, Turn(label=host, start=intro, end=intro_end, is_introduction=True))
    return start, turns


def _introduction(text: str, first_label: int) -> int | None:
    """Start of the host's introduction before the first label, if there is one."""
    starts = _paragraph_starts(text, first_label)
    collected: list[int] = []
    for start in reversed(starts):
        line_end = text.find("\n", start)
        line = text[start : line_end if line_end != -1 else len(text)]
        if BOUNDARY.search(line):
            break
        collected.append(start)
    else:
        # reached the top of the file: all of it is introduction
        return collected[-1] if collected else None
    if not collected:
        return None
    if len(collected) > MAX_UNMARKED_INTRO:
        return collected[0]
    return collected[-1]
