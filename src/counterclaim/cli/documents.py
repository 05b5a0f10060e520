"""Commands that read documents: extract, speakers, ingest, demo."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from rich.console import Console

from counterclaim.cli.common import (
    DEFAULT_DB,
    DEFAULT_LOCK_TIMEOUT,
    EXIT_INPUT_ERROR,
    EXIT_OK,
    add_input_options,
    error,
    extract_claims,
    link_showing_progress,
    progress_bar,
    read_inputs,
    warn,
)
from counterclaim.ingest.text import DEFAULT_MAX_BYTES
from counterclaim.model import Document

if TYPE_CHECKING:
    from counterclaim.batch.load import Loaded
    from counterclaim.store import Ledger

DEMO_FOLDER = "examples"


def cmd_extract(args: argparse.Namespace) -> int:
    from counterclaim.export import WRITERS

    if args.explain:
        return _explain(args)
    failures: list[str] = []
    claims = (c for extraction in extract_claims(args.files, args.max_bytes, failures, encoding=args.encoding) for c in extraction.claims)
    WRITERS[args.format](claims, sys.stdout)
    return EXIT_INPUT_ERROR if failures else EXIT_OK


def _explain(args: argparse.Namespace) -> int:
    """`extract --explain`: the tagger's tags and the rules behind each claim, document by document."""
    from counterclaim.claims import ClaimExtractor, analysis_failure
    from counterclaim.export.explain import write_explanation

    failures: list[str] = []
    extractor = ClaimExtractor()
    for document in read_inputs(args.files, args.max_bytes, failures, args.encoding):
        try:
            parts = list(extractor.explained(document))
        except Exception as problem:  # a bug, not the user's input: reported on one line, the rest goes on
            error(analysis_failure(document, problem))
            failures.append(document.path or document.doc_id)
            continue
        write_explanation(document.doc_id, parts, sys.stdout)
    return EXIT_INPUT_ERROR if failures else EXIT_OK


def cmd_ingest(args: argparse.Namespace) -> int:
    from counterclaim.batch.shards import is_batch_output
    from counterclaim.store import Ledger, LedgerBusyError, LedgerError

    try:
        ledger = Ledger(args.db, lock_timeout=args.lock_timeout, on_wait=warn)
    except LedgerError as problem:
        error(str(problem))
        return EXIT_INPUT_ERROR
    failures: list[str] = []
    known = renamed = added = 0
    batches = [path for path in args.files if is_batch_output(path)]  # `counterclaim batch` output folders: bulk-loaded
    files = [path for path in args.files if path not in batches]

    def is_new(document: Document) -> bool:
        nonlocal known, renamed
        found = ledger.stored_as(document)
        if found is None:
            return True
        known += 1
        renamed += ledger.record_appearance(found[0], document, found[1])
        return False

    with ledger:
        for folder in batches:
            loaded = _load_batch(ledger, folder, failures)
            if loaded is not None:
                added, known, renamed = added + loaded.added, known + loaded.known, renamed + loaded.new_places
        extractions = extract_claims(files, args.max_bytes, failures, keep=is_new, encoding=args.encoding) if files else iter(())
        try:
            for extraction in extractions:
                outcome = ledger.store(extraction)  # `known` or `new place`: the same story earlier in this batch
                added += outcome == "added"
                known += outcome != "added"
                renamed += outcome == "new place"
        except LedgerBusyError as problem:
            error(f"{problem}; {added} documents of this run were stored, the rest were not: run the same ingest again later")
            return EXIT_INPUT_ERROR
        counts = ledger.counts()
        linked = _link(ledger) if (batches if args.link is None else args.link) else ""
    again = f" ({renamed} from a new place, recorded)" if renamed else ""
    print(
        f"{added} documents added, {known} already in the ledger{again}, {len(failures)} failed; "
        f"{args.db} holds {counts['documents']} documents, {counts['speakers']} speakers, {counts['claims']} claims{linked}"
    )
    return EXIT_INPUT_ERROR if failures else EXIT_OK


def _link(ledger: Ledger) -> str:
    """Link the ledger's new claims into its propositions, as `contested` would; what to add to the summary line."""
    from counterclaim.store import LedgerBusyError

    try:
        link_showing_progress(ledger, "linking: embedding new claims, then reading new stances")
    except LedgerBusyError as problem:
        error(f"{problem}; the documents stay stored: run `counterclaim contested --db {ledger.path}` later to link them")
        return ""
    found, contested = ledger.db.execute("SELECT count(*), coalesce(sum(contested), 0) FROM propositions").fetchone()
    return f", {found} propositions ({contested} contested)"


def _load_batch(ledger: Ledger, folder: str, failures: list[str]) -> Loaded | None:
    """Bulk-load a batch's part files, telling what is missing and how many stories the batch could not read."""
    from counterclaim.batch.load import load_parts
    from counterclaim.batch.shards import PlanError
    from counterclaim.store import LedgerBusyError

    with progress_bar(None, "loading parts") as progress:
        task = progress.add_task("load", total=None)
        try:
            loaded = load_parts(ledger, Path(folder), on_part=lambda done, total: progress.update(task, completed=done, total=total))
        except PlanError as problem:
            error(str(problem))
            failures.append(folder)
            return None
        except LedgerBusyError as problem:
            error(f"{problem}; the parts stored so far stay stored: run the same ingest again later")
            failures.append(folder)
            return None
    for message in loaded.unreadable:
        error(message)
        failures.append(folder)
    if loaded.missing:
        warn(f"{folder}: {len(loaded.missing)} of {loaded.parts + len(loaded.missing)} parts not written yet "
             "(the batch has not finished: run it again, then ingest again)")
    if loaded.errors:
        warn(f"{folder}: {len(loaded.errors)} stories could not be read or analysed by the batch (first: {loaded.errors[0][1]})")
    return loaded


def cmd_demo(args: argparse.Namespace) -> int:
    """The example corpus's claims, document by document, then the propositions its parties dispute."""
    from counterclaim.export.contested import write_contested
    from counterclaim.export.table import claims_table
    from counterclaim.link.propositions import document_texts, link, load_units
    from counterclaim.store import Ledger

    folder = Path(args.folder)
    if not folder.is_dir():
        error(f"{folder}: no such folder (run `counterclaim demo` from the project's root, or name the folder)")
        return EXIT_INPUT_ERROR
    failures: list[str] = []
    results = list(extract_claims([str(folder)], DEFAULT_MAX_BYTES, failures))
    out = Console(width=None if sys.stdout.isatty() else 160)
    for extraction in results:
        document = extraction.document
        title = f"{document.doc_id} ({document.kind}): {document.title or ''}"
        out.print(claims_table(extraction.claims, title=title))
    n_claims = sum(len(e.claims) for e in results)
    n_deny = sum(c.polarity == "deny" for e in results for c in e.claims)
    out.print(f"{len(results)} documents, {n_claims} claims, {n_deny} denials.\n")
    with Ledger(":memory:") as ledger:
        for extraction in results:
            ledger.add(extraction)
        propositions = [p for p in link(load_units(ledger), document_texts(ledger)) if p.contested]
    out.print(f"Contested across the corpus: {len(propositions)} propositions.")
    write_contested(propositions, sys.stdout)
    return EXIT_INPUT_ERROR if failures else EXIT_OK


def cmd_speakers(args: argparse.Namespace) -> int:
    from counterclaim.export.speakers import write_speakers

    failures: list[str] = []
    write_speakers(extract_claims(args.files, args.max_bytes, failures, encoding=args.encoding), sys.stdout, args.format)
    return EXIT_INPUT_ERROR if failures else EXIT_OK


def add_commands(commands: argparse._SubParsersAction) -> None:
    extract = commands.add_parser("extract", help="list the attributed claims of files (text, HTML, transcripts)")
    add_input_options(extract)
    extract.add_argument("--format", choices=("jsonl", "json", "table", "csv"), default="jsonl", help="output format (default: jsonl)")
    extract.add_argument(
        "--explain", action="store_true", help="instead of the claims: the tagger's tags and, for each claim, the rules that tied and cut it",
    )
    extract.set_defaults(run=cmd_extract)

    speakers = commands.add_parser("speakers", help="list each document's speakers: roles, affiliations, aliases, claim counts")
    add_input_options(speakers)
    speakers.add_argument("--format", choices=("table", "json"), default="table", help="output format (default: table)")
    speakers.set_defaults(run=cmd_speakers)

    ingest = commands.add_parser("ingest", help="store documents, speakers and claims in the ledger (SQLite)")
    add_input_options(ingest)
    ingest.add_argument("--db", default=DEFAULT_DB, help=f"the ledger file (default: {DEFAULT_DB} in the working folder)")
    ingest.add_argument(
        "--lock-timeout", type=float, default=DEFAULT_LOCK_TIMEOUT, metavar="SECONDS",
        help=f"how long to wait while another process writes to the ledger (default: {DEFAULT_LOCK_TIMEOUT:g})",
    )
    ingest.add_argument(
        "--link", action=argparse.BooleanOptionalAction, default=None,
        help="then link the ledger's claims into propositions, as `contested` does, reading only what is new "
        "(default: on when a `counterclaim batch` output folder is ingested, off for files)",
    )
    ingest.set_defaults(run=cmd_ingest)

    demo = commands.add_parser("demo", help="analyse the bundled example corpus: its claims, then what its parties dispute")
    demo.add_argument("folder", nargs="?", default=DEMO_FOLDER, help="folder of documents (default: examples)")
    demo.set_defaults(run=cmd_demo)
