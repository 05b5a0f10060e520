"""HTML: the main text and metadata of a saved web page, with trafilatura."""

from __future__ import annotations

import json
import re

import trafilatura

from counterclaim.errors import InputError

# Fewer words than this is a menu or a stub, not an article.
MIN_WORDS = 3
HTML_START = re.compile(rb"^\s*(<!doctype html|<html|<head|<body|<meta|<article|<div|<p[\s>])", re.IGNORECASE)


def looks_like_html(data: bytes) -> bool:
    """Whether the first bytes of a file open an HTML document."""
    return bool(HTML_START.match(data[:2048]))


def extract_html(path: str, markup: str) -> dict[str, str | None]:
    """The article text of a page (menus, footers and comments left out) and its metadata.

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
    text = (fields.get("text") or "").strip()
    if len(text.split()) < MIN_WORDS:
        raise InputError(path, "no article text found in the HTML page")
    return {
        "text": text + "\n",
        "title": fields.get("title"),
        "date": fields.get("date"),
        "author": fields.get("author"),
        "site": fields.get("sitename") or fields.get("source-hostname") or fields.get("hostname"),
    }
