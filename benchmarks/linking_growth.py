"""Time per claim of proposition linking at 1k, 10k and 100k synthetic claims.

    python benchmarks/linking_growth.py [--sizes 1000 10000 100000]

Claims are generated from templates ("{party} {verb} {place}" with a number),
one topic per (party, place) pair; their vectors are the topic's vector plus
noise, standing in for sentence embeddings (embedding costs the same per claim
at any size, so it is left out). Linking is `cluster()`: blocking by shared
content words, block-wise similarity, merging. The cost per claim at the
largest size should stay within 1.5x of the smallest.
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from counterclaim.link.propositions import ClaimUnit, cluster, content_words


def letters(number: int) -> str:
    """A name made of letters (content words are alphabetic): 0 -> "ba", 27 -> "bbb"."""
    out = ""
    while True:
        number, digit = divmod(number, 26)
        out = chr(ord("a") + digit) + out
        if number == 0:
            return "b" + out
VERBS = ["captured", "holds", "lost", "attacked", "abandoned", "defended", "shelled", "entered"]
DIMENSIONS = 384


def synthetic(n: int, seed: int = 0) -> tuple[list[ClaimUnit], np.ndarray]:
    """n claims over topics that grow with n, so blocks keep the size real news gives them."""
    rng = np.random.default_rng(seed)
    topics = max(10, n // 25)
    topic_vectors = rng.standard_normal((topics, DIMENSIONS)).astype("float32")
    units, vectors = [], np.empty((n, DIMENSIONS), dtype="float32")
    for i in range(n):
        topic = int(rng.integers(topics))
        party = "party" + letters(topic % 40)
        place = "place" + letters(topic)
        text = f"{party} {VERBS[int(rng.integers(len(VERBS)))]} {place} with {int(rng.integers(100, 10000))} fighters"
        units.append(ClaimUnit(i, {}, text, i % 97, None, "assert", content_words(text)))
        vector = topic_vectors[topic] + 0.6 * rng.standard_normal(DIMENSIONS).astype("float32")
        vectors[i] = vector / np.linalg.norm(vector)
    return units, vectors


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000, 100000])
    args = parser.parse_args()
    per_claim = {}
    for n in args.sizes:
        units, vectors = synthetic(n)
        started = time.perf_counter()
        groups = cluster(units, vectors)
        seconds = time.perf_counter() - started
        per_claim[n] = seconds / n
        print(f"{n:>7} claims: {seconds:7.2f} s, {1e6 * per_claim[n]:7.1f} us per claim, {len(groups)} groups")
    smallest, largest = min(per_claim), max(per_claim)
    print(f"cost per claim at {largest} / at {smallest}: {per_claim[largest] / per_claim[smallest]:.2f}x")


if __name__ == "__main__":
    main()
