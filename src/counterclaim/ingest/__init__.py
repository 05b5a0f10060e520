"""Ingestion: one module per input kind, each giving a `Document`."""

from __future__ import annotations

import os
from pathlib import Path

from counterclaim.errors import InputError
from counterclaim.ingest.dateline import find_dateline
from counterclaim.ingest.html import extract_html, looks_like_html
from counterclaim.ingest.text import DEFAULT_MAX_BYTES, check_size, decode
from counterclaim.ingest.transcript import find_turns
from counterclaim.model import Document

HTML_SUFFIXES = {".html", ".htm", ".xhtml"}


def read_document(path: str | os.PathLike[str], max_bytes: int = DEFAULT_MAX_BYTES) -> Document:
    """Read one file as a Document: HTML by suffix or content, else text; turns detected in either.

    Raises `InputError` with a one-line reason for anything the user must fix.
    """
    name = str(path)
    try:
        size = os.path.getsize(path)
        check_size(name, size, max_bytes)
        data = Path(path).read_bytes()
    except FileNotFoundError:
        raise InputError(name, "no such file") from None
    except IsADirectoryError:
        raise InputError(name, "is a directory, not a file") from None
    except PermissionError:
        raise InputError(name, "permission denied") from None
    fields: dict[str, str | None] = {}
    if Path(name).suffix.lower() in HTML_SUFFIXES or looks_like_html(data):
        fields = extract_html(name, decode(name, data))
        text = fields.pop("text") or ""
    else:
        text = decode(name, data)
    return document_from_text(Path(name).stem, text, path=name, **fields)


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
