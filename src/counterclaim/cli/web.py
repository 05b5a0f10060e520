"""Commands that show the ledger to people: serve (the web app) and report (one HTML file)."""

from __future__ import annotations

import argparse
import ipaddress
import os

from counterclaim.cli.common import DEFAULT_DB, EXIT_INPUT_ERROR, EXIT_OK, error

TOKEN_VARIABLE = "COUNTERCLAIM_TOKEN"


def is_loopback(host: str) -> bool:
    """Whether only this machine can reach an address (`localhost`, 127.0.0.0/8, ::1)."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def cmd_serve(args: argparse.Namespace) -> int:
    token = args.token or os.environ.get(TOKEN_VARIABLE) or None
    if not is_loopback(args.host) and not token:
        error(f"--host {args.host}: other machines could reach the ledger; give --token (or set {TOKEN_VARIABLE}) to serve there")
        return EXIT_INPUT_ERROR
    if token is not None and len(token) < 16:
        error("--token: use at least 16 characters (for instance: python -c 'import secrets; print(secrets.token_urlsafe())')")
        return EXIT_INPUT_ERROR
    import uvicorn

    from counterclaim.store import LedgerError
    from counterclaim.web.app import create_app

    try:
        app = create_app(args.db, token=token, link_uploads=not args.no_link)
    except LedgerError as problem:
        error(str(problem))
        return EXIT_INPUT_ERROR
    shown_host = f"[{args.host}]" if ":" in args.host else args.host
    print(f"counterclaim: serving {args.db} at http://{shown_host}:{args.port}/{'?token=…' if token else ''} (Ctrl-C stops)", flush=True)
    try:
        uvicorn.run(app, host=args.host, port=args.port, log_level="warning")
    except OSError as problem:  # the port is taken, or the address is not this machine's
        error(f"--host {args.host} --port {args.port}: {problem.strerror or problem}")
        return EXIT_INPUT_ERROR
    return EXIT_OK


def cmd_report(args: argparse.Namespace) -> int:
    from pathlib import Path

    from counterclaim.cli.common import open_ledger

    ledger = open_ledger(args.db)  # a clear error for a missing or foreign file, and the schema brought up to date
    if ledger is None:
        return EXIT_INPUT_ERROR
    ledger.close()
    from counterclaim.web.report import write_report

    out = Path(args.out)
    try:
        counts = write_report(args.db, out, args.proposition)
    except KeyError as problem:
        error(f"{args.db}: {problem.args[0]}")
        return EXIT_INPUT_ERROR
    except OSError as problem:
        error(f"{args.out}: {problem.strerror or problem}")
        return EXIT_INPUT_ERROR
    size = out.stat().st_size
    shown_size = f"{size / 1e6:.1f} MB" if size >= 1e6 else f"{size / 1e3:.0f} kB"
    print(f"{out}: {counts['propositions']} propositions, {counts['speakers']} speakers, {counts['documents']} documents "
          f"({shown_size}, self-contained)")
    return EXIT_OK


def add_commands(commands: argparse._SubParsersAction) -> None:
    serve = commands.add_parser("serve", help="the web app over a ledger: documents, contested board, speakers, search, check, verdicts")
    serve.add_argument("--db", default=DEFAULT_DB, help=f"the ledger file (default: {DEFAULT_DB}; created if missing)")
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1, this machine only)")
    serve.add_argument("--port", type=int, default=8000, help="port (default: 8000)")
    serve.add_argument(
        "--token", help=f"required on every request (as ?token=, a cookie, or a Bearer header); needed for any --host but "
        f"this machine's; also read from ${TOKEN_VARIABLE}",
    )
    serve.add_argument("--no-link", action="store_true", help="do not link documents added in the app (link later with `contested`)")
    serve.set_defaults(run=cmd_serve)

    report = commands.add_parser("report", help="one self-contained HTML file: contested board, speakers, documents highlighted")
    report.add_argument("--db", default=DEFAULT_DB, help=f"the ledger file (default: {DEFAULT_DB})")
    report.add_argument(
        "--proposition", type=int, action="append", metavar="ID", help="only this proposition (repeat for more; default: every contested one)",
    )
    report.add_argument("--out", required=True, help="the HTML file to write")
    report.set_defaults(run=cmd_report)
