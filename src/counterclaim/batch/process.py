"""One shard's work, as a worker runs it: read its inputs, extract claims, write its part file.

The pipeline is loaded once per worker process (on its first shard) and kept for every later shard, since
loading it costs seconds and a shard may take less. Everything a shard needs travels in its arguments, so
the same function runs in a local worker or on another machine of a cluster that sees the same files.
"""

from __future__ import annotations

import resource
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from counterclaim.batch.parts import document_row, error_row, write_part
from counterclaim.batch.shards import Shard
from counterclaim.errors import InputError
from counterclaim.model import Document

if TYPE_CHECKING:
    from counterclaim.claims import ClaimExtractor

_extractor: ClaimExtractor | None = None
_loads = 0  # how many times this process loaded the pipeline: 1 in a healthy worker, whatever number of shards it ran


@dataclass(slots=True)
class ShardResult:
    """What a shard did, for the progress bar and the summary; its rows are in its part file."""

    shard_id: int
    documents: int = 0
    claims: int = 0
    errors: list[str] = field(default_factory=list)
    pipeline_loads: int = 0
    peak_memory: int = 0  # the worker process's peak resident memory so far, in bytes


def worker_extractor(torch_threads: int | None = None) -> ClaimExtractor:
    """This process's extractor, loaded on first use; `torch_threads` caps the threads each worker's tagger uses, so that
    workers do not oversubscribe the cores they share."""
    global _extractor, _loads
    if _extractor is None:
        if torch_threads:
            import torch

            torch.set_num_threads(torch_threads)
        from counterclaim.claims import ClaimExtractor

        _extractor = ClaimExtractor()
        _loads += 1
    return _extractor


def process_shard(shard: Shard, out: str, options: dict[str, Any], torch_threads: int | None = None) -> ShardResult:
    """Read, extract and write one shard as `out/part-NNNNN.parquet`; a story that cannot be read or analysed becomes an
    error row (and a line in the result), and the shard goes on."""
    from counterclaim.claims import analysis_failure

    extractor = worker_extractor(torch_threads)
    result = ShardResult(shard.id)
    rows: list[dict[str, Any]] = []

    def failed(path: str, message: str) -> None:
        rows.append(error_row(path, message))
        result.errors.append(message)

    def readable():
        for unit in shard.units:
            for item in unit.documents(options["max_bytes"], options.get("encoding")):
                if isinstance(item, InputError):
                    failed(item.path, str(item))
                else:
                    yield item

    def unanalysed(document: Document, problem: Exception) -> None:
        failed(document.path or document.doc_id, analysis_failure(document, problem))

    for extraction in extractor.extract(readable(), on_error=unanalysed):
        rows.append(document_row(extraction))
        result.documents += 1
        result.claims += len(extraction.claims)
    write_part(rows, Path(out), shard.id)
    result.pipeline_loads = _loads
    result.peak_memory = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    return result
