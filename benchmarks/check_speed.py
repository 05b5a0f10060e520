"""Seconds to answer `check` on a ledger of 100k claims: candidates from the full-text index and the stored vectors,
then the cross-encoder on the nearest.

    python benchmarks/check_speed.py [--claims 100000] [--queries 10]

The ledger is synthetic: claims from templates ("{party} forces {verb} {town}"), two
hundred to a document, with their MiniLM vectors stored as `contested` or a first
`check` would store them (each distinct sentence embedded once, before timing), and the
claims of each sentence stored as one proposition, as after `contested`, so that `check` also
reads the propositions of its candidates. The statements checked are sentences in the same
words. The time is that of `check()` in
a process whose models are loaded, as in a server; a command-line call adds the start
of Python, torch and the models (printed too).
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from counterclaim.link.check import check
from counterclaim.link.embeddings import embed, load_encoder
from counterclaim.link.propositions import load_units
from counterclaim.link.stance import load_stance_model
from counterclaim.link.vectors import meaning_hash
from counterclaim.store import Ledger

VERBS = ["captured", "holds", "lost", "attacked", "abandoned", "defended", "shelled", "entered"]
PER_DOCUMENT = 200


def sentence(topic: int, verb: str) -> str:
    return f"Party{topic % 40} forces {verb} Town{topic}"


def build(path: Path, n: int, seed: int = 0, vectors: bool = True) -> None:
    """A ledger of n synthetic claims with stored vectors (unless `vectors` is false), linked: the claims of each
    sentence are a stored proposition (so `check` also reads the propositions of its candidates, as on a ledger
    `contested` has linked)."""
    rng = np.random.default_rng(seed)
    topics = max(10, n // 25)
    drawn = [(int(rng.integers(topics)), VERBS[int(rng.integers(len(VERBS)))]) for _ in range(n)]
    texts = sorted({sentence(topic, verb) for topic, verb in drawn})
    vector_of = dict(zip(texts, embed(texts), strict=True)) if vectors else {}
    draws = iter(drawn)
    members: dict[str, list[int]] = {}
    with Ledger(path) as ledger, ledger.db:
        db = ledger.db
        for document in range(0, n, PER_DOCUMENT):
            lines, claims = [], []
            for _ in range(document, min(n, document + PER_DOCUMENT)):
                text = sentence(*next(draws))
                start = sum(len(line) + 1 for line in lines)
                lines.append(text + ".")
                claims.append((text, start))
            doc_id = db.execute(
                "INSERT INTO documents (doc_id, content_hash, kind, text) VALUES (?, ?, 'article', ?)",
                (f"doc{document}", f"hash{document}", "\n".join(lines)),
            ).lastrowid
            speaker = db.execute(
                "INSERT INTO speakers (merge_key, name, kind) VALUES (?, ?, 'person')", (f"person:s{document}", f"Speaker {document}")
            ).lastrowid
            for text, start in claims:
                record = {"doc_id": f"doc{document}", "claim_id": f"doc{document}#{start}-{start + len(text)}", "mode": "indirect",
                          "polarity": "assert", "content": {"text": text, "spans": [[start, start + len(text)]]}, "speaker": None,
                          "reported_by": None, "quantities": []}
                claim = db.execute(
                    "INSERT INTO claims (claim_id, document_id, speaker_id, mode, polarity, content, content_start, content_end, record)"
                    " VALUES (?, ?, ?, 'indirect', 'assert', ?, ?, ?, ?)",
                    (record["claim_id"], doc_id, speaker, text, start, start + len(text), json.dumps(record)),
                ).lastrowid
                if vectors:
                    db.execute("INSERT INTO claim_vectors (claim_id, meaning_hash, vector) VALUES (?, ?, ?)",
                               (claim, meaning_hash(text), vector_of[text].astype(np.float16).tobytes()))
                members.setdefault(text, []).append(claim)
        for text, claims_of_text in members.items():
            proposition = db.execute("INSERT INTO propositions (statement) VALUES (?)", (text,)).lastrowid
            db.executemany(
                "INSERT INTO proposition_claims (proposition_id, claim_id, stance, score, rule) VALUES (?, ?, 'supports', 1.0, ?)",
                [(proposition, claim, "statement" if k == 0 else "wording") for k, claim in enumerate(claims_of_text)],
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--claims", type=int, default=100000)
    parser.add_argument("--queries", type=int, default=10)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        path = Path(scratch) / "ledger.db"
        started = time.perf_counter()
        build(path, args.claims)
        print(f"built a ledger of {args.claims} claims in {time.perf_counter() - started:.0f} s", flush=True)
        load_encoder()
        model = load_stance_model()
        with Ledger(path) as ledger:
            assert len(load_units(ledger, {1})) == 1
            check(ledger, "Party1 forces captured Town1", model=model)  # the first call packs the vectors and warms the models up
            times, read = [], []
            for q in range(args.queries):
                started = time.perf_counter()
                result = check(ledger, f"Party{q * 7 % 40} forces {VERBS[q % len(VERBS)]} Town{q * 7 % 400}", model=model)
                times.append(time.perf_counter() - started)
                read.append(result.read)
        print(f"check on {args.claims} claims, {args.queries} statements: median {statistics.median(times):.2f} s, "
              f"slowest {max(times):.2f} s, cross-encoder read {statistics.median(read):.0f} claims each")
        started = time.perf_counter()
        subprocess.run([sys.executable, "-m", "counterclaim.cli", "check", "Party3 forces captured Town3", "--db", str(path), "--format", "json"],
                       check=True, capture_output=True)
        print(f"the same as a command, with Python, torch and both models starting: {time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main()
