"""What the words of one document make certain about which claim bears on which.

Embeddings and the stance model judge claims one pair at a time, out of their
place. Some relations are plain from where a claim stands:

- an anaphoric denial (`We refute this.`, `We deny that.`, `dismissed the claim`,
  `rejected the army's account`, `That's not true`) disputes what it points
  back at: the nearest claim of another speaker before it, in its paragraph
  or turn, else in the two before (all of that speaker's claims there when
  the pointer is plural: `the army's account`, `these reports`). What the
  denier says between the two is the view they refute, voiced: it is not
  their own assertion;
- calling reports or rumours propaganda, lies, misleading or a fabrication
  disputes what the reports say: the report in the same sentence, else every
  report claim in the paragraph and the two before, else (a headline or lede)
  the first after; a named report (`the AP report`) is that outlet's claims
  as well as the unnamed reports'. A dismissal of the report in its own
  sentence states nothing else: it takes part only as the report's denier;
  one that spells out what it dismisses (`this fiction that X`) has no other
  target; `repeating a false claim that X` is the writer's label on the
  speaker's own claim, not the speaker's verdict;
- `They say X, but in action Y`: X is theirs, and the speaker disputes it;
- a speaker's assertions in the sentence of their denial, after it, or in the
  sentence that follows it (`Saleh also denied rumors of a defeat. Countering
  reports that he had fled, Saleh said that he is in the valley`), are their
  case against what they deny: they take the denial's side;
- a bare noun read with its headline ("rumors of a defeat" under "Reports Of
  Its Defeat In Panjshir Are Taliban Propaganda") stands for what the
  headline's reports say: it joins the proposition the headline dismisses.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from counterclaim.link.checkable import FALSE_WORDS, anaphoric_stance, clean, dismisses, pointer_owner

if TYPE_CHECKING:
    from counterclaim.link.propositions import ClaimUnit

REPORT_WORDS = (
    r"reports?|rumou?rs?|claims?|allegations?|stories|story|narratives?|accounts?|accusations?|speculation|analys[ie]s|investigations?"
    r"|stud(?:y|ies)|polls?|surveys?|notions?|myths?|fictions?"
)
REPORT_NOUNS = re.compile(rf"\b({REPORT_WORDS})\b", re.I)
# "this fiction that X": the dismissal says what it dismisses, and nothing else is its target ("rumors of a defeat" names
# a report said elsewhere)
SPELLED_OUT = re.compile(rf"\b({REPORT_WORDS})\s+that\b", re.I)
# "repeating a false claim that he opposed the invasion": the writer's label on what the speaker said, not the speaker's verdict
LABELLED = re.compile(rf"^\W*(?:(?:a|an|the|his|her|their|its|this|that)\s+)?(?:\w+\s+)?(?:{FALSE_WORDS})\s+(?:\w+\s+)?(?:{REPORT_WORDS})\b", re.I)
# whose report a dismissal names: "the AP report", "Politico's story", "the New York Times account"
NAMED_REPORT = re.compile(
    rf"\b(?!(?:The|A|An|This|That|These|Those|Such)\b)(?P<owner>[A-Z][\w&.-]*)(?:['\u2019]s)?\s+(?:\w+\s+)?(?i:{REPORT_WORDS})\b"
)
PLURAL_POINTER = re.compile(
    r"\b(these|those|them|claims|reports|reporting|rumou?rs|allegations|accusations|charges|criticisms?|critiques?|stories|account|version|narrative)\b",
    re.I,
)
CONTRAST = re.compile(
    r"\b(?P<verb>say|says|said|claim|claims|claimed|insist|insists|insisted|promise|promises|promised|pretend|pretends|pretended)\s+"
    r"(?:that\s+)?(?P<x>[^,;.]+?),?\s+but\s+(?P<y>[^.;]+)",
    re.IGNORECASE,
)
SUBJECT_PRONOUN = re.compile(r"^(they|he|she|it)\s+", re.IGNORECASE)
LOOK_BACK_PARAGRAPHS = 2
# a clause of four words or more, then a conjunction that opens the pointer's own clause, in one sentence
CLAUSE_BEFORE = re.compile(r"\w+(?:\W+\w+){3,}\W+(?:although|though|but|while|whereas)\b[^.;:!?]*$", re.IGNORECASE)
LOOK_AHEAD_PARAGRAPHS = 4


@dataclass(slots=True)
class Relation:
    """`unit` bears on the propositions of `targets` with `stance`, by `rule`."""

    unit: int
    targets: list[int]
    stance: str  # toward the targets' claims: `supports` sides with them, `disputes` against
    rule: str


@dataclass(slots=True)
class Seed:
    """A proposition the text states outright (`they say X, but ...`): its statement and members with their stances."""

    statement: str
    members: list[tuple[int, str]]
    rule: str


@dataclass(slots=True)
class Discourse:
    relations: list[Relation] = field(default_factory=list)
    seeds: list[Seed] = field(default_factory=list)
    voiced: set[int] = field(default_factory=set)  # claims a speaker states only to refute them
    stands_for: dict[int, int] = field(default_factory=dict)  # an elliptical claim -> the claim whose content it means
    anaphoric: set[int] = field(default_factory=set)  # claims that point back: they state nothing of their own
    verdicts: dict[int, list[int]] = field(default_factory=dict)  # a dismissal -> the reports in its sentence: they state, it judges


class Layout:
    """Paragraph and sentence of any offset in a document's text."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.paragraph_starts = [0] + [m.end() for m in re.finditer(r"\n+", text)]
        self.sentence_starts = sorted({0, *self.paragraph_starts, *(m.end() for m in re.finditer(r"[.!?][\"'\u201d\u2019)]*\s+", text))})

    def paragraph(self, offset: int) -> int:
        return bisect_right(self.paragraph_starts, offset) - 1

    def sentence(self, offset: int) -> int:
        return bisect_right(self.sentence_starts, offset) - 1

    def sentence_text(self, offset: int) -> str:
        index = self.sentence(offset)
        end = self.sentence_starts[index + 1] if index + 1 < len(self.sentence_starts) else len(self.text)
        return self.text[self.sentence_starts[index] : end]


def _is_report(unit: ClaimUnit) -> bool:
    return unit.kind == "unnamed" and bool(REPORT_NOUNS.search(unit.speaker or ""))


def _names_of(unit: ClaimUnit) -> set[str]:
    speaker = unit.record.get("speaker") or {}
    names = [unit.speaker or "", *speaker.get("aliases", [])]
    return {word.lower() for name in names for word in re.findall(r"[\w-]+", name)}


def _antecedents(unit: ClaimUnit, before: list[ClaimUnit], layout: Layout) -> tuple[list[ClaimUnit], list[ClaimUnit]]:
    """What an anaphoric claim points back at, and the denier's own claims voiced in between.

    A pointer that names whose words it means (`Clinton's charges`) points only at that speaker's claims.
    """
    paragraph = layout.paragraph(unit.start)
    plural = bool(PLURAL_POINTER.search(unit.text))
    owner = pointer_owner(unit.text)
    sentence_start = layout.sentence_starts[layout.sentence(unit.start)]
    if CLAUSE_BEFORE.search(layout.text[sentence_start : unit.start]):
        # `..., whose eastern flanks are considered occupied territory, although Israel disputes this`: the pointer
        # means the clause before it, which is a claim of the ledger or nobody's (the writer's own), never an earlier one
        inside = [c for c in before if c.start >= sentence_start and c.speaker_id != unit.speaker_id and _may_mean(owner, c)]
        return (_pointed_at(inside[-1], inside, plural) if inside else []), []
    passed: list[ClaimUnit] = []
    for back in range(LOOK_BACK_PARAGRAPHS + 1):
        scope = [c for c in before if layout.paragraph(c.start) == paragraph - back]
        for candidate in reversed(scope):
            if candidate.speaker_id == unit.speaker_id and candidate.speaker_id is not None:
                if back == 0:
                    passed.append(candidate)
                continue
            if not _may_mean(owner, candidate):
                continue
            return _pointed_at(candidate, scope, plural), passed
    if passed and not owner:  # only the denier's own sentences before it: the nearest is the view refuted
        return [passed[0]], passed
    return [], []


def _may_mean(owner: str | None, claim: ClaimUnit) -> bool:
    """Whether a pointer that names whose words it means (`owner`, or None when it names nobody) can mean this claim."""
    return not owner or owner.lower() in _names_of(claim)


def _pointed_at(nearest: ClaimUnit, scope: list[ClaimUnit], plural: bool) -> list[ClaimUnit]:
    """The claims a pointer means, given the nearest it can mean: that one, or for a plural pointer (`these claims`)
    every claim of the same speaker in the scope searched."""
    return [c for c in scope if c.speaker_id == nearest.speaker_id] if plural else [nearest]


def _owned_by(owner: str, unit: ClaimUnit) -> bool:
    """Whether a name in a text (`Times`, `AP`, `Politico`) is the speaker of a claim, by a word of its names or their initials."""
    if owner.lower() in _names_of(unit):
        return True
    speaker = unit.record.get("speaker") or {}
    for name in [unit.speaker or "", *speaker.get("aliases", [])]:
        initials = "".join(w[0] for w in re.findall(r"[A-Z][\w-]*", name) if w.lower() != "the")
        if len(owner) >= 2 and owner.isupper() and initials == owner:
            return True
    return False


def _in_its_sentence(report: ClaimUnit, dismissal: ClaimUnit, layout: Layout) -> bool:
    """Whether a report lies in the dismissal's sentence or inside its words (a quotation of several sentences)."""
    return layout.sentence(report.start) == layout.sentence(dismissal.start) or dismissal.start <= report.start < dismissal.end


def _report_targets(unit: ClaimUnit, ordered: list[ClaimUnit], reports: list[ClaimUnit], layout: Layout) -> list[ClaimUnit]:
    """The report claims a dismissal is about: the nearest in its sentence or its own words; else every report claim in
    its paragraph and the two before (a report says several things, and calling it misleading disputes them all); else,
    for a dismissal in the headline or the lede, the first report after. A dismissal that spells out what it dismisses
    (`this fiction that X`) has no other target. A named report (`the AP report`) is that outlet's claims with the
    unnamed reports'; a report's claims never include the dismisser's own."""
    named = NAMED_REPORT.search(unit.text)
    if named:
        owned = [c for c in ordered if c.speaker_id != unit.speaker_id and _owned_by(named.group("owner"), c)]
        reports = sorted({c.id: c for c in [*reports, *owned]}.values(), key=lambda c: c.start)
    reports = [r for r in reports if r.id != unit.id and r.speaker_id != unit.speaker_id]
    paragraph = layout.paragraph(unit.start)
    same = [r for r in reports if _in_its_sentence(r, unit, layout)]
    if same:
        return [min(same, key=lambda r: abs(r.start - unit.start))]
    if SPELLED_OUT.search(unit.text):
        return []
    earlier = [r for r in reports if r.start < unit.start and paragraph - layout.paragraph(r.start) <= LOOK_BACK_PARAGRAPHS]
    if earlier:
        return earlier
    if not (unit.headline or paragraph <= 1):
        return []
    later = [r for r in reports if r.start > unit.start and layout.paragraph(r.start) - paragraph <= LOOK_AHEAD_PARAGRAPHS]
    return [min(later, key=lambda r: r.start)] if later else []


def _contrast(unit: ClaimUnit, inside: list[ClaimUnit], layout: Layout) -> Seed | None:
    """`They say X, but Y` in a speaker's sentence: a proposition X held by them and disputed by the speaker."""
    match = CONTRAST.search(unit.text)
    if match is None:
        return None
    x = clean(match.group("x"))
    if len(x.split()) < 3:
        return None
    start = unit.start + unit.text.find(match.group("x"))
    holders = [c for c in inside if c.id != unit.id and c.start <= start < c.end + 1 and c.speaker_id != unit.speaker_id]
    members = [(unit.id, "disputes")]
    pronoun = SUBJECT_PRONOUN.match(x)
    if holders:
        holder = holders[0]
        members.insert(0, (holder.id, "supports"))
        if pronoun and holder.speaker and holder.kind != "unnamed":
            name = holder.speaker
            if holder.kind == "organization" and not name.lower().startswith("the "):
                name = "The " + name
            x = name + " " + x[pronoun.end() :]
    return Seed(x[0].upper() + x[1:], members, "contrast")


def analyse(units: list[ClaimUnit], text: str) -> Discourse:
    """The relations in one document's claims (all from that document, in any order)."""
    layout = Layout(text)
    ordered = sorted(units, key=lambda u: (u.start, u.id))
    result = Discourse()
    reports = [u for u in ordered if _is_report(u)]
    for index, unit in enumerate(ordered):
        stance = anaphoric_stance(unit.text, unit.polarity)  # "multiple reports reveal that's untrue" passes a verdict too
        if stance is not None:
            result.anaphoric.add(unit.id)
            before = [c for c in ordered[:index] if c.id not in result.anaphoric and c.end <= unit.start + 1]
            targets, voiced = _antecedents(unit, before, layout)
            if targets:
                result.relations.append(Relation(unit.id, [t.id for t in targets], stance, "anaphora"))
                if stance == "disputes":
                    result.voiced.update(v.id for v in voiced if v.id not in {t.id for t in targets})
            continue
        if not _is_report(unit) and REPORT_NOUNS.search(unit.text) and dismisses(unit.text) and not LABELLED.match(unit.text):
            targets = _report_targets(unit, ordered, reports, layout)
            if targets:
                result.relations.append(Relation(unit.id, [t.id for t in targets], "disputes", "dismissal"))
                inside = [t.id for t in targets if _in_its_sentence(t, unit, layout)]
                if inside:
                    # `This notion that Obama doesn't know what he's doing is just not true` holds the notion's words:
                    # as a statement of its own it would stand for the notion it denies
                    result.verdicts[unit.id] = inside
                continue
        seed = _contrast(unit, ordered, layout)
        if seed is not None:
            result.seeds.append(seed)
    _counters(ordered, layout, result)
    _elliptical_referents(ordered, result)
    return result


def _counters(ordered: list[ClaimUnit], layout: Layout, result: Discourse) -> None:
    """A speaker's assertions after their denial, in its sentence or the next, are their case against what they deny."""
    for unit in ordered:
        if unit.polarity != "deny" or unit.id in result.anaphoric:
            continue
        sentence = layout.sentence(unit.start)
        for other in ordered:
            if other.id == unit.id or other.speaker_id != unit.speaker_id or other.polarity != "assert" or other.start <= unit.end:
                continue
            if layout.sentence(other.start) in (sentence, sentence + 1):
                result.relations.append(Relation(other.id, [unit.id], "supports", "counter"))


def _elliptical_referents(ordered: list[ClaimUnit], result: Discourse) -> None:
    """Claims read with the headline stand for the report the headline dismisses."""
    targets = [r.targets[0] for r in result.relations if r.rule == "dismissal" and any(u.id == r.unit and u.headline for u in ordered)]
    if not targets:
        return
    for unit in ordered:
        if unit.meaning != unit.text and not unit.headline:
            result.stands_for[unit.id] = targets[0]
