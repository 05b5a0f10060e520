"""Near-duplicate stories: the same wire story in several outlets, or a page crawled twice with another footer.

Each document's text is summarised by a MinHash signature (datasketch) over
its word 5-grams; the signature is cut into bands, and two documents that
share a band are candidates, kept when their estimated Jaccard similarity is
at least `NEAR_DUPLICATE`. The bands are rows in the ledger with an index, so
finding candidates costs a few indexed lookups at any ledger size.
"""

from __future__ import annotations

import hashlib
import re

import numpy as np

PERMUTATIONS = 128
BANDS = 16  # 16 bands of 8 rows: pairs from about 0.7 Jaccard upward become candidates
ROWS = PERMUTATIONS // BANDS
NEAR_DUPLICATE = 0.8
SHINGLE_WORDS = 5
WORD = re.compile(r"\w+")


def signature(text: str) -> np.ndarray:
    """The MinHash signature of a text's word 5-grams (of its words, when it has fewer than five)."""
    from datasketch import MinHash  # imported here: its import costs about a second, and reading commands never sign

    words = WORD.findall(text.lower())
    shingles = [" ".join(words[i : i + SHINGLE_WORDS]) for i in range(max(1, len(words) - SHINGLE_WORDS + 1))]
    minhash = MinHash(num_perm=PERMUTATIONS, seed=1)
    minhash.update_batch([s.encode("utf-8") for s in shingles])
    return minhash.hashvalues.astype(np.uint64)


def band_keys(values: np.ndarray) -> list[bytes]:
    """One short key per band: equal keys mean equal rows in that band."""
    return [hashlib.blake2b(values[b * ROWS : (b + 1) * ROWS].tobytes(), digest_size=8).digest() for b in range(BANDS)]


def similarity(a: np.ndarray, b: np.ndarray) -> float:
    """The estimated Jaccard similarity of two signatures: the share of equal values."""
    return float(np.mean(a == b))
