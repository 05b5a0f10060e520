"""Who is speaking: a source mention resolved to the entity it names, within one document.

The obvious resolutions: a full name is itself; a surname, a title with a
surname, or a transcript label (`NAZARY`) is the full name it ends; `he`/`she`
is the person just quoted, else the nearest person named before; `they`/`it`
the nearest organisation or group before. A role and an affiliation come from an
apposition (`Ali Nazary, the National Resistance Front's head of foreign
relations`). Anything else (`a representative for the group`) stays its own,
unnamed entity.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from spacy.language import Language
from spacy.tokens import Doc, Span

from counterclaim.model import Claim, Speaker, Turn

PERSON_PRONOUNS = {"he", "she", "him", "her"}
GROUP_PRONOUNS = {"they", "it", "them"}
FIRST_PERSON = {"i", "we", "me", "us"}
TITLES = {"mr", "mrs", "ms", "dr", "sen", "rep", "gov", "gen", "president", "senator", "minister", "prof"}
RELATIVE_PRONOUNS = {"who", "which", "that", "whom"}
ORGANIZATION_LABELS = ("ORG", "NORP", "GPE")
PARAGRAPH_WINDOW = 3


def slug(name: str) -> str:
    """A readable id from a name: `Ali Nazary` -> `ali-nazary`."""
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "unknown"


def _label_name(label: str) -> str:
    return " ".join(part.capitalize() for part in label.split())


@dataclass(slots=True)
class _Mention:
    name: str
    start: int
    kind: str
    role: str | None = None
    affiliation: str | None = None


@dataclass(slots=True)
class _Registry:
    """Named people and organisations of a document, in order of mention."""

    mentions: list[_Mention] = field(default_factory=list)
    speakers: dict[str, Speaker] = field(default_factory=dict)

    def full_name(self, surname: str) -> str | None:
        wanted = surname.lower()
        for mention in self.mentions:
            parts = mention.name.split()
            if mention.kind == "person" and len(parts) > 1 and parts[-1].lower() == wanted:
                return mention.name
        return None

    def nearest(self, kind: str, before: int) -> _Mention | None:
        candidates = [m for m in self.mentions if m.kind == kind and m.start < before]
        return candidates[-1] if candidates else None

    def speaker(self, name: str, kind: str, alias: str | None) -> Speaker:
        key = slug(name)
        speaker = self.speakers.get(key)
        if speaker is None:
            speaker = self.speakers[key] = Speaker(id=key, name=name, kind=kind)
            for mention in self.mentions:
                if mention.name == name:
                    speaker.role = speaker.role or mention.role
                    speaker.affiliation = speaker.affiliation or mention.affiliation
        if alias and alias not in speaker.aliases:
            speaker.aliases.append(alias)
        return speaker


def _strip_article(text: str) -> str:
    """`the National Resistance Front's` -> `National Resistance Front`."""
    text = re.sub(r"^(the|a|an)\s+", "", text.strip(), flags=re.IGNORECASE)
    return re.sub(r"['\u2019]s?$", "", text).strip()


def _apposition(entity: Span) -> tuple[str | None, str | None]:
    """Role and affiliation from `NAME, the ORG's ROLE` or `NAME, ROLE of ORG`."""
    appos = next((c for c in entity.root.children if c.dep_ == "appos"), None)
    if appos is None:
        return None, None
    doc = entity.doc
    # the phrase ends at a relative clause or a comma after its head ("..., who is in the U.S.")
    end = next((t.i for t in doc[appos.i + 1 : appos.right_edge.i + 1] if t.dep_ == "relcl" or t.is_punct), appos.right_edge.i + 1)
    phrase = doc[appos.left_edge.i : end]
    organization = next((e for e in phrase.ents if e.label_ in ORGANIZATION_LABELS), None)
    affiliation = _strip_article(organization.text) if organization is not None else None
    # a possessive organisation before the head is the affiliation, not part of the role
    role_start = organization.end if organization is not None and organization.end <= appos.i else phrase.start
    role_tokens = [t for t in doc[role_start:end] if t.dep_ != "case"]
    role = _strip_article("".join(t.text_with_ws for t in role_tokens)) or None
    return role, affiliation


def _registry(doc: Doc, turns: list[Turn]) -> _Registry:
    registry = _Registry()
    for ent in doc.ents:
        if ent.label_ == "PERSON":
            name = ent.text.strip()
            role = affiliation = None
            if name.isupper():  # a transcript label, not prose
                name = _label_name(name)
            else:
                role, affiliation = _apposition(ent)
            registry.mentions.append(_Mention(name, ent.start_char, "person", role, affiliation))
        elif ent.label_ in ("ORG", "NORP"):
            registry.mentions.append(_Mention(_strip_article(ent.text), ent.start_char, "organization"))
    for turn in turns:
        if len(turn.label.split()) > 1 and turn.label_start is not None:
            registry.mentions.append(_Mention(_label_name(turn.label), turn.label_start, "person"))
    registry.mentions.sort(key=lambda m: m.start)
    return registry


def _paragraph_of(doc: Doc, offset: int) -> int:
    return doc.text.count("\n\n", 0, offset)


class SpeakerResolver:
    """Resolves each claim's source mention in one document."""

    def __init__(self, doc: Doc) -> None:
        self.doc = doc
        self.turns: list[Turn] = doc._.turns or []
        self.registry = _registry(doc, self.turns)
        self.last_person: tuple[int, Speaker] | None = None

    def _turn_of(self, claim: Claim) -> Turn | None:
        for turn in self.turns:
            if turn.start <= claim.content.start < turn.end + 1:
                return turn
        return None

    def resolve(self, claim: Claim) -> Speaker | None:
        if claim.mode in ("turn", "question"):
            turn = self._turn_of(claim)
            if turn is None:
                return None
            name = self.registry.full_name(turn.label.split()[-1]) or _label_name(turn.label)
            speaker = self.registry.speaker(name, "person", turn.label)
            if turn.is_introduction or self._is_host(turn):
                speaker.role = speaker.role or "host"
            return speaker
        if claim.source is None:
            return None
        return self._resolve_mention(claim)

    def _is_host(self, turn: Turn) -> bool:
        return any(t.is_introduction and t.label == turn.label for t in self.turns)

    def _resolve_mention(self, claim: Claim) -> Speaker:
        mention = claim.source.text
        start = claim.source.start
        span = self.doc.char_span(start, claim.source.end, alignment_mode="expand")
        lower = mention.lower().strip()
        if span is not None and lower in RELATIVE_PRONOUNS and span.root.head.dep_ == "relcl":
            antecedent = span.root.head.head
            span = self.doc[antecedent.left_edge.i : antecedent.i + 1]
            lower = span.text.lower()
        people = [e for e in (span.ents if span is not None else []) if e.label_ == "PERSON"]
        orgs = [e for e in (span.ents if span is not None else []) if e.label_ in ("ORG", "NORP")]
        if people:
            person = people[0].text.strip()
            parts = person.split()
            name = person if len(parts) > 1 else (self.registry.full_name(parts[-1]) or person)
            return self._person(name, mention, start)
        words = [
            w for w in re.findall(r"[\w.'-]+", span.text if span is not None else mention)
            if w.lower().rstrip(".") not in TITLES | RELATIVE_PRONOUNS
        ]
        if len(words) == 1 and words[0][:1].isupper() and (full := self.registry.full_name(words[0])):
            return self._person(full, mention, start)
        if lower in PERSON_PRONOUNS:
            recent = self._recent_person(start)
            if recent is not None:
                return self.registry.speaker(recent.name, "person", mention)
        if lower in GROUP_PRONOUNS:
            group = self.registry.nearest("organization", start)
            if group is not None:
                return self.registry.speaker(group.name, "organization", mention)
        if orgs and len(orgs[0]) >= len(span) - 1:
            return self.registry.speaker(self._organization_name(orgs[0].text), "organization", mention)
        return self.registry.speaker(_strip_article(mention), "unnamed", mention)

    def _organization_name(self, text: str) -> str:
        """An acronym stands for the organisation it abbreviates when the document names it."""
        name = _strip_article(text)
        if name.isupper() and len(name) <= 6:
            for mention in self.registry.mentions:
                initials = "".join(w[0] for w in mention.name.split() if w[:1].isupper())
                if mention.kind == "organization" and initials == name:
                    return mention.name
        return name

    def _person(self, name: str, mention: str, start: int) -> Speaker:
        speaker = self.registry.speaker(name, "person", mention)
        self.last_person = (start, speaker)
        return speaker

    def _recent_person(self, before: int) -> Speaker | None:
        """Who was just quoted, if within a few paragraphs; else the nearest person named."""
        if self.last_person is not None:
            at, speaker = self.last_person
            if _paragraph_of(self.doc, before) - _paragraph_of(self.doc, at) <= PARAGRAPH_WINDOW:
                return speaker
        nearest = self.registry.nearest("person", before)
        return self.registry.speaker(nearest.name, "person", None) if nearest else None


@Language.factory("counterclaim_speakers")
class SpeakerResolution:
    """Sets `claim.speaker` on every claim of `doc._.claims`."""

    def __init__(self, nlp: Language, name: str) -> None:
        self.name = name

    def __call__(self, doc: Doc) -> Doc:
        resolver = SpeakerResolver(doc)
        for claim in doc._.claims or []:
            claim.speaker = resolver.resolve(claim)
        return doc
