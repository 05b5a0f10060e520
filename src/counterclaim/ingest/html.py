"""HTML: the main text and metadata of a saved web page, with trafilatura."""

from __future__ import annotations

import json
import re

import trafilatura

from counterclaim.errors import InputError

# Fewer words than this is a menu or a stub, not an article.
MIN_WORDS = 3
# Page furniture that trafilatura can leave in the text, one line each: a byline, a time stamp, a photo caption with
# its credit, an image credit, a related-link or newsletter line. Only short lines are checked.
FURNITURE_MAX_WORDS = 30
FURNITURE = [
    re.compile(r"^(?i:by)\s+[A-Z][\w'.-]*(?:\s+[A-Z][\w'.-]*){0,3}(?:\s*(?:,|and|&|\|)\s*[A-Z][\w'.-]*(?:\s+[A-Z][\w'.-]*){0,3})*\.?$"),
    re.compile(r"^(?:updated|published|posted|last updated|first published)\b[^.]{0,60}\d[^.]{0,40}$", re.IGNORECASE),
    re.compile(r"(?:\((?:AP|AFP|Reuters|Getty|EPA)\b[^)]*\)|\b(?:photo(?:graph)?|image|picture|illustration|video|credit)s?"
               r"(?: credit)?\s*:\s*[^.:]{2,80})\.?$", re.IGNORECASE),
    re.compile(r"^(?:related|read more|see also|also read|recommended|more on this|watch|listen|most read)\s*:", re.IGNORECASE),
    re.compile(r"^(?:advertisement|sign up for\b.*|subscribe to\b.*|follow us\b.*)$", re.IGNORECASE),
]
HTML_START = re.compile(rb"^\s*(<!doctype html|<html|<head|<body|<meta|<article|<div|<p[\s>])", re.IGNORECASE)


def looks_like_html(data: bytes) -> bool:
    """Whether the first bytes of a file open an HTML document."""
    return bool(HTML_START.match(data[:2048]))


def without_page_furniture(text: str) -> str:
    """The text without the lines that are page furniture, not article: a caption or a `READ MORE:` line would
    otherwise be read as a claim, or glued to the content beside it."""
    kept = [line for line in text.split("\n")
            if len(line.split()) > FURNITURE_MAX_WORDS or not any(p.search(line.strip()) for p in FURNITURE)]
    return "\n".join(kept)


def extract_html(path: str, markup: str) -> dict[str, str | None]:
    """The article text of a page (menus, footers, comments and the furniture trafilatura leaves left out) and its
    metadata.

    Returns `text`, `title`, `date`, `author`, `site`; refuses a page with no article text.
    """
    try:
        result = trafilatura.extract(
            markup, output_format="json", with_metadata=True, include_comments=False, include_tables=False, favor_precision=True
        )
    except Exception as error:  # lxml and trafilatura raise many kinds on broken markup
        raise InputError(path, f"malformed HTML ({type(error).__name__})") from None
    if not result:
        raise InputError(path, "no article text found in the HTML page")
    fields = json.loads(result)
    text = without_page_furniture(fields.get("text") or "").strip()
    if len(text.split()) < MIN_WORDS:
        raise InputError(path, "no article text found in the HTML page")
    return {
        "text": text + "\n",
        "title": fields.get("title"),
        "date": fields.get("date"),
        "author": fields.get("author"),
        "site": fields.get("sitename") or fields.get("source-hostname") or fields.get("hostname"),
    }
