"""Propositions: checkable statements about the world, each with the claims that bear on its truth and their stances.

How a ledger's claims become propositions:

1. Only claims that can bear on a proposition take part (`checkable.py`): no
   questions, courtesies, or a host's framing; claims that only point back
   (`We refute this.`) are resolved by `discourse.py`, not clustered.
2. Claims stating the same thing, in either sense, form a core: MiniLM
   embeddings, candidate pairs blocked by shared content words (words used by
   more than BLOCK_MAX claims tell nothing), merged by average linkage while
   the mean cosine across two groups stays at CORE_COSINE or above. An
   elliptical content ("a defeat") is embedded with the headline that uses its
   noun.
3. Each core gets one readable statement in the asserting form, chosen from
   its members (the most central plain assertion) or built from them.
4. Every claim near a core (cosine CANDIDATE_COSINE or more to its centre, at
   most CANDIDATES_PER_CLAIM cores) is read with the statement by the stance
   cross-encoder (`stance.py`): unrelated claims are refused, the others join
   with the stance it gives. Members of a core whose stance no rule settles
   are read the same way, and refused when unrelated. A claim can join several
   propositions.
5. Rules settle what is certain: a denial of X disputes X; "reports that X" and
   the same wording support X (a negation on one side only turns either);
   the document's own relations (anaphoric denials, dismissals of reports,
   `they say X, but Y`) from `discourse.py`.

A proposition is contested when different parties support and dispute it,
each with a stance from a rule or a confident model, or when its claims put
different numbers on the same unit. Propositions keep their ids across relinks:
a new proposition takes the id of the stored one that shares most of its
claims.

`relink` is what commands call: it reads the stored propositions back when no
document came since the last link; links the documents that came since into
the stored propositions (`incremental.py`); and links the whole ledger when it
was never linked, or linked by other code or models, with every model read the
ledger already holds (claim vectors, clause and stance reads: `vectors.py`,
`reads.py`), so that only what is new is read.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from counterclaim.link import checkable, discourse, discredits
from counterclaim.link.embeddings import DIMENSIONS
from counterclaim.nlp.english_model import stop_words
from counterclaim.store import Ledger

if TYPE_CHECKING:
    import numpy as np

    from counterclaim.link.stance import StanceModel

# Chosen on the example corpus (examples/) and the Kessel bridge corpus, never on the test corpus nor PolNeAR.
CORE_COSINE = 0.7
MERGE_STATEMENTS = 0.65
CANDIDATE_COSINE = 0.55
SAME_CONTENT = 0.92
CANDIDATES_PER_CLAIM = 2
UNRELATED_REFUSES = 0.5  # a claim whose probability of being unrelated is at least this does not join
CONFIDENT = 0.6  # a denial of what the model reads as agreeing (or disagreeing) below this does not make a proposition contested
CONFIDENT_MODEL = 0.97  # nor any other stance the model gives below this, and only of a claim that restates the statement:
RESTATES = 0.5  # the model reads a "not" as disagreeing and a shared topic as agreeing
NEUTRAL_JOINS = 0.9  # a claim the model reads as discussing without a side joins only this surely
SPEAKER_JOINS = 0.58  # a claim the model refused joins by its speaker's side only this near the statement
BLOCK_MAX = 200
ROWS = 2048  # rows of a similarity matrix computed at once
NUMERIC_TOLERANCE = 0.2
SAME_WORDS_AROUND_NUMBERS = 0.5  # the share of content words two claims with conflicting numbers must share to dispute each other
ELLIPTICAL_WORDS = 3
LONG_STATEMENT = 25
VAGUE_NUMBERS = re.compile(r"\b(dozens|hundreds|thousands|millions|billions)\b", re.IGNORECASE)
WORD = re.compile(r"[a-z][a-z'-]+")
SUFFIX = re.compile(r"(ing|ed|es|s)$")
FLIP = {"supports": "disputes", "disputes": "supports", "neutral": "neutral"}
STANCE_ORDER = {"supports": 0, "disputes": 1, "neutral": 2}


@dataclass(slots=True)
class ClaimUnit:
    """What linking needs of a stored claim."""

    id: int
    stored: dict[str, Any] | str  # the claim's JSON record, or its JSON text until `record` is first read
    text: str
    speaker_id: int | None
    speaker: str | None
    polarity: str
    document_id: int = 0
    start: int = 0
    end: int = 0
    kind: str | None = None  # the speaker's kind: person, organization, unnamed
    role: str | None = None
    affiliation: str | None = None
    host: bool = False  # the speaker asks the questions of this document's transcript, or is its anchor
    words: set[str] = field(default_factory=set)
    meaning: str = ""  # what is embedded and read: the content, or for an elliptical one ("a defeat") its headline phrase
    headline: bool = False
    refers: str | None = None  # the content of the claim this one stands for, when the document makes that plain

    @property
    def record(self) -> dict[str, Any]:
        """The claim's JSON record, parsed when first needed: linking reads few of them (parsing all cost a fifth of a relink)."""
        if isinstance(self.stored, str):
            self.stored = json.loads(self.stored)
        return self.stored

    @property
    def reading(self) -> str:
        """What the stance model reads: the content this claim stands for, else what it means."""
        return self.refers or self.meaning

    @property
    def party(self) -> str:
        """Who a side is: a person by surname (`Trump` and `Donald Trump` are one), an organisation by name, anyone else by ledger id."""
        if self.kind == "person" and self.speaker:
            return "person:" + self.speaker.split()[-1].lower()
        if self.kind == "organization" and self.speaker:
            return "organization:" + _name_key(self.speaker)
        return f"speaker:{self.speaker_id}"

    @property
    def voice_of(self) -> str | None:
        """The organisation a person speaks for, as a party: the council's spokeswoman speaks for the council."""
        return "organization:" + _name_key(self.affiliation) if self.kind == "person" and self.affiliation else None


@dataclass(slots=True)
class Member:
    """A claim in a proposition: its stance, how sure that is, and what decided it."""

    unit: ClaimUnit
    stance: str
    score: float = 1.0
    rule: str = "model"
    restates: bool = False  # the claim says the statement in its own words (negated or not)

    @property
    def confident(self) -> bool:
        """Settled by a rule, or read by the model surely enough to make a proposition contested."""
        if self.rule != "model":
            return True
        if self.unit.polarity == "deny":
            return self.score >= CONFIDENT
        return self.restates and self.score >= CONFIDENT_MODEL

    @property
    def decisive(self) -> bool:
        """A side a speaker takes beyond doubt: by a rule of the text, or by denying what the model reads as agreeing."""
        if self.stance == "neutral":
            return False
        return self.rule in DECISIVE_RULES or (self.rule == "model" and self.unit.polarity == "deny" and self.score >= CONFIDENT)


@dataclass(slots=True)
class Proposition:
    id: int
    statement: str
    members: list[Member]
    numeric_conflicts: list[dict[str, Any]] = field(default_factory=list)
    # what claims of new documents are compared with (stored by `store`): the claim the statement was made of, how many
    # claims were clustered into the core, and their mean vector; None for a proposition seeded by a document's relations
    head: int | None = None
    core_size: int = 0
    centre: Any = None

    @property
    def contested(self) -> bool:
        """Supported and disputed by different parties, or given different numbers."""
        supporters = {m.unit.party for m in self.members if m.stance == "supports" and m.confident}
        disputers = {m.unit.party for m in self.members if m.stance == "disputes" and m.confident}
        return any(a != b for a in supporters for b in disputers) or bool(self.numeric_conflicts)

    def to_json(self) -> dict[str, Any]:
        return {
            "proposition": self.statement,
            "id": self.id,
            "contested": self.contested,
            "numeric_conflicts": self.numeric_conflicts,
            "claims": [
                {**m.unit.record, "stance": m.stance, "stance_score": round(m.score, 3), "stance_by": m.rule}
                for m in sorted(self.members, key=lambda m: (STANCE_ORDER[m.stance], m.unit.id))
            ],
        }


def _name_key(name: str) -> str:
    """`the Highland Defence Council's` and `Highland Defence Council` alike."""
    return " ".join(w for w in WORD.findall(name.lower().replace("'s", "")) if w != "the")


def content_words(text: str) -> set[str]:
    stops = stop_words()
    return {w for w in WORD.findall(text.lower()) if w not in stops and len(w) > 2}


@lru_cache(maxsize=65536)
def _stems(text: str) -> frozenset[str]:
    """Content words without their endings; kept for the texts met most (a statement is compared with every claim near it)."""
    return frozenset(SUFFIX.sub("", w) for w in content_words(text))


def restates(text: str, statement: str, stance: str) -> bool:
    """Whether a text says the statement in its own words (at least half of the content words of each are in the other,
    by stem), negated when it disputes it: `The Guard did not shell the dam` disputes `Guard artillery shelled the
    Brenna dam` in its words; `six skywriting planes filled the skies with anti-Trump messages` restates nothing of
    `can't argue with the anti-Trump skywriting`, and a long claim that mentions the statement's words says more."""
    wanted, said = _stems(statement), _stems(text)
    if not wanted or not said or min(len(wanted & said) / len(wanted), len(wanted & said) / len(said)) < RESTATES:
        return False
    return (negated(text) != negated(statement)) == (stance == "disputes")


def negated(text: str) -> bool:
    """Whether a text says no: `not`, `n't`, `never`, `no`."""
    return bool(checkable.NEGATION.search(text))


HEADLINE_BREAK = frozenset("are is was were be says said say claims claim as but and after amid while with".split())
DETERMINERS = frozenset("its their his her our the a an".split())


def meaning_of(text: str, title: str | None) -> str:
    """A bare noun phrase ("a defeat") says little on its own; the headline phrase around its noun says what it means.

    News headlines spell out what the body then refers to in a word: "rumors of a defeat" under
    "Reports Of Its Defeat In Panjshir Are Taliban Propaganda" means "Its Defeat In Panjshir".
    """
    words = WORD.findall(text.lower())
    if not title or not 0 < len(words) <= ELLIPTICAL_WORDS or checkable.DISMISSAL.search(text):
        return text  # "the rumors propaganda" says what it means
    title_words = title.split()
    lowered = [w.lower().strip(".,:;!?\"'") for w in title_words]
    if words[-1] not in lowered:
        return text
    at = lowered.index(words[-1])
    start = at - 1 if at > 0 and lowered[at - 1] in DETERMINERS else at
    end = at + 1
    while end < len(lowered) and lowered[end] not in HEADLINE_BREAK and end - start < 6:
        end += 1
    return " ".join(title_words[start:end]).strip(".,:;!?")


def load_units(ledger: Ledger, claim_ids: set[int] | None = None, documents: Collection[int] | None = None) -> list[ClaimUnit]:
    """Every claim of the latest version of each document but questions (or those of `claim_ids`, or of `documents`),
    with what linking needs."""
    chosen = (f" AND c.id IN ({','.join(str(int(i)) for i in claim_ids)})" if claim_ids is not None else "") + (
        f" AND c.document_id IN ({','.join(str(int(i)) for i in documents)})" if documents is not None else ""
    )
    # who asks questions in the documents read (of a few claims, their documents alone: not a scan of every claim)
    within = "" if not chosen else f" AND q.document_id IN (SELECT c.document_id FROM claims c WHERE 1{chosen})"
    askers = {
        (row[0], row[1])
        for row in ledger.db.execute(
            f"SELECT DISTINCT q.document_id, q.speaker_id FROM claims q WHERE q.mode = 'question' AND q.speaker_id IS NOT NULL{within}"
        )
    }
    rows = ledger.db.execute(
        "SELECT c.id, c.record, c.content, c.reported_by_id, c.speaker_id, s.name, s.kind, s.role, s.affiliation, c.polarity, c.document_id,"
        " c.content_start, c.content_end, d.title FROM claims c JOIN documents d ON d.id = c.document_id LEFT JOIN speakers s ON s.id = c.speaker_id"
        " WHERE c.mode != 'question' AND d.latest = 1"
        + chosen + " ORDER BY c.id"
    )
    units = []
    for row in rows:
        text = checkable.clean(row["content"])
        meaning = meaning_of(text, row["title"])
        units.append(
            ClaimUnit(
                row["id"], row["record"], text, row["speaker_id"], row["name"], row["polarity"], row["document_id"],
                row["content_start"], row["content_end"], row["kind"], row["role"], row["affiliation"],
                host=checkable.is_host(row["role"], (row["document_id"], row["speaker_id"]) in askers) and row["reported_by_id"] is None,
                words=content_words(meaning), meaning=meaning, headline=bool(row["title"]) and text in row["title"],
            )
        )
    return units


def document_texts(ledger: Ledger) -> dict[int, str]:
    """The text of the latest version of each document: the ones whose claims link."""
    return {row["id"]: row["text"] for row in ledger.db.execute("SELECT id, text FROM documents WHERE latest = 1")}


def _names(unit: ClaimUnit) -> set[str]:
    return {w.lower() for w in (unit.speaker or "").split()}


def eligible(units: list[ClaimUnit], texts: dict[int, str]) -> list[ClaimUnit]:
    """The claims that can form or join a proposition: a speaker, a statement, and neither a question, a courtesy nor a host's framing."""
    layouts = {doc: discourse.Layout(text) for doc, text in texts.items()}
    kept = []
    for unit in units:
        if unit.speaker_id is None or unit.host or checkable.is_courtesy(unit.text):
            continue
        layout = layouts.get(unit.document_id)
        sentence = layout.sentence_text(unit.start) if layout else unit.text
        if checkable.is_question(unit.text) or (checkable.is_question(sentence) and unit.record.get("mode") != "direct"):
            continue
        if checkable.anaphoric_stance(unit.text, unit.polarity) is None and not checkable.says_something(unit.meaning, _names(unit)):
            continue
        kept.append(unit)
    return kept


def linked_pairs(
    units: list[ClaimUnit], vectors: np.ndarray, threshold: float = CORE_COSINE, block_max: int = BLOCK_MAX,
    allowed: Collection[str] | None = None,
) -> list[tuple[float, int, int]]:
    """(cosine, a, b) for claims that share a content word used by at most `block_max` claims and reach the threshold.

    Each block is scored as one matrix product, and the pairs are gathered, de-duplicated and sorted in
    numpy, so the cost per claim stays flat as the ledger grows.
    """
    import numpy as np

    blocks = _blocks(units, block_max, allowed)
    firsts, seconds, cosines = [], [], []
    for members in blocks.values():
        index = np.array(members)
        similarity = vectors[index] @ vectors[index].T
        rows, columns = np.nonzero(np.triu(similarity >= threshold, k=1))
        firsts.append(index[rows])
        seconds.append(index[columns])
        cosines.append(similarity[rows, columns])
    if not firsts:
        return []
    a, b, cosine = np.concatenate(firsts), np.concatenate(seconds), np.concatenate(cosines)
    low, high = np.minimum(a, b), np.maximum(a, b)
    _, unique = np.unique(low.astype(np.int64) * len(units) + high, return_index=True)
    order = unique[np.argsort(-cosine[unique], kind="stable")]
    return list(zip(cosine[order].tolist(), low[order].tolist(), high[order].tolist(), strict=True))


def _blocks(units: list[ClaimUnit], block_max: int = BLOCK_MAX, allowed: Collection[str] | None = None) -> dict[str, list[int]]:
    """Claims (indices) by the content words they share, leaving out words too common to tell anything (or, of a part of
    the ledger, the words not `allowed`: those the whole ledger uses too often)."""
    blocks: dict[str, list[int]] = defaultdict(list)
    for index, unit in enumerate(units):
        for word in unit.words:
            blocks[word].append(index)
    if allowed is not None:
        return {word: members for word, members in blocks.items() if len(members) >= 2 and word in allowed}
    return {word: members for word, members in blocks.items() if 2 <= len(members) <= block_max}


def _find(parent: list[int], i: int) -> int:
    while parent[i] != i:
        parent[i] = parent[parent[i]]
        i = parent[i]
    return i


def cluster(
    units: list[ClaimUnit], vectors: np.ndarray, threshold: float = CORE_COSINE, allowed: Collection[str] | None = None,
) -> list[list[int]]:
    """Groups of claims stating the same thing (indices), largest first; single claims included."""
    parent = list(range(len(units)))
    sums: dict[int, np.ndarray] = {}
    sizes: dict[int, int] = {}
    for _, a, b in linked_pairs(units, vectors, threshold, allowed=allowed):
        ra, rb = _find(parent, a), _find(parent, b)
        if ra == rb:
            continue
        sum_a = sums.get(ra, vectors[ra].astype("float64"))
        sum_b = sums.get(rb, vectors[rb].astype("float64"))
        size_a, size_b = sizes.get(ra, 1), sizes.get(rb, 1)
        # average linkage: the mean cosine over all pairs across the two groups (unit vectors: sum·sum / n·n)
        if float(sum_a @ sum_b) / (size_a * size_b) >= threshold:
            parent[rb] = ra
            sums[ra], sizes[ra] = sum_a + sum_b, size_a + size_b
            sums.pop(rb, None)
            sizes.pop(rb, None)
    groups: dict[int, list[int]] = defaultdict(list)
    for i in range(len(units)):
        groups[_find(parent, i)].append(i)
    return sorted(groups.values(), key=lambda g: (-len(g), g[0]))


def assertive(text: str) -> str:
    """A negated statement in its asserting form, for a proposition whose members only deny it: `has not been breached` -> `has been breached`."""
    text = re.sub(r"\b(can|could|do|does|did|is|are|was|were|has|have|had|will|would|should)\s*(?:n't|not)\b", r"\1", text, flags=re.I)
    text = re.sub(r"\bcan't\b", "can", text, flags=re.I)
    text = re.sub(r"^(no|not one of the|none of the)\s+", "", text, flags=re.I)
    text = re.sub(r"\bwon't\b", "will", text, flags=re.I)
    return re.sub(r"\s+\b(not|never)\b", "", text, flags=re.I)


SENTENCE_END = re.compile(r"(\w+)[.!?][\"'\u201d\u2019]*\s+(?=[\"'\u201c\u2018]*[A-Z])")
ABBREVIATIONS = frozenset("mr mrs ms dr sen rep gov gen col lt sgt st jr sr vs no inc corp co ltd dept rev prof".split())


def lead_sentence(text: str) -> str:
    """The first sentence of a content that holds several (a quotation of a whole passage): the statement it makes first.

    A passage states several things; its first sentence is the one a reader takes for its point, and turning the
    whole passage into the asserting form turns every `not` of it (`It's not like people were quiet` -> `It's like ...`).
    """
    for end in SENTENCE_END.finditer(text):
        word = end.group(1)
        if word.lower() in ABBREVIATIONS or len(word) == 1:  # "Sen. Warren", "U.S. forces", "Roe v. Wade"
            continue
        first = text[: end.end()].rstrip()
        return first if len(first.split()) >= 3 else text
    return text


def readable(text: str) -> str:
    """A statement as printed: no quotation marks, no leading `that`, a capital first letter, no final full stop."""
    text = " ".join(checkable.clean(text).split())
    return text[:1].upper() + text[1:] if text else text


def _statement(members: list[int], units: list[ClaimUnit], vectors: np.ndarray) -> tuple[int, str]:
    """The member that reads best as the proposition (the most central plain assertion), and the statement made of it."""
    sub = vectors[members]
    centrality = sub @ (sub.sum(axis=0) / len(members))  # the mean cosine to the members, without a members-by-members matrix

    def rank(k: int) -> tuple:
        unit = units[members[k]]
        size = len(unit.text.split())
        # a headline or an elliptical phrase is someone's shorthand, not a statement of the matter
        shorthand = unit.meaning != unit.text or unit.headline or size < 3
        # centrality to 5 places: two members equally central (as two claims always are) go by their order, not by rounding noise
        return (negated(unit.text), shorthand, size > LONG_STATEMENT, unit.polarity == "deny", -round(float(centrality[k]), 5))

    best = members[min(range(len(members)), key=rank)]
    text = lead_sentence(units[best].meaning)  # an elliptical content reads as its headline phrase: "Its Defeat In Panjshir", not "a defeat"
    return best, readable(assertive(text) if negated(text) else text)


def _same_content(a: ClaimUnit, b: ClaimUnit, cosine: float) -> bool:
    """Two claims of one content: `denied reports that X` holds the denial of X and the reports' X, word for word."""
    def words(unit: ClaimUnit) -> str:
        return " ".join(WORD.findall((unit.refers or unit.text).lower()))

    return cosine >= SAME_CONTENT or words(a) == words(b)


def _another_number(unit: ClaimUnit, statement_unit: ClaimUnit) -> bool:
    """Whether a claim says what the statement says with another single number for the same thing, from another party:
    `The council has fewer than 500 fighters left in the valley` against `the council has about 2,000 fighters in
    the valley`. The words around the numbers must be mostly the same (`300 people were killed` is no answer to
    `40 people were injured`)."""
    if unit.party == statement_unit.party:
        return False
    words = [content_words(u.text) for u in (unit, statement_unit)]  # words only: digits are never content words
    if len(words[0] & words[1]) < SAME_WORDS_AROUND_NUMBERS * len(words[0] | words[1]):
        return False  # checked first: the quantities are in the stored record, parsed only when needed
    mine, theirs = _quantities_by_unit(unit), _quantities_by_unit(statement_unit)
    # one number each on a unit: `51 percent ... versus 39 percent` in two polls pairs no number with another
    return any(len(mine[name]) == len(theirs.get(name, ())) == 1 and _conflicting(mine[name][0], theirs[name][0]) for name in mine)


def _rule_stance(unit: ClaimUnit, statement_unit: ClaimUnit, statement: str, cosine: float) -> tuple[str, str] | None:
    """The stance a rule settles, and the rule: the statement's own claim, a denial of X, an assertion of X, another
    number for the same thing; None when no rule does.

    Only the same content (or the same words around another number) settles a stance: MiniLM puts "the Taliban
    launched their largest offensive on Panjshir" at 0.80 from "the Taliban has taken over Panjshir", so a near
    wording is the model's to read.
    """
    if unit.id != statement_unit.id and unit.polarity == "assert" and _another_number(unit, statement_unit):
        return "disputes", "number"
    if unit.id != statement_unit.id and not _same_content(unit, statement_unit, cosine):
        return None
    # the statement is in the asserting form: asserting it, or denying its negation, supports it
    same_sense = (unit.polarity == "assert") == (negated(lead_sentence(unit.text)) == negated(statement))
    stance = "supports" if same_sense else "disputes"
    if unit.id == statement_unit.id:
        return stance, "statement"
    return stance, "denial" if unit.polarity == "deny" else "report" if unit.kind == "unnamed" else "wording"


def model_stance(probabilities: np.ndarray, polarity: str) -> tuple[str | None, float]:
    """The stance the cross-encoder reads, turned for a denial (denying a text that agrees with X disputes X); None when unrelated."""
    agree, disagree, discuss, unrelated = (float(p) for p in probabilities)
    if polarity == "deny":
        agree, disagree = disagree, agree
    if unrelated >= UNRELATED_REFUSES:
        return None, unrelated
    best = max((agree, "supports"), (disagree, "disputes"), (discuss, "neutral"))
    if best[1] == "neutral" and best[0] < NEUTRAL_JOINS:
        return None, best[0]
    return best[1], best[0]


@dataclass(slots=True)
class _Core:
    members: list[int]
    statement_index: int
    statement: str
    centre: Any
    decided: dict[int, Member] = field(default_factory=dict)
    stored_size: int = 0  # a stored proposition's core, linked into from new documents: how many claims were clustered into it

    @property
    def size(self) -> int:
        return self.stored_size or len(self.members)


@dataclass(slots=True)
class Reading:
    """What linking reads of each document alone, before comparing claims across documents."""

    found: list[discourse.Discourse]  # each document's relations: anaphoric denials, dismissals, seeds
    stating: list[ClaimUnit]  # the claims that state something: they are embedded, clustered and read
    stands_for: dict[int, int]  # an elliptical claim -> the claim whose content it stands for


def read_documents(units: list[ClaimUnit], texts: dict[int, str], clauses: Callable[[list[str]], list[bool]] = checkable.clauses) -> Reading:
    """The claims of these documents that state something, and the relations each document makes plain."""
    pool = eligible(units, texts)
    by_document: dict[int, list[ClaimUnit]] = defaultdict(list)
    for unit in pool:
        by_document[unit.document_id].append(unit)
    found = [discourse.analyse(members, texts[doc]) for doc, members in by_document.items()]
    anaphoric = set().union(*(d.anaphoric for d in found)) if found else set()
    voiced = set().union(*(d.voiced for d in found)) if found else set()
    verdicts = {dismissal: reports for d in found for dismissal, reports in d.verdicts.items()}
    by_id = {u.id: u for u in pool}
    stands_for = {e: t for d in found for e, t in d.stands_for.items() if e in by_id and t in by_id}
    for elliptical, target in stands_for.items():
        by_id[elliptical].refers = by_id[target].text
    stating = [u for u in pool if u.id not in anaphoric and u.id not in voiced]
    stating = [u for u, clause in zip(stating, clauses([u.refers or u.text for u in stating]), strict=True) if clause]
    stated = {u.id for u in stating}
    # a dismissal that holds a stated report in its sentence is that report's denier, not a statement of its own
    stating = [u for u in stating if not any(report in stated for report in verdicts.get(u.id, ()))]
    return Reading(found, stating, stands_for)


def link(
    units: list[ClaimUnit], texts: dict[int, str], model: StanceModel | None = None,
    vectors: np.ndarray | Callable[[list[ClaimUnit]], np.ndarray] | None = None, progress: Callable[[str, int, int], None] | None = None,
    clauses: Callable[[list[str]], list[bool]] = checkable.clauses,
) -> list[Proposition]:
    """Propositions of two or more claims, with the stance of each claim (ids are numbered from 1; `store` makes them stable).

    `vectors` is one row per unit, or a function giving the rows of the claims that state something (the only ones
    linking embeds: questions, courtesies, pointers and phrases without a verb need none), or None to embed them here.
    """
    import numpy as np

    from counterclaim.link.stance import load_stance_model

    reading = read_documents(units, texts, clauses)
    stating = reading.stating
    if not stating:
        vectors = np.zeros((0, DIMENSIONS), dtype="float32")
    elif vectors is None:
        from counterclaim.link.embeddings import embed

        vectors = embed([u.meaning for u in stating])
    elif callable(vectors):
        vectors = vectors(stating)
    else:
        index_of = {u.id: i for i, u in enumerate(units)}
        vectors = vectors[[index_of[u.id] for u in stating]]
    position = {u.id: i for i, u in enumerate(stating)}
    groups = join(cluster(stating, vectors), [(position[e], position[t]) for e, t in reading.stands_for.items() if e in position and t in position])
    cores, core_of, origin = cores_of(groups, stating, vectors)
    questions = settle_cores(cores, stating, vectors, origin)
    questions.extend(candidates(stating, vectors, cores, core_of))
    questions = list(dict.fromkeys(questions))
    joined, refused = read_pairs(questions, cores, stating, vectors, model or load_stance_model(), progress)
    apply_relations(reading.found, stating, position, core_of, joined, units)
    for number, members in joined.items():
        consistent_speakers(members, refused.get(number, []))
    placed = {claim for n, members in joined.items() if len(cores[n].members) > 1 for claim in members}
    propositions = [
        Proposition(0, core.statement, list(joined[n].values()), head=stating[core.statement_index].id, core_size=len(core.members),
                    centre=core.centre)
        for n, core in enumerate(cores)
        # a claim that joined a larger proposition does not also seed one of its own
        if len(joined[n]) >= 2 and not (len(core.members) == 1 and stating[core.members[0]].id in placed)
    ]
    propositions.extend(seeded(reading.found, units))
    for number, proposition in enumerate(propositions, 1):
        proposition.id = number
        finish(proposition)
    return propositions


def finish(proposition: Proposition) -> None:
    """Members in claim order, and the numbers they put on the same unit that conflict."""
    proposition.members.sort(key=lambda m: m.unit.id)
    proposition.numeric_conflicts = _numeric_conflicts([m.unit for m in proposition.members if m.stance != "neutral" and m.confident])


def cores_of(groups: list[list[int]], stating: list[ClaimUnit], vectors: np.ndarray) -> tuple[list[_Core], dict[int, int], dict[int, int]]:
    """The cores of these groups (those whose statements say the same made one), each with its statement and centre; the
    core of each claim (index into `stating`); and for a member of a merged group, the central claim of its own group."""
    import numpy as np

    groups, origin = _merge_statements(groups, stating, vectors)
    cores: list[_Core] = []
    core_of: dict[int, int] = {}
    for members in groups:
        best, statement = _statement(members, stating, vectors)
        centre = vectors[members].mean(axis=0)
        centre /= max(float(np.linalg.norm(centre)), 1e-9)
        for i in members:
            core_of[i] = len(cores)
        cores.append(_Core(members, best, statement, centre))
    return cores, core_of, origin


def settle_cores(cores: list[_Core], stating: list[ClaimUnit], vectors: np.ndarray, origin: dict[int, int]) -> list[tuple[int, int]]:
    """The stance of each core member a rule settles (kept in `decided`), and the (core, claim) pairs the model must read."""
    questions: list[tuple[int, int]] = []  # (core, index in `stating`)
    for number, core in enumerate(cores):
        head = stating[core.statement_index]
        for i in core.members:
            ruled = _rule_stance(stating[i], head, core.statement, float(vectors[i] @ vectors[core.statement_index]))
            if ruled is None and i in origin:  # the same content as the statement of a group merged in for saying the same
                sub = stating[origin[i]]
                sub_statement = readable(assertive(sub.text))
                # its stance carries over only when the two statements say the same in the same words: embeddings
                # put "she is not fit to serve" near "her email server was vulnerable"
                if restates(sub_statement, core.statement, "supports"):
                    ruled = _rule_stance(stating[i], sub, sub_statement, float(vectors[i] @ vectors[origin[i]]))
                    ruled = (ruled[0], "merged" if ruled[1] == "statement" else ruled[1]) if ruled else None
            if ruled is not None:
                core.decided[stating[i].id] = Member(stating[i], ruled[0], 1.0, ruled[1])
            else:
                questions.append((number, i))
    return questions


def read_pairs(
    questions: list[tuple[int, int]], cores: list[_Core], stating: list[ClaimUnit], vectors: np.ndarray, model: StanceModel,
    progress: Callable[[str, int, int], None] | None = None,
) -> tuple[dict[int, dict[int, Member]], dict[int, list[ClaimUnit]]]:
    """Each core's members (claim id -> member): those rules settled, and those the model reads as bearing on its statement;
    and per core the claims the model refused that are near enough for their speaker's side to bring them in."""
    import numpy as np

    from counterclaim.link.stance import StancePair

    probabilities = model.probabilities(
        [StancePair(cores[c].statement, stating[i].reading) for c, i in questions]
    ) if questions else np.zeros((0, 4))
    if progress:
        progress("stance", len(questions), len(questions))
    joined: dict[int, dict[int, Member]] = {number: dict(core.decided) for number, core in enumerate(cores)}  # core -> claim id -> member
    refused: dict[int, list[ClaimUnit]] = defaultdict(list)
    for (c, i), row in zip(questions, probabilities, strict=True):
        stance, score = model_stance(row, stating[i].polarity)
        if stance in (None, "neutral") and stating[i].polarity == "deny" and float(row[3]) < UNRELATED_REFUSES and restates(
            stating[i].reading, cores[c].statement, "supports"
        ):  # denying the statement in its own words disputes it, however the model reads a short paraphrase
            joined[c][stating[i].id] = Member(stating[i], "disputes", 1.0 - float(row[3]), "denial")
        elif stance is not None:
            joined[c][stating[i].id] = Member(stating[i], stance, score, "model", restates(stating[i].reading, cores[c].statement, stance))
        elif float(vectors[i] @ vectors[cores[c].statement_index]) >= SPEAKER_JOINS:
            refused[c].append(stating[i])  # the speaker's side may still bring it in
    return joined, refused


def _united(groups: list[list[int]], pairs: Iterable[tuple[int, int]]) -> list[list[int]]:
    """The groups, with the two groups of each pair (indices into `groups`) made one, members in order."""
    parent = list(range(len(groups)))
    for a, b in pairs:
        parent[_find(parent, b)] = _find(parent, a)
    united: dict[int, list[int]] = defaultdict(list)
    for n, group in enumerate(groups):
        united[_find(parent, n)].extend(group)
    return [sorted(g) for g in united.values()]


def join(groups: list[list[int]], links: list[tuple[int, int]]) -> list[list[int]]:
    """The groups, with those holding the two ends of a link made one."""
    if not links:
        return groups
    group_of = {i: n for n, group in enumerate(groups) for i in group}
    return sorted(_united(groups, ((group_of[a], group_of[b]) for a, b in links)), key=lambda g: (-len(g), g[0]))


def _merge_statements(groups: list[list[int]], stating: list[ClaimUnit], vectors: np.ndarray) -> tuple[list[list[int]], dict[int, int]]:
    """Groups of two or more claims whose central statements say the same (cosine MERGE_STATEMENTS or more) are one;
    and the central claim of the group each member came from.

    Average linkage keeps groups apart when their members carry asides and detail ("the Taliban have taken
    control of the province — the last major territory ...", "the Taliban has taken over Panjshir"); their
    statements show that they are one matter.
    """
    import numpy as np

    large = [g for g in groups if len(g) >= 2]
    if len(large) < 2:
        return groups, {}
    heads = [_statement(g, stating, vectors)[0] for g in large]
    origin = {i: head for group, head in zip(large, heads, strict=True) for i in group}
    head_vectors = vectors[heads]
    close: list[tuple[int, int]] = []
    for start in range(0, len(heads), ROWS):  # a block of rows at a time, against the heads after it: no heads-by-heads matrix
        similarity = head_vectors[start : start + ROWS] @ head_vectors[start:].T
        rows, columns = np.nonzero(similarity >= MERGE_STATEMENTS)
        close.extend((int(a) + start, int(b) + start) for a, b in zip(rows, columns, strict=True) if b > a)
    merged_groups = _united(large, close)
    origin = {i: origin[i] for g in merged_groups if len({origin[i] for i in g}) > 1 for i in g}
    return sorted(merged_groups + [g for g in groups if len(g) < 2], key=lambda g: (-len(g), g[0])), origin


RELATION_ORDER = {"anaphora": 0, "dismissal": 1, "counter": 2}
DECISIVE_RULES = frozenset({"denial", "anaphora", "dismissal", "counter", "contrast"})


def consistent_speakers(members: dict[int, Member], refused: list[ClaimUnit]) -> None:
    """A party that takes a side by a certain rule in a document takes it in all its claims there near the proposition.

    Nazary, who denies the reports that the Taliban took the province, is not read as supporting it when he
    says the resistance "repelled repeated attacks", nor as speaking of something else when he adds that
    "the Taliban had even retreated from some areas": the model reads such implied negations poorly (as
    agreeing, or as another event), the speaker's side in the same document says how they are meant. Claims
    the model reads as neutral keep their stance.
    """
    sides: dict[tuple[int, str], set[str]] = defaultdict(set)
    parties_in: dict[int, set[str]] = defaultdict(set)  # document -> the parties that take a side in it
    for member in members.values():
        if member.decisive:
            sides[(member.unit.document_id, member.unit.party)].add(member.stance)
            parties_in[member.unit.document_id].add(member.unit.party)

    def side_of(unit: ClaimUnit) -> str | None:
        found = set(sides.get((unit.document_id, unit.party), set()))
        voice = unit.voice_of
        if not found and voice:  # "the council's spokeswoman" speaks for the Highland Defence Council
            for party in parties_in.get(unit.document_id, ()):
                if party == voice or party.endswith(" " + voice.split(":", 1)[1]):
                    found |= sides[(unit.document_id, party)]
        return next(iter(found)) if len(found) == 1 else None

    for member in members.values():
        side = side_of(member.unit)
        if member.rule == "model" and not member.decisive and member.stance != "neutral" and side and member.stance != side:
            member.stance, member.rule = side, "speaker"
    for unit in refused:
        side = side_of(unit)
        if unit.id not in members and side:
            members[unit.id] = Member(unit, side, 1.0, "speaker")


def candidates(
    stating: list[ClaimUnit], vectors: np.ndarray, cores: list[_Core], core_of: dict[int, int], allowed: Collection[str] | None = None,
    also_near: dict[int, set[int]] | None = None,
) -> list[tuple[int, int]]:
    """(core, claim) pairs to read: a claim and the cores of the claims it shares a word with whose centre is near it.

    A claim is read against a core larger than its own (or, between equals, an earlier one), so that two
    claims that bear on each other make one proposition, not two. A claim is not read against a core whose
    statement its own party made in the same document: what a speaker says around their own claim is
    their elaboration of it, and a proposition is worth its other parties.
    """
    import numpy as np

    if not cores:
        return []
    centres = np.stack([core.centre for core in cores])
    sizes = np.array([core.size for core in cores])
    firsts = np.array([-1 if core.stored_size else core.members[0] for core in cores])  # a stored core came before every new claim
    parties: dict[tuple[int, str], int] = {}  # (document, party) of each claim, as a number, to compare in numpy
    voice = np.array([parties.setdefault((u.document_id, u.party), len(parties)) for u in stating])
    statement_voice = voice[[core.statement_index for core in cores]]
    near: dict[int, set[int]] = defaultdict(set)
    for members in _blocks(stating, allowed=allowed).values():
        member_cores = {core_of[i] for i in members}
        for i in members:
            near[i].update(member_cores)
    for i, found in (also_near or {}).items():  # cores a part of the ledger does not hold the members of (`incremental.py`)
        near[i].update(found)
    pairs = []
    for i, candidate_cores in near.items():
        own = core_of[i]
        candidates = np.fromiter(candidate_cores, dtype=np.int64, count=len(candidate_cores))
        larger = (sizes[candidates] > sizes[own]) | ((sizes[candidates] == sizes[own]) & (firsts[candidates] < firsts[own]))
        allowed = candidates[(candidates != own) & larger & (statement_voice[candidates] != voice[i])]
        if not len(allowed):
            continue
        similarity = centres[allowed] @ vectors[i]
        ranked = sorted(zip(similarity.tolist(), allowed.tolist(), strict=True), reverse=True)[:CANDIDATES_PER_CLAIM]
        pairs.extend((c, i) for cosine, c in ranked if cosine >= CANDIDATE_COSINE)
    return pairs


def composed_stance(relation: str, target: str) -> str:
    """The stance of a claim that takes `relation` toward a claim that takes `target`: disputing a denial supports."""
    if relation == "neutral" or target == "neutral":
        return "neutral"
    return target if relation == "supports" else FLIP[target]


def apply_relations(
    found: list[discourse.Discourse], stating: list[ClaimUnit], position: dict[int, int], core_of: dict[int, int],
    member_lists: dict[int, dict[int, Member]], units: list[ClaimUnit],
) -> None:
    """Anaphoric denials and dismissals join every proposition their target is in, and make one of a target alone."""
    by_id = {u.id: u for u in units}
    relations = sorted((r for d in found for r in d.relations), key=lambda r: RELATION_ORDER[r.rule])
    ruled: set[tuple[int, int]] = set()  # (core, claim) placed by a relation: a later relation does not move it
    holders: dict[int, set[int]] = defaultdict(set)  # claim -> the cores it is a member of: a relation visits those alone
    for number, members in member_lists.items():
        for claim in members:
            holders[claim].add(number)
    for relation in relations:
        unit = by_id.get(relation.unit)
        if unit is None:
            continue
        for target in relation.targets:
            if target not in position:
                continue
            own = core_of[position[target]]
            for number in sorted(holders[target] | {own}):
                members = member_lists[number]
                held = members.get(target)
                if held is None and number == own:  # refused by the model, yet pointed at
                    pointed = stating[position[target]]
                    held = Member(pointed, "supports" if pointed.polarity == "assert" else "disputes", 1.0, "antecedent")
                    members[target] = held
                    holders[target].add(number)
                if held is not None and (number, unit.id) not in ruled:  # a rule of the text outranks the model
                    # a claim the model brought in from outside the core: the relation is only as sure as that reading
                    if held.rule == "model" and not held.confident and number != own:
                        members[unit.id] = Member(unit, composed_stance(relation.stance, held.stance), held.score, "model")
                    else:
                        members[unit.id] = Member(unit, composed_stance(relation.stance, held.stance), 1.0, relation.rule)
                    holders[unit.id].add(number)
                    ruled.add((number, unit.id))


def seeded(found: list[discourse.Discourse], units: list[ClaimUnit]) -> list[Proposition]:
    by_id = {u.id: u for u in units}
    propositions = []
    for document in found:
        for seed in document.seeds:
            members = [Member(by_id[i], stance, 1.0, seed.rule) for i, stance in seed.members if i in by_id]
            if len(members) >= 2:
                propositions.append(Proposition(0, seed.statement, members))
    return propositions


def _quantities_by_unit(unit: ClaimUnit) -> dict[str, list[dict[str, Any]]]:
    by_unit: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for quantity in unit.record.get("quantities", []):
        if quantity.get("unit"):
            by_unit[quantity["unit"].lower().rstrip("s")].append(quantity)
    return by_unit


def _conflicting(qa: dict[str, Any], qb: dict[str, Any]) -> bool:
    """Whether two numbers on the same unit differ by more than the tolerance."""
    if VAGUE_NUMBERS.search(qa["text"]) or VAGUE_NUMBERS.search(qb["text"]):
        return False  # "hundreds of" only says "at least 100": no conflict with "300"
    if min(float(qa["value"]), float(qb["value"])) < 2:
        return False  # "one such email" counts nothing against "72 emails"
    low, high = sorted((float(qa["value"]), float(qb["value"])))
    return high > 0 and (high - low) / high > NUMERIC_TOLERANCE


def _numeric_conflicts(members: list[ClaimUnit]) -> list[dict[str, Any]]:
    """Numbers on the same unit from different speakers that differ by more than the tolerance (of claims that take a side)."""
    by_unit: dict[str, list[tuple[ClaimUnit, dict[str, Any]]]] = defaultdict(list)
    for unit in members:
        for name, quantities in _quantities_by_unit(unit).items():
            by_unit[name].extend((unit, quantity) for quantity in quantities)
    conflicts = []
    for unit_name, found in by_unit.items():
        for i, (a, qa) in enumerate(found):
            for b, qb in found[i + 1 :]:
                if a.party != b.party and _conflicting(qa, qb):
                    conflicts.append({
                        "unit": unit_name,
                        "values": [{"speaker": a.speaker, "text": qa["text"], "value": qa["value"]},
                                   {"speaker": b.speaker, "text": qb["text"], "value": qb["value"]}],
                    })
    return conflicts


def store(ledger: Ledger, propositions: list[Proposition], state: str | None = None, stating: list[ClaimUnit] | None = None) -> None:
    """Replace the stored propositions and stances, keeping the id of each stored proposition that lives on.

    A new proposition takes the id of the stored one with which it shares most claims (each stored id goes
    to one proposition at most, the best overlaps first); the others get ids never used before. `state` (from
    `linked_state`) and `stating` (the claims that took part) record what they were linked from, in the same
    transaction, so that the next link adds only what came since (`incremental.py`).
    """
    stored_sizes: dict[int, int] = defaultdict(int)
    holding: dict[int, list[int]] = defaultdict(list)  # claim -> the stored propositions it is in
    for proposition_id, claim_id in ledger.db.execute("SELECT proposition_id, claim_id FROM proposition_claims"):
        stored_sizes[proposition_id] += 1
        holding[claim_id].append(proposition_id)
    overlaps = []
    for index, proposition in enumerate(propositions):
        claims = {m.unit.id for m in proposition.members}
        shared: dict[int, int] = defaultdict(int)
        for claim in claims:
            for old in holding.get(claim, ()):
                shared[old] += 1
        # the share of the two propositions' claims they have in common (Jaccard), best first
        overlaps.extend((-count / (len(claims) + stored_sizes[old] - count), index, old) for old, count in shared.items())
    assigned: dict[int, int] = {}
    taken: set[int] = set()
    for _, index, old in sorted(overlaps):
        if index not in assigned and old not in taken:
            assigned[index] = old
            taken.add(old)

    def replace_all() -> None:
        ledger.db.execute("DELETE FROM proposition_claims")
        ledger.db.execute(f"DELETE FROM propositions WHERE id NOT IN ({','.join('?' * len(assigned))})", tuple(assigned.values()))
        for index, proposition in enumerate(propositions):
            values = (proposition.statement, int(proposition.contested), json.dumps(proposition.numeric_conflicts))
            if index in assigned:
                proposition.id = assigned[index]
                ledger.db.execute("UPDATE propositions SET statement = ?, contested = ?, numeric_conflicts = ? WHERE id = ?",
                                  (*values, proposition.id))
            else:
                proposition.id = ledger.db.execute(
                    "INSERT INTO propositions (statement, contested, numeric_conflicts) VALUES (?, ?, ?)", values
                ).lastrowid
            insert_members(ledger, proposition.id, proposition.members)
            store_core(ledger, proposition)
        ledger.db.execute("DELETE FROM linked_documents")
        ledger.db.execute("DELETE FROM claim_words")
        if stating is None:  # what was linked is not known: the next link is a whole one
            ledger.db.execute("DELETE FROM meta WHERE key = 'linked_state'")
            return
        ledger.db.execute("INSERT INTO linked_documents (document_id) SELECT id FROM documents WHERE latest = 1")
        store_words(ledger, stating)
        ledger.db.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('linked_state', ?)", (state or "",))

    ledger.write(replace_all)


def insert_members(ledger: Ledger, proposition_id: int, members: Iterable[Member]) -> None:
    ledger.db.executemany(
        "INSERT OR REPLACE INTO proposition_claims (proposition_id, claim_id, stance, score, rule, restates) VALUES (?, ?, ?, ?, ?, ?)",
        [(proposition_id, m.unit.id, m.stance, m.score, m.rule, int(m.restates)) for m in members],
    )


def store_core(ledger: Ledger, proposition: Proposition) -> None:
    """What claims of new documents are compared with: the proposition's statement claim, core size and centre."""
    import numpy as np

    ledger.db.execute("DELETE FROM proposition_cores WHERE proposition_id = ?", (proposition.id,))
    if proposition.head is not None and proposition.centre is not None:
        ledger.db.execute(
            "INSERT INTO proposition_cores (proposition_id, head_claim_id, size, centre) VALUES (?, ?, ?, ?)",
            (proposition.id, proposition.head, proposition.core_size, np.asarray(proposition.centre, dtype=np.float16).tobytes()),
        )


def store_words(ledger: Ledger, stating: Iterable[ClaimUnit]) -> None:
    """The content words of the claims that took part in a link: the blocks a later claim is looked up in."""
    ledger.db.executemany("INSERT OR IGNORE INTO claim_words (word, claim_id) VALUES (?, ?)", ((w, u.id) for u in stating for w in u.words))


LINKING_SOURCES = ("propositions.py", "checkable.py", "discourse.py", "incremental.py")


def linked_state(ledger: Ledger) -> str:
    """What links depend on besides the documents: the linking code and the stance model. A ledger linked under
    another state is linked whole again; under the same, only documents added or replaced since are linked."""
    import hashlib
    from importlib import resources

    from counterclaim.link.reads import fingerprint

    digest = hashlib.sha256(fingerprint().encode())
    for name in LINKING_SOURCES:
        digest.update(resources.files(__package__).joinpath(name).read_bytes())
    return digest.hexdigest()


def stored_propositions(ledger: Ledger, contested_only: bool = False) -> list[Proposition]:
    """The propositions stored (or the contested ones), as linking made them (members in claim order, ids as stored)."""
    rows = ledger.db.execute(
        "SELECT p.id, p.statement, p.numeric_conflicts, pc.claim_id, pc.stance, pc.score, pc.rule, pc.restates"
        " FROM propositions p JOIN proposition_claims pc ON pc.proposition_id = p.id"
        + (" WHERE p.contested = 1" if contested_only else "") + " ORDER BY p.id, pc.claim_id"
    ).fetchall()
    units = {u.id: u for u in load_units(ledger, {row["claim_id"] for row in rows})}
    found: dict[int, Proposition] = {}
    for row in rows:
        proposition = found.get(row["id"])
        if proposition is None:
            proposition = found[row["id"]] = Proposition(row["id"], row["statement"], [], json.loads(row["numeric_conflicts"]))
        unit = units.get(row["claim_id"])
        if unit is not None:
            proposition.members.append(Member(unit, row["stance"], row["score"], row["rule"], bool(row["restates"])))
    return list(found.values())


def relink(
    ledger: Ledger, progress: Callable[[int, int], None] | None = None, model: StanceModel | None = None,
    whole: bool = False, contested_only: bool = False,
) -> tuple[list[Proposition], bool]:
    """The ledger's propositions (or the contested ones) in id order, and whether anything was linked now (see `link_new`)."""
    linked, propositions = _link_new(ledger, progress, model, whole)
    if propositions is None:
        return stored_propositions(ledger, contested_only), linked
    propositions = [p for p in propositions if p.contested or not contested_only]
    return sorted(propositions, key=lambda p: p.id), linked  # in id order, as they are read back


def link_new(
    ledger: Ledger, progress: Callable[[int, int], None] | None = None, model: StanceModel | None = None, whole: bool = False,
) -> bool:
    """Link what came since the last link, storing what that gives; whether anything was linked. Nothing is read back:
    for commands that store propositions and print none (`ingest`, the web app's jobs)."""
    return _link_new(ledger, progress, model, whole)[0]


def _link_new(
    ledger: Ledger, progress: Callable[[int, int], None] | None, model: StanceModel | None, whole: bool,
) -> tuple[bool, list[Proposition] | None]:
    """Nothing when no document came since the last link; the documents that came since linked into the stored
    propositions (`incremental.py`: its cost is that of the new claims and their neighbours, whatever the ledger's
    size); or, for a ledger never linked, linked by other code or another stance model, or asked to (`whole`), the
    whole ledger linked, from stored claim vectors and stored reads, reading only what is new (and its propositions).
    `model` reads stance pairs not stored (the shipped model by default)."""
    from counterclaim.link import incremental
    from counterclaim.link.reads import StoredStance, stored_clauses
    from counterclaim.link.vectors import unit_vectors

    state = linked_state(ledger)
    row = ledger.db.execute("SELECT value FROM meta WHERE key = 'linked_state'").fetchone()
    if not whole and row is not None and row[0] == state:
        return incremental.link_new_documents(ledger, StoredStance(ledger, model), progress), None  # type: ignore[arg-type]
    stating: list[ClaimUnit] = []

    def vectors(units: list[ClaimUnit]) -> np.ndarray:
        stating.extend(units)
        return unit_vectors(ledger, units, progress)

    propositions = link(
        load_units(ledger), document_texts(ledger), model=StoredStance(ledger, model),  # type: ignore[arg-type]
        vectors=vectors, clauses=stored_clauses(ledger), progress=(lambda _, done, total: progress(done, total)) if progress else None,
    )
    store(ledger, propositions, state, stating)
    discredits.refresh(ledger)  # who discredits whom reads the propositions' sides
    return True, propositions
