"""`counterclaim eval`: scores on the public data sets and on the project's own proposition corpora."""

from __future__ import annotations

import argparse
import contextlib
import json
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from counterclaim.cli.common import EXIT_INPUT_ERROR, EXIT_OK, error, extract_claims, progress_bar
from counterclaim.ingest.text import DEFAULT_MAX_BYTES

T = TypeVar("T")

if TYPE_CHECKING:
    from counterclaim.claims import Extraction
    from counterclaim.eval.polnear import GoldDocument
    from counterclaim.link.stance_data import StancePair
    from counterclaim.store import Ledger


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


@contextlib.contextmanager
def _corpus_ledger(folder: Path, failures: list[str]) -> Iterator[Ledger]:
    """A scratch ledger holding a corpus's `docs/`, for scoring it against its `truth.json`."""
    from counterclaim.store import Ledger

    with tempfile.TemporaryDirectory() as scratch, Ledger(Path(scratch) / "ledger.db") as ledger:
        for extraction in extract_claims([str(folder / "docs")], DEFAULT_MAX_BYTES, failures):
            ledger.add(extraction)
        yield ledger


def _truth(folder: Path, load: Callable[[Path], T]) -> T | None:
    """A corpus's ground truth, or None after a one-line error."""
    try:
        return load(folder / "truth.json")
    except (OSError, ValueError) as problem:
        error(f"{folder}: {problem}" if isinstance(problem, OSError) else str(problem))
        return None


def cmd_eval_propositions(args: argparse.Namespace) -> int:
    from counterclaim.eval.propositions import format_result, load_truth, score
    from counterclaim.link.propositions import document_texts, link, load_units

    folder = Path(args.folder)
    truth = _truth(folder, load_truth)
    if truth is None:
        return EXIT_INPUT_ERROR
    failures: list[str] = []
    if args.one_by_one:
        result = _score_grown(folder, failures, lambda found, units: score(found, units, truth))
    else:
        with _corpus_ledger(folder, failures) as ledger:
            units = load_units(ledger)
            result = score(link(units, document_texts(ledger)), units, truth)
    print(json.dumps(result, indent=2) if args.json else format_result(result))
    return EXIT_INPUT_ERROR if failures else EXIT_OK


def _score_grown(folder: Path, failures: list[str], scored: Callable[[list, list], T]) -> T:
    """The score of a corpus's propositions when its documents come one at a time (in name order), each linked into the
    ledger the ones before made: what a growing ledger gives, against what linking them all at once gives."""
    from counterclaim.link.propositions import load_units, relink
    from counterclaim.link.reads import StoredStance
    from counterclaim.store import Ledger

    extractions = list(extract_claims([str(folder / "docs")], DEFAULT_MAX_BYTES, failures))
    with tempfile.TemporaryDirectory() as scratch, Ledger(Path(scratch) / "ledger.db") as ledger:
        model = None
        for extraction in sorted(extractions, key=lambda e: e.document.doc_id):
            ledger.add(extraction)
            relink(ledger, model=model)
            model = model or StoredStance(ledger).model  # loaded once
        found, _ = relink(ledger)
        return scored(found, load_units(ledger))


def cmd_eval_discredits(args: argparse.Namespace) -> int:
    from counterclaim.eval.discredits import load_truth, score
    from counterclaim.link.discredits import find_edges
    from counterclaim.link.propositions import relink

    folder = Path(args.folder)
    truth = _truth(folder, load_truth)
    if truth is None:
        return EXIT_INPUT_ERROR
    failures: list[str] = []
    with _corpus_ledger(folder, failures) as ledger:
        relink(ledger)
        result = score(((e.source, e.target, e.kind) for e in find_edges(ledger)), truth)
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        print(f"edges: precision {result['precision']:.2f}, recall {result['recall']:.2f}, F1 {result['f1']:.2f} "
              f"({result['right']} right of {result['found']} found, {result['true']} true)")
        for label in ("missed", "wrong"):
            for source, target, kind in result[label]:
                print(f"  {label}: {source} -> {target} ({kind})")
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


def cmd_eval_ptc(args: argparse.Namespace) -> int:
    from transformers import AutoTokenizer

    from counterclaim.eval.ptc import held_out, load_ptc, span_scores, technique_scores
    from counterclaim.nlp.attribution import load_network
    from counterclaim.nlp.encoder import minilm_path
    from counterclaim.nlp.pipeline import load_base_pipeline
    from counterclaim.nlp.techniques import load_branch, read_docs, technique_spans, techniques_of_range

    try:
        articles = load_ptc(args.folder)
    except FileNotFoundError as problem:
        error(str(problem))
        return EXIT_INPUT_ERROR
    if args.held_out:
        articles = [a for a in articles if held_out(a)]
    tagger, _ = load_network()
    try:
        branch, _ = load_branch(tagger, Path(args.model_dir) if args.model_dir else None)
    except (FileNotFoundError, ValueError) as problem:
        error(str(problem))
        return EXIT_INPUT_ERROR
    tagger.quantize()  # read as the pipeline reads
    tokenizer = AutoTokenizer.from_pretrained(minilm_path())
    nlp = load_base_pipeline()
    predicted_spans: list[tuple[str, str, int, int]] = []
    gold_labels: list[tuple[str, str, int, int]] = []
    predicted_labels: list[tuple[str, str, int, int]] = []
    with progress_bar(len(articles), "reading articles") as progress:
        task = progress.add_task("ptc", total=len(articles))
        for start in range(0, len(articles), 8):
            batch = articles[start : start + 8]
            for article, readings in zip(batch, read_docs(tagger, branch, tokenizer, [nlp.make_doc(a.text) for a in batch]), strict=True):
                for reading in readings:
                    for span in technique_spans(reading):
                        predicted_spans += [(article.id, technique, span.start, span.end) for technique in span.techniques]
                by_span: dict[tuple[int, int], int] = {}
                for technique, s, e in article.spans:
                    gold_labels.append((article.id, technique, s, e))
                    by_span[s, e] = by_span.get((s, e), 0) + 1
                for (s, e), count in by_span.items():
                    predicted_labels += [(article.id, t, s, e) for t in techniques_of_range(readings, s, e)[:count]]
                progress.advance(task)
    gold_si: dict[str, list[tuple[int, int]]] = {}
    for article in articles:
        gold_si[article.id] = [(s, e) for _, s, e in article.spans]
    predicted_si: dict[str, list[tuple[int, int]]] = {}
    for article_id, _, s, e in predicted_spans:
        predicted_si.setdefault(article_id, []).append((s, e))
    si = span_scores(gold_si, predicted_si)
    tc = technique_scores(gold_labels, predicted_labels)
    if args.predictions:
        with open(args.predictions, "w", encoding="utf-8") as out:
            out.writelines(f"{a}\t{t}\t{s}\t{e}\n" for a, t, s, e in predicted_spans)
    result = {"si_f1": si["f1"], "si_precision": si["precision"], "si_recall": si["recall"], "tc_micro_f1": tc["micro_f1"],
              "articles": len(articles), "gold_spans": len(gold_labels), "predicted_spans": len(predicted_spans), "per_class": tc["per_class"]}
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        print(f"{len(articles)} articles, {len(gold_labels)} gold labels, {len(predicted_spans)} predicted")
        print(f"span identification: F1 {si['f1']:.3f} (precision {si['precision']:.3f}, recall {si['recall']:.3f})")
        print(f"technique classification on gold spans: micro-F1 {tc['micro_f1']:.3f}")
        for technique, scores in sorted(tc["per_class"].items(), key=lambda item: -item[1]["gold"]):
            print(f"  {technique:36} F1 {scores['f1']:.3f} ({scores['gold']} gold)")
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

    ptc = sets.add_parser("ptc", help="PTC (SemEval-2020 Task 11): technique span F1 and technique micro-F1 on gold spans")
    ptc.add_argument("folder", metavar="DIR", help="laid out as ../shared/data/ptc (*-articles/, *-task2-TC.labels)")
    ptc.add_argument("--held-out", action="store_true", help="score only the articles held out of training (ids that are multiples of 5)")
    ptc.add_argument("--predictions", metavar="FILE", help="also write the predicted spans as article_id<TAB>technique<TAB>start<TAB>end")
    ptc.add_argument("--json", action="store_true", help='print {"si_f1", "tc_micro_f1", ...} as JSON')
    ptc.add_argument("--model-dir", help="the technique model to score (default: the one in the package)")
    ptc.set_defaults(run=cmd_eval_ptc)

    discredits = sets.add_parser("discredits", help="who-discredits-whom edges against a ground truth (a folder with docs/ and truth.json)")
    discredits.add_argument("folder", metavar="DIR", help="e.g. tests/fixtures/discredits")
    discredits.add_argument("--json", action="store_true", help="print the scores as JSON")
    discredits.set_defaults(run=cmd_eval_discredits)

    props = sets.add_parser("propositions", help="propositions against a ground truth (a folder with docs/ and truth.json)")
    props.add_argument("folder", metavar="DIR", help="e.g. tests/fixtures/kessel_bridge")
    props.add_argument("--json", action="store_true", help="print the scores as JSON")
    props.add_argument(
        "--one-by-one", action="store_true",
        help="add the documents one at a time, each linked into the ledger before it (as a growing ledger is), not all at once",
    )
    props.set_defaults(run=cmd_eval_propositions)
