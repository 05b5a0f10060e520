"""Commands that read documents: extract, speakers, ingest, demo."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from rich.console import Console

from counterclaim.cli.common import DEFAULT_DB, DEFAULT_LOCK_TIMEOUT, EXIT_INPUT_ERROR, EXIT_OK, add_input_options, error, extract_claims, warn
from counterclaim.ingest.text import DEFAULT_MAX_BYTES
from counterclaim.model import Document

DEMO_FOLDER = "examples"


def cmd_extract(args: argparse.Namespace) -> int:
    from counterclaim.export import WRITERS

    failures: list[str] = []
    claims = (c for extraction in extract_claims(args.files, args.max_bytes, failures, encoding=args.encoding) for c in extraction.claims)
    WRITERS[args.format](claims, sys.stdout)
    return EXIT_INPUT_ERROR if failures else EXIT_OK


def cmd_ingest(args: argparse.Namespace) -> int:
    from counterclaim.store import Ledger, LedgerBusyError, LedgerError

    try:
        ledger = Ledger(args.db, lock_timeout=args.lock_timeout, on_wait=warn)
    except LedgerError as problem:
        error(str(problem))
        return EXIT_INPUT_ERROR
    failures: list[str] = []
    known = renamed = added = 0

    def is_new(document: Document) -> bool:
        nonlocal known, renamed
        found = ledger.stored_as(document)
        if found is None:
            return True
        known += 1
        renamed += ledger.record_appearance(found[0], document, found[1])
        return False

    with ledger:
        extractions = extract_claims(args.files, args.max_bytes, failures, keep=is_new, encoding=args.encoding)
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
    again = f" ({renamed} from a new place, recorded)" if renamed else ""
    print(
        f"{added} documents added, {known} already in the ledger{again}, {len(failures)} failed; "
        f"{args.db} holds {counts['documents']} documents, {counts['speakers']} speakers, {counts['claims']} claims"
    )
    return EXIT_INPUT_ERROR if failures else EXIT_OK


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
    ingest.set_defaults(run=cmd_ingest)

    demo = commands.add_parser("demo", help="analyse the bundled example corpus: its claims, then what its parties dispute")
    demo.add_argument("folder", nargs="?", default=DEMO_FOLDER, help="folder of documents (default: examples)")
    demo.set_defaults(run=cmd_demo)
