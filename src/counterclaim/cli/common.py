"""What every command group shares: one-line errors, progress bars, reading a batch of files, opening a ledger, printing records."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, TextIO

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from counterclaim.errors import InputError, shown
from counterclaim.ingest.text import DEFAULT_MAX_BYTES
from counterclaim.model import Document

if TYPE_CHECKING:
    from counterclaim.claims import Extraction
    from counterclaim.link.propositions import Proposition
    from counterclaim.store import Ledger

EXIT_OK, EXIT_INPUT_ERROR, EXIT_USAGE = 0, 1, 2
DEFAULT_DB = "ledger.db"  # as counterclaim.store.DEFAULT_DB; repeated so that --help loads no spaCy
DEFAULT_LOCK_TIMEOUT = 60.0  # as counterclaim.store.DEFAULT_LOCK_TIMEOUT, for the same reason

stderr = Console(stderr=True, highlight=False)


def error(message: str) -> None:
    stderr.print(f"counterclaim: error: {shown(message)}", markup=False, highlight=False, soft_wrap=True)


def warn(message: str) -> None:
    stderr.print(f"counterclaim: warning: {shown(message)}", markup=False, highlight=False, soft_wrap=True)


def add_input_options(parser: argparse.ArgumentParser) -> None:
    """The options of every command that reads files: the folder or files, the size limit, the encoding."""
    parser.add_argument(
        "files", nargs="+", metavar="FILE",
        help="files or folders to read: text, HTML, transcripts, RSS/Atom feeds, WARC(.gz), JSON Lines(.gz)",
    )
    parser.add_argument(
        "--max-bytes", type=int, default=DEFAULT_MAX_BYTES,
        help=f"refuse files larger than this many bytes (default: {DEFAULT_MAX_BYTES:,}, that is {DEFAULT_MAX_BYTES / 1e6:g} MB)",
    )
    parser.add_argument(
        "--encoding", help="read every file in this encoding (for example cp1252, shift_jis) instead of detecting it",
    )


def progress_bar(total: int | None, what: str) -> Progress:
    """A bar on stderr while a long step runs; nothing when stderr is not a terminal or there is one item."""
    return Progress(
        TextColumn(f"[bold]{what}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
        console=stderr, transient=True, disable=(total is not None and total < 2) or not stderr.is_terminal,
    )


def _read_documents(paths: list[str], max_bytes: int, encoding: str | None, failures: list[str]) -> Iterator[Document]:
    """Documents of the readable files (several for a feed, web archive or JSON Lines file); each unreadable file or
    story is reported and skipped."""
    from counterclaim.ingest import read_documents
    from counterclaim.ingest.feeds import is_feed
    from counterclaim.nlp.quotes import scan_quotes

    # Feeds first, so that a page saved beside a feed is read once, as its entry (with the entry's URL and date).
    ordered = sorted(paths, key=lambda path: not is_feed(path))
    read_for_feeds: set[str] = set()
    for path in ordered:
        if path in read_for_feeds:
            continue
        for item in read_documents(path, max_bytes=max_bytes, encoding=encoding):
            if isinstance(item, InputError):
                error(str(item))
                failures.append(item.path)
                continue
            if item.path != path and item.url:
                read_for_feeds.add(str(item.path))
            if item.encoding and not encoding:
                warn(f"{item.path}: not UTF-8; read as {item.encoding} (give --encoding if that is wrong)")
            unclosed = scan_quotes(item.text).unclosed
            if unclosed:
                line = item.text.count("\n", 0, unclosed[0]) + 1
                warn(f"{item.path}: unbalanced quotation marks (first at line {line}); quotes closed at the paragraph's end")
            yield item


def expand(paths: list[str], failures: list[str]) -> list[str]:
    """Files as given; folders as the files inside them, in name order, hidden ones left out.

    Symbolic links to folders are not followed (a link back up would never end).
    A folder that cannot be listed, or holds no files, is reported and added to `failures`.
    """
    from counterclaim.ingest import os_reason

    def unlisted(problem: OSError) -> None:
        error(f"{problem.filename}: cannot list this folder: {os_reason(problem)}")
        failures.append(str(problem.filename))

    files: list[str] = []
    for path in paths:
        if not os.path.isdir(path):
            files.append(path)
            continue
        found: list[str] = []
        for folder, subfolders, names in os.walk(path, onerror=unlisted):
            subfolders[:] = sorted(d for d in subfolders if not d.startswith("."))
            found.extend(os.path.join(folder, name) for name in sorted(names) if not name.startswith("."))
        if not found and path not in failures:
            error(f"{path}: no files in this folder")
            failures.append(path)
        files.extend(found)
    return files


def read_inputs(paths: list[str], max_bytes: int, failures: list[str], encoding: str | None = None) -> Iterator[Document]:
    """The documents of files and folders, each unreadable one reported and added to `failures`."""
    return _read_documents(expand(paths, failures), max_bytes, encoding, failures)


def extract_claims(
    paths: list[str], max_bytes: int, failures: list[str], keep: Callable[[Document], bool] | None = None, encoding: str | None = None
) -> Iterator[Extraction]:
    """Each readable file's extraction, as it is done; files that failed are added to `failures`.

    `keep` can pass over documents before the costly part (ingest skips those already stored).
    """
    from counterclaim.claims import ClaimExtractor, analysis_failure

    files = expand(paths, failures)
    listed_failures = len(failures)
    read = 0

    def documents() -> Iterator[Document]:
        nonlocal read
        for document in _read_documents(files, max_bytes, encoding, failures):
            read += 1
            if keep is None or keep(document):
                yield document

    unanalysed = 0

    def failed(document: Document, problem: Exception) -> None:
        nonlocal unanalysed
        unanalysed += 1
        error(analysis_failure(document, problem))
        failures.append(document.path or document.doc_id)

    extractor = ClaimExtractor()
    with progress_bar(len(files), "extracting") as progress:
        task = progress.add_task("extract", total=len(files))
        for extraction in extractor.extract(documents(), on_error=failed):
            yield extraction
            progress.update(task, completed=min(len(files), read + len(failures) - listed_failures - unanalysed))


def relink_showing_progress(
    ledger: Ledger, what: str = "embedding new claims, then reading new stances", whole: bool = False, contested_only: bool = False,
) -> list[Proposition]:
    """`relink` with a progress bar on stderr: the ledger's propositions (or the contested ones), what is new linked first."""
    from counterclaim.link.propositions import relink

    with progress_bar(None, what) as progress:
        task = progress.add_task("link", total=None)
        propositions, _ = relink(ledger, lambda done, total: progress.update(task, completed=done, total=total), whole=whole,
                                 contested_only=contested_only)
    return propositions


def link_showing_progress(ledger: Ledger, what: str) -> bool:
    """`link_new` with a progress bar on stderr: what came since the last link linked and stored, nothing read back."""
    from counterclaim.link.propositions import link_new

    with progress_bar(None, what) as progress:
        task = progress.add_task("link", total=None)
        return link_new(ledger, lambda done, total: progress.update(task, completed=done, total=total))


def emit(items: list, fmt: str, write_table: Callable[[list, TextIO], None]) -> None:
    """Records as a JSON list, or the table for reading."""
    if fmt == "json":
        print(json.dumps([item.to_json() for item in items], ensure_ascii=False, indent=2))
    else:
        write_table(items, sys.stdout)


def open_ledger(path: str) -> Ledger | None:
    """An existing ledger, or None after a one-line error."""
    from counterclaim.store import Ledger, LedgerError

    try:
        return Ledger(path, create=False, on_wait=warn)
    except LedgerError as problem:
        error(str(problem))
        return None
