"""Words per second of claim extraction against bare spaCy, on the same texts in the same run.

    python benchmarks/throughput.py [FOLDER ...] [--repeat N]

FOLDER defaults to ../shared/data/polnear/dev/text when present, else examples/.
Prints both rates and their ratio (extraction / bare spaCy): how much of the
parser's speed our components keep; and the same extraction without the
persuasion technique component, for that component's share of the time.
Absolute rates on shared machines are noise; the ratios are what to compare
between changes. The ratio is also given in CPU seconds (every thread counted):
the tagger reads with all of torch's threads while spaCy's parse keeps to about one core, so the
wall-clock ratio credits extraction with the machine's other cores.
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

import spacy
import torch

from counterclaim.claims import ClaimExtractor
from counterclaim.ingest import document_from_text
from counterclaim.nlp.english_model import english_model_name
from counterclaim.nlp.pipeline import load_pipeline

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_FOLDERS = [ROOT.parent / "shared" / "data" / "polnear" / "dev" / "text", ROOT / "examples"]


def load_texts(folders: list[Path]) -> list[str]:
    texts = []
    for folder in folders:
        for path in sorted(folder.glob("*.txt")):
            texts.append(path.read_text(encoding="utf-8"))
    return texts


def best_of(repeat: int, run) -> tuple[float, float]:
    """The fastest run's wall-clock seconds, and the fewest CPU seconds of any run (every thread of the process)."""
    times, cpu = [], []
    for _ in range(repeat):
        started, cpu_started = time.perf_counter(), time.process_time()
        run()
        times.append(time.perf_counter() - started)
        cpu.append(time.process_time() - cpu_started)
    return min(times), min(cpu)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("folders", nargs="*", type=Path)
    parser.add_argument("--repeat", type=int, default=3, help="runs of each; the fastest counts (default: 3)")
    args = parser.parse_args()
    folders = args.folders or [next(f for f in DEFAULT_FOLDERS if f.is_dir())]
    texts = load_texts(folders)
    words = sum(len(t.split()) for t in texts)
    bare = spacy.load(english_model_name())
    extractor = ClaimExtractor()
    without = ClaimExtractor(load_pipeline(with_techniques=False))
    documents = [document_from_text(str(n), t) for n, t in enumerate(texts)]

    def run_bare() -> None:
        for _ in bare.pipe(texts, batch_size=8):
            pass

    def run_extract() -> None:
        for _ in extractor.extract(documents):
            pass

    def run_without() -> None:
        for _ in without.extract(documents):
            pass

    run_bare()  # warm each up once
    run_extract()
    run_without()
    bare_s, bare_cpu = best_of(args.repeat, run_bare)
    extract_s, extract_cpu = best_of(args.repeat, run_extract)
    without_s, _ = best_of(args.repeat, run_without)
    shown = ", ".join(os.path.relpath(f) for f in folders)
    print(f"texts: {len(texts)} from {shown}; {words} words; best of {args.repeat}")
    print(f"bare spaCy nlp.pipe : {words / bare_s:9.0f} words/s")
    print(f"counterclaim extract: {words / extract_s:9.0f} words/s")
    print(f"ratio extract/bare  : {bare_s / extract_s:9.2f}")
    print(f"  in CPU seconds    : {bare_cpu / extract_cpu:9.2f} (every thread counted; torch threads: {torch.get_num_threads()})")
    print(f"without techniques  : {words / without_s:9.0f} words/s, ratio to bare {bare_s / without_s:.2f}")
    print(f"techniques' share   : {max(0.0, extract_s - without_s) / extract_s:9.0%} of extraction time")


if __name__ == "__main__":
    main()
