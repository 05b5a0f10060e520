"""Contested propositions on real news, drawn for judging by reading.

    python benchmarks/contested_sample.py ../shared/data/polnear/train/text [--start 0] [--count 200] [--sample 30] [--seed 1]

Takes articles `start` to `start + count` of a folder of texts (in name order), ingests them into a fresh
ledger with `counterclaim ingest`, runs `counterclaim contested --format json`, and prints a random draw of
`--sample` contested propositions (all of them when there are fewer) with each claim's stance, the rule or
reading that gave it, speaker, document and words, for a reader to judge: a real dispute about one state of
affairs with the sides right, a real dispute with a side wrong, one topic without a dispute, or nonsense.
The README's table of judged propositions was made this way.
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import tempfile
from pathlib import Path


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--start", type=int, default=0)
    parser.add_argument("--count", type=int, default=200)
    parser.add_argument("--sample", type=int, default=30)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    texts = sorted(p for p in args.folder.iterdir() if p.suffix == ".txt")[args.start : args.start + args.count]
    if not texts:
        print(f"{args.folder}: no .txt files in that range", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory() as work:
        folder = Path(work, "docs")
        folder.mkdir()
        for text in texts:
            (folder / text.name).symlink_to(text.resolve())
        ledger = str(Path(work, "ledger.db"))
        command = [sys.executable, "-m", "counterclaim.cli"]
        subprocess.run([*command, "ingest", str(folder), "--db", ledger], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        found = subprocess.run([*command, "contested", "--db", ledger, "--format", "json"], check=True, capture_output=True, text=True)
    contested = json.loads(found.stdout)
    drawn = sorted(random.Random(args.seed).sample(contested, min(args.sample, len(contested))), key=lambda p: p["id"])
    print(f"{len(texts)} articles ({texts[0].name} .. {texts[-1].name}): {len(contested)} contested; {len(drawn)} drawn with seed {args.seed}")
    for number, proposition in enumerate(drawn, 1):
        print(f"\n{number}. [{proposition['id']}] {proposition['proposition']}")
        for claim in proposition["claims"]:
            speaker = (claim.get("speaker") or {}).get("name") or "-"
            words = " ".join(claim["content"]["text"].split())
            print(f"   {claim['stance']:8} {claim['stance_by']:10} {speaker[:40]:40} {claim['doc_id'][:40]:40} {claim['polarity']:6} {words[:160]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
