"""`contested` on real news, this checkout against an earlier revision, in one run.

    python benchmarks/contested_speed.py [--articles 100] [--baseline-rev REV] [--repeat 2]

Both versions ingest the first N articles of ../shared/data/polnear/train into
a ledger of their own (not timed), then run `contested` on it: once cold (a
fresh ledger: every claim is embedded) and once warm (run again: this
version keeps the embeddings in the ledger). Runs alternate between the two
versions, and each version's best time is kept. Printed: both times and their
ratio (this / baseline). The baseline is checked out with `git worktree` into
a temporary folder and run from its own source with this checkout's
environment; its models ship in its tree.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
POLNEAR = ROOT.parent / "shared" / "data" / "polnear" / "train" / "text"
BASELINE = "f0a1199"  # main before the stance cross-encoder and the rebuilt propositions


def run(source: Path, *args: str) -> float:
    """Seconds a `counterclaim` command takes, run from the given source tree."""
    environment = {**os.environ, "PYTHONPATH": str(source)}
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "counterclaim.cli", *args], check=True, capture_output=True, env=environment)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=100)
    parser.add_argument("--baseline-rev", default=BASELINE)
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args()
    if not POLNEAR.is_dir():
        sys.exit(f"{POLNEAR}: PolNeAR is needed for this benchmark")
    with tempfile.TemporaryDirectory() as scratch:
        scratch_path = Path(scratch)
        articles = scratch_path / "articles"
        articles.mkdir()
        for path in sorted(POLNEAR.glob("*.txt"))[: args.articles]:
            (articles / path.name).write_bytes(path.read_bytes())
        baseline = scratch_path / "baseline"
        subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", str(baseline), args.baseline_rev], check=True, capture_output=True)
        try:
            sources = {"baseline": baseline / "src", "this": ROOT / "src"}
            cold: dict[str, list[float]] = {name: [] for name in sources}
            warm: dict[str, list[float]] = {name: [] for name in sources}
            for attempt in range(args.repeat):
                for name, source in (sources.items() if attempt % 2 == 0 else reversed(sources.items())):
                    db = scratch_path / f"{name}-{attempt}.db"
                    run(source, "ingest", str(articles), "--db", str(db))
                    cold[name].append(run(source, "contested", "--db", str(db), "--format", "json"))
                    warm[name].append(run(source, "contested", "--db", str(db), "--format", "json"))
                    print(f"{name:>8} run {attempt + 1}: cold {cold[name][-1]:6.1f} s, warm {warm[name][-1]:6.1f} s", flush=True)
            result = {
                kind: {name: min(times[name]) for name in sources} for kind, times in (("cold", cold), ("warm", warm))
            }
            for kind, best in result.items():
                print(f"contested {kind:>4}: baseline {best['baseline']:6.1f} s, this {best['this']:6.1f} s, "
                      f"ratio this/baseline {best['this'] / best['baseline']:.2f}")
            print(json.dumps(result))
        finally:
            subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(baseline)], capture_output=True)


if __name__ == "__main__":
    main()
