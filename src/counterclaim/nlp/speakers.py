"""Who is speaking: a source mention resolved to the entity it names, within one document.

One entity per speaker: a full name is itself; a surname, a title with a
surname, or a transcript label (`NAZARY`) is the full name it ends; a first
name is the one person of that first name; a royal keeps the title in the name
(`Prince Andrew`, then `Andrew`); `he`/`she` is the person just quoted (within
a few paragraphs), else the nearest person named before and outside the
claim's own quotation; `they`/`it` the nearest organisation or group before;
`who`/`which` their antecedent. A description (`the former vice president`) is the person
whose role it names (`Amrullah Saleh, who was vice president`), or the
organisation whose name it ends (`the army` -> `Northern Army`); where the text
does not say (`a representative for the group`) it stays its own unnamed entity.
Roles and affiliations come from appositions, relative clauses and titles.
"""

from __future__ import annotations

import bisect
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from spacy.language import Language
from spacy.tokens import Doc, Span, Token

from counterclaim.model import Claim, Speaker, Turn, slug
from counterclaim.nlp.doc_text import doc_text

if not Doc.has_extension("speakers"):
    Doc.set_extension("speakers", default=None)

PERSON_PRONOUNS = {"he", "she", "him", "her"}
PRONOUN_GENDER = {"he": "m", "him": "m", "his": "m", "himself": "m", "she": "f", "her": "f", "hers": "f", "herself": "f"}
HONORIFIC_GENDER = {"mr": "m", "sir": "m", "mrs": "f", "ms": "f", "miss": "f", "dame": "f"}
# Role words that say a person's gender: `spokeswoman`, `chairman`.
GENDERED_ROLE_WORDS = {
    **dict.fromkeys(("spokeswoman", "chairwoman", "congresswoman", "businesswoman", "councilwoman", "queen", "princess",
                     "mother", "wife", "daughter", "sister", "widow", "actress", "grandmother"), "f"),
    **dict.fromkeys(("spokesman", "chairman", "congressman", "businessman", "councilman", "king", "prince", "father",
                     "husband", "son", "brother", "widower", "actor", "grandfather"), "m"),
}
# Indefinite descriptions that a news story names in its next paragraph: `a representative for the group tells NPR.`
NAMED_NEXT_WINDOW = 1
FIRST_PERSON_SINGULAR = {"i", "me"}
FIRST_PERSON_PLURAL = {"we", "us"}
GROUP_PRONOUNS = {"they", "it", "them"}
HONORIFICS = {"mr", "mrs", "ms", "miss", "dr", "prof", "sir", "dame"}
# Titles that name a role when they stand before a name: `President Ashraf Ghani`, `host Audie Cornish`.
TITLE_WORDS = {
    "president", "vice", "prime", "minister", "senator", "sen", "rep", "representative", "gov", "governor", "general",
    "gen", "colonel", "col", "commander", "mayor", "judge", "secretary", "chairman", "chairwoman", "host", "spokesman",
    "spokeswoman", "spokesperson", "ambassador", "former", "foreign", "deputy", "chief", "leader", "correspondent",
    "reporter", "anchor", "interior", "defense", "defence", "sheikh", "mullah", "king", "queen", "prince", "pope",
}
# Titles that are part of how a royal is named: `Prince Andrew` (and `Andrew` alone, later, is him).
ROYAL_TITLES = {"prince", "princess", "king", "queen", "emir", "sultan"}
RELATIVE_PRONOUNS = {"who", "which", "that", "whom"}
ORGANIZATION_LABELS = ("ORG", "NORP", "GPE")
# Words that carry no meaning when a description is matched against a role.
ROLE_FILLER = {"the", "a", "an", "former", "of", "for", "to", "in", "on", "at", "'s", "his", "her", "its", "their", "under", "and"}
PARAGRAPH_WINDOW = 3


def _label_name(label: str) -> str:
    return " ".join(part.capitalize() for part in label.split())


def _strip_article(text: str) -> str:
    """`the National Resistance Front's` -> `National Resistance Front`."""
    text = re.sub(r"^(the|a|an)\s+", "", text.strip(), flags=re.IGNORECASE)
    return re.sub(r"['\u2019]s?$", "", text).strip()


def _content_words(text: str) -> set[str]:
    return {w for w in re.findall(r"[a-z]+", text.lower()) if w not in ROLE_FILLER}


@dataclass(slots=True)
class _Mention:
    name: str
    start: int
    kind: str
    role: str | None = None
    affiliation: str | None = None
    gender: str | None = None


@dataclass(slots=True)
class _Registry:
    """Named people and organisations of a document, in order of mention, and each person's gender where the text shows it."""

    mentions: list[_Mention] = field(default_factory=list)
    speakers: dict[str, Speaker] = field(default_factory=dict)
    genders: dict[str, str] = field(default_factory=dict)

    def full_name(self, single: str) -> str | None:
        """The full name a single name stands for: the first person whose surname it is, else the one person whose
        first name it is (`Hillary` for Hillary Clinton, where no other Hillary is named)."""
        wanted = single.lower()
        people = {m.name for m in self.mentions if m.kind == "person" and len(m.name.split()) > 1}
        for mention in self.mentions:
            if mention.name in people and mention.name.split()[-1].lower() == wanted:
                return mention.name
        by_first = {name for name in people if name.split()[0].lower() == wanted}
        return by_first.pop() if len(by_first) == 1 else None

    def nearest(self, kind: str, before: int, gender: str | None = None, skip: list[tuple[int, int]] | None = None) -> _Mention | None:
        """The last mention of that kind before the offset and outside the `skip` ranges (a claim's own quotation: who
        is named in what was said is not who said it); for people, one whose gender does not contradict `gender`."""
        for mention in reversed(self.mentions):
            if mention.kind == kind and mention.start < before and self.may_be(mention.name, gender):
                if not any(start <= mention.start < end for start, end in skip or ()):
                    return mention
        return None

    def canonical(self, name: str) -> str:
        """A surname alone stands for the full name it ends."""
        return name if len(name.split()) > 1 else (self.full_name(name) or name)

    def may_be(self, name: str, gender: str | None) -> bool:
        """Whether a pronoun of this gender (None: any) can refer to the person: unknown genders fit every pronoun."""
        known = self.genders.get(self.canonical(name))
        return gender is None or known is None or known == gender

    def described(self, description: str, head: str, at: int) -> _Mention | None:
        """The person whose role the description names: its head noun in the role, most words shared.

        Ties go to the nearest person named before the description, then to the first after it.
        """
        words = _content_words(description)
        best: tuple[int, int, _Mention] | None = None
        for mention in self.mentions:
            if mention.kind != "person" or not mention.role:
                continue
            role_words = _content_words(mention.role)
            if head not in role_words:
                continue
            distance = at - mention.start if mention.start < at else 10**9 + mention.start
            candidate = (len(words & role_words), -distance, mention)
            if best is None or candidate[:2] > best[:2]:
                best = candidate
        return best[2] if best else None

    def organization_ending(self, head: str, at: int) -> _Mention | None:
        """The organisation whose name ends with the head noun: `the army` -> `Northern Army`."""
        matches = [m for m in self.mentions if m.kind == "organization" and m.name.lower().split()[-1:] == [head]]
        before = [m for m in matches if m.start < at]
        return (before or matches or [None])[-1 if before else 0]

    def expand_acronym(self, name: str) -> str:
        """An acronym stands for the organisation it abbreviates when the document names it anywhere."""
        if name.isupper() and 2 <= len(name) <= 6:
            for mention in self.mentions:
                initials = "".join(w[0] for w in mention.name.split() if w[:1].isupper())
                if mention.kind == "organization" and initials == name and mention.name != name:
                    return mention.name
        return name

    def speaker(self, name: str, kind: str, alias: str | None) -> Speaker:
        if kind == "person" and name.isupper():  # a transcript label read as a name: `PETRA LIND`
            name = _label_name(name)
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


def _phrase_until_clause(doc: Doc, head: Token) -> Span:
    """The phrase headed by `head`, stopping at a relative clause or a comma after the head."""
    end = next((t.i for t in doc[head.i + 1 : head.right_edge.i + 1] if t.dep_ == "relcl" or t.is_punct), head.right_edge.i + 1)
    return doc[head.left_edge.i : end]


def _without_trailing_clause(span: Span) -> Span:
    """The source without what follows its head after a comma (a name's apposition, age or relative clause), or without
    a description's relative clause: `Maxwell, whose mates have nicknamed him "Spiderman"` is Maxwell, `Rendell, a
    Clinton surrogate` is Rendell; `The state's campaign chairman, Phil Lovas` keeps its name."""
    heads = [t for t in span if t.pos_ in ("PROPN", "NOUN") and not span.start <= t.head.i < span.end]
    if len(heads) != 1:
        return span
    head = heads[0]
    if head.pos_ == "PROPN":
        end = next((t.i for t in span.doc[head.i + 1 : span.end] if t.text == ","), span.end)
    else:
        end = next((t.left_edge.i for t in head.children if t.dep_ == "relcl" and t.i > head.i), span.end)
    if end == span.end:
        return span
    while end > head.i + 1 and span.doc[end - 1].is_punct:
        end -= 1
    return span.doc[span.start : end] if span.start < end < span.end else span


def _role_and_affiliation(phrase: Span, head: Token) -> tuple[str | None, str | None]:
    """`the National Resistance Front's head of foreign relations` -> role and organisation."""
    organization = next((e for e in phrase.ents if e.label_ in ORGANIZATION_LABELS), None)
    affiliation = _strip_article(organization.text) if organization is not None else None
    # a possessive before the head (`the NRF's`, `the board's`) is the affiliation, not part of the role
    role_start = organization.end if organization is not None and organization.end <= head.i else phrase.start
    possessor = next((c for c in head.children if c.dep_ == "poss"), None)
    if possessor is not None:
        role_start = max(role_start, possessor.right_edge.i + 1)
    role_tokens = [t for t in phrase.doc[role_start : phrase.end] if t.dep_ != "case"]
    role = _strip_article("".join(t.text_with_ws for t in role_tokens)) or None
    return role, affiliation


def _apposition(entity: Span) -> tuple[str | None, str | None]:
    """Role and affiliation from `NAME, the ORG's ROLE`, `NAME, ROLE of ORG` or `NAME, who was ROLE`."""
    doc = entity.doc
    for child in entity.root.children:
        if child.dep_ == "appos":
            return _role_and_affiliation(_phrase_until_clause(doc, child), child)
    for child in entity.root.children:
        if child.dep_ == "relcl" and child.lemma_ == "be":
            attribute = next((c for c in child.children if c.dep_ == "attr"), None)
            if attribute is not None:
                return _role_and_affiliation(_phrase_until_clause(doc, attribute), attribute)
    return None, None


def _names_the_head(entity: Span, mention: Span) -> bool:
    """Whether a name is the mention's head or in apposition within it: "McConnell aides" are not McConnell,
    "the mayor of Ostrow, Karel Brandt" is Karel Brandt (the parser may hang the apposition on any noun)."""
    return entity.start <= mention.root.i < entity.end or entity.root.dep_ == "appos"


def _title_and_name(entity: Span) -> tuple[str | None, str]:
    """A title before or at the start of a name: `host Audie Cornish`, `President Ashraf Ghani`."""
    doc = entity.doc
    start = entity.start
    while start > 0 and doc[start - 1].lower_.rstrip(".") in TITLE_WORDS:
        start -= 1
    first = entity.start
    while first < entity.end - 1 and doc[first].lower_.rstrip(".") in TITLE_WORDS | HONORIFICS:
        first += 1
    title_tokens = [t for t in doc[start:first] if t.lower_.rstrip(".") not in HONORIFICS]
    title = " ".join(t.lower_ for t in title_tokens) or None
    name = re.sub(r"['\u2019]s?$", "", doc[first : entity.end].text.strip())  # `Bill Clinton’s` is Bill Clinton
    if first > start and doc[first - 1].lower_ in ROYAL_TITLES and first < entity.end:  # a royal is named with the title
        return title, f"{doc[first - 1].text} {name}"
    return title, name


def _stated_gender(entity: Span, role: str | None) -> str | None:
    """The gender an honorific before the name (`Mr.`, `Ms.`) or a gendered role word (`spokeswoman`) states."""
    doc = entity.doc
    before = doc[entity.start - 1].lower_.rstrip(".") if entity.start > 0 else ""
    first = entity[0].lower_.rstrip(".")
    for word in (before, first):
        if word in HONORIFIC_GENDER:
            return HONORIFIC_GENDER[word]
    for word in re.findall(r"[a-z]+", (role or "").lower()):
        if word in GENDERED_ROLE_WORDS:
            return GENDERED_ROLE_WORDS[word]
    return None


def _pronoun_genders(doc: Doc, registry: _Registry) -> None:
    """Each person's gender from the text: what an honorific or role says, else the pronouns that follow the name.

    A `he`/`she` counts for a person when that person is the only one named
    before it in its sentence (`Nazary, who says he ...`, `Clinton said her plan ...`).
    """
    votes: defaultdict[str, Counter[str]] = defaultdict(Counter)
    for mention in registry.mentions:
        if mention.kind == "person" and mention.gender:
            votes[registry.canonical(mention.name)][mention.gender] += 2
    named_in: defaultdict[int, list[Span]] = defaultdict(list)
    for entity in doc.ents:
        if entity.label_ == "PERSON" and not entity.text.isupper():
            named_in[entity.sent.start].append(entity)
    for sent_start, named in named_in.items():
        for token in doc[sent_start : named[0].sent.end]:
            gender = PRONOUN_GENDER.get(token.lower_)
            if gender is None or token._.in_quote:  # a pronoun inside a quotation is the speaker's, about someone else
                continue
            before = {registry.canonical(_title_and_name(e)[1]) for e in named if e.end <= token.i}
            if len(before) == 1:
                votes[before.pop()][gender] += 1
    for name, counts in votes.items():
        ranked = counts.most_common(2)
        if len(ranked) == 1 or ranked[0][1] > ranked[1][1]:
            registry.genders[name] = ranked[0][0]


def _joined_group(entity: Span) -> str | None:
    """The group a person is said to join: `Joining Massoud's opposition is Amrullah Saleh`, `Saleh joined the NRF`."""
    root = entity.root
    sent = root.sent
    # the tagger may read a sentence-initial `Joining` as a name, so its word is checked, not its lemma
    if root.dep_ in ("attr", "nsubj") and root.head.lemma_ == "be" and sent[0].lower_ == "joining" and sent[0].i < root.head.i:
        group = entity.doc[sent[0].i + 1 : root.head.i]
        return _strip_article(group.text) or None
    verb = root.head if root.dep_ == "nsubj" else None
    if verb is None:  # `Saleh, who joined the NRF`
        verb = next((c for c in root.children if c.dep_ == "relcl" and c.lemma_ == "join"), None)
    if verb is not None and verb.lemma_ == "join":
        target = next((c for c in verb.children if c.dep_ == "dobj"), None)
        if target is not None:
            return _strip_article(entity.doc[target.left_edge.i : target.i + 1].text) or None
    return None


def _registry(doc: Doc, turns: list[Turn]) -> _Registry:
    registry = _Registry()
    for ent in doc.ents:
        if ent.label_ == "PERSON":
            if ent.text.isupper():  # a transcript label, not prose
                registry.mentions.append(_Mention(_label_name(ent.text.strip()), ent.start_char, "person"))
                continue
            title, name = _title_and_name(ent)
            role, affiliation = _apposition(ent)
            affiliation = affiliation or _joined_group(ent)
            gender = _stated_gender(ent, role or title)
            registry.mentions.append(_Mention(name, ent.start_char, "person", role or title, affiliation, gender))
        elif ent.label_ in ("ORG", "NORP"):
            registry.mentions.append(_Mention(_strip_article(ent.text), ent.start_char, "organization"))
    for turn in turns:
        if len(turn.label.split()) > 1 and turn.label_start is not None:
            registry.mentions.append(_Mention(_label_name(turn.label), turn.label_start, "person"))
    registry.mentions.sort(key=lambda m: m.start)
    # the entity recogniser sometimes takes a surname for an organisation: a person's name wins
    surnames = {m.name.split()[-1] for m in registry.mentions if m.kind == "person" and len(m.name.split()) > 1}
    registry.mentions = [m for m in registry.mentions if not (m.kind == "organization" and m.name in surnames)]
    # one name per organisation: an acronym takes the name it abbreviates
    for mention in registry.mentions:
        if mention.kind == "organization":
            mention.name = registry.expand_acronym(mention.name)
    _pronoun_genders(doc, registry)
    return registry


def _paragraph_breaks(text: str) -> list[int]:
    return [m.start() for m in re.finditer(r"\n\s*\n", text)]


class SpeakerResolver:
    """Resolves each claim's source mention in one document."""

    def __init__(self, doc: Doc) -> None:
        self.doc = doc
        self.turns: list[Turn] = doc._.turns or []
        self.registry = _registry(doc, self.turns)
        self.last_person: tuple[int, Speaker] | None = None
        self.resolved: list[Claim] = []
        self.paragraph_breaks = _paragraph_breaks(doc_text(doc))

    def _paragraph_of(self, offset: int) -> int:
        return bisect.bisect_left(self.paragraph_breaks, offset)

    def _turn_of(self, offset: int) -> Turn | None:
        for turn in self.turns:
            if turn.start <= offset < turn.end + 1:
                return turn
        return None

    def resolve(self, claim: Claim) -> Speaker | None:
        if claim.speaker is not None:  # set by the component that made the claim (unnamed sources)
            return self.registry.speakers.setdefault(claim.speaker.id, claim.speaker)
        if claim.mode in ("turn", "question"):
            turn = self._turn_of(claim.content.start)
            return self._turn_speaker(turn) if turn is not None else None
        if claim.source is None:
            return None
        return self._resolve_mention(claim)

    def _turn_speaker(self, turn: Turn) -> Speaker:
        name = self.registry.full_name(turn.label.split()[-1]) or _label_name(turn.label)
        speaker = self.registry.speaker(name, "person", turn.label)
        if any(t.is_introduction and t.label == turn.label for t in self.turns):
            speaker.role = speaker.role or "host"
        return speaker

    def _resolve_mention(self, claim: Claim) -> Speaker:
        mention = claim.source.text
        start = claim.source.start
        span = self.doc.char_span(start, claim.source.end, alignment_mode="expand")
        if span is None:
            return self.registry.speaker(_strip_article(mention), "unnamed", mention)
        narrowed = _without_trailing_clause(span)
        named = narrowed.text if narrowed is not span else None
        span = narrowed
        if (person := self._named_by_apposition(span, mention, start)) is not None:
            return person
        lower = span.text.lower().strip()
        if span[0].lower_ in RELATIVE_PRONOUNS and span[0].head.dep_ == "relcl":
            antecedent = span[0].head.head
            span = self.doc[antecedent.left_edge.i : antecedent.i + 1]
            lower = span.text.lower()
        people = [e for e in span.ents if e.label_ == "PERSON" and _names_the_head(e, span)]
        if people:
            _, person = _title_and_name(people[0])
            parts = person.split()
            name = person if len(parts) > 1 else (self.registry.full_name(parts[-1]) or person)
            return self._person(name, mention, start)
        words = [w for w in re.findall(r"[\w.'-]+", span.text) if w.lower().rstrip(".") not in TITLE_WORDS | HONORIFICS | RELATIVE_PRONOUNS]
        if len(words) == 1 and words[0][:1].isupper() and (full := self.registry.full_name(words[0])):
            return self._person(full, mention, start)
        if lower in FIRST_PERSON_SINGULAR | FIRST_PERSON_PLURAL:
            speaking = self._speaking_at(start)
            if speaking is not None:
                if lower in FIRST_PERSON_PLURAL and speaking.affiliation:
                    return self.registry.speaker(speaking.affiliation, "organization", mention)
                return self.registry.speaker(speaking.name, speaking.kind, mention)
        if lower in PERSON_PRONOUNS:
            gender = PRONOUN_GENDER[lower]
            recent = self._recent_person(start, gender, self._quoted_parts(claim))
            if recent is not None:  # and from now on that person is of the pronoun's gender
                self.registry.genders.setdefault(self.registry.canonical(recent.name), gender)
                return self.registry.speaker(recent.name, "person", mention)
        if lower in GROUP_PRONOUNS:
            group = self.registry.nearest("organization", start)
            if group is not None:
                return self.registry.speaker(group.name, "organization", mention)
        organizations = [e for e in span.ents if e.label_ in ("ORG", "NORP") and _names_the_head(e, span)]
        if organizations and len(organizations[0]) >= len(span) - 1:
            name = self.registry.expand_acronym(_strip_article(organizations[0].text))
            return self.registry.speaker(name, "organization", mention)
        return self._resolve_description(span, mention, start, named)

    def _named_by_apposition(self, name: Span, mention: str, start: int) -> Speaker | None:
        """A name the entity recogniser missed, said to be a person by the role in apposition after it:
        `Odile Brac, the director of the Varn Water Authority`."""
        head = name.root
        role = next((c for c in head.children if c.dep_ == "appos" and c.pos_ == "NOUN" and c.i >= name.end), None)
        words = [t for t in name if not t.is_punct]
        if role is None or head.pos_ != "PROPN" or len(words) < 2 or not all(t.is_title for t in words) or name.ents:
            return None
        speaker = self._person(name.text, mention, start)
        title, affiliation = _role_and_affiliation(_phrase_until_clause(self.doc, role), role)
        speaker.role, speaker.affiliation = speaker.role or title, speaker.affiliation or affiliation
        return speaker

    def _resolve_description(self, span: Span, mention: str, start: int, named: str | None = None) -> Speaker:
        """`the former vice president` -> the person of that role; `the army` -> the army named; else unnamed."""
        head = span.root
        if head.pos_ == "NOUN":
            lemma = head.lemma_.lower()
            person = self.registry.described(span.text, lemma, start)
            if person is not None:
                return self._person(person.name, mention, start)
            organization = self.registry.organization_ending(head.lower_, start)
            if organization is not None and head.tag_ != "NNS":
                return self.registry.speaker(organization.name, "organization", mention)
            introduced = self._introduced_next(span, start)
            if introduced is not None:
                return self._person(introduced.name, mention, start)
        speaker = self.registry.speaker(_strip_article(named or mention), "unnamed", mention)  # `named`: without the clause after it
        speaker.affiliation = speaker.affiliation or self._affiliation_of(span, start)
        return speaker

    def _introduced_next(self, span: Span, start: int) -> _Mention | None:
        """The person a story's opening description stands for: the one the next paragraph introduces with a role.

        News ledes attribute to `a representative for the group` and name the
        person just after (`Ali Nazary, the National Resistance Front's head of
        foreign relations`). Only an indefinite, singular description before any
        person is named, and only a person named with a role within the next
        paragraph, of a gender the description does not contradict.
        """
        if span[0].lower_ not in ("a", "an") or span.root.tag_ != "NN":
            return None
        if any(m.kind == "person" and m.start < start for m in self.registry.mentions):
            return None
        paragraph = self._paragraph_of(start)
        gender = GENDERED_ROLE_WORDS.get(span.root.lower_)
        for mention in self.registry.mentions:
            if mention.start <= start or mention.kind != "person":
                continue
            if self._paragraph_of(mention.start) - paragraph > NAMED_NEXT_WINDOW:
                return None
            return mention if mention.role and self.registry.may_be(mention.name, gender) else None
        return None

    def _affiliation_of(self, span: Span, start: int) -> str | None:
        """`a spokeswoman for the council` -> the council named in the document."""
        for token in span.root.children:
            if token.dep_ == "prep" and token.lower_ in ("for", "of", "at", "with", "from"):
                for pobj in token.children:
                    if pobj.dep_ != "pobj":
                        continue
                    if pobj.ent_type_ in ORGANIZATION_LABELS:
                        ent = next(e for e in self.doc.ents if e.start <= pobj.i < e.end)
                        return self.registry.expand_acronym(_strip_article(ent.text))
                    organization = self.registry.organization_ending(pobj.lower_, start)
                    if organization is not None:
                        return organization.name
        return None

    def _speaking_at(self, offset: int) -> Speaker | None:
        """Who is speaking at this point of the text: the turn's speaker, or the speaker of the quotation."""
        turn = self._turn_of(offset)
        if turn is not None:
            return self._turn_speaker(turn)
        for claim in self.resolved:
            if claim.mode in ("direct", "mixed") and claim.speaker is not None and any(s <= offset < e for s, e in claim.content.spans):
                return claim.speaker
        return None

    def _person(self, name: str, mention: str, start: int) -> Speaker:
        speaker = self.registry.speaker(name, "person", mention)
        self.last_person = (start, speaker)
        return speaker

    def _quoted_parts(self, claim: Claim) -> list[tuple[int, int]]:
        """The parts of a claim's content inside quotation marks: whoever is named there is not who is speaking."""
        return [(max(s, qs), min(e, qe)) for s, e in claim.content.spans for qs, qe in self.doc._.quotes or () if max(s, qs) < min(e, qe)]

    def _recent_person(self, before: int, gender: str, skip: list[tuple[int, int]] | None = None) -> Speaker | None:
        """Who was just quoted, if within a few paragraphs; else the nearest person named; either of the pronoun's gender.

        A person named in the pronoun's own paragraph after that quotation comes first:
        `Ivanka Trump acknowledged their battle. "...," she wrote.`
        """
        nearest = self.registry.nearest("person", before, gender, skip)
        if self.last_person is not None:
            at, speaker = self.last_person
            named_since = nearest is not None and nearest.start > at and self._paragraph_of(nearest.start) == self._paragraph_of(before)
            recent = self._paragraph_of(before) - self._paragraph_of(at) <= PARAGRAPH_WINDOW
            if recent and not named_since and self.registry.may_be(speaker.name, gender):
                return speaker
        return self.registry.speaker(nearest.name, "person", None) if nearest else None

    def reporter_of(self, claim: Claim, claims: list[Claim]) -> Speaker | None:
        """Who reports this claim: the speaker of the turn or quotation its cue stands in."""
        anchor = claim.cue.start if claim.cue is not None else claim.content.start
        if claim.mode not in ("turn", "question"):
            turn = self._turn_of(anchor)
            if turn is not None:
                speaker = self._turn_speaker(turn)
                return speaker if speaker is not claim.speaker else None
        for outer in claims:
            if outer is claim or outer.mode not in ("direct", "mixed") or outer.speaker is None:
                continue
            if any(s <= anchor < e for s, e in outer.content.spans) and outer.speaker is not claim.speaker:
                return outer.speaker
        return None


@Language.factory("counterclaim_speakers")
class SpeakerResolution:
    """Sets `claim.speaker` and `claim.reported_by` on every claim of `doc._.claims`."""

    def __init__(self, nlp: Language, name: str) -> None:
        self.name = name

    def __call__(self, doc: Doc) -> Doc:
        resolver = SpeakerResolver(doc)
        claims = doc._.claims or []
        for claim in claims:
            claim.speaker = resolver.resolve(claim)
            resolver.resolved.append(claim)
        for claim in claims:
            claim.reported_by = resolver.reporter_of(claim, claims)
        doc._.speakers = list(resolver.registry.speakers.values())
        return doc
