"""The command line: parses arguments and calls the stages. No logic of its own.

One module per command group (`documents`, `batch`, `ledger`, `web`, `evaluate`, `train`).
Every user error (a file that cannot be read, a missing data folder) is one
line on stderr naming the file; the other files of the batch still run and the
exit status is 1 when any failed.
"""

from __future__ import annotations

import argparse

from counterclaim import __version__
from counterclaim.cli import batch, documents, evaluate, ledger, train, web
from counterclaim.cli.common import EXIT_INPUT_ERROR, EXIT_OK, error


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="counterclaim", description="Attributed claims from news articles and interview transcripts.")
    parser.add_argument("--version", action="version", version=f"counterclaim {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for group in (documents, batch, ledger, web, evaluate, train):
        group.add_commands(commands)
    return parser


def main(argv: list[str] | None = None) -> int:
    from counterclaim.nlp.encoder import EncoderMissingError
    from counterclaim.nlp.english_model import ModelMissingError
    from counterclaim.store import LedgerError

    args = build_parser().parse_args(argv)
    try:
        return args.run(args)
    except (ModelMissingError, EncoderMissingError, LedgerError) as problem:  # LedgerError: locked too long mid-command
        error(str(problem))
        return EXIT_INPUT_ERROR
    except KeyboardInterrupt:
        error("interrupted")
        return 130
    except BrokenPipeError:
        return EXIT_OK
