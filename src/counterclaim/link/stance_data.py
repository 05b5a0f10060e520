"""The stance data sets: FNC-1 headline-body pairs and Emergent headline-claim pairs, and how they are split.

Both become `StancePair(claim, text, label)` with FNC-1's four labels (`agree`,
`disagree`, `discuss`, `unrelated`); Emergent's `for` / `against` /
`observing` are `agree` / `disagree` / `discuss`. A long text (an FNC-1 body)
is read as the passage that bears on the claim: the sentences that share its
words or carry a stance cue, in their order, up to a word budget. Every split
is by document, never by row: FNC-1's development part is a fixed tenth of its
bodies, Emergent's folds are by claim.
"""

from __future__ import annotations

import csv
import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

LABELS = ("agree", "disagree", "discuss", "unrelated")
EMERGENT_LABELS = {"for": "agree", "against": "disagree", "observing": "discuss"}
PASSAGE_WORDS = 80
FOLDS = 5
DEV_SHARE = 10  # one body in ten, by a hash of its id
SENTENCE = re.compile(r"[^.!?\n]+(?:[.!?]+[\"'\u201d\u2019)]*|\n|$)")
WORD = re.compile(r"[a-z0-9][a-z0-9'-]*")
CUE = re.compile(
    r"\b(den(y|ies|ied|ial)|deni\w+|false|fake|hoax|debunk\w*|myth|untrue|refut\w+|reject\w*|dismiss\w*|rumou?r\w*|report\w*|claim\w*"
    r"|alleged\w*|purported\w*|unconfirmed|unverified|confirm\w*|not true|no evidence|satir\w+|prank)\b",
    re.IGNORECASE,
)
STOP = frozenset(
    "a an and are as at be been but by for from had has have he her his in is it its of on or said says she that the their they this to"
    " was were which who will with".split()
)


class StanceDataError(ValueError):
    """A file is not what its reader expects."""


@dataclass(slots=True)
class StancePair:
    """A claim, a text that may bear on it, and (in training data) the text's stance toward the claim.

    `group` is what a split keeps together: Emergent's claim id, FNC-1's body id.
    """

    claim: str
    text: str
    label: str | None = None
    group: str | None = None


def words(text: str) -> list[str]:
    return WORD.findall(text.lower())


def passage(claim: str, text: str, max_words: int = PASSAGE_WORDS) -> str:
    """What of a long text bears on the claim: its first sentence, then those sharing most of the claim's words
    or carrying a stance cue, kept in the text's order, within `max_words`."""
    if len(text.split()) <= max_words:
        return " ".join(text.split())
    sentences = [m.group(0).strip() for m in SENTENCE.finditer(text) if m.group(0).strip()]
    wanted = {w for w in words(claim) if w not in STOP}
    scored = []
    for index, sentence in enumerate(sentences):
        shared = len(wanted & set(words(sentence)))
        scored.append((-(shared + 2 * bool(CUE.search(sentence)) + 3 * (index == 0)), index))
    chosen, budget = [], max_words
    for _, index in sorted(scored):
        size = len(sentences[index].split())
        if size <= budget:
            chosen.append(index)
            budget -= size
        if budget < 5:
            break
    if not chosen:
        return " ".join(text.split()[:max_words])
    return " ".join(" ".join(sentences[i].split()) for i in sorted(chosen))


def _rows(path: str | Path, required: set[str]) -> list[dict[str, str]]:
    try:
        with open(path, encoding="utf-8", newline="") as handle:
            rows = list(csv.DictReader(handle))
    except UnicodeDecodeError as error:
        raise StanceDataError(f"{path}: not UTF-8 ({error.reason})") from None
    missing = required - set(rows[0] if rows else {})
    if missing:
        raise StanceDataError(f"{path}: missing columns {', '.join(sorted(missing))}")
    return rows


def read_emergent(path: str | Path) -> list[StancePair]:
    """Emergent's `claimHeadline`, `articleHeadline`, `articleHeadlineStance`, `claimId` rows."""
    try:
        rows = _rows(path, {"claimHeadline", "articleHeadline", "articleHeadlineStance", "claimId"})
    except StanceDataError as error:
        raise StanceDataError(f"{error} (not an Emergent file)") from None
    pairs = []
    for number, row in enumerate(rows, 2):
        label = EMERGENT_LABELS.get(row["articleHeadlineStance"])
        if label is None:
            raise StanceDataError(f"{path}: line {number}: unknown stance {row['articleHeadlineStance']!r}")
        pairs.append(StancePair(row["claimHeadline"], row["articleHeadline"], label, row["claimId"]))
    return pairs


def read_fnc1(stances: str | Path, bodies: str | Path, with_labels: bool = True) -> list[StancePair]:
    """FNC-1 headline-body pairs: the headline is the claim, the body's passage about it the text."""
    body_rows = _rows(bodies, {"Body ID", "articleBody"})
    body_text = {row["Body ID"]: row["articleBody"] for row in body_rows}
    stance_rows = _rows(stances, {"Headline", "Body ID"} | ({"Stance"} if with_labels else set()))
    pairs = []
    for number, row in enumerate(stance_rows, 2):
        body = body_text.get(row["Body ID"])
        if body is None:
            raise StanceDataError(f"{stances}: line {number}: body {row['Body ID']} is not in {bodies}")
        label = row.get("Stance") if with_labels else None
        if with_labels and label not in LABELS:
            raise StanceDataError(f"{stances}: line {number}: unknown stance {label!r}")
        pairs.append(StancePair(row["Headline"], body, label, row["Body ID"]))
    return pairs


def is_fnc1_dev(body_id: str) -> bool:
    """The held-out tenth of FNC-1's bodies: fixed by a hash of the body id, so every run holds out the same."""
    return int(hashlib.sha1(body_id.encode()).hexdigest(), 16) % DEV_SHARE == 0


def claim_key(claim: str) -> str:
    """A claim's identity across files: a hash of its words."""
    return hashlib.sha1(" ".join(words(claim)).encode()).hexdigest()[:16]


def emergent_folds(pairs: list[StancePair], folds: int = FOLDS) -> dict[str, int]:
    """Each claim's fold: claims in order of their key, dealt round-robin."""
    keys = sorted({claim_key(p.claim) for p in pairs})
    return {key: index % folds for index, key in enumerate(keys)}
