"""The distributed-engine adapter: a batch's shards as Dask tasks, on a local cluster or an existing one.

Only shards whose part file is missing are submitted, so running the same command again after a kill redoes
only what did not finish. Dask retries a task whose worker was lost on another worker; a shard that fails
for good (its worker killed again and again, or a bug) is reported and the others go on.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from counterclaim.batch.parts import part_name
from counterclaim.batch.process import ShardResult, process_shard
from counterclaim.batch.shards import Shard

# Each worker is one process with one thread, its tagger on one torch thread: workers scale with the cores, none
# oversubscribes them, and the output does not depend on how many threads a machine gives torch.
WORKER_THREADS = 1


@dataclass(slots=True)
class BatchRun:
    """What one run of a batch did: the shards it finished (with what each did) and those that failed."""

    total: int
    already_done: int = 0
    finished: list[ShardResult] = field(default_factory=list)
    failed: dict[int, str] = field(default_factory=dict)


def pending(shards: list[Shard], out: Path) -> list[Shard]:
    """The shards whose part file is not written yet; stale temporary files of a killed run are removed."""
    for stale in out.glob(".part-*.tmp"):
        stale.unlink(missing_ok=True)
    return [shard for shard in shards if not (out / part_name(shard.id)).exists()]


def run_shards(
    shards: list[Shard], out: Path, options: dict[str, Any], workers: int, scheduler: str | None = None,
    on_result: Callable[[ShardResult], None] | None = None, on_failure: Callable[[int, str], None] | None = None,
) -> BatchRun:
    """Run every shard not yet done on Dask: a `LocalCluster` of `workers` single-threaded processes (listening on
    127.0.0.1 only), or the cluster whose scheduler is at `scheduler` (its workers must see the same paths)."""
    from distributed import Client, LocalCluster, as_completed

    todo = pending(shards, out)
    run = BatchRun(total=len(shards), already_done=len(shards) - len(todo))
    if not todo:
        return run
    cluster = None
    if scheduler is None:
        cluster = LocalCluster(
            n_workers=workers, threads_per_worker=1, processes=True, host="127.0.0.1", dashboard_address=None,
            silence_logs=logging.ERROR,
        )
    client = Client(cluster if cluster is not None else scheduler)
    try:
        folder = str(out.resolve())
        futures = {client.submit(process_shard, shard, folder, options, WORKER_THREADS, pure=False): shard.id for shard in todo}
        for future in as_completed(futures):
            shard_id = futures[future]
            if future.status == "finished":
                result = future.result()
                run.finished.append(result)
                if on_result is not None:
                    on_result(result)
            else:
                problem = future.exception()
                message = f"shard {shard_id} failed ({type(problem).__name__}: {problem}); run the same command again to retry it"
                run.failed[shard_id] = message
                if on_failure is not None:
                    on_failure(shard_id, message)
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
    return run
