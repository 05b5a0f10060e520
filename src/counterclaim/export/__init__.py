"""Output formats: one module per format, each writing Claim records to a stream."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TextIO

from counterclaim.export.csv import write_csv
from counterclaim.export.json import write_json, write_jsonl
from counterclaim.export.table import write_table
from counterclaim.model import Claim

WRITERS: dict[str, Callable[[Iterable[Claim], TextIO], None]] = {
    "jsonl": write_jsonl,
    "json": write_json,
    "csv": write_csv,
    "table": write_table,
}
