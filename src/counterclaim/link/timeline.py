"""Claims in time: by the date of their document, or by the date a relative expression names.

"Since yesterday, the Taliban launched their largest offensive" in a story of
3 September 2021 is about 2 September; "after August 15" about 15 August. The
expression is looked for in the claim's content first, then in its sentence,
and resolved against the document's date. A weekday ("on Friday") is the
latest such day on or before the document's date.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from counterclaim.ingest.dateline import MONTH
from counterclaim.store import Ledger

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
RELATIVE = re.compile(
    r"\b(?:since|after|before|on|until|by|from)?\s*("
    r"yesterday|today|tonight|this (?:morning|afternoon|evening|week|month|year)"
    r"|last (?:night|week|month|year|" + "|".join(WEEKDAYS) + r")"
    r"|(?:\d+|one|two|three|four|five|six|seven|eight|nine|ten|a) (?:days?|weeks?|months?|years?) ago"
    r"|" + "|".join(WEEKDAYS) +
    rf"|{MONTH}\.? \d{{1,2}}(?:, \d{{4}})?"
    r")\b",
    re.IGNORECASE,
)


@dataclass(slots=True)
class TimelineEntry:
    date: str | None
    dated_by: str
    document_date: str | None
    doc_id: str
    speaker: str | None
    polarity: str
    mode: str
    content: str
    claim_id: str

    def to_json(self) -> dict[str, Any]:
        return {
            "date": self.date, "dated_by": self.dated_by, "document_date": self.document_date, "doc_id": self.doc_id,
            "speaker": self.speaker, "polarity": self.polarity, "mode": self.mode, "content": self.content, "claim_id": self.claim_id,
        }


def resolve(expression: str, base: dt.date) -> dt.date | None:
    """The date a relative expression names, seen from `base`."""
    import dateparser

    phrase = expression.strip().lower()
    if phrase in WEEKDAYS:
        return base - dt.timedelta(days=(base.weekday() - WEEKDAYS.index(phrase)) % 7)
    parsed = dateparser.parse(
        phrase,
        settings={"RELATIVE_BASE": dt.datetime.combine(base, dt.time()), "PREFER_DATES_FROM": "past", "RETURN_AS_TIMEZONE_AWARE": False},
    )
    return parsed.date() if parsed is not None else None


def _sentence_around(text: str, start: int, end: int) -> str:
    """The sentence holding a claim's content (from the content's last character, so as not to run into the next)."""
    left = max(text.rfind(". ", 0, start), text.rfind("\n", 0, start)) + 1
    right_candidates = [i for i in (text.find(". ", end - 1), text.find("\n", end - 1)) if i != -1]
    return text[left : min(right_candidates) + 1 if right_candidates else len(text)]


def timeline(
    ledger: Ledger, speaker: str | None = None, proposition: int | None = None, dropped: list[str] | None = None
) -> list[TimelineEntry]:
    """Every claim (questions aside) in order of the date it is about, then of its document's date.

    `proposition` keeps the claims of one proposition, as `counterclaim contested` last stored them.
    A date that falls outside the calendar (`on Monday` in a story dated 0001-01-01) is dropped, the claim
    dated by its document, and the document named once in `dropped`.
    """
    documents = {r["id"]: r for r in ledger.db.execute("SELECT id, doc_id, date, text FROM documents WHERE latest = 1")}
    query = (
        "SELECT c.claim_id, c.document_id, c.mode, c.polarity, c.content, c.content_start, c.content_end, s.name AS speaker"
        " FROM claims c JOIN documents d ON d.id = c.document_id AND d.latest = 1"
        " LEFT JOIN speakers s ON s.id = c.speaker_id WHERE c.mode != 'question'"
    )
    params: tuple[Any, ...] = ()
    if speaker:
        query += " AND s.name = ?"
        params += (speaker,)
    if proposition is not None:
        query += " AND c.id IN (SELECT claim_id FROM proposition_claims WHERE proposition_id = ?)"
        params += (proposition,)
    entries = []
    for row in ledger.db.execute(query, params):
        document = documents[row["document_id"]]
        base = _parse_date(document["date"])
        date, dated_by = (base.isoformat() if base else None), "document"
        if base is not None:
            context = row["content"] + " " + _sentence_around(document["text"], row["content_start"], row["content_end"])
            match = RELATIVE.search(context)
            if match:
                try:
                    resolved = resolve(match.group(1), base)
                except (OverflowError, ValueError):
                    resolved = None
                    if dropped is not None and document["doc_id"] not in dropped:
                        dropped.append(document["doc_id"])
                if resolved is not None:
                    date, dated_by = resolved.isoformat(), match.group(0).strip()
        entries.append(TimelineEntry(date, dated_by, document["date"], document["doc_id"], row["speaker"], row["polarity"],
                                     row["mode"], row["content"], row["claim_id"]))
    entries.sort(key=lambda e: (e.date or "9999", e.document_date or "9999", e.doc_id, e.claim_id))
    return entries


def _parse_date(value: str | None) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value[:10])
    except ValueError:
        return None
