"""How near the exact nearest claims `check`'s cells come, on a ledger: recall and time of `vectors.nearest` against
reading every vector, at several read budgets.

    python benchmarks/vector_cells.py LEDGER [--probe 100000 10000] [--queries 40]

LEDGER is changed: its vectors are packed (and, from 200,000 of them, put in cells) as `check` would. Queries
are stored vectors, slightly perturbed; recall@k is the share of the exact k nearest that `nearest` returns.
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from counterclaim.link import vectors
from counterclaim.store import Ledger


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("ledger")
    parser.add_argument("--probe", type=int, nargs="+", default=[vectors.PROBE_VECTORS], help="vectors a query reads")
    parser.add_argument("--queries", type=int, default=40)
    args = parser.parse_args()
    with Ledger(args.ledger) as ledger:
        started = time.perf_counter()
        vectors.nearest(ledger, np.full(vectors.DIMENSIONS, vectors.DIMENSIONS**-0.5, dtype=np.float32), 1)
        cells = ledger.db.execute("SELECT count(*) FROM vector_cells").fetchone()[0]
        ids, stored = vectors.stored_vectors(ledger)
        print(f"{len(ids)} vectors, {cells} cells; packing (and training the cells) took {time.perf_counter() - started:.1f} s")
        random = np.random.default_rng(5)
        queries = stored[random.choice(len(stored), args.queries, replace=False)]
        queries = queries + random.normal(scale=0.03, size=queries.shape).astype(np.float32)
        queries /= np.linalg.norm(queries, axis=1, keepdims=True)
        exact = [ids[np.argsort(-(stored @ query), kind="stable")[:200]] for query in queries]
        for probe in args.probe:
            vectors.PROBE_VECTORS = probe
            recall_200, recall_64, seconds = [], [], []
            for query, best in zip(queries, exact, strict=True):
                started = time.perf_counter()
                found, _ = vectors.nearest(ledger, query, 200)
                seconds.append(time.perf_counter() - started)
                recall_200.append(len(set(found.tolist()) & set(best.tolist())) / 200)
                recall_64.append(len(set(found[:64].tolist()) & set(best[:64].tolist())) / 64)
            print(f"reading {probe} vectors: recall@200 {np.mean(recall_200):.3f} (lowest {np.min(recall_200):.3f}),"
                  f" recall@64 {np.mean(recall_64):.3f}, median {np.median(seconds) * 1000:.0f} ms a query")


if __name__ == "__main__":
    main()
