"""What each page of the web app shows, read from the ledger's stored results with a few indexed queries.

Pages never link, embed or check quotes: they read what `contested`, `quotes` and `ingest` stored, so a page costs
the same on a ledger of a hundred claims as on one of a hundred thousand. Every function returns plain dicts and
lists, which the templates render and the `.json` addresses return as they are.
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from typing import Any

PAGE = 50
SEARCH_PAGE = 100
STANCES = ("supports", "disputes", "neutral")
WORD = re.compile(r"\w+", re.UNICODE)


@dataclass(slots=True)
class Filters:
    """The filters a listing takes from its URL, so that a filtered view can be shared as a link."""

    q: str = ""
    speaker: str = ""
    affiliation: str = ""
    polarity: str = ""
    stance: str = ""
    document: int | None = None
    outlet: str = ""
    kind: str = ""
    since: str = ""
    until: str = ""
    page: int = 1

    def as_dict(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in self.__slots__ if getattr(self, name) not in ("", None)}


# Each filter a listing can take, as an SQL condition over its aliases (c: claims, d: documents, s: speakers) and how
# the value from the URL becomes the parameter.
CONDITIONS: dict[str, tuple[str, Any]] = {
    "outlet": ("d.site = ?", str),
    "kind": ("d.kind = ?", str),
    "since": ("d.date >= ?", str),
    "until": ("substr(d.date, 1, 10) <= ?", str),
    "speaker": ("s.name LIKE ?", lambda value: f"%{value}%"),
    "affiliation": ("s.affiliation LIKE ?", lambda value: f"%{value}%"),
    "polarity": ("c.polarity = ?", str),
    "stance": ("EXISTS (SELECT 1 FROM proposition_claims pc WHERE pc.claim_id = c.id AND pc.stance = ?)", str),
    "document": ("c.document_id = ?", int),
}


def conditions(filters: Filters, names: tuple[str, ...]) -> tuple[list[str], list[Any]]:
    """The WHERE conditions and parameters of the given filters that are set, latest versions of documents only."""
    where, params = ["d.latest = 1"], []
    for name in names:
        value = getattr(filters, name)
        if value not in ("", None):
            sql, convert = CONDITIONS[name]
            where.append(sql)
            params.append(convert(value))
    return where, params


def _offset(page: int, size: int) -> int:
    return (max(page, 1) - 1) * size


def fts_query(text: str) -> str:
    """A user's words as an FTS5 query that cannot be malformed: each word quoted, all of them required."""
    return " ".join(f'"{word}"' for word in WORD.findall(text))


def overview(db: sqlite3.Connection) -> dict[str, Any]:
    """How much the ledger holds, and how much of it was linked, for the header of every page."""
    counts = {
        table: db.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
        for table in ("documents", "claims", "speakers", "propositions", "verdicts")
    }
    counts["contested"] = db.execute("SELECT count(*) FROM propositions WHERE contested = 1").fetchone()[0]
    return counts


def documents(db: sqlite3.Connection, filters: Filters) -> dict[str, Any]:
    """The latest version of each document with its claim and denial counts, filtered by outlet, kind, date and words."""
    where, params = conditions(filters, ("outlet", "kind", "since", "until"))
    if filters.q:
        where.append("(d.title LIKE ? OR d.doc_id LIKE ?)")
        params += [f"%{filters.q}%"] * 2
    rows = db.execute(
        "SELECT d.id, d.doc_id, d.title, d.site, d.date, d.kind, d.version,"
        " (SELECT count(*) FROM claims c WHERE c.document_id = d.id) AS claims,"
        " (SELECT count(*) FROM claims c WHERE c.document_id = d.id AND c.polarity = 'deny') AS denials"
        f" FROM documents d WHERE {' AND '.join(where)} ORDER BY d.date IS NULL, d.date DESC, d.id DESC LIMIT ? OFFSET ?",
        (*params, PAGE + 1, _offset(filters.page, PAGE)),
    ).fetchall()
    outlets = [r[0] for r in db.execute("SELECT DISTINCT site FROM documents WHERE site IS NOT NULL AND latest = 1 ORDER BY site")]
    return {
        "documents": [dict(r) for r in rows[:PAGE]],
        "more": len(rows) > PAGE,
        "outlets": outlets,
        "filters": filters.as_dict(),
    }


def _speaker(row: sqlite3.Row, prefix: str = "s") -> dict[str, Any] | None:
    if row[f"{prefix}_id"] is None:
        return None
    return {"id": row[f"{prefix}_id"], "name": row[f"{prefix}_name"], "role": row[f"{prefix}_role"],
            "affiliation": row[f"{prefix}_affiliation"], "kind": row[f"{prefix}_kind"]}


CLAIM_COLUMNS = (
    "c.id, c.claim_id, c.document_id, c.mode, c.polarity, c.content, c.content_start, c.cue, c.source, c.record,"
    " d.title AS d_title, d.doc_id AS d_doc_id, d.date AS d_date, d.site AS d_site,"
    " s.id AS s_id, s.name AS s_name, s.role AS s_role, s.affiliation AS s_affiliation, s.kind AS s_kind,"
    " r.id AS r_id, r.name AS r_name, r.role AS r_role, r.affiliation AS r_affiliation, r.kind AS r_kind"
)
CLAIM_JOINS = (
    " FROM claims c JOIN documents d ON d.id = c.document_id"
    " LEFT JOIN speakers s ON s.id = c.speaker_id LEFT JOIN speakers r ON r.id = c.reported_by_id"
)


def _claim(row: sqlite3.Row, with_record: bool = False) -> dict[str, Any]:
    claim = {
        "id": row["id"], "claim_id": row["claim_id"], "mode": row["mode"], "polarity": row["polarity"],
        "content": row["content"], "cue": row["cue"], "source": row["source"],
        "speaker": _speaker(row), "reported_by": _speaker(row, "r"),
        "document": {"id": row["document_id"], "title": row["d_title"] or row["d_doc_id"], "date": row["d_date"], "outlet": row["d_site"]},
    }
    if with_record:
        record = json.loads(row["record"])
        claim["spans"] = {role: (record.get(role) or {}).get("spans") or [] for role in ("content", "cue", "source")}
        claim["hedges"] = record.get("hedges") or []
        claim["quantities"] = record.get("quantities") or []
        claim["techniques"] = record.get("techniques") or []
    return claim


def technique_counts(db: sqlite3.Connection, where: str, params: tuple[Any, ...]) -> dict[str, int]:
    """How many claims use each persuasion technique, among the claims `where` selects (most used first)."""
    rows = db.execute(
        "SELECT json_extract(t.value, '$.technique') AS technique, count(DISTINCT c.id) AS n"
        f" FROM claims c JOIN documents d ON d.id = c.document_id, json_each(c.record, '$.techniques') t WHERE {where}"
        " GROUP BY technique ORDER BY n DESC, technique",
        params,
    )
    return {row["technique"]: row["n"] for row in rows}


def _stances_of(db: sqlite3.Connection, claim_ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    """Each claim's stances toward the propositions it belongs to."""
    found: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for start in range(0, len(claim_ids), 500):
        chunk = claim_ids[start : start + 500]
        rows = db.execute(
            "SELECT pc.claim_id, pc.stance, pc.score, pc.rule, p.id, p.statement, p.contested FROM proposition_claims pc"
            f" JOIN propositions p ON p.id = pc.proposition_id WHERE pc.claim_id IN ({','.join('?' * len(chunk))})"
            " ORDER BY p.id",
            chunk,
        )
        for row in rows:
            found[row["claim_id"]].append({
                "proposition": row["id"], "statement": row["statement"], "contested": bool(row["contested"]),
                "stance": row["stance"], "score": round(row["score"], 3), "by": row["rule"],
            })
    return found


def _quote_checks_of(db: sqlite3.Connection, claim_ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    """The quote-fidelity findings on each claim's quotations."""
    found: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for start in range(0, len(claim_ids), 500):
        chunk = claim_ids[start : start + 500]
        rows = db.execute(
            "SELECT q.*, d.title AS match_title, d.doc_id AS match_doc_id FROM quote_checks q"
            " LEFT JOIN documents d ON d.id = q.match_document_id"
            f" WHERE q.claim_id IN ({','.join('?' * len(chunk))}) ORDER BY q.claim_id, q.quote_start",
            chunk,
        )
        for row in rows:
            found[row["claim_id"]].append(_quote_check(row))
    return found


def _quote_check(row: sqlite3.Row) -> dict[str, Any]:
    return {
        "quote": row["quote"], "status": row["status"], "changed_meaning": bool(row["changed"]),
        "source": None if row["match_document_id"] is None else {
            "document": row["match_document_id"], "title": row["match_title"] or row["match_doc_id"],
            "start": row["match_start"], "end": row["match_end"], "text": row["match_text"],
        },
        "differences": json.loads(row["differences"] or "[]"),
    }


def highlighted(text: str, claims: list[dict[str, Any]], turns: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The text cut where any claim's content, cue or source, or a turn's label, starts or ends.

    Each piece says which roles cover it (`content`, `cue`, `source`, `deny` for a denial's content, `label`) and
    which claim it belongs to: the shortest covering claim, so that a claim nested in another is the one a click opens.
    """
    marks: list[tuple[int, int, str, int | None, int]] = []
    for claim in claims:
        length = sum(e - s for s, e in claim["spans"]["content"]) or 1
        for role in ("content", "cue", "source"):
            for start, end in claim["spans"][role]:
                if 0 <= start < end <= len(text):
                    marks.append((start, end, role, claim["id"], length))
    for turn in turns:
        if turn["label_start"] is not None and turn["label_end"] is not None:
            marks.append((turn["label_start"], turn["label_end"], "label", None, 0))
    denials = {c["id"] for c in claims if c["polarity"] == "deny"}
    cuts = sorted({0, len(text), *(m[0] for m in marks), *(m[1] for m in marks)})
    starting: dict[int, list[tuple[int, int, str, int | None, int]]] = defaultdict(list)
    for mark in marks:
        starting[mark[0]].append(mark)
    pieces, covering = [], []
    for start, end in zip(cuts, cuts[1:], strict=False):
        covering = [m for m in covering if m[1] > start] + starting.get(start, [])
        roles = sorted({m[2] for m in covering})
        owners = sorted((m for m in covering if m[3] is not None), key=lambda m: m[4])
        claim = owners[0][3] if owners else None
        if claim in denials and "content" in roles:
            roles.append("deny")
        pieces.append({"text": text[start:end], "roles": roles, "claim": claim})
    return pieces


def document(db: sqlite3.Connection, document_id: int) -> dict[str, Any] | None:
    """One document: its text cut for highlighting, its claims with speakers, stances and quote findings, its turns."""
    row = db.execute("SELECT * FROM documents WHERE id = ?", (document_id,)).fetchone()
    if row is None:
        return None
    claims = [_claim(r, with_record=True) for r in db.execute(
        f"SELECT {CLAIM_COLUMNS}{CLAIM_JOINS} WHERE c.document_id = ? ORDER BY c.content_start, c.id", (document_id,)
    )]
    ids = [c["id"] for c in claims]
    stances, quotes = _stances_of(db, ids), _quote_checks_of(db, ids)
    for claim in claims:
        claim["propositions"] = stances.get(claim["id"], [])
        claim["quote_checks"] = quotes.get(claim["id"], [])
    turns = [dict(t) for t in db.execute("SELECT label, start, end, is_introduction FROM turns WHERE document_id = ? ORDER BY start", (document_id,))]
    for turn in turns:
        turn["label_start"], turn["label_end"] = _label_span(row["text"], turn)
    versions = [dict(v) for v in db.execute(
        "SELECT id, version, latest, ingested_at FROM documents WHERE identity = ? ORDER BY version", (row["identity"],)
    )] if row["identity"] else []
    places = [dict(p) for p in db.execute("SELECT path, url, site, date, similarity FROM document_paths WHERE document_id = ?", (document_id,))]
    info = {k: row[k] for k in ("id", "doc_id", "title", "url", "site", "date", "author", "kind", "version", "latest", "from_summary")}
    return {
        "document": info, "text": row["text"], "claims": claims, "turns": turns, "versions": versions, "places": places,
        "techniques": technique_counts(db, "c.document_id = ?", (document_id,)),
        "pieces": highlighted(row["text"], claims, turns),
    }


def _label_span(text: str, turn: dict[str, Any]) -> tuple[int | None, int | None]:
    """Where a turn's label is written at the start of its turn (`NAZARY:`), if it is."""
    at = text.find(turn["label"], turn["start"], min(turn["end"], turn["start"] + len(turn["label"]) + 8))
    return (at, at + len(turn["label"])) if at >= 0 else (None, None)


def _members(db: sqlite3.Connection, proposition_ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    """The claims of each proposition with their stance, speaker and document."""
    members: dict[int, list[dict[str, Any]]] = defaultdict(list)
    if not proposition_ids:
        return members
    rows = db.execute(
        f"SELECT pc.proposition_id AS p_id, pc.stance, pc.score, pc.rule, {CLAIM_COLUMNS}{CLAIM_JOINS}"
        " JOIN proposition_claims pc ON pc.claim_id = c.id"
        f" WHERE pc.proposition_id IN ({','.join('?' * len(proposition_ids))})"
        " ORDER BY pc.proposition_id, d.date IS NULL, d.date, c.id",
        proposition_ids,
    )
    for row in rows:
        members[row["p_id"]].append({**_claim(row), "stance": row["stance"], "score": round(row["score"], 3), "by": row["rule"]})
    return members


def _sides(members: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    return {stance: [m for m in members if m["stance"] == stance] for stance in STANCES}


def contested(db: sqlite3.Connection, filters: Filters, everything: bool = False) -> dict[str, Any]:
    """The contested board: each contested proposition (every one with two or more claims, with `everything`) and its sides."""
    where, params = ["1"], []
    if not everything:
        where.append("p.contested = 1")
    if filters.q:
        where.append("p.statement LIKE ?")
        params.append(f"%{filters.q}%")
    rows = db.execute(
        "SELECT p.id, p.statement, p.contested, p.numeric_conflicts, v.verdict FROM propositions p"
        f" LEFT JOIN verdicts v ON v.proposition_id = p.id WHERE {' AND '.join(where)} ORDER BY p.id LIMIT ? OFFSET ?",
        (*params, PAGE + 1, _offset(filters.page, PAGE)),
    ).fetchall()
    shown = rows[:PAGE]
    members = _members(db, [r["id"] for r in shown])
    return {
        "propositions": [
            {"id": r["id"], "statement": r["statement"], "contested": bool(r["contested"]), "verdict": r["verdict"],
             "numeric_conflicts": json.loads(r["numeric_conflicts"]), "sides": _sides(members[r["id"]])}
            for r in shown
        ],
        "more": len(rows) > PAGE,
        "everything": everything,
        "filters": filters.as_dict(),
    }


def proposition(db: sqlite3.Connection, proposition_id: int) -> dict[str, Any] | None:
    """One proposition: its sides, a timeline of its claims, its numeric conflicts, its quotes' findings, its verdict."""
    row = db.execute("SELECT * FROM propositions WHERE id = ?", (proposition_id,)).fetchone()
    verdict = db.execute("SELECT * FROM verdicts WHERE proposition_id = ?", (proposition_id,)).fetchone()
    if row is None and verdict is None:
        return None
    members = _members(db, [proposition_id])[proposition_id] if row is not None else []
    quotes = _quote_checks_of(db, [m["id"] for m in members])
    return {
        "id": proposition_id,
        "statement": row["statement"] if row is not None else verdict["statement"],
        "retired": row is None,
        "contested": bool(row["contested"]) if row is not None else False,
        "numeric_conflicts": json.loads(row["numeric_conflicts"]) if row is not None else [],
        "sides": _sides(members),
        "timeline": timeline(members),
        "quote_checks": [{"claim": m["id"], "speaker": m["speaker"], **q} for m in members for q in quotes.get(m["id"], [])],
        "verdict": dict(verdict) if verdict is not None else None,
    }


def _day(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value[:10]) if value else None
    except ValueError:
        return None


def timeline(members: list[dict[str, Any]], width: int = 720, lane: int = 40) -> dict[str, Any]:
    """Where the dated claims of a proposition stand on an SVG timeline: dates across, one lane per side, the claims of
    one side on one day drawn as one dot sized by their number."""
    dated = [(m, _day(m["document"]["date"])) for m in members]
    days = [d for _, d in dated if d is not None]
    margin = 110
    points: list[dict[str, Any]] = []
    ticks: list[dict[str, Any]] = []
    if days:
        first, last = min(days), max(days)
        span = max((last - first).days, 1)
        groups: dict[tuple[date, str], list[dict[str, Any]]] = defaultdict(list)
        for member, day in dated:
            if day is not None:
                groups[day, member["stance"]].append(member)
        for (day, stance), group in sorted(groups.items(), key=lambda item: (item[0][0], STANCES.index(item[0][1]))):
            x = margin + (width - margin - 20) * ((day - first).days / span if last != first else 0.5)
            points.append({
                "x": round(x, 1), "y": lane * (STANCES.index(stance) + 1), "r": round(5 + 2.5 * (len(group) - 1) ** 0.5, 1),
                "stance": stance, "date": day.isoformat(), "count": len(group), "claim": group[0]["id"], "document": group[0]["document"]["id"],
                "says": [f"{(m['speaker'] or {}).get('name') or 'unnamed'}: {m['content']}" for m in group],
            })
        ticks.append({"x": margin if last != first else margin + (width - margin - 20) / 2, "label": first.isoformat()})
        if last != first:
            ticks.append({"x": width - 20, "label": last.isoformat()})
    return {
        "width": width, "height": lane * (len(STANCES) + 1) + 10, "margin": margin,
        "lanes": [{"stance": s, "y": lane * (n + 1)} for n, s in enumerate(STANCES)],
        "points": points, "ticks": ticks, "undated": sum(1 for _, d in dated if d is None),
    }


def track_record(db: sqlite3.Connection, where: str, params: tuple[Any, ...]) -> dict[str, int]:
    """Claims on propositions with a verdict: how many backed what was found true or disputed what was found false
    (`right`), the reverse (`wrong`), and those on propositions found misleading or unresolved."""
    record = {"right": 0, "wrong": 0, "misleading": 0, "unresolved": 0}
    rows = db.execute(
        "SELECT pc.stance, v.verdict, count(*) AS n FROM claims c JOIN documents d ON d.id = c.document_id"
        " JOIN proposition_claims pc ON pc.claim_id = c.id JOIN verdicts v ON v.proposition_id = pc.proposition_id"
        f" WHERE {where} AND d.latest = 1 GROUP BY pc.stance, v.verdict",
        params,
    )
    for row in rows:
        stance, verdict, n = row["stance"], row["verdict"], row["n"]
        if verdict in ("true", "false"):
            if stance == "neutral":
                continue
            backed_truth = (stance == "supports") == (verdict == "true")
            record["right" if backed_truth else "wrong"] += n
        else:
            record[verdict] += n
    return record


PRONOUNS = {"i", "me", "we", "us", "he", "him", "she", "her", "they", "them", "it", "who", "which", "that"}


def names_used(name: str, mentions: list[str]) -> list[str]:
    """The other names a speaker went by, from every mention: pronouns, lower-case descriptions, the name itself and
    case variants left out (`NAZARY`, a transcript label, goes with `Nazary`)."""
    names: dict[str, str] = {name.casefold(): name}
    for mention in sorted(set(mentions), key=lambda m: (m.isupper(), m)):
        words = mention.split()
        if not words or mention.lower() in PRONOUNS or not words[0][:1].isupper() or len(words) > 6:
            continue
        names.setdefault(mention.casefold(), mention)
    return sorted(v for k, v in names.items() if k != name.casefold())


def speaker(db: sqlite3.Connection, speaker_id: int, filters: Filters) -> dict[str, Any] | None:
    """One speaker across documents: names used, roles and affiliations, claims, the propositions they take a side on,
    and their track record against the verdicts given."""
    row = db.execute("SELECT * FROM speakers WHERE id = ?", (speaker_id,)).fetchone()
    if row is None:
        return None
    aliases = names_used(row["name"], [a[0] for a in db.execute("SELECT alias FROM speaker_aliases WHERE speaker_id = ?", (speaker_id,))])
    rows = db.execute(
        f"SELECT {CLAIM_COLUMNS}{CLAIM_JOINS} WHERE c.speaker_id = ? AND d.latest = 1"
        " ORDER BY d.date IS NULL, d.date, c.document_id, c.content_start LIMIT ? OFFSET ?",
        (speaker_id, SEARCH_PAGE + 1, _offset(filters.page, SEARCH_PAGE)),
    ).fetchall()
    claims = [_claim(r) for r in rows[:SEARCH_PAGE]]
    stances = _stances_of(db, [c["id"] for c in claims])
    for claim in claims:
        claim["propositions"] = stances.get(claim["id"], [])
    sides = db.execute(
        "SELECT p.id, p.statement, p.contested, pc.stance, count(*) AS n, v.verdict FROM claims c"
        " JOIN documents d ON d.id = c.document_id JOIN proposition_claims pc ON pc.claim_id = c.id"
        " JOIN propositions p ON p.id = pc.proposition_id LEFT JOIN verdicts v ON v.proposition_id = p.id"
        " WHERE c.speaker_id = ? AND d.latest = 1 AND pc.stance != 'neutral' GROUP BY p.id, pc.stance ORDER BY p.id, pc.stance",
        (speaker_id,),
    )
    total = db.execute(
        "SELECT count(*) FROM claims c JOIN documents d ON d.id = c.document_id WHERE c.speaker_id = ? AND d.latest = 1", (speaker_id,)
    ).fetchone()[0]
    edges = discredits(db, speaker_id=speaker_id)["edges"]
    return {
        "speaker": dict(row), "aliases": aliases, "claims": claims, "claim_count": total, "more": len(rows) > SEARCH_PAGE,
        "propositions": [dict(s) | {"contested": bool(s["contested"])} for s in sides],
        "track_record": track_record(db, "c.speaker_id = ?", (speaker_id,)),
        "techniques": technique_counts(db, "c.speaker_id = ? AND d.latest = 1", (speaker_id,)),
        "discredits": [e for e in edges if e["source"]["id"] == speaker_id],
        "discredited_by": [e for e in edges if e["target"]["id"] == speaker_id],
        "filters": filters.as_dict(),
    }


def speakers(db: sqlite3.Connection, filters: Filters) -> dict[str, Any]:
    """Speakers with their claim counts, most claims first; filtered by name or affiliation."""
    where, params = ["1"], []
    if filters.q:
        where.append("s.name LIKE ?")
        params.append(f"%{filters.q}%")
    if filters.affiliation:
        where.append("s.affiliation LIKE ?")
        params.append(f"%{filters.affiliation}%")
    rows = db.execute(
        "SELECT s.id, s.name, s.kind, s.role, s.affiliation, count(c.id) AS claims,"
        " sum(c.polarity = 'deny') AS denials FROM speakers s JOIN claims c ON c.speaker_id = s.id"
        f" WHERE {' AND '.join(where)} GROUP BY s.id ORDER BY claims DESC, s.name LIMIT ? OFFSET ?",
        (*params, PAGE + 1, _offset(filters.page, PAGE)),
    ).fetchall()
    return {"speakers": [dict(r) for r in rows[:PAGE]], "more": len(rows) > PAGE, "filters": filters.as_dict()}


def discredits(db: sqlite3.Connection, proposition_id: int | None = None, speaker_id: int | None = None) -> dict[str, Any]:
    """Who discredits whom: the edges (all, those about one proposition, or those from or to one speaker) and the
    graph of their parties, laid out on a circle for an SVG drawn on the server."""
    where, params = ["d.latest = 1"], []
    if proposition_id is not None:
        where.append("x.proposition_id = ?")
        params.append(proposition_id)
    if speaker_id is not None:
        where.append("(x.source_id = ? OR x.target_id = ?)")
        params += [speaker_id, speaker_id]
    rows = db.execute(
        "SELECT x.claim_id, x.source_id, s.name AS source, x.target_id, x.target, x.kind, x.words, x.proposition_id, c.content,"
        " c.document_id, d.title, d.doc_id, d.date FROM discredits x JOIN claims c ON c.id = x.claim_id JOIN documents d ON d.id = c.document_id"
        f" LEFT JOIN speakers s ON s.id = x.source_id WHERE {' AND '.join(where)} ORDER BY s.name, x.target, x.kind, x.claim_id",
        params,
    ).fetchall()
    edges = [{
        "claim": r["claim_id"], "source": {"id": r["source_id"], "name": r["source"]}, "target": {"id": r["target_id"], "name": r["target"]},
        "kind": r["kind"], "words": r["words"], "proposition": r["proposition_id"], "content": r["content"],
        "document": {"id": r["document_id"], "title": r["title"] or r["doc_id"], "date": r["date"]},
    } for r in rows]
    return {"edges": edges, "graph": party_graph(edges), "proposition": proposition_id}


def party_graph(edges: list[dict[str, Any]], size: int = 560) -> dict[str, Any]:
    """Parties on a circle and one arrow per (source, target, kind) with its count, for drawing as SVG."""
    import math

    parties = list(dict.fromkeys([e["source"]["name"] for e in edges] + [e["target"]["name"] for e in edges]))
    radius, middle = size / 2 - 90, size / 2
    where = {
        name: (round(middle + radius * math.cos(2 * math.pi * k / len(parties) - math.pi / 2), 1),
               round(middle + radius * math.sin(2 * math.pi * k / len(parties) - math.pi / 2), 1))
        for k, name in enumerate(parties)
    }
    counted: dict[tuple[str, str, str], int] = {}
    for e in edges:
        key = (e["source"]["name"], e["target"]["name"], e["kind"])
        counted[key] = counted.get(key, 0) + 1
    arrows = []
    for n, ((source, target, kind), count) in enumerate(sorted(counted.items())):
        (x1, y1), (x2, y2) = where[source], where[target]
        length = math.hypot(x2 - x1, y2 - y1) or 1.0
        shorten = min(28.0, length / 3)
        bend = 14 * ((n % 3) - 1)  # arrows between the same two parties fan out a little
        ux, uy = (x2 - x1) / length, (y2 - y1) / length
        arrows.append({
            "source": source, "target": target, "kind": kind, "count": count,
            "x1": round(x1 + ux * shorten, 1), "y1": round(y1 + uy * shorten, 1),
            "x2": round(x2 - ux * shorten, 1), "y2": round(y2 - uy * shorten, 1),
            "cx": round((x1 + x2) / 2 - uy * (30 + bend), 1), "cy": round((y1 + y2) / 2 + ux * (30 + bend), 1),
        })
    nodes = [{"name": name, "x": x, "y": y} for name, (x, y) in where.items()]
    return {"size": size, "nodes": nodes, "arrows": arrows}


def outlet_record(db: sqlite3.Connection, outlet: str) -> dict[str, int]:
    """An outlet's track record: its documents' claims on propositions with a verdict."""
    return track_record(db, "d.site = ?", (outlet,))


def search(db: sqlite3.Connection, filters: Filters) -> dict[str, Any]:
    """Claims by words of their content and by speaker, affiliation, polarity, stance, document, outlet and date."""
    where, params = conditions(filters, ("speaker", "affiliation", "polarity", "stance", "document", "outlet", "since", "until"))
    query = fts_query(filters.q)
    if query:
        where.append("c.id IN (SELECT rowid FROM claims_fts WHERE claims_fts MATCH ?)")
        params.append(query)
    rows = db.execute(
        f"SELECT {CLAIM_COLUMNS}{CLAIM_JOINS} WHERE {' AND '.join(where)} ORDER BY c.id DESC LIMIT ? OFFSET ?",
        (*params, SEARCH_PAGE + 1, _offset(filters.page, SEARCH_PAGE)),
    ).fetchall()
    claims = [_claim(r) for r in rows[:SEARCH_PAGE]]
    stances = _stances_of(db, [c["id"] for c in claims])
    for claim in claims:
        claim["propositions"] = stances.get(claim["id"], [])
    return {"claims": claims, "more": len(rows) > SEARCH_PAGE, "filters": filters.as_dict()}


def quotes(db: sqlite3.Connection, filters: Filters) -> dict[str, Any]:
    """Each checked quotation beside the passage it came from, as `counterclaim quotes` stored them."""
    where, params = ["d.latest = 1"], []
    if filters.q:
        where.append("q.status = ?")
        params.append(filters.q)
    rows = db.execute(
        "SELECT q.*, m.title AS match_title, m.doc_id AS match_doc_id, c.document_id, d.title AS d_title, d.doc_id AS d_doc_id,"
        " s.id AS s_id, s.name AS s_name FROM quote_checks q JOIN claims c ON c.id = q.claim_id"
        " JOIN documents d ON d.id = c.document_id LEFT JOIN speakers s ON s.id = c.speaker_id"
        f" LEFT JOIN documents m ON m.id = q.match_document_id WHERE {' AND '.join(where)}"
        " ORDER BY q.status = 'not found', q.id LIMIT ? OFFSET ?",
        (*params, SEARCH_PAGE + 1, _offset(filters.page, SEARCH_PAGE)),
    ).fetchall()
    found = [
        {**_quote_check(r), "claim": r["claim_id"], "document": {"id": r["document_id"], "title": r["d_title"] or r["d_doc_id"]},
         "speaker": {"id": r["s_id"], "name": r["s_name"]} if r["s_id"] is not None else None}
        for r in rows[:SEARCH_PAGE]
    ]
    counts = {r[0]: r[1] for r in db.execute("SELECT status, count(*) FROM quote_checks GROUP BY status")}
    return {"quotes": found, "counts": counts, "more": len(rows) > SEARCH_PAGE, "filters": filters.as_dict()}
