"""The date of a plain-text article, from a dateline near its top (`Sep 3, 2021`)."""

from __future__ import annotations

import re

MONTH = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sep(?:t(?:ember)?)?"
    r"|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)"
)
DATELINE = re.compile(rf"^\s*(?:\w+day,\s+)?({MONTH}\.?\s+\d{{1,2}},\s+\d{{4}}|\d{{1,2}}\s+{MONTH}\s+\d{{4}}|\d{{4}}-\d{{2}}-\d{{2}})\s*$", re.I)
LINES_TO_SCAN = 6


def find_dateline(text: str) -> str | None:
    """ISO date of the first line near the top that is only a date, if any."""
    import dateparser

    lines = [line for line in text.split("\n", 40)[:40] if line.strip()][:LINES_TO_SCAN]
    for line in lines:
        match = DATELINE.match(line)
        if match:
            parsed = dateparser.parse(match.group(1), settings={"STRICT_PARSING": True})
            if parsed is not None:
                return parsed.date().isoformat()
    return None
