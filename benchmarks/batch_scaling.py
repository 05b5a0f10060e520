"""Documents per second of `counterclaim batch` with 1 and 2 workers, against `counterclaim extract` in one process.

    python benchmarks/batch_scaling.py [FOLDER] [--documents N] [--shard-size N]

FOLDER defaults to ../shared/data/polnear/train/text (its first N files, 120 by default), else examples/.
Each command runs as a user runs it, on the same files in the same run, once on 2 files (its start-up:
imports, loading the pipeline, for a batch starting the workers) and once on all N; the rate after
start-up is (N - 2) / (time on N - time on 2). The ratios are what to compare (aim: 2 workers at least
1.8x one worker). Prints the peak resident memory of a worker process as the batch reports it (aim: under 1 GiB).
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
    parser.add_argument("--documents", type=int, default=120, help="how many files of the folder (default: 120)")
    parser.add_argument("--shard-size", type=int, default=10, help="documents per shard (default: 10)")
    args = parser.parse_args()
    folder = args.folder or next(f for f in DEFAULT_FOLDERS if f.is_dir())
    files = [str(p) for p in sorted(folder.iterdir()) if p.is_file()][: args.documents]
    cli = [sys.executable, "-m", "counterclaim.cli"]
    commands = {"extract, one process": lambda chosen, out: [*cli, "extract", *chosen]}
    for workers in (1, 2):
        name = f"batch, {workers} worker{'s' if workers > 1 else ''}"
        commands[name] = lambda chosen, out, w=workers: [
            *cli, "batch", *chosen, "--out", out, "--workers", str(w), "--shard-size", str(args.shard_size)]
    startup, whole, memory = {}, {}, {}
    with tempfile.TemporaryDirectory() as scratch:
        for name, command in commands.items():
            startup[name], _ = timed(command(files[:2], str(Path(scratch) / f"{name}-startup")))
            whole[name], printed = timed(command(files, str(Path(scratch) / name)))
            found = re.search(r"peak memory per worker (\d+) MiB", printed)
            memory[name] = int(found.group(1)) if found else None
    print(f"{len(files)} documents from {folder}")
    print(f"  {'':22s} {'start-up':>9s} {'whole run':>10s} {'documents/s':>12s} {'after start-up':>15s}")
    steady = {}
    for name in commands:
        steady[name] = (len(files) - 2) / max(1e-9, whole[name] - startup[name])
        print(f"  {name:22s} {startup[name]:8.1f}s {whole[name]:9.1f}s {len(files) / whole[name]:12.2f} {steady[name]:15.2f}")
    one, two, single = steady["batch, 1 worker"], steady["batch, 2 workers"], steady["extract, one process"]
    print(f"  after start-up: 2 workers / 1 worker {two / one:.2f}x (aim 1.8x); 2 workers / extract {two / single:.2f}x; "
          f"1 worker / extract {one / single:.2f}x")
    print(f"  whole runs: 2 workers / 1 worker {whole['batch, 1 worker'] / whole['batch, 2 workers']:.2f}x")
    print(f"  peak memory per worker: {memory['batch, 1 worker']} MiB with 1 worker, {memory['batch, 2 workers']} MiB with 2 (aim: under 1024 MiB)")


if __name__ == "__main__":
    main()
