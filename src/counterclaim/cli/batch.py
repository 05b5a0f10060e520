"""`counterclaim batch`: a folder of inputs to Parquet part files on Dask, resumable; `ingest` loads them."""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from counterclaim.cli.common import EXIT_INPUT_ERROR, EXIT_OK, error, expand, stderr
from counterclaim.ingest.text import DEFAULT_MAX_BYTES

DEFAULT_SHARD_SIZE = 100  # as counterclaim.batch.shards.DEFAULT_SHARD_SIZE; repeated so that --help loads no Dask


def cmd_batch(args: argparse.Namespace) -> int:
    from counterclaim.batch.engine import run_shards
    from counterclaim.batch.parts import part_name
    from counterclaim.batch.shards import PlanError, load_or_make_plan

    out = Path(args.out)
    if args.workers < 1 or args.shard_size < 1:
        error("--workers and --shard-size must be at least 1")
        return EXIT_INPUT_ERROR
    if out.exists() and not out.is_dir():
        error(f"{out}: not a folder (--out names the folder the part files go to)")
        return EXIT_INPUT_ERROR
    failures: list[str] = []
    files = expand(args.files, failures)
    options = {"max_bytes": args.max_bytes, "encoding": args.encoding, "shard_size": args.shard_size}
    try:
        plan, resumed = load_or_make_plan(out, [os.path.abspath(p) for p in args.files], options, files, args.shard_size)
    except PlanError as problem:
        error(str(problem))
        return EXIT_INPUT_ERROR
    started = time.perf_counter()
    documents = claims = errors = 0
    progress = Progress(
        TextColumn("[bold]batch"), BarColumn(), MofNCompleteColumn(), TextColumn("shards · {task.fields[documents]} documents · {task.fields[rate]}"),
        TimeRemainingColumn(), console=stderr, transient=True, disable=not stderr.is_terminal,
    )

    def finished(result) -> None:
        nonlocal documents, claims, errors
        documents += result.documents
        claims += result.claims
        errors += len(result.errors)
        for message in result.errors:
            error(message)
        elapsed = time.perf_counter() - started
        progress.update(task, advance=1, documents=documents, rate=f"{documents / elapsed:.1f}/s")

    def failed(shard_id: int, message: str) -> None:
        error(message)
        progress.update(task, advance=1)

    with progress:
        task = progress.add_task("batch", total=len(plan.shards), documents=0, rate="-")
        done_before = sum((out / part_name(s.id)).exists() for s in plan.shards)
        progress.update(task, completed=done_before)
        run = run_shards(plan.shards, out, options, args.workers, args.scheduler, on_result=finished, on_failure=failed)
    elapsed = time.perf_counter() - started
    earlier = f" ({run.already_done} done by an earlier run)" if run.already_done else ""
    peak = max((r.peak_memory for r in run.finished), default=0)
    rate = f", {documents / elapsed:.1f} documents/s" if run.finished else ""
    print(
        f"{run.already_done + len(run.finished)} of {run.total} shards done{earlier}: {documents} documents, {claims} claims, "
        f"{errors + len(failures)} errors, {len(run.failed)} shards failed, in {elapsed:.0f} s{rate}"
        + (f"; peak memory per worker {peak / 2**20:.0f} MiB" if peak else "")
    )
    if run.failed:
        print(f"Run the same command again to retry the {len(run.failed)} failed shards.")
    else:
        print(f"Load them into a ledger with: counterclaim ingest {out} --db ledger.db")
    if resumed and not run.finished and not run.failed:
        print(f"{out}: every shard was already done")
    return EXIT_INPUT_ERROR if failures or errors or run.failed else EXIT_OK


def add_commands(commands: argparse._SubParsersAction) -> None:
    batch = commands.add_parser(
        "batch", help="extract claims from many files at once on Dask, into Parquet part files (resumable)",
        description="Split the inputs into shards and extract each on a Dask worker into OUT/part-NNNNN.parquet. "
        "Run the same command again after an interruption: only unfinished shards are redone. "
        "Load the parts with `counterclaim ingest OUT`.",
    )
    batch.add_argument("files", nargs="+", metavar="INPUT", help="files or folders: text, HTML, transcripts, feeds, WARC(.gz), JSON Lines(.gz)")
    batch.add_argument("--out", required=True, metavar="DIR", help="folder for the part files and the run's plan")
    batch.add_argument("--workers", type=int, default=os.cpu_count() or 1, metavar="N", help="local worker processes (default: one per core)")
    batch.add_argument(
        "--scheduler", metavar="ADDRESS",
        help="run on an existing Dask cluster, e.g. tcp://10.0.0.5:8786 (its workers must see the same paths and have counterclaim installed)",
    )
    batch.add_argument("--shard-size", type=int, default=DEFAULT_SHARD_SIZE, metavar="N", help=f"documents per shard (default: {DEFAULT_SHARD_SIZE})")
    batch.add_argument(
        "--max-bytes", type=int, default=DEFAULT_MAX_BYTES, help=f"refuse stories larger than this many bytes (default: {DEFAULT_MAX_BYTES:,})",
    )
    batch.add_argument("--encoding", help="read every file in this encoding instead of detecting it")
    batch.set_defaults(run=cmd_batch)
