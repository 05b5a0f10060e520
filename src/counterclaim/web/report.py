"""`counterclaim report`: the contested board, its speakers and its documents as one self-contained HTML file.

Made for sending to an editor: the styles are inline, there is no script, and a Content Security Policy in the file
forbids any request to anywhere, so it opens the same offline, from a mail attachment, years later. Links between
its parts are anchors (`#proposition-3`, `#claim-41`, `#speaker-7`, `#document-2`). Text is escaped as in the app.
"""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from counterclaim.web import queries
from counterclaim.web.app import PACKAGE, page_templates, read_only
from counterclaim.web.queries import Filters


def report_data(db: sqlite3.Connection, proposition_ids: list[int] | None = None) -> dict[str, Any]:
    """What the report shows: the chosen propositions (else every contested one), the speakers on their sides, and the
    documents their claims come from (every latest document when there are no propositions to show)."""
    if proposition_ids:
        propositions = [p for p in (queries.proposition(db, n) for n in proposition_ids) if p is not None]
        missing = sorted(set(proposition_ids) - {p["id"] for p in propositions})
        if missing:
            raise KeyError(f"no proposition {', '.join(map(str, missing))} in this ledger")
    else:
        propositions, page = [], 1
        while True:
            board = queries.contested(db, Filters(page=page))
            propositions += [queries.proposition(db, p["id"]) for p in board["propositions"]]
            if not board["more"]:
                break
            page += 1
    members = [m for p in propositions for side in p["sides"].values() for m in side]
    speaker_ids = list(dict.fromkeys(m["speaker"]["id"] for m in members if m["speaker"]))
    if propositions:
        document_ids = list(dict.fromkeys(m["document"]["id"] for m in members))
    else:
        document_ids = [r[0] for r in db.execute("SELECT id FROM documents WHERE latest = 1 ORDER BY id")]
    speakers = [queries.speaker(db, n, Filters()) for n in speaker_ids]
    documents = []
    for document_id in document_ids:
        document = queries.document(db, document_id)
        if document is None:
            continue
        seen: set[int] = set()
        for piece in document["pieces"]:
            piece["first"] = piece["claim"] is not None and piece["claim"] not in seen
            seen.add(piece["claim"])
        document["speaker_of"] = {
            c["id"]: f"{(c['speaker'] or {}).get('name') or 'unattributed'} {'denies' if c['polarity'] == 'deny' else 'asserts'}"
            for c in document["claims"]
        }
        documents.append(document)
    return {"propositions": propositions, "speakers": [s for s in speakers if s is not None], "documents": documents,
            "selected": bool(proposition_ids), "overview": queries.overview(db)}


def write_report(db_path: str, out: Path, proposition_ids: list[int] | None = None) -> dict[str, int]:
    """Write the report; how many propositions, speakers and documents it holds."""
    db = read_only(db_path)
    try:
        data = report_data(db, proposition_ids)
    finally:
        db.close()
    css = PACKAGE.joinpath("static", "style.css").read_text(encoding="utf-8")
    page = page_templates().get_template("report.html").render(
        **data, css=css, title=Path(db_path).name, made=datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
    )
    temporary = out.with_name(out.name + ".part")
    temporary.write_text(page, encoding="utf-8")
    temporary.replace(out)
    return {"propositions": len(data["propositions"]), "speakers": len(data["speakers"]), "documents": len(data["documents"])}
