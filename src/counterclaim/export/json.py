"""JSON Lines (one claim a line, streamable) and a JSON list."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import TextIO

from counterclaim.model import Claim


def write_jsonl(claims: Iterable[Claim], out: TextIO) -> None:
    """One JSON object a line, written as each claim comes."""
    for claim in claims:
        out.write(json.dumps(claim.to_json(), ensure_ascii=False) + "\n")


def write_json(claims: Iterable[Claim], out: TextIO) -> None:
    """One JSON list of all claims."""
    json.dump([c.to_json() for c in claims], out, ensure_ascii=False, indent=2)
    out.write("\n")
