"""Splitting a batch's inputs into shards, and the plan that lets a killed run resume.

A shard is a list of units, each a file to read whole or a range of lines of a large JSON Lines file; shards
hold about `shard_size` documents (a text or HTML file counts one, a feed its entries, a web archive or a
compressed JSON Lines file is a shard of its own, a plain JSON Lines file is cut into ranges of about
`range_bytes`). The plan is written to `OUT/plan.json` on the first run; a later run with the same inputs and
options reads it back, so shard numbers, and so part names, never move.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from counterclaim.errors import InputError
from counterclaim.ingest.feeds import feed_pages, is_feed
from counterclaim.ingest.jsonl import LineRange, line_ranges, read_jsonl
from counterclaim.ingest.warc import looks_like_warc
from counterclaim.model import Document

PLAN = "plan.json"
PLAN_VERSION = 1
DEFAULT_SHARD_SIZE = 100
DEFAULT_RANGE_BYTES = 32_000_000


def is_batch_output(path: str) -> bool:
    """Whether a folder is the output of `counterclaim batch` (it holds the run's plan)."""
    return (Path(path) / PLAN).is_file()


class PlanError(Exception):
    """The output folder holds a run of other inputs or options, or a plan this version cannot read."""


@dataclass(frozen=True, slots=True)
class Unit:
    """One thing a shard reads: a whole file, or the lines of a plain JSON Lines file from byte `start` to `end`."""

    path: str
    start: int | None = None
    end: int | None = None
    first: int | None = None

    def documents(self, max_bytes: int, encoding: str | None) -> Iterator[Document | InputError]:
        from counterclaim.ingest import read_documents

        if self.start is None:
            yield from read_documents(self.path, max_bytes=max_bytes, encoding=encoding)
        else:
            yield from read_jsonl(self.path, max_bytes, LineRange(self.start, self.end, self.first or 1))


@dataclass(frozen=True, slots=True)
class Shard:
    id: int
    units: tuple[Unit, ...]


@dataclass(slots=True)
class Plan:
    """What a batch run does: its inputs, the options that change its output, and its shards."""

    inputs: list[str]
    options: dict[str, Any]
    shards: list[Shard] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {"version": PLAN_VERSION, "inputs": self.inputs, "options": self.options,
                "shards": [{"id": s.id, "units": [{k: v for k, v in asdict(u).items() if v is not None} for u in s.units]} for s in self.shards]}

    @classmethod
    def from_json(cls, record: dict[str, Any]) -> Plan:
        shards = [Shard(s["id"], tuple(Unit(**u) for u in s["units"])) for s in record["shards"]]
        return cls(record["inputs"], record["options"], shards)


def _estimate(path: str, head: bytes) -> tuple[int, bool]:
    """How many documents a file holds, roughly, and whether it must be a shard of its own."""
    if looks_like_warc(path, head) or path.lower().endswith((".jsonl.gz", ".ndjson.gz")):
        return 1, True
    if is_feed(path):
        return max(1, head.count(b"<item") + head.count(b"<entry")), False
    return 1, False


def make_shards(files: list[str], shard_size: int = DEFAULT_SHARD_SIZE, range_bytes: int = DEFAULT_RANGE_BYTES) -> list[Shard]:
    """The files' shards, in a fixed order: feeds first (so that the pages saved beside a feed are read once, as its
    entries), then the files as listed."""
    feeds = [path for path in files if is_feed(path)]
    claimed = {page for feed in feeds for page in feed_pages(feed)}
    ordered = feeds + [path for path in files if path not in set(feeds) and path not in claimed]
    shards: list[Shard] = []
    current: list[Unit] = []
    weight = 0

    def close() -> None:
        nonlocal current, weight
        if current:
            shards.append(Shard(len(shards), tuple(current)))
        current, weight = [], 0

    for path in ordered:
        if path.lower().endswith((".jsonl", ".ndjson")) and _size(path) > range_bytes:
            close()
            for lines in line_ranges(path, range_bytes):
                shards.append(Shard(len(shards), (Unit(path, lines.start, lines.end, lines.first),)))
            continue
        count, alone = _estimate(path, _head(path))
        if alone or weight + count > shard_size:
            close()
        current.append(Unit(path))
        weight += count
        if alone:
            close()
    close()
    return shards


def _head(path: str) -> bytes:
    try:
        with open(path, "rb") as stream:
            return stream.read(65536)
    except OSError:
        return b""  # reading it in its shard reports why


def _size(path: str) -> int:
    try:
        return os.path.getsize(path)
    except OSError:
        return 0


def read_plan(out: Path) -> Plan:
    """The plan a batch run left in `out`; `PlanError` when it is not one this version reads."""
    path = out / PLAN
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
        if record.get("version") != PLAN_VERSION:
            raise ValueError(f"plan version {record.get('version')}, this counterclaim reads version {PLAN_VERSION}")
        return Plan.from_json(record)
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as problem:
        raise PlanError(f"{path}: not a batch plan this counterclaim can read ({problem}); remove the folder or use another --out") from None


def load_or_make_plan(out: Path, inputs: list[str], options: dict[str, Any], files: list[str], shard_size: int) -> tuple[Plan, bool]:
    """The run's plan, and whether it was already there (a resumed run): read from `out` when a run of the same inputs
    and options left it, else made from `files` and written. A plan of other inputs or options is refused."""
    path = out / PLAN
    if path.exists():
        plan = read_plan(out)
        if plan.inputs != inputs or plan.options != options:
            raise PlanError(f"{out}: holds a batch run of other inputs or options; use another --out, or remove {path} to start over")
        return plan, True
    plan = Plan(inputs, options, make_shards(files, shard_size))
    out.mkdir(parents=True, exist_ok=True)
    temporary = out / f".{PLAN}.{os.getpid()}.tmp"
    temporary.write_text(json.dumps(plan.to_json(), ensure_ascii=False, indent=1), encoding="utf-8")
    os.replace(temporary, path)
    return plan, False
