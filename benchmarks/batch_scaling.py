"""Documents per second of `counterclaim batch` with 1 and 2 workers, against `counterclaim extract` in one process.

    python benchmarks/batch_scaling.py [FOLDER] [--documents N] [--shard-size N]

FOLDER defaults to ../shared/data/polnear/train/text (its first N files, 80 by default), else examples/.
Each command runs as a user runs it, start-up included, on the same files in the same run; the
ratios are what to compare (aim: 2 workers at least 1.8x one worker). Prints the peak resident
memory of a worker process as the batch reports it (aim: under 1 GiB).
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_FOLDERS = [ROOT.parent / "shared" / "data" / "polnear" / "train" / "text", ROOT / "examples"]


def timed(command: list[str]) -> tuple[float, str]:
    started = time.perf_counter()
    result = subprocess.run(command, capture_output=True, text=True, cwd=ROOT)
    elapsed = time.perf_counter() - started
    if result.returncode not in (0, 1):
        sys.exit(f"{' '.join(command[:4])} ... failed:\n{result.stderr[-2000:]}")
    return elapsed, result.stdout


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("folder", nargs="?", type=Path)
    parser.add_argument("--documents", type=int, default=80, help="how many files of the folder (default: 80)")
    parser.add_argument("--shard-size", type=int, default=10, help="documents per shard (default: 10)")
    args = parser.parse_args()
    folder = args.folder or next(f for f in DEFAULT_FOLDERS if f.is_dir())
    files = [str(p) for p in sorted(folder.iterdir()) if p.is_file()][: args.documents]
    cli = [sys.executable, "-m", "counterclaim.cli"]
    with tempfile.TemporaryDirectory() as scratch:
        single, _ = timed([*cli, "extract", *files])
        rates = {"extract, one process": len(files) / single}
        memory = {}
        for workers in (1, 2):
            out = Path(scratch) / f"out-{workers}"
            elapsed, printed = timed([*cli, "batch", *files, "--out", str(out), "--workers", str(workers), "--shard-size", str(args.shard_size)])
            rates[f"batch, {workers} worker{'s' if workers > 1 else ''}"] = len(files) / elapsed
            found = re.search(r"peak memory per worker (\d+) MiB", printed)
            memory[workers] = int(found.group(1)) if found else None
    print(f"{len(files)} documents from {folder}, start-up included")
    for name, rate in rates.items():
        print(f"  {name:22s} {rate:6.2f} documents/s")
    one, two = rates["batch, 1 worker"], rates["batch, 2 workers"]
    print(f"  2 workers / 1 worker: {two / one:.2f}x (aim 1.8x); 2 workers / extract: {two / rates['extract, one process']:.2f}x; "
          f"1 worker / extract: {one / rates['extract, one process']:.2f}x")
    print(f"  peak memory per worker: {memory[1]} MiB with 1 worker, {memory[2]} MiB with 2 (aim: under 1024 MiB)")


if __name__ == "__main__":
    main()
