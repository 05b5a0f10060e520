"""Commands that read a ledger: quotes, timeline, contested, check, versions, discredits, export."""

from __future__ import annotations

import argparse
import json
import sys

from counterclaim.cli.common import (
    DEFAULT_DB,
    EXIT_INPUT_ERROR,
    EXIT_OK,
    emit,
    error,
    link_showing_progress,
    open_ledger,
    progress_bar,
    relink_showing_progress,
    warn,
)


def cmd_quotes(args: argparse.Namespace) -> int:
    from counterclaim.export.quotes import write_quote_table
    from counterclaim.link.fidelity import check_quotes

    ledger = open_ledger(args.db)
    if ledger is None:
        return EXIT_INPUT_ERROR
    with ledger:
        checks = check_quotes(ledger)
    emit(checks, args.format, write_quote_table)
    return EXIT_OK


def cmd_timeline(args: argparse.Namespace) -> int:
    from counterclaim.export.timeline import write_timeline_table
    from counterclaim.link.timeline import timeline

    ledger = open_ledger(args.db)
    if ledger is None:
        return EXIT_INPUT_ERROR
    with ledger:
        if args.proposition is not None and not ledger.db.execute(
            "SELECT 1 FROM propositions WHERE id = ?", (args.proposition,)
        ).fetchone():
            error(f"{args.db}: no proposition {args.proposition} (run `counterclaim contested --db {args.db}` first)")
            return EXIT_INPUT_ERROR
        dropped: list[str] = []
        entries = timeline(ledger, speaker=args.speaker, proposition=args.proposition, dropped=dropped)
    for doc_id in dropped:
        warn(f"{doc_id}: a date a claim names falls outside the calendar; those claims are dated by their document")
    emit(entries, args.format, write_timeline_table)
    return EXIT_OK


def cmd_contested(args: argparse.Namespace) -> int:
    from counterclaim.export.contested import write_contested

    ledger = open_ledger(args.db)
    if ledger is None:
        return EXIT_INPUT_ERROR
    with ledger:
        shown = relink_showing_progress(ledger, whole=args.relink, contested_only=not args.all)
    emit(shown, args.format, lambda items, out: write_contested(items, out, everything=args.all))
    return EXIT_OK


def cmd_check(args: argparse.Namespace) -> int:
    from counterclaim.export.check import write_check
    from counterclaim.link.check import check, prepare

    statement = " ".join(args.statement.split())
    if not statement:
        error("nothing to check: give a statement, e.g. counterclaim check \"The army captured the pass\"")
        return EXIT_INPUT_ERROR
    ledger = open_ledger(args.db)
    if ledger is None:
        return EXIT_INPUT_ERROR
    with ledger:
        with progress_bar(None, "embedding claims (once per claim)") as progress:
            task = progress.add_task("embed", total=None)
            prepare(ledger, lambda done, total: progress.update(task, completed=done, total=total))
        result = check(ledger, statement)
    if args.format == "json":
        print(json.dumps(result.to_json(), ensure_ascii=False, indent=2))
    else:
        write_check(result, sys.stdout)
    return EXIT_OK


def cmd_versions(args: argparse.Namespace) -> int:
    from counterclaim.export.versions import version_report, write_versions

    ledger = open_ledger(args.db)
    if ledger is None:
        return EXIT_INPUT_ERROR
    with ledger:
        rows = ledger.versions(args.document)
        if not rows:
            error(f"{args.document}: no document with this URL, path or id in {args.db} (an id several documents share: give the URL or path)")
            return EXIT_INPUT_ERROR
        claims = {row["id"]: list(ledger.claims("c.document_id = ?", (row["id"],))) for row in rows}
    write_versions(version_report(rows, claims), sys.stdout, args.format)
    return EXIT_OK


def cmd_discredits(args: argparse.Namespace) -> int:
    from counterclaim.export.discredits import write_discredits
    from counterclaim.link.discredits import refresh

    ledger = open_ledger(args.db)
    if ledger is None:
        return EXIT_INPUT_ERROR
    with ledger:
        link_showing_progress(ledger, "linking new claims first (their sides name whom a refutation targets)")
        edges = refresh(ledger)
    emit(edges, args.format, write_discredits)
    return EXIT_OK


def cmd_export(args: argparse.Namespace) -> int:
    import contextlib

    from counterclaim.export.claimreview import write_claim_reviews
    from counterclaim.export.ledger_tables import TABLES, write_table_csv, write_tables_jsonl

    ledger = open_ledger(args.db)
    if ledger is None:
        return EXIT_INPUT_ERROR
    try:
        with ledger, contextlib.ExitStack() as stack:
            out = sys.stdout if args.out in (None, "-") else stack.enter_context(open(args.out, "w", encoding="utf-8", newline=""))
            if args.format == "csv":
                written = write_table_csv(ledger.db, args.table or "claims", out)
            elif args.format == "jsonl":
                written = write_tables_jsonl(ledger.db, out, (args.table,) if args.table else TABLES)
            else:
                written = write_claim_reviews(ledger.db, out, args.base_url, args.author)
    except BrokenPipeError:
        raise  # the reader stopped early (`| head`): not an error
    except OSError as problem:
        error(f"{args.out}: {problem.strerror or problem}")
        return EXIT_INPUT_ERROR
    if args.out not in (None, "-"):
        what = "ClaimReview records" if args.format == "claimreview" else "records"
        print(f"{args.out}: {written} {what}")
    elif args.format == "claimreview" and written == 0:
        warn("no verdicts in this ledger yet: give them on a proposition's page in `counterclaim serve`")
    return EXIT_OK


def add_commands(commands: argparse._SubParsersAction) -> None:
    quotes = commands.add_parser("quotes", help="check every quotation in the ledger against transcripts and other documents")
    quotes.add_argument("--db", default=DEFAULT_DB, help=f"the ledger file (default: {DEFAULT_DB})")
    quotes.add_argument("--format", choices=("table", "json"), default="table", help="output format (default: table)")
    quotes.set_defaults(run=cmd_quotes)

    timeline = commands.add_parser("timeline", help="the ledger's claims in order of the dates they are about")
    timeline.add_argument("--db", default=DEFAULT_DB, help=f"the ledger file (default: {DEFAULT_DB})")
    timeline.add_argument("--speaker", help="only this speaker's claims (the name as `speakers` prints it)")
    timeline.add_argument("--proposition", type=int, help="only the claims of this proposition (an id from `contested`)")
    timeline.add_argument("--format", choices=("table", "json"), default="table", help="output format (default: table)")
    timeline.set_defaults(run=cmd_timeline)

    contested = commands.add_parser("contested", help="propositions that different speakers support and dispute, with both sides")
    contested.add_argument("--db", default=DEFAULT_DB, help=f"the ledger file (default: {DEFAULT_DB})")
    contested.add_argument("--all", action="store_true", help="every proposition with two or more claims, contested or not")
    contested.add_argument(
        "--relink", action="store_true",
        help="link the whole ledger again (from the stored reads), not only the documents added since the last link",
    )
    contested.add_argument("--format", choices=("table", "json"), default="table", help="output format (default: table)")
    contested.set_defaults(run=cmd_contested)

    check = commands.add_parser("check", help="who has said what about a statement: the ledger's claims on it, by side")
    check.add_argument("statement", help='the statement to check, e.g. "The Taliban captured the Panjshir valley"')
    check.add_argument("--db", default=DEFAULT_DB, help=f"the ledger file (default: {DEFAULT_DB})")
    check.add_argument("--format", choices=("table", "json"), default="table", help="output format (default: table)")
    check.set_defaults(run=cmd_check)

    versions = commands.add_parser(
        "versions", help="every version of a document (a changed text under the same URL or path) and what changed between them",
    )
    versions.add_argument("document", metavar="DOC", help="the document's URL, path, or id (its file name without suffix)")
    versions.add_argument("--db", default=DEFAULT_DB, help=f"the ledger file (default: {DEFAULT_DB})")
    versions.add_argument("--format", choices=("table", "json"), default="table", help="output format (default: table)")
    versions.set_defaults(run=cmd_versions)

    discredits = commands.add_parser("discredits", help="who discredits whom: claims calling others' words propaganda, lies, not credible")
    discredits.add_argument("--db", default=DEFAULT_DB, help=f"the ledger file (default: {DEFAULT_DB})")
    discredits.add_argument("--format", choices=("table", "json"), default="table", help="output format (default: table)")
    discredits.set_defaults(run=cmd_discredits)

    export = commands.add_parser("export", help="claims, speakers and propositions as CSV or JSON Lines; verdicts as ClaimReview JSON-LD")
    export.add_argument("--format", choices=("csv", "jsonl", "claimreview"), required=True, help="what to write")
    export.add_argument("--db", default=DEFAULT_DB, help=f"the ledger file (default: {DEFAULT_DB})")
    export.add_argument("--table", choices=("claims", "speakers", "propositions"),
                        help="csv: which table (default: claims); jsonl: only this one (default: all three, each record with its type)")
    export.add_argument("--out", help="the file to write (default: standard output)")
    export.add_argument("--base-url", default="http://127.0.0.1:8000",
                        help="claimreview: where the propositions' pages are published (default: the local web app)")
    export.add_argument("--author", default="counterclaim", help="claimreview: the fact-checking organisation (default: counterclaim)")
    export.set_defaults(run=cmd_export)
