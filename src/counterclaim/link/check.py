"""Checking one statement against the ledger: who has said what about it, on which side.

A fact-checker arrives with a statement. Candidates come from the full-text
index (claims sharing its words) and from the stored embeddings (claims near
it in meaning, words or not); the nearest READ_AT_MOST of them are read with
the statement by the stance cross-encoder, which refuses the unrelated and
gives the others their side. Claims a ledger has no vector for yet are
embedded and stored first, once.

The cross-encoder reads each claim out of its place, and reads implied
negations ("repelled all of their attacks") poorly. Where `contested` has
linked the ledger, its propositions know more: a proposition the model reads
as saying the checked statement (or its opposite) lends the stances its
rules settled (a denial, an anaphoric denial, a speaker's side in their
document) to its claims, turned when the proposition says the opposite.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from counterclaim.link.propositions import MERGE_STATEMENTS, ClaimUnit, checkable, composed_stance, load_units, model_stance, negated
from counterclaim.link.stance import StanceModel, StancePair, load_stance_model
from counterclaim.link.vectors import nearest, stored_vectors, unit_vectors
from counterclaim.store import Ledger

FROM_TEXT = 200  # candidates from the full-text index
FROM_VECTORS = 200  # candidates from the embeddings
READ_AT_MOST = 64  # candidates the cross-encoder reads: about half a second on two cores
PROPOSITIONS_AT_MOST = 16  # stored propositions of the candidates read against the statement
PROPOSITION_AGREES = 0.6  # how surely a proposition must say the statement (or its opposite) to lend its stances
MIN_COSINE = 0.25  # below this, a claim is not about the statement at all
FTS_WORD = re.compile(r"[A-Za-z0-9]{3,}")


@dataclass(slots=True)
class Finding:
    """A claim that bears on the checked statement."""

    claim: dict[str, Any]
    stance: str
    score: float
    speaker: str | None
    affiliation: str | None
    document: str
    title: str | None
    date: str | None
    propositions: list[dict[str, Any]] = field(default_factory=list)
    stance_by: str = "model"  # or `proposition N` when a stored proposition's rule settled it
    ledger: dict[str, int | None] = field(default_factory=dict)  # the ledger's ids of the claim, its document and speaker

    def to_json(self) -> dict[str, Any]:
        return {
            "stance": self.stance,
            "score": round(self.score, 3),
            "stance_by": self.stance_by,
            "speaker": self.speaker,
            "affiliation": self.affiliation,
            "document": self.document,
            "title": self.title,
            "date": self.date,
            "passage": {"text": self.claim["content"]["text"], "spans": self.claim["content"]["spans"]},
            "propositions": self.propositions,
            "claim": self.claim,
            "ledger": self.ledger,
        }


@dataclass(slots=True)
class CheckResult:
    statement: str
    findings: list[Finding]
    candidates: int
    read: int

    def side(self, stance: str) -> list[Finding]:
        return [f for f in self.findings if f.stance == stance]

    def to_json(self) -> dict[str, Any]:
        return {
            "statement": self.statement,
            "candidates": self.candidates,
            "read": self.read,
            **{side: [f.to_json() for f in self.side(side)] for side in ("supports", "disputes", "neutral")},
        }


def fts_query(statement: str) -> str | None:
    """The statement's content words as an FTS5 query matching any of them (each quoted: no operator can slip in)."""
    words = [w for w in FTS_WORD.findall(statement) if w.lower() not in checkable.FUNCTION_WORDS]
    return " OR ".join(f'"{w}"' for w in dict.fromkeys(words)) or None


def _text_candidates(ledger: Ledger, statement: str) -> list[int]:
    query = fts_query(statement)
    if query is None:
        return []
    rows = ledger.db.execute(
        "SELECT rowid FROM claims_fts WHERE claims_fts MATCH ? ORDER BY bm25(claims_fts) LIMIT ?", (query, FROM_TEXT)
    )
    return [row[0] for row in rows]


def prepare(ledger: Ledger, progress=None) -> int:
    """Embed and store the claims that have no vector yet; how many there were. Only claims added since the last
    `prepare` are looked at and only those without a vector loaded, so that a grown ledger costs what its new claims
    cost (a vector whose claim reads differently is remade by `contested`)."""
    row = ledger.db.execute("SELECT value FROM meta WHERE key = 'prepared_upto'").fetchone()
    upto = int(row[0]) if row else 0  # claims up to this one were embedded by an earlier `prepare`: only later ones are looked at
    last = ledger.db.execute("SELECT max(id) FROM claims").fetchone()[0] or 0
    without = {row[0] for row in ledger.db.execute(
        "SELECT c.id FROM claims c LEFT JOIN claim_vectors v ON v.claim_id = c.id WHERE c.id > ? AND v.claim_id IS NULL AND c.mode != 'question'",
        (upto,),
    )}
    missing = load_units(ledger, without) if without else []
    if missing:
        unit_vectors(ledger, missing, progress)
    ledger.write(lambda: ledger.db.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('prepared_upto', ?)", (str(last),)))
    return len(missing)


def check(ledger: Ledger, statement: str, model: StanceModel | None = None) -> CheckResult:
    """The ledger's claims that bear on the statement, each with its side (run `prepare` first on a new ledger)."""
    from counterclaim.link.embeddings import embed

    query = embed([statement])[0]
    ids, cosines = nearest(ledger, query, FROM_VECTORS)
    cosine = {int(claim): float(value) for claim, value in zip(ids, cosines, strict=True)}
    text_ids = [claim for claim in _text_candidates(ledger, statement) if claim not in cosine]
    found, vectors = stored_vectors(ledger, text_ids)  # a claim the full text found: its cosine, from its own vector
    cosine.update(zip(found.tolist(), (vectors @ query).tolist(), strict=True))
    ranked = [c for c, s in sorted(cosine.items(), key=lambda item: -item[1]) if s >= MIN_COSINE]
    units = _units(ledger, ranked[: READ_AT_MOST * 2])
    units = [u for u in units if u.speaker_id is not None and not u.host and not checkable.is_courtesy(u.text)][:READ_AT_MOST]
    model = model or load_stance_model()
    settled = _settled_by_propositions(ledger, statement, query, [u.id for u in units], model)
    probabilities = model.probabilities([StancePair(statement, u.meaning) for u in units])
    findings = []
    for unit, row in zip(units, probabilities, strict=True):
        if unit.id in settled:
            continue
        stance, score = model_stance(row, unit.polarity)
        if stance is not None:
            findings.append(_finding(ledger, unit, stance, score))
    for unit in _units(ledger, list(settled)):
        stance, score, proposition = settled[unit.id]
        findings.append(_finding(ledger, unit, stance, score, f"proposition {proposition}"))
    findings.sort(key=lambda f: (-f.score))
    return CheckResult(statement, findings, len(cosine), len(units))


def _settled_by_propositions(
    ledger: Ledger, statement: str, query: np.ndarray, claim_ids: list[int], model: StanceModel
) -> dict[int, tuple[str, float, int]]:
    """Claim -> (stance toward the statement, how sure, proposition) for the members whose stance a rule settled in a
    stored proposition that says the statement or its opposite: near it in meaning (as `contested` merges
    statements), else read so by the cross-encoder."""
    if not claim_ids:
        return {}
    marks = ",".join("?" * len(claim_ids))
    propositions = ledger.db.execute(
        f"SELECT p.id, p.statement, COUNT(*) AS shared FROM proposition_claims pc JOIN propositions p ON p.id = pc.proposition_id"
        f" WHERE pc.claim_id IN ({marks}) GROUP BY p.id ORDER BY shared DESC, p.id LIMIT ?", (*claim_ids, PROPOSITIONS_AT_MOST)
    ).fetchall()
    if not propositions:
        return {}
    from counterclaim.link.embeddings import embed

    statements = [row["statement"] for row in propositions]
    cosines = embed(statements) @ query
    relations = model.probabilities([StancePair(statement, other) for other in statements])
    settled: dict[int, tuple[str, float, int]] = {}
    for row, cosine, probabilities in zip(propositions, cosines.tolist(), relations, strict=True):
        if cosine >= MERGE_STATEMENTS:  # the same matter, as `contested` merges statements: said, or said with a "not"
            relation, score = ("supports" if negated(statement) == negated(row["statement"]) else "disputes"), cosine
        else:  # the cross-encoder reads short statements that say the same as discussing it: it decides only when sure
            relation, score = model_stance(probabilities, "assert")
        if relation not in ("supports", "disputes") or score < PROPOSITION_AGREES:
            continue
        members = ledger.db.execute(
            "SELECT claim_id, stance FROM proposition_claims WHERE proposition_id = ? AND rule != 'model' AND stance != 'neutral'",
            (row["id"],),
        )
        for claim, stance in members:
            if claim not in settled or settled[claim][1] < score:
                settled[claim] = (composed_stance(relation, stance), score, row["id"])
    return settled


def _units(ledger: Ledger, claim_ids: list[int]) -> list[ClaimUnit]:
    """The linking view of these claims, in the given order."""
    if not claim_ids:
        return []
    wanted = set(claim_ids)
    found = {u.id: u for u in load_units(ledger, wanted)}
    return [found[c] for c in claim_ids if c in found]


def _finding(ledger: Ledger, unit: ClaimUnit, stance: str, score: float, stance_by: str = "model") -> Finding:
    row = ledger.db.execute(
        "SELECT d.doc_id, d.title, d.date, s.affiliation, c.document_id, c.speaker_id FROM claims c JOIN documents d ON d.id = c.document_id"
        " LEFT JOIN speakers s ON s.id = c.speaker_id WHERE c.id = ?", (unit.id,)
    ).fetchone()
    propositions = [
        {"id": r[0], "statement": r[1], "stance": r[2]}
        for r in ledger.db.execute(
            "SELECT p.id, p.statement, pc.stance FROM proposition_claims pc JOIN propositions p ON p.id = pc.proposition_id"
            " WHERE pc.claim_id = ? ORDER BY p.id", (unit.id,)
        )
    ]
    return Finding(
        unit.record, stance, score, unit.speaker, row["affiliation"], row["doc_id"], row["title"], row["date"], propositions, stance_by,
        {"claim": unit.id, "document": row["document_id"], "speaker": row["speaker_id"]},
    )
