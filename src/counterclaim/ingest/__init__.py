"""Ingestion: one module per input kind, each giving a `Document`."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

from counterclaim.errors import InputError
from counterclaim.ingest.dateline import find_dateline
from counterclaim.ingest.feeds import looks_like_feed, read_feed
from counterclaim.ingest.html import extract_html, looks_like_html
from counterclaim.ingest.jsonl import JSONL_SUFFIXES, read_jsonl
from counterclaim.ingest.text import DEFAULT_MAX_BYTES, check_size, decode
from counterclaim.ingest.transcript import find_turns
from counterclaim.ingest.warc import looks_like_warc, read_warc
from counterclaim.model import Document

HTML_SUFFIXES = {".html", ".htm", ".xhtml"}


def read_document(path: str | os.PathLike[str], max_bytes: int = DEFAULT_MAX_BYTES, encoding: str | None = None) -> Document:
    """Read one file as one Document: HTML by suffix or content, else text; turns detected in either.

    `encoding` overrides detection. Raises `InputError` with a one-line reason
    for anything the user must fix.
    """
    name = str(path)
    return _document(name, _read_bytes(path, max_bytes), encoding)


def document_from_bytes(name: str, data: bytes, max_bytes: int = DEFAULT_MAX_BYTES, encoding: str | None = None) -> Document:
    """One Document from bytes already in memory (a file uploaded to the web app): `name` labels it and is never opened."""
    check_size(name, len(data), max_bytes)
    return _document(name, data, encoding)


def read_documents(path: str | os.PathLike[str], max_bytes: int = DEFAULT_MAX_BYTES, encoding: str | None = None) -> Iterator[Document | InputError]:
    """Every document of a file, in order: one for a text or HTML file, one a story for a feed, a web archive
    (WARC, WARC.gz) or JSON Lines. A problem is yielded as an `InputError` in its place and the rest goes on;
    a web archive or JSON Lines file is streamed, and `max_bytes` applies to each of its stories."""
    name = str(path)
    try:
        with _opened(path) as stream:
            head = stream.read(4096)
    except InputError as problem:
        yield problem
        return
    if looks_like_warc(name, head):
        yield from read_warc(name, max_bytes)
    elif name.lower().endswith(JSONL_SUFFIXES):
        yield from read_jsonl(name, max_bytes)
    elif looks_like_feed(head):
        try:
            data = _read_bytes(path, max_bytes)
        except InputError as problem:
            yield problem
            return
        yield from read_feed(name, data, lambda page: read_document(page, max_bytes, encoding))
    else:
        try:
            yield read_document(path, max_bytes, encoding)
        except InputError as problem:
            yield problem


@contextmanager
def _opened(path: str | os.PathLike[str]) -> Iterator[BinaryIO]:
    """The file open for reading; a folder, or what the system refuses (missing, a symlink loop, no permission), as `InputError`."""
    name = str(path)
    if os.path.isdir(path):
        raise InputError(name, "is a folder, not a file")
    try:
        stream = open(path, "rb")
    except OSError as problem:
        raise InputError(name, os_reason(problem)) from None
    with stream:
        yield stream


def _read_bytes(path: str | os.PathLike[str], max_bytes: int) -> bytes:
    with _opened(path) as stream:
        check_size(str(path), os.fstat(stream.fileno()).st_size, max_bytes)
        try:
            return stream.read()
        except OSError as problem:  # a device that fails mid-read
            raise InputError(str(path), os_reason(problem)) from None


def _document(name: str, data: bytes, encoding: str | None) -> Document:
    fields: dict[str, str | None] = {}
    decoded = decode(name, data, encoding)
    if Path(name).suffix.lower() in HTML_SUFFIXES or looks_like_html(data):
        fields = extract_html(name, decoded.text)
        text = fields.pop("text") or ""
    else:
        text = decoded.text
    document = document_from_text(Path(name).stem, text, path=name, **fields)
    document.encoding = decoded.assumed
    return document


def os_reason(problem: OSError) -> str:
    """What the system said, as a reason in a one-line error: `permission denied`, `too many levels of symbolic links`."""
    reason = (problem.strerror or type(problem).__name__).lower()
    return "no such file" if isinstance(problem, FileNotFoundError) else reason


def document_from_text(doc_id: str, text: str, path: str | None = None, **metadata: str | None) -> Document:
    """A Document for text already in memory, with transcript turns found and the kind set."""
    transcript_start, turns = find_turns(text)
    if transcript_start is None:
        kind = "article"
    elif text[:transcript_start].strip():
        kind = "article+transcript"
    else:
        kind = "transcript"
    if not metadata.get("date"):
        metadata["date"] = find_dateline(text)
    if not metadata.get("title"):
        first_line = text.strip().split("\n", 1)[0].strip()
        metadata["title"] = first_line[:200] if kind != "transcript" and len(first_line) < 200 else None
    return Document(doc_id=doc_id, text=text, kind=kind, path=path, turns=turns, transcript_start=transcript_start, **metadata)
