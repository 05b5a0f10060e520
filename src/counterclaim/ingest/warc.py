"""Web archives (WARC, WARC.gz): each HTML response as a document, with its URL and crawl date."""

from __future__ import annotations

import gzip
import re
import zlib
from collections.abc import Iterator

from counterclaim.errors import InputError
from counterclaim.model import Document

WARC_START = re.compile(rb"^WARC/1\.[01]\r?\n")
GZIP_MAGIC = b"\x1f\x8b"
CHARSET = re.compile(r"charset=([\w.:-]+)", re.I)


def looks_like_warc(name: str, data: bytes) -> bool:
    """Whether a file is a WARC: by its start, or a gzip file named `.warc.gz`."""
    return bool(WARC_START.match(data[:16])) or (name.lower().endswith((".warc.gz", ".arc.gz")) and data[:2] == GZIP_MAGIC)


def read_warc(path: str, max_bytes: int) -> Iterator[Document | InputError]:
    """Each HTML response as a Document (other records are passed over), streamed from the file; a response over
    `max_bytes` is one error, a broken record ends the file with one error."""
    from warcio.archiveiterator import ArchiveIterator
    from warcio.exceptions import ArchiveLoadFailed

    from counterclaim.ingest import document_from_text, os_reason
    from counterclaim.ingest.html import extract_html
    from counterclaim.ingest.text import decode

    number = pages = 0
    try:
        stream = open(path, "rb")
    except OSError as problem:
        yield InputError(path, os_reason(problem))
        return
    try:
        for record in ArchiveIterator(stream):
            number += 1
            if record.rec_type != "response" or record.http_headers is None:
                continue
            content_type = record.http_headers.get_header("Content-Type") or ""
            if "html" not in content_type.lower():
                continue
            pages += 1
            url = record.rec_headers.get_header("WARC-Target-URI")
            crawled = (record.rec_headers.get_header("WARC-Date") or "")[:10] or None
            where = f"{path}#{number}"
            body = record.content_stream().read(max_bytes + 1)
            if len(body) > max_bytes:
                yield InputError(where, f"{url}: page too large (over {max_bytes / 1e6:g} MB, see --max-bytes)")
                continue
            declared = CHARSET.search(content_type)
            try:
                markup = _decoded(where, body, declared.group(1) if declared else None, decode)
                fields = extract_html(where, markup)
            except InputError as problem:
                yield InputError(where, f"{url}: {problem.reason}")
                continue
            text = fields.pop("text") or ""
            fields["date"] = fields.get("date") or crawled
            document = document_from_text(_doc_id(url, number), text, path=where, **fields)
            document.url = url
            yield document
    except (ArchiveLoadFailed, OSError, EOFError, ValueError) as problem:  # a truncated or corrupt record: the rest cannot be found
        yield InputError(path, f"broken WARC record after record {number} ({type(problem).__name__}); {pages} pages read before it")
        return
    finally:
        stream.close()
    if data_is_gzip(path) and not gzip_complete(path):  # warcio stops quietly where a compressed record breaks off
        yield InputError(path, f"broken WARC record after record {number} (the compressed data ends early); {pages} pages read before it")
        return
    if number == 0:
        yield InputError(path, "no WARC records could be read")


def data_is_gzip(path: str) -> bool:
    with open(path, "rb") as stream:
        return stream.read(2) == GZIP_MAGIC


def gzip_complete(path: str) -> bool:
    """Whether every gzip member of the file decompresses to its end."""
    try:
        with gzip.open(path, "rb") as stream:
            while stream.read(1 << 20):
                pass
    except (OSError, EOFError, zlib.error):
        return False
    return True


def _decoded(where: str, body: bytes, charset: str | None, decode) -> str:
    if charset:
        try:
            return body.decode(charset)
        except (LookupError, UnicodeDecodeError):
            pass
    return decode(where, body).text


def _doc_id(url: str | None, number: int) -> str:
    """A readable id from the URL's last path part, unique within the file by the record number."""
    from urllib.parse import urlparse

    tail = urlparse(url or "").path.rstrip("/").rsplit("/", 1)[-1] or "page"
    return f"{tail[:80]}-{number}"
