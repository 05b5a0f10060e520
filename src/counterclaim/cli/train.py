"""`counterclaim train`: the shipped models, retrained from the data sets."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path

from rich.progress import Progress

from counterclaim.cli.common import EXIT_INPUT_ERROR, EXIT_OK, EXIT_USAGE, stderr
from counterclaim.cli.evaluate import _stance_pairs, load_polnear


def stage_bars(progress: Progress) -> Callable[[str, int, int], None]:
    """A progress callback `(stage, step, total)` that shows one bar per stage of a training run."""
    tasks: dict[str, int] = {}

    def advance(what: str, step: int, total: int) -> None:
        if what not in tasks:
            tasks[what] = progress.add_task(what, total=total)
        progress.update(tasks[what], completed=step, total=total)

    return advance


def cmd_train_stance(args: argparse.Namespace) -> int:
    from counterclaim.link.stance_data import StanceDataError, read_emergent, read_fnc1
    from counterclaim.link.stance_training import CUES, train_stance

    emergent = _stance_pairs(read_emergent, args.emergent)
    if emergent is None:
        return EXIT_INPUT_ERROR
    only = set(args.only) if args.only else None
    if only == {CUES}:  # the cue layers read Emergent alone
        fnc, polnear = [], []
    else:
        missing = [flag for flag, value in (("--fnc1", args.fnc1), ("--polnear", args.polnear)) if not value]
        if missing:
            stderr.print(f"error: train stance needs {' and '.join(missing)} (only `--only cues` reads Emergent alone)")
            return EXIT_USAGE
        fnc = _stance_pairs(read_fnc1, str(Path(args.fnc1) / "train_stances.csv"), str(Path(args.fnc1) / "train_bodies.csv"))
        polnear = load_polnear(args.polnear)
        if fnc is None or polnear is None:
            return EXIT_INPUT_ERROR
    # the first articles of the split are kept for judging propositions on real text: never trained on
    articles = [[" ".join(g.text[s:e] for s, e in claim.content) for claim in g.claims] for g in polnear[args.keep_out :]]
    try:
        with Progress(console=stderr, transient=True) as progress:
            advance = stage_bars(progress)
            summary = train_stance(
                fnc, emergent, articles, Path(args.model_dir) if args.model_dir else None, seed=args.seed,
                only=only, progress=advance,
            )
    except StanceDataError as problem:
        stderr.print(f"error: {args.emergent}: {problem}")
        return EXIT_INPUT_ERROR
    if not summary["models"]:
        where = args.model_dir or "the package"
        stderr.print(f"error: nothing trained: the cue layers need the five fold models and the final claim reader in {where}")
        return EXIT_INPUT_ERROR
    print(f"trained {', '.join(summary['models'])} in {summary['minutes']} min")
    return EXIT_OK


def cmd_train_attribution(args: argparse.Namespace) -> int:
    from counterclaim.nlp.pipeline import load_base_pipeline
    from counterclaim.nlp.training import parse_gold, train_attribution

    gold = load_polnear(args.folder)
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


def cmd_train_techniques(args: argparse.Namespace) -> int:
    from counterclaim.cli.common import error
    from counterclaim.eval.ptc import HELD_OUT_EVERY, held_out, load_ptc
    from counterclaim.nlp.attribution import load_network
    from counterclaim.nlp.pipeline import load_base_pipeline
    from counterclaim.nlp.technique_training import train_techniques

    try:
        articles = load_ptc(args.folder)
    except FileNotFoundError as problem:
        error(str(problem))
        return EXIT_INPUT_ERROR
    kept = [a for a in articles if args.all or not held_out(a)]
    note = "" if args.all else f"articles whose id is a multiple of {HELD_OUT_EVERY} held out ({len(articles) - len(kept)})"
    tagger, _ = load_network()
    with Progress(console=stderr, transient=True) as progress:
        advance = stage_bars(progress)
        meta = train_techniques(
            load_base_pipeline(), tagger, [(a.text, a.spans) for a in kept], Path(args.model_dir) if args.model_dir else None,
            epochs=args.epochs, learning_rate=args.learning_rate, rank=args.rank, depth=args.depth, seed=args.seed, held_out=note,
            progress=advance,
        )
    print(f"trained on {meta['articles']} articles, {meta['words']} words in {meta['minutes']} min{f'; {note}' if note else ''}")
    return EXIT_OK


def add_commands(commands: argparse._SubParsersAction) -> None:
    train = commands.add_parser("train", help="train a shipped model from a data set")
    models = train.add_subparsers(dest="model", required=True, metavar="MODEL")
    attribution = models.add_parser("attribution", help="the attribution tagger, from a PolNeAR split")
    attribution.add_argument("folder", metavar="DIR", help="a PolNeAR split, e.g. ../shared/data/polnear/train")
    attribution.add_argument("--model-dir", help="where to write the model (default: inside the package)")
    attribution.add_argument("--epochs", type=int, default=6, help="passes over the split (default: 6)")
    attribution.add_argument("--learning-rate", type=float, default=5e-4, help="peak AdamW learning rate (default: 0.0005)")
    attribution.add_argument("--rank", type=int, default=16, help="rank of the low-rank adapters (default: 16)")
    attribution.add_argument("--seed", type=int, default=0, help="random seed (default: 0)")
    attribution.set_defaults(run=cmd_train_attribution)

    techniques = models.add_parser("techniques", help="the persuasion technique branch, from PTC (SemEval-2020 Task 11) articles")
    techniques.add_argument("folder", metavar="DIR", help="laid out as ../shared/data/ptc (*-articles/, *-task2-TC.labels)")
    techniques.add_argument("--model-dir", help="where to write the model (default: inside the package)")
    techniques.add_argument("--epochs", type=int, default=8, help="passes over the articles (default: 8)")
    techniques.add_argument("--learning-rate", type=float, default=1e-3, help="peak AdamW learning rate (default: 0.001)")
    techniques.add_argument("--rank", type=int, default=16, help="rank of the low-rank adapters (default: 16)")
    techniques.add_argument("--depth", type=int, default=2, help="final encoder blocks the branch copies and adapts (default: 2)")
    techniques.add_argument("--seed", type=int, default=0, help="random seed (default: 0)")
    techniques.add_argument("--all", action="store_true", help="train on every article (default: hold out those whose id is a multiple of 5)")
    techniques.set_defaults(run=cmd_train_techniques)

    stance = models.add_parser("stance", help="the stance readers (claims, passages) and the claim reader's Emergent fold models")
    stance.add_argument("--fnc1", metavar="DIR", help="FNC-1 with train_stances.csv and train_bodies.csv, e.g. ../shared/data/fnc1")
    stance.add_argument("--emergent", required=True, metavar="FILE", help="e.g. ../shared/data/emergent/train.csv")
    stance.add_argument(
        "--polnear", metavar="DIR", help="a PolNeAR split whose articles give within-article pairs, e.g. ../shared/data/polnear/train"
    )
    stance.add_argument("--keep-out", type=int, default=200, help="leave out the split's first N articles, kept for judging real text (default: 200)")
    stance.add_argument("--model-dir", help="where to write the models (default: inside the package)")
    stance.add_argument(
        "--only", nargs="+", metavar="MODEL",
        help="train only these models, e.g. stance-claims-fold0; `cues` fits the claim readers' cue layers again (Emergent only, a minute)",
    )
    stance.add_argument("--seed", type=int, default=0, help="random seed (default: 0)")
    stance.set_defaults(run=cmd_train_stance)
