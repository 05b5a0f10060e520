"""Time per claim of proposition linking at 1k, 10k and 100k synthetic claims, with the stance cross-encoder in the loop.

    python benchmarks/linking_growth.py [--sizes 1000 10000 100000]

Claims are generated from templates ("{party} {verb} {place}" with a number),
one topic per (party, place) pair, twenty to a document; their vectors are the
topic's vector plus noise, standing in for sentence embeddings (embedding costs
the same per claim at any size, so it is left out). Linking is the whole of
`link()`: eligibility, each document's relations, blocking by shared content
words, block-wise similarity, merging, and the cross-encoder reading each
undecided member and each candidate. The cost per claim at the largest size
should stay within 1.5x of the smallest.
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from counterclaim.link.propositions import ClaimUnit, content_words, link
from counterclaim.link.stance import load_stance_model

VERBS = ["captured", "holds", "lost", "attacked", "abandoned", "defended", "shelled", "entered"]
DIMENSIONS = 384
PER_DOCUMENT = 20


def letters(number: int) -> str:
    """A name made of letters (content words are alphabetic): 0 -> "ba", 27 -> "bbb"."""
    out = ""
    while True:
        number, digit = divmod(number, 26)
        out = chr(ord("a") + digit) + out
        if number == 0:
            return "b" + out


def synthetic(n: int, seed: int = 0) -> tuple[list[ClaimUnit], np.ndarray, dict[int, str]]:
    """n claims over topics that grow with n, so blocks keep the size real news gives them; and their documents' texts."""
    rng = np.random.default_rng(seed)
    topics = max(10, n // 25)
    topic_vectors = rng.standard_normal((topics, DIMENSIONS)).astype("float32")
    units, vectors = [], np.empty((n, DIMENSIONS), dtype="float32")
    texts: dict[int, list[str]] = {}
    for i in range(n):
        topic = int(rng.integers(topics))
        party = "Party" + letters(topic % 40).capitalize()
        place = "place" + letters(topic)
        text = f"{party} {VERBS[int(rng.integers(len(VERBS)))]} {place} with {int(rng.integers(100, 10000))} fighters"
        document = i // PER_DOCUMENT
        lines = texts.setdefault(document, [])
        start = sum(len(line) + 1 for line in lines)
        lines.append(text + ".")
        record = {"doc_id": f"d{document}", "mode": "indirect", "content": {"text": text, "spans": [[start, start + len(text)]]}}
        units.append(ClaimUnit(i, record, text, i % 97, f"Speaker {i % 97}", "assert", document, start, start + len(text), "person",
                               words=content_words(text), meaning=text))
        vector = topic_vectors[topic] + 0.6 * rng.standard_normal(DIMENSIONS).astype("float32")
        vectors[i] = vector / np.linalg.norm(vector)
    return units, vectors, {doc: "\n".join(lines) for doc, lines in texts.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000, 100000])
    args = parser.parse_args()
    model = load_stance_model()
    warm_units, warm_vectors, warm_texts = synthetic(50)
    link(warm_units, warm_texts, model=model, vectors=warm_vectors)  # the model's first call is slower: kept out of the timings
    per_claim = {}
    for n in args.sizes:
        units, vectors, texts = synthetic(n)
        read: list[int] = []
        started = time.perf_counter()
        propositions = link(units, texts, model=model, vectors=vectors, progress=lambda _, done, total, read=read: read.append(total))
        seconds = time.perf_counter() - started
        per_claim[n] = seconds / n
        print(f"{n:>7} claims: {seconds:8.2f} s, {1e3 * per_claim[n]:6.2f} ms per claim, "
              f"{read[-1] if read else 0} pairs read by the cross-encoder, {len(propositions)} propositions", flush=True)
    smallest, largest = min(per_claim), max(per_claim)
    print(f"cost per claim at {largest} / at {smallest}: {per_claim[largest] / per_claim[smallest]:.2f}x")


if __name__ == "__main__":
    main()
