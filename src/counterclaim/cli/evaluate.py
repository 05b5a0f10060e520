"""`counterclaim eval`: scores on the public data sets and on the project's own proposition corpora."""

from __future__ import annotations

import argparse
import json
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from counterclaim.cli.common import EXIT_INPUT_ERROR, EXIT_OK, error, extract_claims, progress_bar
from counterclaim.ingest.text import DEFAULT_MAX_BYTES

if TYPE_CHECKING:
    from counterclaim.claims import Extraction
    from counterclaim.eval.polnear import GoldDocument
    from counterclaim.link.stance_data import StancePair


def load_polnear(folder: str) -> list[GoldDocument] | None:
    """The gold documents of a PolNeAR split, or None after a one-line error."""
    from counterclaim.eval.polnear import load_split

    try:
        return load_split(folder)
    except FileNotFoundError as problem:
        error(str(problem))
        return None


def _polnear_extractions(gold: list[GoldDocument]) -> Iterator[Extraction]:
    """The pipeline run over the split's articles, as `extract` would run it."""
    from counterclaim.claims import ClaimExtractor
    from counterclaim.ingest import document_from_text

    return ClaimExtractor().extract(document_from_text(g.stem, g.text) for g in gold)


def cmd_eval_polnear(args: argparse.Namespace) -> int:
    from counterclaim.eval.polnear import format_scores, score

    gold = load_polnear(args.folder)
    if gold is None:
        return EXIT_INPUT_ERROR
    predictions: dict[str, list[dict]] = {}
    with progress_bar(len(gold), "scoring") as progress:
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

    gold = load_polnear(args.folder)
    if gold is None:
        return EXIT_INPUT_ERROR
    counts, resolved = resolutions(_polnear_extractions(gold))
    print(format_report(counts, resolved, args.sample, args.seed))
    return EXIT_OK


def cmd_eval_propositions(args: argparse.Namespace) -> int:
    import tempfile

    from counterclaim.eval.propositions import format_result, load_truth, score
    from counterclaim.link.propositions import document_texts, link, load_units
    from counterclaim.store import Ledger

    folder = Path(args.folder)
    try:
        truth = load_truth(folder / "truth.json")
    except (OSError, ValueError) as problem:
        error(f"{folder}: {problem}" if isinstance(problem, OSError) else str(problem))
        return EXIT_INPUT_ERROR
    failures: list[str] = []
    with tempfile.TemporaryDirectory() as scratch, Ledger(Path(scratch) / "ledger.db") as ledger:
        for extraction in extract_claims([str(folder / "docs")], DEFAULT_MAX_BYTES, failures):
            ledger.add(extraction)
        units = load_units(ledger)
        result = score(link(units, document_texts(ledger)), units, truth)
    print(json.dumps(result, indent=2) if args.json else format_result(result))
    return EXIT_INPUT_ERROR if failures else EXIT_OK


def _stance_pairs(read, *paths: str) -> list[StancePair] | None:
    """Pairs from a stance data file, or None after a one-line error."""
    from counterclaim.link.stance_data import StanceDataError

    try:
        return read(*paths)
    except OSError as problem:
        error(f"{problem.filename or paths[0]}: {problem.strerror or problem}")
    except StanceDataError as problem:
        error(str(problem))
    return None


def cmd_eval_emergent(args: argparse.Namespace) -> int:
    from counterclaim.eval.stance import format_scores, score_emergent
    from counterclaim.link.stance import emergent_predictions
    from counterclaim.link.stance_data import read_emergent

    pairs = _stance_pairs(read_emergent, args.file)
    if pairs is None:
        return EXIT_INPUT_ERROR
    predicted, models = emergent_predictions(pairs)
    result = {**score_emergent([p.label for p in pairs], predicted), "claims": len({p.group for p in pairs}), "models": models}
    held_out = sum(n for name, n in models.items() if "fold" in name)
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        print(format_scores(result, (
            f"{len(pairs)} headline-claim pairs, {result['claims']} claims; {held_out} pairs scored by the fold model that held "
            f"their claim out, {len(pairs) - held_out} by the final model (claims it never saw)"
        )))
    return EXIT_OK


def cmd_eval_fnc1(args: argparse.Namespace) -> int:
    from counterclaim.eval.stance import format_scores, score_fnc1
    from counterclaim.link.stance import StanceModel
    from counterclaim.link.stance_data import is_fnc1_dev, read_fnc1

    pairs = _stance_pairs(read_fnc1, args.stances, args.bodies)
    if pairs is None:
        return EXIT_INPUT_ERROR
    if args.held_out:
        pairs = [p for p in pairs if is_fnc1_dev(str(p.group))]
    if not pairs:
        error(f"{args.stances}: no pairs to score")
        return EXIT_INPUT_ERROR
    model = StanceModel.load()
    predicted: list[str] = []
    with progress_bar(len(pairs), "reading pairs") as progress:
        task = progress.add_task("fnc1", total=len(pairs))
        for start in range(0, len(pairs), 256):
            predicted.extend(model.predict(pairs[start : start + 256]))
            progress.update(task, completed=len(predicted))
    result = score_fnc1([p.label for p in pairs], predicted)
    result["bodies"] = len({p.group for p in pairs})
    if args.predictions:
        with open(args.predictions, "w", encoding="utf-8", newline="") as out:
            out.write("Headline,Body ID,Stance\n")
            import csv

            from counterclaim.export.safe import csv_cell

            writer = csv.writer(out)
            writer.writerows((csv_cell(p.claim), p.group, label) for p, label in zip(pairs, predicted, strict=True))
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        part = "the held-out tenth of bodies" if args.held_out else "all pairs"
        print(format_scores(result, f"{len(pairs)} headline-body pairs, {result['bodies']} bodies ({part})"))
    return EXIT_OK


def add_commands(commands: argparse._SubParsersAction) -> None:
    evaluate = commands.add_parser("eval", help="score extraction, stance and propositions on a data set")
    sets = evaluate.add_subparsers(dest="dataset", required=True, metavar="DATASET")
    polnear = sets.add_parser("polnear", help="PolNeAR attribution (content, source, cue)")
    polnear.add_argument("folder", metavar="DIR", help="a PolNeAR split, e.g. ../shared/data/polnear/dev")
    polnear.add_argument("--predictions", metavar="FILE", help="also write the predicted claims as JSON Lines")
    polnear.add_argument("--json", action="store_true", help="print the full scores as JSON")
    polnear.set_defaults(run=cmd_eval_polnear)

    resolution = sets.add_parser("speakers", help="PolNeAR: share of pronoun and description sources resolved, with a sample")
    resolution.add_argument("folder", metavar="DIR", help="a PolNeAR split, e.g. ../shared/data/polnear/dev")
    resolution.add_argument("--sample", type=int, default=50, help="resolutions to print for checking by hand (default: 50)")
    resolution.add_argument("--seed", type=int, default=0, help="seed of the sample (default: 0)")
    resolution.set_defaults(run=cmd_eval_speakers)

    emergent = sets.add_parser(
        "emergent", help="Emergent: stance of headlines toward claims (training claims scored by the fold model that held them out)"
    )
    emergent.add_argument("file", metavar="FILE", help="e.g. ../shared/data/emergent/train.csv")
    emergent.add_argument("--json", action="store_true", help='print {"accuracy", "macro_f1", ...} as JSON')
    emergent.set_defaults(run=cmd_eval_emergent)

    fnc1 = sets.add_parser("fnc1", help="FNC-1: stance of article bodies toward headlines, with the official weighted score")
    fnc1.add_argument("--stances", required=True, metavar="FILE", help="e.g. ../shared/data/fnc1/train_stances.csv")
    fnc1.add_argument("--bodies", required=True, metavar="FILE", help="e.g. ../shared/data/fnc1/train_bodies.csv")
    fnc1.add_argument("--held-out", action="store_true", help="score only the tenth of bodies held out of training (for the training files)")
    fnc1.add_argument("--predictions", metavar="FILE", help="also write the predicted stances as CSV (Headline, Body ID, Stance)")
    fnc1.add_argument("--json", action="store_true", help='print {"relative_score", "accuracy", "macro_f1", "per_class"} as JSON')
    fnc1.set_defaults(run=cmd_eval_fnc1)

    props = sets.add_parser("propositions", help="propositions against a ground truth (a folder with docs/ and truth.json)")
    props.add_argument("folder", metavar="DIR", help="e.g. tests/fixtures/kessel_bridge")
    props.add_argument("--json", action="store_true", help="print the scores as JSON")
    props.set_defaults(run=cmd_eval_propositions)
