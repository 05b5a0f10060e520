"""RSS and Atom feeds saved to disk: each entry as a document, from its saved page when there is one.

An entry's page is looked for beside the feed, named as the last part of the
entry's link (`…/panjshir-defeat` as `panjshir-defeat`, `.html` or `.htm`);
without one, the entry's summary stands in, marked as such (`from_summary`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlparse

from counterclaim.errors import InputError
from counterclaim.model import Document

FEED_START = re.compile(rb"^\s*(<\?xml[^>]*>\s*)?(<!--.*?-->\s*)*<(rss|feed|rdf:RDF)\b", re.DOTALL)
PAGE_SUFFIXES = ("", ".html", ".htm")
TAGS = re.compile(r"<[^>]+>")


def looks_like_feed(data: bytes) -> bool:
    """Whether a file's first bytes open an RSS, Atom or RDF feed."""
    return bool(FEED_START.match(data[:4096]))


def is_feed(path: str) -> bool:
    """Whether a file is a feed, from its first bytes; False when it cannot be read (reading it later says why)."""
    try:
        with open(path, "rb") as stream:
            return looks_like_feed(stream.read(4096))
    except OSError:
        return False


def saved_page(feed_path: Path, link: str | None) -> Path | None:
    """The entry's page saved beside the feed, if any."""
    if not link:
        return None
    name = Path(urlparse(link).path.rstrip("/")).name
    if not name:
        return None
    for candidate in dict.fromkeys(feed_path.parent / (name + suffix) for suffix in PAGE_SUFFIXES):
        if candidate.is_file() and candidate != feed_path:
            return candidate
    return None


def feed_pages(path: str) -> set[str]:
    """The pages saved beside a feed that its entries claim (read as those entries, never on their own)."""
    import feedparser

    try:
        with open(path, "rb") as stream:
            feed = feedparser.parse(stream.read())
    except OSError:
        return set()
    return {str(page) for entry in feed.entries if (page := saved_page(Path(path), entry.get("link"))) is not None}


def read_feed(path: str, data: bytes, read_page) -> Iterator[Document | InputError]:
    """Each entry of the feed as a Document, or an `InputError` naming the entry; `read_page(path)` reads a saved page."""
    import feedparser

    feed = feedparser.parse(data)
    if not feed.entries:
        reason = type(feed.get("bozo_exception")).__name__ if feed.get("bozo") else "no entries"
        yield InputError(path, f"not a readable feed ({reason})")
        return
    outlet = feed.feed.get("title")
    for number, entry in enumerate(feed.entries, 1):
        link = entry.get("link")
        title = entry.get("title")
        date = _iso(entry.get("published_parsed") or entry.get("updated_parsed"))
        page = saved_page(Path(path), link)
        where = f"{path}#{number}"
        if page is not None:
            try:
                document = read_page(page)
            except InputError as problem:
                yield InputError(where, f"entry {number}: its saved page {page.name}: {problem.reason}")
                continue
            document.url = link
            document.title = document.title or title
            document.date = document.date or date
            document.site = document.site or outlet
            yield document
            continue
        summary = TAGS.sub(" ", entry.get("summary") or "").strip()
        if not summary:
            yield InputError(where, f"entry {number}: no saved page and no summary")
            continue
        from counterclaim.ingest import document_from_text

        text = (f"{title}\n\n" if title else "") + " ".join(summary.split()) + "\n"
        document = document_from_text(f"{Path(path).stem}-{number}", text, path=where, title=title, date=date, site=outlet)
        document.url = link
        document.from_summary = True
        yield document


def _iso(parsed) -> str | None:
    return f"{parsed.tm_year:04d}-{parsed.tm_mon:02d}-{parsed.tm_mday:02d}" if parsed else None
