"""`counterclaim versions DOC`: every version of a document, and what changed between each and the next.

Articles are edited after publication; a text stored again under the same URL or path is a new version. What a
reader wants to know is which sentences changed and which claims appeared or went away, not a character diff.
"""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Sequence
from typing import Any, TextIO

from rich.console import Console
from rich.table import Table
from rich.text import Text

from counterclaim.export.safe import visible

SENTENCE_END = re.compile(r"(?<=[.!?\"”])\s+|\n+")


def sentences(text: str) -> list[str]:
    return [s.strip() for s in SENTENCE_END.split(text) if s and s.strip()]


def _claim_line(record: dict[str, Any]) -> str:
    speaker = (record.get("speaker") or {}).get("name") or "unattributed"
    verb = "denies" if record["polarity"] == "deny" else "says"
    return f"{speaker} {verb}: {record['content']['text']}"


def changes(before: tuple[str, list[dict[str, Any]]], after: tuple[str, list[dict[str, Any]]]) -> dict[str, list[str]]:
    """The sentences removed and added between two versions' texts, and the claims (speaker, polarity, content) that went or came."""
    old, new = sentences(before[0]), sentences(after[0])
    removed: list[str] = []
    added: list[str] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes():
        if tag in ("replace", "delete"):
            removed += old[i1:i2]
        if tag in ("replace", "insert"):
            added += new[j1:j2]
    old_claims = list(dict.fromkeys(_claim_line(r) for r in before[1]))
    new_claims = list(dict.fromkeys(_claim_line(r) for r in after[1]))
    return {
        "sentences_removed": removed,
        "sentences_added": added,
        "claims_removed": [c for c in old_claims if c not in set(new_claims)],
        "claims_added": [c for c in new_claims if c not in set(old_claims)],
    }


def version_report(rows: Sequence[Any], claims: dict[int, list[dict[str, Any]]]) -> dict[str, Any]:
    """Versions (ledger rows, oldest first) with their claims by document row id, as one JSON-ready record."""
    listed = [
        {"version": r["version"], "document": r["id"], "doc_id": r["doc_id"], "ingested_at": r["ingested_at"], "title": r["title"],
         "date": r["date"], "characters": len(r["text"]), "claims": r["claims"], "latest": bool(r["latest"])}
        for r in rows
    ]
    steps = [
        {"from": a["version"], "to": b["version"], **changes((a["text"], claims[a["id"]]), (b["text"], claims[b["id"]]))}
        for a, b in zip(rows, rows[1:], strict=False)
    ]
    return {"identity": rows[0]["identity"], "versions": listed, "changes": steps}


def write_versions(report: dict[str, Any], out: TextIO, fmt: str = "table") -> None:
    if fmt == "json":
        json.dump(report, out, ensure_ascii=False, indent=2)
        out.write("\n")
        return
    console = Console(file=out, width=160 if not out.isatty() else None, highlight=False)
    table = Table(title=visible(f"{report['identity']}: {len(report['versions'])} versions"), title_justify="left")
    for column in ("version", "ingested", "title", "characters", "claims"):
        table.add_column(column, justify="right" if column in ("version", "characters", "claims") else "left")
    for v in report["versions"]:
        table.add_row(f"{v['version']}{' (latest)' if v['latest'] else ''}", v["ingested_at"], Text(visible(v["title"] or "")),
                      f"{v['characters']:,}", str(v["claims"]))
    console.print(table)
    for step in report["changes"]:
        console.print(f"\nversion {step['from']} → {step['to']}:")
        if not any(step[key] for key in ("sentences_removed", "sentences_added", "claims_removed", "claims_added")):
            console.print("  no change in sentences or claims (spacing or punctuation only)")
        for key, mark, style in (("sentences_removed", "-", "red"), ("sentences_added", "+", "green"),
                                 ("claims_removed", "- claim", "red"), ("claims_added", "+ claim", "green")):
            for line in step[key]:
                console.print(Text(f"  {mark} {visible(line)}", style=style))
