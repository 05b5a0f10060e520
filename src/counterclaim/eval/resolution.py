"""How far speaker resolution gets: pronoun and description sources resolved to named entities.

PolNeAR marks source mentions but not the entities they refer to, so this
cannot be scored against gold; it counts how many claims whose source is a
pronoun or a description end with a named speaker, and draws a sample of those
resolutions, with their context, for checking by hand.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from counterclaim.nlp.speakers import FIRST_PERSON_PLURAL, FIRST_PERSON_SINGULAR, GROUP_PRONOUNS, PERSON_PRONOUNS, RELATIVE_PRONOUNS

if TYPE_CHECKING:
    from counterclaim.claims import Extraction

PRONOUNS = PERSON_PRONOUNS | GROUP_PRONOUNS | FIRST_PERSON_SINGULAR | FIRST_PERSON_PLURAL | RELATIVE_PRONOUNS
CONTEXT_CHARS = 300


@dataclass(slots=True)
class Resolution:
    doc_id: str
    mention_kind: str
    mention: str
    speaker: str
    speaker_kind: str
    context: str


def mention_kind(mention: str) -> str:
    """`pronoun`, `description` (no capitalised word after its first: `the former vice president`), or `name`."""
    words = mention.replace(",", " ").split()
    if not words or words[0].lower() in PRONOUNS:
        return "pronoun"
    if any(w[:1].isupper() for w in words[1:]) or (words[0][:1].isupper() and len(words) == 1):
        return "name"
    return "description"


def resolutions(extractions: Iterable[Extraction]) -> tuple[Counter, list[Resolution]]:
    """Counts of source mentions by kind and outcome, and every pronoun/description resolved to a name."""
    counts: Counter = Counter()
    resolved: list[Resolution] = []
    for extraction in extractions:
        text = extraction.document.text
        for claim in extraction.claims:
            if claim.source is None or claim.speaker is None or claim.mode in ("turn", "question"):
                continue
            kind = mention_kind(claim.source.text)
            named = claim.speaker.kind in ("person", "organization") and kind != "name"
            counts[kind] += 1
            if named:
                counts[f"{kind}_resolved"] += 1
                start = max(0, claim.source.start - CONTEXT_CHARS)
                context = text[start : claim.content.end].replace("\n", " ")
                resolved.append(Resolution(extraction.document.doc_id, kind, claim.source.text, claim.speaker.name, claim.speaker.kind, context))
    return counts, resolved


def format_report(counts: Counter, resolved: list[Resolution], sample: int, seed: int) -> str:
    """The shares, then a numbered sample of resolutions to check by hand."""
    total = sum(counts[k] for k in ("pronoun", "description", "name"))
    lines = [f"claims with a source mention: {total}"]
    for kind in ("name", "pronoun", "description"):
        n = counts[kind]
        lines.append(f"  {kind:<12} {n:5d} ({n / total:.1%})" if total else f"  {kind:<12} 0")
    pd = counts["pronoun"] + counts["description"]
    done = counts["pronoun_resolved"] + counts["description_resolved"]
    if pd:
        lines.append(
            f"pronoun or description sources resolved to a named entity: {done} of {pd} ({done / pd:.1%}); "
            f"pronouns {counts['pronoun_resolved']}/{counts['pronoun']}, descriptions {counts['description_resolved']}/{counts['description']}"
        )
    picked = random.Random(seed).sample(resolved, min(sample, len(resolved)))
    if picked:
        lines.append(f"\nsample of {len(picked)} resolutions to check by hand (seed {seed}):")
    for n, r in enumerate(picked, 1):
        lines.append(f"[{n}] {r.doc_id}: {r.mention!r} -> {r.speaker} ({r.speaker_kind})\n    ...{r.context[-400:]}")
    return "\n".join(lines)
