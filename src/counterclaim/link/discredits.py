"""Who discredits whom: claims that call another party's claims, reports, media or narrative propaganda, lies,
fabrications, not credible, or that refute them, stored as edges between parties.

A claim discredits when its content has a discrediting word that no `not` takes back (`propaganda machine`, `not a
credible source`, `lies`, `fake news`), or when it refutes: an anaphoric denial (`We refute this.`) or a denial of
claims, reports or the like (`dismissed the union's claims`). Questions never do, nor a sentence that only tells of
someone else's accusation (`The authority says your figures are fake news`, `He denied any reports`). The edge goes
from the claim's speaker to the party whose words are targeted, found in this order: a party named in the content,
nearest before the word (`the Taliban propaganda machine`), else the first after it; for a refutation, the speaker
of the claim just before it in its paragraph, else the side it disputes in its proposition; for a pronoun or a bare
noun (`it is not a credible source`, `calling the rumors propaganda`), the last party named in the claim's paragraph
or the two before; else the side it disputes. Parties are the ledger's people and organisations, the groups they
belong to, the names they went by in the document and an organisation's short forms; the speaker never targets
themselves or their own group. The edge keeps the proposition the claim disputes, when it disputes one.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Collection
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from counterclaim.link import checkable

if TYPE_CHECKING:
    from counterclaim.store import Ledger

KINDS = ("propaganda", "lie", "not credible", "fabrication", "refutation")
NOT_CREDIBLE = r"not (?:a |very |at all )?credible|no credibility|unreliable|not (?:to be )?trust(?:ed|worthy)|nonsense|rubbish|ridiculous|absurd"
WORDS = re.compile(rf"\b(?:{checkable.FALSE_WORDS}|{NOT_CREDIBLE})\b", re.IGNORECASE)
KIND_OF = [
    ("propaganda", re.compile(r"propaganda|disinformation|misinformation", re.IGNORECASE)),
    ("fabrication", re.compile(r"fabricat|fake|made[- ]up|hoax|fiction|bogus|phony|phoney|baseless|groundless|unfounded|unsubstantiated",
                               re.IGNORECASE)),
    ("not credible", re.compile(NOT_CREDIBLE, re.IGNORECASE)),
    ("lie", re.compile(r"lie|lying|falsehood|smear|slander|distort|misrepresent|misleading|cherry", re.IGNORECASE)),
]
LOOK_BACK_PARAGRAPHS = 2
REFERRING = re.compile(rf"\b(?:{checkable.REFERRING_NOUNS})\b", re.IGNORECASE)  # a denial of `the union's claims` refutes them
# `The authority says your figures are fake news`: the words are reported, the discrediting is not the speaker's own
REPORTED = re.compile(r"\b(?:says|said|say|claims|claimed|calls|called|accuses|accused|told|tells)\b", re.IGNORECASE)
# `He denied any reports that ...`: a host's or writer's own sentence telling what someone else refuted
THIRD_PERSON_REFUTES = re.compile(
    r"^\W*(?:he|she|they|[A-Z][\w.-]+(?:\s+[A-Z][\w.-]+)*)\s+(?:\w+\s+)?(?:denied|denies|dismissed|dismisses|rejected|rejects|refuted|refutes)\b"
)
# Candidates: denials, and claims whose content has one of these stems (SQL LIKE), before the exact test in Python.
PREFILTER = ("propagand", "lie", "lying", "false", "untrue", "fabricat", "fake", "made", "baseless", "groundless", "nonsense", "rubbish",
             "disinformation", "misinformation", "hoax", "fiction", "myth", "smear", "slander", "wrong", "incorrect", "inaccurate",
             "not accurate", "not correct", "ridiculous", "absurd", "misleading", "distort", "cherry", "debunk", "bogus", "unfounded",
             "unsubstantiated", "phon", "discredit", "misrepresent", "credib", "reliable", "trust", "refut", "reject", "dismiss", "deni",
             "deny", "disput", "rebut", "contest", "disagree", "push")


@dataclass(slots=True)
class Edge:
    """One discrediting claim: who, whom, what kind, with which words, and what it targets when that can be told."""

    claim: int
    source_id: int | None
    source: str
    target_id: int | None
    target: str
    kind: str
    words: str
    proposition: int | None
    content: str = ""

    def to_json(self) -> dict[str, Any]:
        return {"claim": self.claim, "source": {"id": self.source_id, "name": self.source}, "target": {"id": self.target_id, "name": self.target},
                "kind": self.kind, "words": self.words, "proposition": self.proposition, "content": self.content}


def kind_of(words: str) -> str:
    for kind, pattern in KIND_OF:
        if pattern.search(words):
            return kind
    return "refutation"  # false, untrue, wrong, not true, debunked: a verdict on what was said


def discrediting_words(text: str, polarity: str) -> tuple[str, int] | None:
    """The words by which a content discredits, and where; None when it does not."""
    if checkable.anaphoric_stance(text, polarity) == "disputes" or (polarity == "deny" and REFERRING.search(text)):
        return "refutes", 0
    for match in WORDS.finditer(text):
        if not checkable.NEGATED_BEFORE.search(text[: match.start()]):
            return match.group(0), match.start()
    return None


@dataclass(slots=True, frozen=True)
class Party:
    """Whom an edge targets: a name, and the ledger's speaker by that name when there is one."""

    name: str
    speaker: int | None


RUN = re.compile(r"[\w-]+")


def _mention_key(mention: str) -> tuple[str, str] | None:
    """What a text must hold for a mention to be found in it: its first word as written (a name), or the word after
    `the` in lower case (a description); None for a mention that starts with neither."""
    if mention.startswith("the "):
        runs = RUN.findall(mention[4:])
        return ("description", runs[0].lower()) if runs and mention[4:5] == runs[0][:1] else None
    first = RUN.match(mention)
    return ("name", first.group(0)) if first else None


Entry = tuple[tuple[int, int, int], str, Party]  # (sort key: longest first, then as added), mention, party


@dataclass(slots=True)
class MentionIndex:
    """Mentions by the word each must start with, so that a text is compared with the few mentions its words allow,
    not with every name in the ledger."""

    entries: list[Entry]
    by_word: dict[tuple[str, str], list[int]]  # key -> positions in `entries`
    always: list[int]  # mentions with no key, tried on every text

    @classmethod
    def of(cls, entries: list[Entry]) -> MentionIndex:
        by_word: dict[tuple[str, str], list[int]] = {}
        always = []
        for position, (_, mention, _) in enumerate(entries):
            key = _mention_key(mention)
            if key is None:
                always.append(position)
            else:
                by_word.setdefault(key, []).append(position)
        return cls(entries, by_word, always)

    def candidates(self, runs: set[str], lowered: set[str]) -> list[Entry]:
        positions = set(self.always)
        for run in runs:
            positions.update(self.by_word.get(("name", run), ()))
        for run in lowered:
            positions.update(self.by_word.get(("description", run), ()))
        return [self.entries[n] for n in positions]


@dataclass(slots=True)
class Mentions:
    """Each way of naming a party in one document: the ledger's, shared by every document, and the document's own
    (the names its speakers went by), which take the place of the ledger's short forms they spell."""

    shared: MentionIndex
    own: MentionIndex
    shadowed: set[str]  # short forms that name another party in this document

    def items_in(self, text: str) -> list[tuple[str, Party]]:
        """The mentions that may occur in the text, longest first (ties in the order they were added)."""
        runs = set(RUN.findall(text))
        lowered = {run.lower() for run in runs}
        found = [e for e in self.shared.candidates(runs, lowered) if e[1] not in self.shadowed] + self.own.candidates(runs, lowered)
        return [(mention, party) for _, mention, party in sorted(found, key=lambda entry: entry[0])]


class Parties:
    """The parties a document can name: the ledger's people and organisations by name, the groups they belong to, the
    names a speaker went by in that document, and an organisation's short forms (`Farmers Union`, `the union` for the
    Marsh Farmers Union). What every document shares is gathered and indexed once; a document adds the names its
    speakers went by."""

    NAMES, ALIASES, SHORT_FORMS = 0, 1, 2  # which comes first among mentions of one length

    def __init__(self, ledger: Ledger) -> None:
        self.ledger = ledger
        self.speakers: dict[str, tuple[int, str]] = {}
        groups: set[str] = set()
        for row in ledger.db.execute("SELECT id, name, kind, affiliation FROM speakers WHERE kind IN ('person', 'organization') ORDER BY id"):
            self.speakers.setdefault(row["name"], (row["id"], row["kind"]))
            if row["affiliation"]:
                groups.add(row["affiliation"])
        self.by_id = {speaker: name for name, (speaker, _) in self.speakers.items()}
        names: dict[str, Party] = {name: Party(name, speaker) for name, (speaker, _) in self.speakers.items()}
        for group in sorted(groups):
            names.setdefault(group, Party(group, self.speakers.get(group, (None, ""))[0]))
        short_forms: dict[str, Party] = {}
        for party in names.values():
            if self.speakers.get(party.name, (0, "organization"))[1] != "organization":
                continue
            words = party.name.split()
            if len(words) >= 3:
                short_forms.setdefault(" ".join(words[-2:]), party)
            if len(words) >= 2 and words[-1][:1].isupper():
                short_forms.setdefault("the " + words[-1].lower(), party)
        self.names = names
        self.short_forms = {mention: party for mention, party in short_forms.items() if mention not in names}
        self.shared = MentionIndex.of(entries(names, self.NAMES) + entries(self.short_forms, self.SHORT_FORMS))

    def in_document(self, document_id: int) -> Mentions:
        """Each way of naming a party in this document, to the party it names."""
        aliases: dict[str, Party] = {}
        for row in self.ledger.db.execute(
            "SELECT a.alias, a.speaker_id FROM speaker_aliases a JOIN speakers s ON s.id = a.speaker_id"
            " WHERE a.document_id = ? AND s.kind IN ('person', 'organization')", (document_id,)
        ):
            if row["speaker_id"] in self.by_id and row["alias"] not in self.names:
                aliases.setdefault(row["alias"], Party(self.by_id[row["speaker_id"]], row["speaker_id"]))
        return Mentions(self.shared, MentionIndex.of(entries(aliases, self.ALIASES)), {m for m in aliases if m in self.short_forms})


def entries(mentions: dict[str, Party], tier: int) -> list[Entry]:
    """The usable mentions of one kind (`Parties.NAMES`, `ALIASES`, `SHORT_FORMS`) with their sort keys: longest first,
    then by kind, then in the order given."""
    return [((-len(mention), tier, n), mention, party) for n, (mention, party) in enumerate(mentions.items()) if _usable(mention)]


def _usable(mention: str) -> bool:
    """A name or a description (`the union`), not a function word."""
    return (mention[:1].isupper() or mention.startswith("the ")) and mention.lower() not in checkable.FUNCTION_WORDS


def _found(text: str, mentions: Mentions, excluded: Excluded) -> list[tuple[int, Party]]:
    """(position, party) of each party named in a text, longest mentions first where they overlap (a mention whose
    first word is not in the text is passed over before any pattern is built: a ledger names thousands of parties, a
    claim a few)."""
    found: list[tuple[int, Party]] = []
    taken: list[tuple[int, int]] = []
    lowered = text.lower()
    for mention, party in mentions.items_in(text):
        description = mention.startswith("the ")
        if (mention not in lowered if description else mention not in text) or excluded.covers(party):
            continue
        flags = re.IGNORECASE if description else 0
        for match in re.finditer(rf"(?<![\w-]){re.escape(mention)}(?![\w-])(?!\s*:)", text, flags):  # `NAZARY:` labels a turn
            if not any(s < match.end() and match.start() < e for s, e in taken):
                found.append((match.start(), party))
                taken.append((match.start(), match.end()))
    return sorted(found, key=lambda item: item[0])


@dataclass(slots=True)
class Excluded:
    """The speaker and their group: never the target of their own discrediting."""

    speaker: int | None
    names: set[str]

    def covers(self, party: Party) -> bool:
        """The speaker, their group, or a longer or shorter form of either (`Farmers Union`, `Marsh Farmers Union`)."""
        if party.speaker is not None and party.speaker == self.speaker:
            return True
        name = party.name.casefold()
        return any(name == own or name.endswith(" " + own) or own.endswith(" " + name) for own in self.names)


def _disputed_side(ledger: Ledger, claim_id: int, supporters_of: dict[int, Party | None]) -> tuple[int | None, Party | None]:
    """The proposition a claim disputes, and the party most of its supporting claims come from (`supporters_of` keeps
    each proposition's, found once: a proposition of a large ledger has thousands of members)."""
    row = ledger.db.execute(
        "SELECT proposition_id FROM proposition_claims WHERE claim_id = ? AND stance = 'disputes' ORDER BY score DESC LIMIT 1", (claim_id,)
    ).fetchone()
    if row is None:
        return None, None
    if row["proposition_id"] in supporters_of:
        return row["proposition_id"], supporters_of[row["proposition_id"]]
    supporters = Counter(
        Party(r["name"], r["id"]) for r in ledger.db.execute(
            "SELECT s.id, s.name FROM proposition_claims pc JOIN claims c ON c.id = pc.claim_id JOIN speakers s ON s.id = c.speaker_id"
            " WHERE pc.proposition_id = ? AND pc.stance = 'supports'", (row["proposition_id"],)
        )
    )
    supporters_of[row["proposition_id"]] = supporters.most_common(1)[0][0] if supporters else None
    return row["proposition_id"], supporters_of[row["proposition_id"]]


def _claim_before(ledger: Ledger, row: Any, since: int, excluded: Excluded) -> Party | None:
    """The speaker of the nearest claim before this one in its paragraph, by someone else: whose words `this` refutes
    (an unnamed source too: `the narrative that is being spread`)."""
    for earlier in ledger.db.execute(
        "SELECT s.id, s.name FROM claims c JOIN speakers s ON s.id = c.speaker_id WHERE c.document_id = ? AND c.content_start < ?"
        " AND c.content_start >= ? ORDER BY c.content_start DESC LIMIT 8",
        (row["document_id"], row["content_start"], since),
    ):
        party = Party(earlier["name"], earlier["id"])
        if not excluded.covers(party):
            return party
    return None


def find_edges(ledger: Ledger, documents: Collection[int] | None = None) -> list[Edge]:
    """Every discrediting claim of the latest documents (or of these) as an edge, in claim order."""
    parties = Parties(ledger)
    likes = " OR ".join(["lower(c.content) LIKE ?"] * len(PREFILTER))
    rows = ledger.db.execute(
        "SELECT c.id, c.document_id, c.speaker_id, c.polarity, c.mode, c.content, c.content_start, s.name, s.affiliation, d.text"
        " FROM claims c JOIN documents d ON d.id = c.document_id LEFT JOIN speakers s ON s.id = c.speaker_id"
        f" WHERE d.latest = 1 AND c.mode != 'question' AND c.speaker_id IS NOT NULL AND (c.polarity = 'deny' OR {likes})"
        + (f" AND c.document_id IN ({','.join(str(int(d)) for d in documents)})" if documents is not None else "") + " ORDER BY c.id",
        tuple(f"%{stem}%" for stem in PREFILTER),
    ).fetchall()
    edges: list[Edge] = []
    mentions_of: dict[int, Mentions] = {}
    supporters_of: dict[int, Party | None] = {}
    for row in rows:
        text = checkable.clean(row["content"])
        found = discrediting_words(text, row["polarity"])
        if found is None or checkable.is_question(row["content"]):
            continue
        words, at = found
        if (words != "refutes" and REPORTED.search(text[:at])) or THIRD_PERSON_REFUTES.match(text):
            continue
        kind = "refutation" if words == "refutes" else kind_of(words)
        if row["document_id"] not in mentions_of:  # once per document: `setdefault` would query the aliases for every claim
            mentions_of[row["document_id"]] = parties.in_document(row["document_id"])
        mentions = mentions_of[row["document_id"]]
        excluded = Excluded(row["speaker_id"], {n.casefold() for n in (row["name"], row["affiliation"]) if n})
        proposition, disputed = _disputed_side(ledger, row["id"], supporters_of)
        target = _target(ledger, text, at, row, mentions, excluded, words == "refutes", disputed)
        if target is None:
            continue
        edges.append(Edge(row["id"], row["speaker_id"], row["name"], target.speaker, target.name, kind, words, proposition, row["content"]))
    return edges


def _target(
    ledger: Ledger, text: str, at: int, row: Any, mentions: Mentions, excluded: Excluded, anaphoric: bool,
    disputed: Party | None,
) -> Party | None:
    named = _found(text, mentions, excluded)
    before = [party for position, party in named if position < at]
    if before:
        return before[-1]
    if named:
        return named[0][1]
    paragraphs = row["text"][: row["content_start"]].split("\n")
    context = "\n".join(paragraphs[-(LOOK_BACK_PARAGRAPHS + 1) :])
    if anaphoric:
        said_before = _claim_before(ledger, row, row["content_start"] - len(paragraphs[-1]), excluded)
        if said_before is not None:
            return said_before
        if disputed is not None and not excluded.covers(disputed):
            return disputed
    earlier = _found(context, mentions, excluded)
    if earlier:
        return earlier[-1][1]
    if disputed is not None and not excluded.covers(disputed):
        return disputed
    return None


def refresh(ledger: Ledger, documents: Collection[int] | None = None) -> list[Edge]:
    """Find the edges again and store them in place of the old ones (one transaction); of these documents' claims only,
    when given (documents linked into a ledger: the edges of the others stand)."""
    edges = find_edges(ledger, documents)

    def store() -> None:
        if documents is None:
            ledger.db.execute("DELETE FROM discredits")
        else:
            ledger.db.execute("DELETE FROM discredits WHERE claim_id IN (SELECT id FROM claims WHERE document_id IN"
                              f" ({','.join(str(int(d)) for d in documents)}))")
        ledger.db.executemany(
            "INSERT OR IGNORE INTO discredits (claim_id, source_id, target_id, target, kind, words, proposition_id) VALUES (?, ?, ?, ?, ?, ?, ?)",
            [(e.claim, e.source_id, e.target_id, e.target, e.kind, e.words, e.proposition) for e in edges],
        )

    ledger.write(store)
    return edges
