"""Linking what came since the last link: new documents' claims into the stored propositions, without a pass over the rest.

A whole link (`propositions.link`) compares every claim that states something with every other claim that
shares a rare word with it, so its cost grows with the ledger. Once a ledger is linked, the documents added
(or replaced by a new version) since are linked into it instead:

1. Each new document is read alone, as a whole link reads it (`read_documents`): which claims state
   something, and the relations it makes plain (anaphoric denials, dismissals, seeds).
2. A new claim's neighbours are the stored claims sharing a content word with it that at most BLOCK_MAX
   claims of the whole ledger use (`claim_words`): the blocks of a whole link.
3. A new claim as near a neighbour's proposition as a core member (cosine CORE_COSINE or more to the
   centre stored for its core) joins that core: its stance settled by a rule against the proposition's
   statement, else read by the cross-encoder. The other new claims cluster with each other and with the
   neighbours in no proposition, as a whole link clusters, and make new cores.
4. Each new claim is read against its nearest cores, stored or new (the candidates of a whole link); a
   stored claim is read against a new core only. The new documents' relations, speakers' sides and
   seeds apply as in a whole link.
5. Stored propositions gain members and keep their ids, statements and other members; new propositions
   get new ids. A replaced document's claims leave their propositions first, and one left with fewer than
   two claims is retired.

The cost is that of the new claims and their neighbours, whatever the size of the ledger. What it gives can
differ from linking the whole ledger again: a stored proposition's statement and centre do not move with
what joins it, two stored propositions a new claim shows to be one stay two, and a word that became common
still links the claims it linked. `counterclaim contested --relink` links the whole ledger again, from the
stored reads.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from counterclaim.link import discredits
from counterclaim.link.embeddings import DIMENSIONS
from counterclaim.link.propositions import (
    BLOCK_MAX,
    CANDIDATE_COSINE,
    CONFIDENT,
    CONFIDENT_MODEL,
    CORE_COSINE,
    ClaimUnit,
    Member,
    Proposition,
    _Core,
    apply_relations,
    candidates,
    cluster,
    consistent_speakers,
    cores_of,
    finish,
    insert_members,
    join,
    load_units,
    read_documents,
    read_pairs,
    seeded,
    settle_cores,
    store_core,
    store_words,
)
from counterclaim.store import Ledger, id_lists

if TYPE_CHECKING:
    from counterclaim.link.stance import StanceModel



def changes(ledger: Ledger) -> tuple[list[int], list[int]]:
    """(documents to link: latest versions never linked, documents linked that a new version replaced or that are gone)."""
    added = [row[0] for row in ledger.db.execute(
        "SELECT id FROM documents WHERE latest = 1 AND id NOT IN (SELECT document_id FROM linked_documents) ORDER BY id")]
    retired = [row[0] for row in ledger.db.execute(
        "SELECT l.document_id FROM linked_documents l LEFT JOIN documents d ON d.id = l.document_id WHERE d.id IS NULL OR d.latest = 0")]
    return added, retired


def link_new_documents(ledger: Ledger, model: StanceModel, progress: Callable[[int, int], None] | None = None) -> bool:
    """Link the documents added or replaced since the last link into the stored propositions; whether there were any."""
    added, retired = changes(ledger)
    if retired:
        ledger.write(lambda: retire(ledger, retired))
    if added:
        link_added(ledger, added, model, progress)
    if added or retired:
        discredits.refresh(ledger, documents=added)
    return bool(added or retired)


def retire(ledger: Ledger, documents: list[int]) -> None:
    """Take the claims of these documents (replaced by new versions, or gone) out of the propositions (in a transaction)."""
    claims = [row[0] for marks in id_lists(documents) for row in ledger.db.execute(f"SELECT id FROM claims WHERE document_id IN ({marks})")]
    touched: set[int] = set()
    for marks in id_lists(claims):
        held = ledger.db.execute(f"SELECT DISTINCT proposition_id FROM proposition_claims WHERE claim_id IN ({marks})")
        touched.update(row[0] for row in held)
        for table in ("proposition_claims", "claim_words", "discredits"):
            ledger.db.execute(f"DELETE FROM {table} WHERE claim_id IN ({marks})")
        ledger.db.execute(f"DELETE FROM proposition_cores WHERE head_claim_id IN ({marks})")
    for marks in id_lists(documents):
        ledger.db.execute(f"DELETE FROM linked_documents WHERE document_id IN ({marks})")
    for proposition_id in sorted(touched):
        if ledger.db.execute("SELECT count(*) FROM proposition_claims WHERE proposition_id = ?", (proposition_id,)).fetchone()[0] < 2:
            ledger.db.execute("DELETE FROM propositions WHERE id = ?", (proposition_id,))
        else:
            _update(ledger, Proposition(proposition_id, "", taking_sides(ledger, proposition_id)), numbers=True)


def taking_sides(ledger: Ledger, proposition_id: int) -> list[Member]:
    """What decides whether a stored proposition is contested, without reading all its members (thousands, in a large
    ledger): one member for each speaker and side among those sure enough to count (`Member.confident`; a side is a
    party, and one speaker is one party), and every such member that gives a number, with its record, in claim order."""
    rows = ledger.db.execute(
        "SELECT pc.claim_id, pc.stance, pc.score, pc.rule, pc.restates, c.polarity, c.speaker_id, s.name, s.kind,"
        " CASE WHEN json_array_length(c.record, '$.quantities') > 0 THEN c.record END AS record"
        " FROM proposition_claims pc JOIN claims c ON c.id = pc.claim_id LEFT JOIN speakers s ON s.id = c.speaker_id"
        " WHERE pc.proposition_id = ? AND pc.stance != 'neutral' AND (pc.rule != 'model' OR (c.polarity = 'deny' AND pc.score >= ?)"
        " OR (c.polarity != 'deny' AND pc.restates AND pc.score >= ?)) ORDER BY pc.claim_id",
        (proposition_id, CONFIDENT, CONFIDENT_MODEL),
    )
    seen: set[tuple[int | None, str]] = set()
    members = []
    for row in rows:
        side = (row["speaker_id"], row["stance"])
        if row["record"] is None and side in seen:
            continue
        seen.add(side)
        unit = ClaimUnit(row["claim_id"], row["record"] or "{}", "", row["speaker_id"], row["name"], row["polarity"], kind=row["kind"])
        members.append(Member(unit, row["stance"], row["score"], row["rule"], bool(row["restates"])))
    return members


def _update(ledger: Ledger, proposition: Proposition, numbers: bool) -> None:
    """Store whether a proposition whose members changed is contested (and, with `numbers`, its conflicting numbers)."""
    if numbers:
        finish(proposition)
        ledger.db.execute("UPDATE propositions SET contested = ?, numeric_conflicts = ? WHERE id = ?",
                          (int(proposition.contested), json.dumps(proposition.numeric_conflicts), proposition.id))
    else:
        ledger.db.execute("UPDATE propositions SET contested = contested OR ? WHERE id = ?", (int(proposition.contested), proposition.id))


@dataclass(slots=True)
class StoredCore:
    proposition: int
    statement: str
    head: int
    size: int
    centre: np.ndarray


def neighbours(ledger: Ledger, units: list[ClaimUnit]) -> tuple[dict[str, list[int]], set[str]]:
    """The stored claims using each content word of these claims, for the words at most BLOCK_MAX claims of the ledger
    use (these and the stored); and those words. At most BLOCK_MAX + 1 rows are read for a word, however common."""
    counts = Counter(word for unit in units for word in unit.words)
    stored: dict[str, list[int]] = {}
    for word, count in counts.items():
        if count > BLOCK_MAX:
            continue
        ids = [row[0] for row in ledger.db.execute("SELECT claim_id FROM claim_words WHERE word = ? LIMIT ?", (word, BLOCK_MAX - count + 1))]
        if count + len(ids) <= BLOCK_MAX:
            stored[word] = ids
    return stored, set(stored)


def stored_cores(ledger: Ledger, claims: list[int]) -> tuple[dict[int, list[int]], dict[int, StoredCore]]:
    """The propositions holding each of these claims, and the stored core of each of those propositions that has one."""
    holding: dict[int, list[int]] = defaultdict(list)
    for marks in id_lists(claims):
        for claim, proposition in ledger.db.execute(f"SELECT claim_id, proposition_id FROM proposition_claims WHERE claim_id IN ({marks})"):
            holding[claim].append(proposition)
    wanted = sorted({p for found in holding.values() for p in found})
    rows = [row for marks in id_lists(wanted) for row in ledger.db.execute(
        "SELECT c.proposition_id, p.statement, c.head_claim_id, c.size, c.centre FROM proposition_cores c"
        f" JOIN propositions p ON p.id = c.proposition_id WHERE c.proposition_id IN ({marks})"
    )]
    centres = np.frombuffer(b"".join(row["centre"] for row in rows), dtype=np.float16).reshape(len(rows), DIMENSIONS).astype("float32")
    cores = {row[0]: StoredCore(row[0], row["statement"], row["head_claim_id"], row["size"], centre)
             for row, centre in zip(rows, centres, strict=True)}
    return holding, cores


def link_added(ledger: Ledger, documents: list[int], model: StanceModel, progress: Callable[[int, int], None] | None = None) -> None:
    """Link the claims of these documents (never linked) into the stored propositions, and store what that gives."""
    from counterclaim.link.reads import stored_clauses
    from counterclaim.link.vectors import stored_vectors, unit_vectors

    units = load_units(ledger, documents=documents)
    texts = {row[0]: row[1] for marks in id_lists(documents) for row in ledger.db.execute(f"SELECT id, text FROM documents WHERE id IN ({marks})")}
    reading = read_documents(units, texts, stored_clauses(ledger))
    new = reading.stating
    new_vectors = unit_vectors(ledger, new, progress) if new else np.zeros((0, DIMENSIONS), dtype="float32")
    by_word, allowed = neighbours(ledger, new)
    new_ids = {u.id for u in new}
    near: dict[int, set[int]] = defaultdict(set)  # new claim (index) -> its stored neighbours
    for index, unit in enumerate(new):
        for word in unit.words & allowed:
            near[index].update(claim for claim in by_word[word] if claim not in new_ids)
    stored_ids, stored_rows = stored_vectors(ledger, sorted(set().union(*near.values())) if near else [])
    vector_of = {int(claim): row for claim, row in zip(stored_ids, stored_rows, strict=True)}
    holding, cores_found = stored_cores(ledger, list(vector_of))

    # a new claim near a stored core joins it; one near a stored claim in no proposition may cluster with it
    into: dict[int, int] = {}  # new claim (index) -> the stored proposition whose core it joins
    reachable: dict[int, set[int]] = defaultdict(set)  # new claim (index) -> stored propositions near enough to read it against
    free: set[int] = set()
    for index, claims in near.items():
        best, best_cosine = None, CORE_COSINE
        for claim in claims:
            if claim not in vector_of:
                continue
            if not holding.get(claim):
                if float(vector_of[claim] @ new_vectors[index]) >= CANDIDATE_COSINE:
                    free.add(claim)
                continue
            for proposition in holding[claim]:
                core = cores_found.get(proposition)
                if core is None or proposition in reachable[index]:
                    continue
                cosine = float(core.centre @ new_vectors[index])
                if cosine >= CANDIDATE_COSINE:
                    reachable[index].add(proposition)
                if cosine >= best_cosine:
                    best, best_cosine = proposition, cosine
        if best is not None:
            into[index] = best
    heads = sorted({cores_found[p].head for found in reachable.values() for p in found})
    missing = [claim for claim in heads if claim not in vector_of]
    if missing:
        head_ids, head_rows = stored_vectors(ledger, missing)
        vector_of.update((int(claim), row) for claim, row in zip(head_ids, head_rows, strict=True))
    loaded = {u.id: u for u in load_units(ledger, set(free) | set(heads))} if free or heads else {}
    free_units = [loaded[c] for c in sorted(free) if c in loaded]

    # the claims compared here: the new ones, the free neighbours, and the statement claims of the stored cores
    local = new + free_units
    pool = [i for i in range(len(local)) if i not in into]
    head_index: dict[int, int] = {}
    for claim in heads:
        if claim in loaded and claim in vector_of:
            head_index[claim] = len(local)
            local.append(loaded[claim])
    vectors = np.concatenate([new_vectors, np.stack([vector_of[u.id] for u in local[len(new):]])]) if len(local) > len(new) else new_vectors
    position = {u.id: i for i, u in enumerate(local)}
    groups = cluster([local[i] for i in pool], vectors[pool], allowed=allowed)
    groups = [[pool[k] for k in group] for group in groups]
    groups = join(groups, [(position[e], position[t]) for e, t in reading.stands_for.items()
                           if e in position and t in position and position[e] not in into and position[t] not in into])
    cores, core_of, origin = cores_of(groups, local, vectors)
    fresh = len(cores)  # cores from here on are stored ones
    number_of: dict[int, int] = {}  # stored proposition -> its core's number
    for proposition in sorted({p for found in reachable.values() for p in found} | set(into.values())):
        core = cores_found[proposition]
        if core.head not in head_index:
            continue
        number_of[proposition] = len(cores)
        core_of[head_index[core.head]] = len(cores)
        cores.append(_Core([], head_index[core.head], core.statement, core.centre, stored_size=core.size))
    for index, proposition in into.items():
        if proposition in number_of:
            cores[number_of[proposition]].members.append(index)
            core_of[index] = number_of[proposition]
        else:  # its core's statement claim is not in the ledger's latest documents: it stands alone
            core_of[index] = len(cores)
            cores.append(_Core([index], index, local[index].text, vectors[index]))
    extra = {index: {number_of[p] for p in found if p in number_of} for index, found in reachable.items()}
    questions = settle_cores(cores, local, vectors, origin)
    questions.extend(
        (c, i) for c, i in candidates(local, vectors, cores, core_of, allowed, extra)
        if i < len(new) or c < fresh  # a stored claim was read against the stored cores when it was linked
    )
    joined, refused = read_pairs(list(dict.fromkeys(questions)), cores, local, vectors, model)
    apply_relations(reading.found, local, position, core_of, joined, units)
    for number, members in joined.items():
        consistent_speakers(members, refused.get(number, []))
    placed = {claim for n, members in joined.items() if cores[n].size > 1 for claim in members}
    made = [
        Proposition(0, core.statement, list(joined[n].values()), head=local[core.statement_index].id, core_size=len(core.members), centre=core.centre)
        for n, core in enumerate(cores[:fresh])
        if len(joined[n]) >= 2 and not (len(core.members) == 1 and local[core.members[0]].id in placed)
    ]
    made.extend(seeded(reading.found, units))
    for proposition in made:
        finish(proposition)
    grown = {proposition: joined[number] for proposition, number in number_of.items() if joined[number]}
    moved: list[tuple[int, int, bytes]] = []  # a stored core that new claims joined: its centre moves to take them in, as clustering's would
    for proposition, number in number_of.items():
        joiners = cores[number].members
        if joiners:
            size = cores_found[proposition].size + len(joiners)
            centre = cores_found[proposition].centre * cores_found[proposition].size + vectors[joiners].sum(axis=0)
            centre /= max(float(np.linalg.norm(centre)), 1e-9)
            moved.append((size, proposition, centre.astype(np.float16).tobytes()))

    def write() -> None:
        for proposition in made:
            proposition.id = ledger.db.execute(
                "INSERT INTO propositions (statement, contested, numeric_conflicts) VALUES (?, ?, ?)",
                (proposition.statement, int(proposition.contested), json.dumps(proposition.numeric_conflicts)),
            ).lastrowid
            insert_members(ledger, proposition.id, proposition.members)
            store_core(ledger, proposition)
        for proposition_id, members in grown.items():
            insert_members(ledger, proposition_id, members.values())
            numbers = any(m.unit.record.get("quantities") for m in members.values() if m.stance != "neutral" and m.confident)
            if numbers or not ledger.db.execute("SELECT contested FROM propositions WHERE id = ?", (proposition_id,)).fetchone()[0]:
                _update(ledger, Proposition(proposition_id, "", taking_sides(ledger, proposition_id)), numbers)
        ledger.db.executemany("UPDATE proposition_cores SET size = ?, centre = ? WHERE proposition_id = ?",
                              [(size, centre, proposition) for size, proposition, centre in moved])
        store_words(ledger, new)
        ledger.db.executemany("INSERT OR IGNORE INTO linked_documents (document_id) VALUES (?)", [(d,) for d in documents])

    ledger.write(write)
