"""Loading a batch's part files into the ledger: one transaction per part, parts in shard order.

Loading in shard order makes the ledger the same whichever order the shards finished in, and whether the run was
interrupted and resumed or not. A part loaded twice adds nothing (its documents are known by their text).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa

from counterclaim.batch.parts import part_name, read_part
from counterclaim.batch.shards import read_plan
from counterclaim.claims import Extraction
from counterclaim.store import Ledger


@dataclass(slots=True)
class Loaded:
    parts: int = 0
    missing: list[int] = field(default_factory=list)
    added: int = 0
    known: int = 0
    new_places: int = 0
    errors: list[tuple[str, str]] = field(default_factory=list)
    unreadable: list[str] = field(default_factory=list)  # one line each: a part file that is not a whole Parquet part


def load_parts(ledger: Ledger, out: Path, on_part: Callable[[int, int], None] | None = None) -> Loaded:
    """Store every written part of a batch in the ledger; parts not written yet are listed in `missing`."""
    plan = read_plan(out)
    loaded = Loaded()
    for done, shard in enumerate(plan.shards, 1):
        path = out / part_name(shard.id)
        if not path.exists():
            loaded.missing.append(shard.id)
            continue
        extractions: list[Extraction] = []
        errors: list[tuple[str, str]] = []
        try:
            for item in read_part(path):
                if isinstance(item, Extraction):
                    extractions.append(item)
                else:
                    errors.append(item)
        except (OSError, pa.ArrowException, KeyError, TypeError, ValueError) as problem:
            loaded.unreadable.append(f"{path}: not a readable part ({type(problem).__name__}: {str(problem)[:200]}); "
                                     "remove it and run the batch again to redo its shard")
            continue
        loaded.errors += errors
        for outcome in ledger.store_many(extractions):
            loaded.added += outcome == "added"
            loaded.known += outcome != "added"
            loaded.new_places += outcome == "new place"
        loaded.parts += 1
        if on_part is not None:
            on_part(done, len(plan.shards))
    return loaded
