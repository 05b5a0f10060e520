"""Verdicts as ClaimReview (schema.org JSON-LD), the markup fact-checkers publish and search engines read.

One `ClaimReview` per proposition with a verdict: `claimReviewed` is its canonical statement, `reviewRating` carries
the verdict (`alternateName`) on a 1-5 scale, and `itemReviewed` is the `Claim` as its supporters made it: their
names as `author`, the documents it appeared in as `appearance`, its first date as `datePublished`. Google's
required fields (claimReviewed, reviewRating with alternateName, url) and recommended ones (author, datePublished,
itemReviewed with author, appearance and datePublished) are always present; `url` is the proposition's page in the
web app under `base_url`, or wherever the user will publish it.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from typing import Any, TextIO

# The verdicts on schema.org's usual 1 (worst) to 5 (best) scale, and the words shown for them.
RATINGS = {"false": (1, "False"), "misleading": (2, "Misleading"), "unresolved": (3, "Unresolved"), "true": (5, "True")}
REQUIRED = ("claimReviewed", "reviewRating", "url")
RECOMMENDED = ("author", "datePublished", "itemReviewed")


def _party(name: str | None, kind: str | None) -> dict[str, str]:
    return {"@type": "Person" if kind == "person" else "Organization", "name": name or "unnamed source"}


def claim_reviews(db: sqlite3.Connection, base_url: str, author: str) -> Iterator[dict[str, Any]]:
    """One ClaimReview per verdict, in proposition order."""
    verdicts = db.execute(
        "SELECT v.proposition_id, v.statement, v.verdict, v.note, v.source_url, v.decided_at FROM verdicts v ORDER BY v.proposition_id"
    ).fetchall()
    for proposition_id, statement, verdict, note, source_url, decided_at in verdicts:
        members = db.execute(
            "SELECT pc.stance, s.name, s.kind, d.title, d.doc_id, d.url, d.site, d.date FROM proposition_claims pc"
            " JOIN claims c ON c.id = pc.claim_id JOIN documents d ON d.id = c.document_id"
            " LEFT JOIN speakers s ON s.id = c.speaker_id WHERE pc.proposition_id = ? AND d.latest = 1 ORDER BY d.date IS NULL, d.date, c.id",
            (proposition_id,),
        ).fetchall()
        backing = [m for m in members if m[0] == "supports"] or members
        authors = list({(m[1], m[2]): _party(m[1], m[2]) for m in backing}.values()) or [_party(None, None)]
        appearances = list({m[4]: _appearance(m) for m in backing}.values())
        dates = [m[7][:10] for m in backing if m[7]]
        value, name = RATINGS[verdict]
        review: dict[str, Any] = {
            "@context": "https://schema.org",
            "@type": "ClaimReview",
            "url": f"{base_url.rstrip('/')}/propositions/{proposition_id}",
            "claimReviewed": statement,
            "author": {"@type": "Organization", "name": author},
            "datePublished": decided_at[:10],
            "reviewRating": {"@type": "Rating", "ratingValue": value, "bestRating": 5, "worstRating": 1, "alternateName": name},
            "itemReviewed": {
                "@type": "Claim",
                "author": authors[0] if len(authors) == 1 else authors,
                "datePublished": min(dates) if dates else decided_at[:10],
                "appearance": appearances,
            },
        }
        if note:
            review["reviewBody"] = note
        if source_url:
            review["citation"] = source_url
        yield review


def _appearance(member: tuple) -> dict[str, Any]:
    _, _, _, title, doc_id, url, site, date = member
    work: dict[str, Any] = {"@type": "CreativeWork", "headline": title or doc_id}
    if url:
        work["url"] = url
    if date:
        work["datePublished"] = date[:10]
    if site:
        work["publisher"] = {"@type": "Organization", "name": site}
    return work


def write_claim_reviews(db: sqlite3.Connection, out: TextIO, base_url: str, author: str) -> int:
    """The reviews as one JSON-LD list (a page can embed it as it is); how many."""
    reviews = list(claim_reviews(db, base_url, author))
    text = json.dumps(reviews, ensure_ascii=False, indent=2)
    # `<`, `>` and `&` escaped: the list can go inside <script type="application/ld+json"> and no `</script>` in a
    # statement or note can end that element early.
    out.write(text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026") + "\n")
    return len(reviews)
