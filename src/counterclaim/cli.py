"""The command line: parses arguments and calls the stages. No logic of its own.

Every user error (a file that cannot be read, a missing data folder) is one
line on stderr naming the file; the other files of the batch still run and the
exit status is 1 when any failed.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from counterclaim import __version__
from counterclaim.errors import InputError
from counterclaim.ingest.text import DEFAULT_MAX_BYTES
from counterclaim.model import Document

if TYPE_CHECKING:
    from counterclaim.claims import Extraction
    from counterclaim.eval.polnear import GoldDocument
    from counterclaim.link.stance import StancePair
    from counterclaim.store import Ledger

EXIT_OK, EXIT_INPUT_ERROR, EXIT_USAGE = 0, 1, 2
DEFAULT_DB = "ledger.db"  # as counterclaim.store.DEFAULT_DB; repeated so that --help loads no spaCy
DEMO_FOLDER = "examples"

stderr = Console(stderr=True, highlight=False)


def _error(message: str) -> None:
    stderr.print(f"counterclaim: error: {message}", markup=False, soft_wrap=True)


def _warn(message: str) -> None:
    stderr.print(f"counterclaim: warning: {message}", markup=False, soft_wrap=True)


def _progress(total: int, what: str) -> Progress:
    return Progress(
        TextColumn(f"[bold]{what}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
        console=stderr, transient=True, disable=total < 2 or not stderr.is_terminal,
    )


def _read_documents(paths: list[str], max_bytes: int, failures: list[str]) -> Iterator[Document]:
    """Documents of the readable files; each unreadable one is reported and skipped."""
    from counterclaim.ingest import read_document
    from counterclaim.nlp.quotes import scan_quotes

    for path in paths:
        try:
            document = read_document(path, max_bytes=max_bytes)
        except InputError as error:
            _error(str(error))
            failures.append(path)
            continue
        unclosed = scan_quotes(document.text).unclosed
        if unclosed:
            line = document.text.count("\n", 0, unclosed[0]) + 1
            _warn(f"{path}: unbalanced quotation marks (first at line {line}); quotes closed at the paragraph's end")
        yield document


def _expand(paths: list[str]) -> list[str]:
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

    files = _expand(paths)
    read = 0

    def documents() -> Iterator[Document]:
        nonlocal read
        for document in _read_documents(files, max_bytes, failures):
            read += 1
            if keep is None or keep(document):
                yield document

    extractor = ClaimExtractor()
    with _progress(len(files), "extracting") as progress:
        task = progress.add_task("extract", total=len(files))
        for extraction in extractor.extract(documents()):
            yield extraction
            progress.update(task, completed=read + len(failures))


def cmd_extract(args: argparse.Namespace) -> int:
    from counterclaim.export import WRITERS

    failures: list[str] = []
    claims = (c for extraction in extract_claims(args.files, args.max_bytes, failures) for c in extraction.claims)
    WRITERS[args.format](claims, sys.stdout)
    return EXIT_INPUT_ERROR if failures else EXIT_OK


def cmd_ingest(args: argparse.Namespace) -> int:
    from counterclaim.store import Ledger, LedgerError

    try:
        ledger = Ledger(args.db)
    except LedgerError as error:
        _error(str(error))
        return EXIT_INPUT_ERROR
    failures: list[str] = []
    known: list[Document] = []

    def is_new(document: Document) -> bool:
        if ledger.has_document(document.text):
            known.append(document)
            return False
        return True

    added = 0
    with ledger:
        for extraction in extract_claims(args.files, args.max_bytes, failures, keep=is_new):
            added += ledger.add(extraction)
        counts = ledger.counts()
    print(
        f"{added} documents added, {len(known)} already in the ledger, {len(failures)} failed; "
        f"{args.db} holds {counts['documents']} documents, {counts['speakers']} speakers, {counts['claims']} claims"
    )
    return EXIT_INPUT_ERROR if failures else EXIT_OK


def _emit(items: list, fmt: str, write_table: Callable[[list, TextIO], None]) -> None:
    """Records as a JSON list, or the table for reading."""
    if fmt == "json":
        print(json.dumps([item.to_json() for item in items], ensure_ascii=False, indent=2))
    else:
        write_table(items, sys.stdout)


def _open_ledger(path: str) -> Ledger | None:
    """An existing ledger, or None after a one-line error."""
    from counterclaim.store import Ledger, LedgerError

    if not Path(path).exists():
        _error(f"{path}: no such ledger (make one with `counterclaim ingest FILE... --db {path}`)")
        return None
    try:
        return Ledger(path)
    except LedgerError as error:
        _error(str(error))
        return None


def cmd_quotes(args: argparse.Namespace) -> int:
    from counterclaim.link.fidelity import check_quotes

    ledger = _open_ledger(args.db)
    if ledger is None:
        return EXIT_INPUT_ERROR
    with ledger:
        checks = check_quotes(ledger)
    from counterclaim.export.quotes import write_quote_table

    _emit(checks, args.format, write_quote_table)
    return EXIT_OK


def cmd_timeline(args: argparse.Namespace) -> int:
    from counterclaim.link.timeline import timeline

    ledger = _open_ledger(args.db)
    if ledger is None:
        return EXIT_INPUT_ERROR
    with ledger:
        if args.proposition is not None and not ledger.db.execute(
            "SELECT 1 FROM propositions WHERE id = ?", (args.proposition,)
        ).fetchone():
            _error(f"{args.db}: no proposition {args.proposition} (run `counterclaim contested --db {args.db}` first)")
            return EXIT_INPUT_ERROR
        entries = timeline(ledger, speaker=args.speaker, proposition=args.proposition)
    from counterclaim.export.timeline import write_timeline_table

    _emit(entries, args.format, write_timeline_table)
    return EXIT_OK


def cmd_contested(args: argparse.Namespace) -> int:
    from counterclaim.link.propositions import link, load_units, store

    ledger = _open_ledger(args.db)
    if ledger is None:
        return EXIT_INPUT_ERROR
    with ledger:
        propositions = link(load_units(ledger))
        store(ledger, propositions)
    from counterclaim.export.contested import write_contested

    _emit([p for p in propositions if p.contested], args.format, write_contested)
    return EXIT_OK


def cmd_demo(args: argparse.Namespace) -> int:
    from counterclaim.export.table import claims_table

    folder = Path(args.folder)
    if not folder.is_dir():
        _error(f"{folder}: no such folder (run `counterclaim demo` from the project's root, or name the folder)")
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
    out.print(f"{len(results)} documents, {n_claims} claims, {n_deny} denials.")
    return EXIT_INPUT_ERROR if failures else EXIT_OK


def cmd_speakers(args: argparse.Namespace) -> int:
    from counterclaim.export.speakers import write_speakers

    failures: list[str] = []
    write_speakers(extract_claims(args.files, args.max_bytes, failures), sys.stdout, args.format)
    return EXIT_INPUT_ERROR if failures else EXIT_OK


def _load_polnear(folder: str) -> list[GoldDocument] | None:
    """The gold documents of a PolNeAR split, or None after a one-line error."""
    from counterclaim.eval.polnear import load_split

    try:
        return load_split(folder)
    except FileNotFoundError as error:
        _error(str(error))
        return None


def _polnear_extractions(gold: list[GoldDocument]) -> Iterator[Extraction]:
    """The pipeline run over the split's articles, as `extract` would run it."""
    from counterclaim.claims import ClaimExtractor
    from counterclaim.ingest import document_from_text

    return ClaimExtractor().extract(document_from_text(g.stem, g.text) for g in gold)


def cmd_eval_polnear(args: argparse.Namespace) -> int:
    from counterclaim.eval.polnear import format_scores, score

    gold = _load_polnear(args.folder)
    if gold is None:
        return EXIT_INPUT_ERROR
    predictions: dict[str, list[dict]] = {}
    with _progress(len(gold), "scoring") as progress:
        task = progress.add_task("eval", total=len(gold))
        for extraction in _polnear_extractions(gold):
            predictions[extraction.document.doc_id] = [c.to_json() for c in extraction.claims]
            progress.advance(task)
    if args.predictions:
        with open(args.predictions, "w", encoding="utf-8") as out:
            for records in predictions.values():
                out.writelines(json.dumps(r, ensure_ascii=False) + "\n" for r in records)
    result = score(gold, predictions)
    print(json.dumps(result, indent=2) if args.json else format_scores(result))
    return EXIT_OK


def cmd_eval_speakers(args: argparse.Namespace) -> int:
    from counterclaim.eval.resolution import format_report, resolutions

    gold = _load_polnear(args.folder)
    if gold is None:
        return EXIT_INPUT_ERROR
    counts, resolved = resolutions(_polnear_extractions(gold))
    print(format_report(counts, resolved, args.sample, args.seed))
    return EXIT_OK


def cmd_eval_propositions(args: argparse.Namespace) -> int:
    import tempfile

    from counterclaim.eval.propositions import load_truth, score
    from counterclaim.link.propositions import link, load_units
    from counterclaim.store import Ledger

    folder = Path(args.folder)
    try:
        truth = load_truth(folder / "truth.json")
    except (OSError, ValueError) as error:
        _error(f"{folder}: {error}" if isinstance(error, OSError) else str(error))
        return EXIT_INPUT_ERROR
    failures: list[str] = []
    with tempfile.TemporaryDirectory() as scratch, Ledger(Path(scratch) / "ledger.db") as ledger:
        for extraction in extract_claims([str(folder / "docs")], DEFAULT_MAX_BYTES, failures):
            ledger.add(extraction)
        units = load_units(ledger)
        result = score(link(units), units, truth)
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        print(
            f"{result['claims_found']} of {result['named_claims']} ground-truth claims extracted, "
            f"{result['claims_in_propositions']} placed in a proposition; {result['propositions']} propositions, "
            f"{result['contested']} contested\n"
            f"purity {result['purity']:.2f}  contested precision {result['contested_precision']:.2f}  "
            f"recall {result['contested_recall']:.2f}  side accuracy {result['side_accuracy']:.2f}"
        )
    return EXIT_INPUT_ERROR if failures else EXIT_OK


def _read_emergent(path: str) -> list[StancePair] | None:
    """Emergent's headline-claim pairs, or None after a one-line error."""
    from counterclaim.link.stance import read_emergent

    try:
        return read_emergent(path)
    except OSError as error:
        _error(f"{path}: {error.strerror or error}")
    except ValueError as error:
        _error(str(error))
    return None


def cmd_eval_emergent(args: argparse.Namespace) -> int:
    from counterclaim.link.stance import cross_validate

    pairs = _read_emergent(args.file)
    if pairs is None:
        return EXIT_INPUT_ERROR
    result = cross_validate(pairs, folds=args.folds)
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        print(
            f"{result['pairs']} headline-claim pairs, {result['claims']} claims, {args.folds}-fold cross-validation split by claim\n"
            f"accuracy {result['accuracy']:.3f}  macro-F1 {result['macro_f1']:.3f}  "
            f"(F1 for {result['f1_for']:.3f}, against {result['f1_against']:.3f}, observing {result['f1_observing']:.3f})"
        )
    return EXIT_OK


def cmd_train_stance(args: argparse.Namespace) -> int:
    from counterclaim.link.stance import train

    pairs = _read_emergent(args.file)
    if pairs is None:
        return EXIT_INPUT_ERROR
    path = train(pairs, Path(args.output) if args.output else None)
    print(f"trained on {len(pairs)} pairs; weights in {path}")
    return EXIT_OK


def cmd_train_attribution(args: argparse.Namespace) -> int:
    from counterclaim.nlp.pipeline import load_base_pipeline
    from counterclaim.nlp.training import parse_gold, train_attribution

    gold = _load_polnear(args.folder)
    if gold is None:
        return EXIT_INPUT_ERROR
    nlp = load_base_pipeline()
    with Progress(console=stderr, transient=True) as progress:
        task = progress.add_task("parsing", total=len(gold))
        pairs = parse_gold(nlp, gold, progress=lambda: progress.advance(task))
    with Progress(console=stderr, transient=True) as progress:
        task = progress.add_task(f"training ({args.epochs} epochs)", total=None)
        meta = train_attribution(
            pairs, Path(args.model_dir) if args.model_dir else None,
            epochs=args.epochs, learning_rate=args.learning_rate, rank=args.rank, seed=args.seed,
            progress=lambda step, total: progress.update(task, completed=step, total=total),
        )
    print(f"trained on {meta['documents']} documents, {meta['words']} words in {meta['minutes']} min")
    return EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="counterclaim", description="Attributed claims from news articles and interview transcripts.")
    parser.add_argument("--version", action="version", version=f"counterclaim {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    extract = commands.add_parser("extract", help="list the attributed claims of files (text, HTML, transcripts)")
    extract.add_argument("files", nargs="+", metavar="FILE", help="files or folders to read")
    extract.add_argument("--format", choices=("jsonl", "json", "table", "csv"), default="jsonl", help="output format (default: jsonl)")
    extract.add_argument("--max-bytes", type=int, default=DEFAULT_MAX_BYTES, help="refuse files larger than this (default: 20 MB)")
    extract.set_defaults(run=cmd_extract)

    speakers = commands.add_parser("speakers", help="list each document's speakers: roles, affiliations, aliases, claim counts")
    speakers.add_argument("files", nargs="+", metavar="FILE", help="files or folders to read")
    speakers.add_argument("--format", choices=("table", "json"), default="table", help="output format (default: table)")
    speakers.add_argument("--max-bytes", type=int, default=DEFAULT_MAX_BYTES, help="refuse files larger than this (default: 20 MB)")
    speakers.set_defaults(run=cmd_speakers)

    ingest = commands.add_parser("ingest", help="store documents, speakers and claims in the ledger (SQLite)")
    ingest.add_argument("files", nargs="+", metavar="FILE", help="files or folders to read")
    ingest.add_argument("--db", default=DEFAULT_DB, help=f"the ledger file (default: {DEFAULT_DB} in the working folder)")
    ingest.add_argument("--max-bytes", type=int, default=DEFAULT_MAX_BYTES, help="refuse files larger than this (default: 20 MB)")
    ingest.set_defaults(run=cmd_ingest)

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
    contested.add_argument("--format", choices=("table", "json"), default="table", help="output format (default: table)")
    contested.set_defaults(run=cmd_contested)

    demo = commands.add_parser("demo", help="analyse the bundled example corpus and print its claims")
    demo.add_argument("folder", nargs="?", default=DEMO_FOLDER, help="folder of documents (default: examples)")
    demo.set_defaults(run=cmd_demo)

    evaluate = commands.add_parser("eval", help="score extraction on a public data set")
    eval_sets = evaluate.add_subparsers(dest="dataset", required=True, metavar="DATASET")
    polnear = eval_sets.add_parser("polnear", help="PolNeAR attribution (content, source, cue)")
    polnear.add_argument("folder", metavar="DIR", help="a PolNeAR split, e.g. ../shared/data/polnear/dev")
    polnear.add_argument("--predictions", metavar="FILE", help="also write the predicted claims as JSON Lines")
    polnear.add_argument("--json", action="store_true", help="print the full scores as JSON")
    polnear.set_defaults(run=cmd_eval_polnear)

    resolution = eval_sets.add_parser("speakers", help="PolNeAR: share of pronoun and description sources resolved, with a sample")
    resolution.add_argument("folder", metavar="DIR", help="a PolNeAR split, e.g. ../shared/data/polnear/dev")
    resolution.add_argument("--sample", type=int, default=50, help="resolutions to print for checking by hand (default: 50)")
    resolution.add_argument("--seed", type=int, default=0, help="seed of the sample (default: 0)")
    resolution.set_defaults(run=cmd_eval_speakers)

    emergent = eval_sets.add_parser("emergent", help="Emergent: stance of headlines toward claims, cross-validated by claim")
    emergent.add_argument("file", metavar="FILE", help="e.g. ../shared/data/emergent/train.csv")
    emergent.add_argument("--folds", type=int, default=5, help="cross-validation folds (default: 5)")
    emergent.add_argument("--json", action="store_true", help="print the scores as JSON")
    emergent.set_defaults(run=cmd_eval_emergent)

    props = eval_sets.add_parser("propositions", help="propositions against a ground truth (a folder with docs/ and truth.json)")
    props.add_argument("folder", metavar="DIR", help="e.g. tests/fixtures/kessel_bridge")
    props.add_argument("--json", action="store_true", help="print the scores as JSON")
    props.set_defaults(run=cmd_eval_propositions)

    train = commands.add_parser("train", help="train a shipped model from a data set")
    models = train.add_subparsers(dest="model", required=True, metavar="MODEL")
    attribution = models.add_parser("attribution", help="the attribution tagger, from a PolNeAR split")
    attribution.add_argument("folder", metavar="DIR", help="a PolNeAR split, e.g. ../shared/data/polnear/train")
    attribution.add_argument("--model-dir", help="where to write the model (default: inside the package)")
    attribution.add_argument("--epochs", type=int, default=3, help="passes over the split (default: 3)")
    attribution.add_argument("--learning-rate", type=float, default=5e-4, help="peak AdamW learning rate (default: 0.0005)")
    attribution.add_argument("--rank", type=int, default=16, help="rank of the low-rank adapters (default: 16)")
    attribution.add_argument("--seed", type=int, default=0, help="random seed (default: 0)")
    attribution.set_defaults(run=cmd_train_attribution)
    stance = models.add_parser("stance", help="the stance model, from Emergent's headlines")
    stance.add_argument("file", metavar="FILE", help="e.g. ../shared/data/emergent/train.csv")
    stance.add_argument("--output", help="where to write the weights (default: inside the package)")
    stance.set_defaults(run=cmd_train_stance)
    return parser


def main(argv: list[str] | None = None) -> int:
    from counterclaim.nlp.encoder import EncoderMissingError
    from counterclaim.nlp.pipeline import ModelMissingError

    args = build_parser().parse_args(argv)
    try:
        return args.run(args)
    except (ModelMissingError, EncoderMissingError) as error:
        _error(str(error))
        return EXIT_INPUT_ERROR
    except KeyboardInterrupt:
        _error("interrupted")
        return 130
    except BrokenPipeError:
        return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
