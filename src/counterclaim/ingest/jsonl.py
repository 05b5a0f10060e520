"""JSON Lines dumps: one story a line, `text` or `html`, with optional `url`, `title`, `date`, `outlet`."""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from counterclaim.errors import InputError
from counterclaim.model import Document

JSONL_SUFFIXES = (".jsonl", ".ndjson", ".jsonl.gz", ".ndjson.gz")


def read_jsonl(path: str, max_bytes: int, lines: LineRange | None = None) -> Iterator[Document | InputError]:
    """Each line as a Document, streamed from the file (`.gz` too); a line that is not a UTF-8 JSON object with `text` or
    `html`, or is over `max_bytes`, is one error naming the line. `lines` reads only a range of a plain file (a batch shard)."""
    from counterclaim.ingest import document_from_text, os_reason
    from counterclaim.ingest.html import extract_html

    stem = Path(path).name.split(".")[0]
    try:
        stream = gzip.open(path, "rb") if path.lower().endswith(".gz") else open(path, "rb")
    except OSError as problem:
        yield InputError(path, os_reason(problem))
        return
    found = 0
    with stream:
        if lines is not None:
            stream.seek(lines.start)
        for item in _records(path, stem, _lines(path, stream, max_bytes, lines), document_from_text, extract_html):
            found += 1
            yield item
    if not found and (lines is None or lines.start == 0 and lines.end is None):
        yield InputError(path, "no stories (an empty JSON Lines file)")


@dataclass(frozen=True, slots=True)
class LineRange:
    """The lines of a JSON Lines file from byte `start` (a line's start, that of line `first`) to byte `end` (None: the end)."""

    start: int = 0
    end: int | None = None
    first: int = 1


def line_ranges(path: str, size: int) -> list[LineRange]:
    """A plain JSON Lines file cut into ranges of about `size` bytes at line breaks, each knowing its first line's number,
    so that shards can read them apart and still name lines as a whole read does. One pass over the file."""
    ranges: list[LineRange] = []
    start, first, position, number = 0, 1, 0, 0
    with open(path, "rb") as stream:
        for number, raw in enumerate(stream, 1):
            position += len(raw)
            if position - start >= size:
                ranges.append(LineRange(start, position, first))
                start, first = position, number + 1
    if start < position or not ranges:
        ranges.append(LineRange(start, None, first))
    elif ranges:
        last = ranges.pop()
        ranges.append(LineRange(last.start, None, last.first))
    return ranges


def _lines(path: str, stream, max_bytes: int, lines: LineRange | None = None) -> Iterator[tuple[int, str | InputError]]:
    first, budget = (lines.first, None if lines.end is None else lines.end - lines.start) if lines else (1, None)
    try:
        for number, raw in enumerate(stream, first):
            if budget is not None:
                if budget <= 0:
                    return
                budget -= len(raw)
            if len(raw) > max_bytes:
                yield number, InputError(f"{path}#{number}", f"line {number}: too large (over {max_bytes / 1e6:g} MB, see --max-bytes)")
                continue
            try:
                yield number, raw.decode("utf-8-sig" if number == 1 else "utf-8")
            except UnicodeDecodeError as problem:
                yield number, InputError(f"{path}#{number}", f"line {number}: not UTF-8 at byte {problem.start}")
    except (OSError, EOFError) as problem:  # a truncated or corrupt .gz
        yield 0, InputError(path, f"cannot read on ({type(problem).__name__}: {problem})")


def _records(path: str, stem: str, lines, document_from_text, extract_html) -> Iterator[Document | InputError]:
    for number, line in lines:
        if isinstance(line, InputError):
            yield line
            continue
        if not line.strip():
            continue
        where = f"{path}#{number}"
        try:
            record = json.loads(line)
        except json.JSONDecodeError as problem:
            yield InputError(where, f"line {number}: not JSON ({problem.msg})")
            continue
        if not isinstance(record, dict) or not (isinstance(record.get("text"), str) or isinstance(record.get("html"), str)):
            yield InputError(where, f"line {number}: no `text` or `html` string")
            continue
        fields: dict[str, str | None] = {"title": _text(record, "title"), "date": _text(record, "date"), "site": _text(record, "outlet")}
        if isinstance(record.get("text"), str) and record["text"].strip():
            text = record["text"].replace("\r\n", "\n").replace("\r", "\n")
        else:
            try:
                extracted = extract_html(where, record.get("html") or "")
            except InputError as problem:
                yield InputError(where, f"line {number}: {problem.reason}")
                continue
            text = extracted.pop("text") or ""
            fields = {key: fields.get(key) or extracted.get(key) for key in ("title", "date", "site")} | {"author": extracted.get("author")}
        if not text.strip():
            yield InputError(where, f"line {number}: empty text")
            continue
        if "\x00" in text:
            yield InputError(where, f"line {number}: binary text (NUL characters)")
            continue
        document = document_from_text(f"{stem}-{number}", text, path=where, **fields)
        document.url = _text(record, "url")
        yield document


def _text(record: dict, key: str) -> str | None:
    value = record.get(key)
    return value if isinstance(value, str) and value.strip() else None
