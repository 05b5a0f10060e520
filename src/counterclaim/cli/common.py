"""What every command group shares: one-line errors, progress bars, reading a batch of files, opening a ledger, printing records."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from counterclaim.errors import InputError
from counterclaim.model import Document

if TYPE_CHECKING:
    from counterclaim.claims import Extraction
    from counterclaim.store import Ledger

EXIT_OK, EXIT_INPUT_ERROR, EXIT_USAGE = 0, 1, 2
DEFAULT_DB = "ledger.db"  # as counterclaim.store.DEFAULT_DB; repeated so that --help loads no spaCy

stderr = Console(stderr=True, highlight=False)


def error(message: str) -> None:
    stderr.print(f"counterclaim: error: {message}", markup=False, soft_wrap=True)


def warn(message: str) -> None:
    stderr.print(f"counterclaim: warning: {message}", markup=False, soft_wrap=True)


def progress_bar(total: int | None, what: str) -> Progress:
    """A bar on stderr while a long step runs; nothing when stderr is not a terminal or there is one item."""
    return Progress(
        TextColumn(f"[bold]{what}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
        console=stderr, transient=True, disable=(total is not None and total < 2) or not stderr.is_terminal,
    )


def _read_documents(paths: list[str], max_bytes: int, failures: list[str]) -> Iterator[Document]:
    """Documents of the readable files; each unreadable one is reported and skipped."""
    from counterclaim.ingest import read_document
    from counterclaim.nlp.quotes import scan_quotes

    for path in paths:
        try:
            document = read_document(path, max_bytes=max_bytes)
        except InputError as problem:
            error(str(problem))
            failures.append(path)
            continue
        unclosed = scan_quotes(document.text).unclosed
        if unclosed:
            line = document.text.count("\n", 0, unclosed[0]) + 1
            warn(f"{path}: unbalanced quotation marks (first at line {line}); quotes closed at the paragraph's end")
        yield document


def expand(paths: list[str]) -> list[str]:
    """Files as given; folders as the files inside them, in name order."""
    files: list[str] = []
    for path in paths:
        p = Path(path)
        if p.is_dir():
            files.extend(str(f) for f in sorted(p.rglob("*")) if f.is_file() and not f.name.startswith("."))
        else:
            files.append(path)
    return files


def extract_claims(
    paths: list[str], max_bytes: int, failures: list[str], keep: Callable[[Document], bool] | None = None
) -> Iterator[Extraction]:
    """Each readable file's extraction, as it is done; files that failed are added to `failures`.

    `keep` can pass over documents before the costly part (ingest skips those already stored).
    """
    from counterclaim.claims import ClaimExtractor

    files = expand(paths)
    read = 0

    def documents() -> Iterator[Document]:
        nonlocal read
        for document in _read_documents(files, max_bytes, failures):
            read += 1
            if keep is None or keep(document):
                yield document

    extractor = ClaimExtractor()
    with progress_bar(len(files), "extracting") as progress:
        task = progress.add_task("extract", total=len(files))
        for extraction in extractor.extract(documents()):
            yield extraction
            progress.update(task, completed=read + len(failures))


def emit(items: list, fmt: str, write_table: Callable[[list, TextIO], None]) -> None:
    """Records as a JSON list, or the table for reading."""
    if fmt == "json":
        print(json.dumps([item.to_json() for item in items], ensure_ascii=False, indent=2))
    else:
        write_table(items, sys.stdout)


def open_ledger(path: str) -> Ledger | None:
    """An existing ledger, or None after a one-line error."""
    from counterclaim.store import Ledger, LedgerError

    if not Path(path).exists():
        error(f"{path}: no such ledger (make one with `counterclaim ingest FILE... --db {path}`)")
        return None
    try:
        return Ledger(path)
    except LedgerError as problem:
        error(str(problem))
        return None
