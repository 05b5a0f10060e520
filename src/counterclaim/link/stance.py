"""Stance of a text toward a claim: agrees, disagrees, discusses without taking a side, or is unrelated.

A cross-encoder: the packaged MiniLM (all-MiniLM-L6-v2) reads the claim and the
text together, so that a word in one can attend to a word in the other ("held
ground" against "took control"); the mean of its last layer goes through a
linear layer to FNC-1's four labels. Its lower layers are used as they come;
its upper layers are fine-tuned through low-rank adapters (as the attribution
tagger's are) on FNC-1 and Emergent by `counterclaim train stance` (see
`stance_training.py`). Only the adapters, those layers' norms and the output
layer ship, in `link/models/`; at load the adapters are folded into the
encoder's weights. A long text is read as the passage that bears on the claim
(`stance_data.passage`).

The ledger's words for the labels: `agree` supports, `disagree` disputes,
`discuss` is neutral, `unrelated` does not bear on the claim at all.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

import numpy as np

from counterclaim.link.stance_cues import CueLayer
from counterclaim.link.stance_data import LABELS, StancePair, claim_key, passage

STANCES = {"agree": "supports", "disagree": "disputes", "discuss": "neutral", "unrelated": None}
MODEL_DIR = resources.files("counterclaim.link").joinpath("models")
CLAIMS = "stance-claims"  # the reader of claims, headlines and other short texts
PASSAGES = "stance-passages"  # the reader of article passages
SHORT_TEXT = 40  # words: a text this long or shorter is read by the claim reader
MAX_SUBWORDS = 128
BATCH_SUBWORDS = 4096
ADAPTED_LAYERS = (
    "attention.self.query", "attention.self.key", "attention.self.value", "attention.output.dense", "intermediate.dense", "output.dense",
)


@dataclass(slots=True)
class Encoded:
    """A claim-text pair as MiniLM input."""

    ids: list[int]
    types: list[int]


def encode_pairs(tokenizer, pairs: list[StancePair]) -> list[Encoded]:
    """Claim, then the passage of the text that bears on it, cut to MAX_SUBWORDS (the text is cut first)."""
    encoding = tokenizer(
        [p.claim for p in pairs], [passage(p.claim, p.text) for p in pairs],
        truncation="longest_first", max_length=MAX_SUBWORDS,
    )
    return [Encoded(ids, types) for ids, types in zip(encoding["input_ids"], encoding["token_type_ids"], strict=True)]


def length_batches(lengths: list[int], max_subwords: int = BATCH_SUBWORDS) -> list[list[int]]:
    """Indices grouped by length, so padding stays small and a batch holds at most `max_subwords`."""
    order = sorted(range(len(lengths)), key=lambda n: lengths[n])
    groups: list[list[int]] = []
    current: list[int] = []
    for n in order:
        if current and lengths[n] * (len(current) + 1) > max_subwords:
            groups.append(current)
            current = []
        current.append(n)
    if current:
        groups.append(current)
    return groups


def _network_class():
    """The network, defined on first use so that importing this module does not import torch."""
    import torch
    from torch import nn
    from transformers import AutoModel
    from transformers.masking_utils import create_bidirectional_mask

    from counterclaim.nlp.attribution import LowRankAdapter
    from counterclaim.nlp.encoder import minilm_path

    class StanceNetwork(nn.Module):
        """MiniLM over `[CLS] claim [SEP] text [SEP]`, adapters in the blocks from `frozen` up, a linear layer on the mean."""

        def __init__(self, rank: int, frozen: int, dropout: float = 0.1) -> None:
            super().__init__()
            self.encoder = AutoModel.from_pretrained(minilm_path())
            self.encoder.requires_grad_(False)
            self.frozen = frozen
            for parent, name in self._adapted_layers():
                setattr(parent, name, LowRankAdapter(getattr(parent, name), rank))
            for block in self.encoder.encoder.layer[frozen:]:
                for module in block.modules():
                    if isinstance(module, nn.LayerNorm):
                        module.requires_grad_(True)
            self.dropout = nn.Dropout(dropout)
            self.head = nn.Linear(self.encoder.config.hidden_size, len(LABELS))

        def _adapted_layers(self) -> Iterator[tuple[nn.Module, str]]:
            for block in self.encoder.encoder.layer[self.frozen :]:
                for path in ADAPTED_LAYERS:
                    parent_path, _, name = path.rpartition(".")
                    yield block.get_submodule(parent_path), name

        def _mask(self, hidden: torch.Tensor, mask: torch.Tensor):
            return create_bidirectional_mask(config=self.encoder.config, inputs_embeds=hidden, attention_mask=mask)

        def lower(self, ids: torch.Tensor, mask: torch.Tensor, types: torch.Tensor) -> torch.Tensor:
            """The hidden states after the frozen blocks: the same for every training run, so they can be computed once."""
            hidden = self.encoder.embeddings(input_ids=ids, token_type_ids=types)
            attention = self._mask(hidden, mask)
            for block in self.encoder.encoder.layer[: self.frozen]:
                hidden = block(hidden, attention)
            return hidden

        def upper(self, hidden: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
            """Label scores from the hidden states after the frozen blocks."""
            attention = self._mask(hidden, mask)
            for block in self.encoder.encoder.layer[self.frozen :]:
                hidden = block(hidden, attention)
            weights = mask.unsqueeze(-1).to(hidden.dtype)
            mean = (hidden * weights).sum(1) / weights.sum(1).clamp(min=1.0)
            return self.head(self.dropout(mean))

        def forward(self, ids: torch.Tensor, mask: torch.Tensor, types: torch.Tensor) -> torch.Tensor:
            return self.upper(self.lower(ids, mask, types), mask)

        def trained_state(self) -> dict[str, torch.Tensor]:
            """What training changed, and all that ships: adapters, the upper blocks' norms, the output layer."""
            return {name: p.detach().clone().contiguous() for name, p in self.named_parameters() if p.requires_grad}

        def merge_adapters(self) -> None:
            for parent, name in self._adapted_layers():
                setattr(parent, name, getattr(parent, name).merged())

    return StanceNetwork


def padded(encoded: list[Encoded]):
    """Ids, attention mask and segment ids, padded to the longest."""
    import torch

    width = max(len(e.ids) for e in encoded)
    ids = torch.zeros((len(encoded), width), dtype=torch.long)
    mask = torch.zeros_like(ids)
    types = torch.zeros_like(ids)
    for row, e in enumerate(encoded):
        ids[row, : len(e.ids)] = torch.tensor(e.ids)
        types[row, : len(e.ids)] = torch.tensor(e.types)
        mask[row, : len(e.ids)] = 1
    return ids, mask, types


def model_paths(name: str, model_dir: Path | None = None) -> tuple[Path, Path]:
    base = Path(str(model_dir or MODEL_DIR))
    return base / f"{name}.safetensors", base / f"{name}.json"


def load_network(name: str, model_dir: Path | None = None):
    """A trained network with its adapters merged, ready to read, and its metadata."""
    from safetensors.torch import load_file

    from counterclaim.nlp.encoder import load_trained

    weights, meta_path = model_paths(name, model_dir)
    if not weights.exists():
        raise FileNotFoundError(f"{weights}: stance model missing; train it with `counterclaim train stance`")
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    network = _network_class()(rank=meta["rank"], frozen=meta["frozen_layers"])
    load_trained(network, {k: v.float() for k, v in load_file(str(weights)).items()}, weights)
    return network, meta


class StanceModel:
    """The two trained readers, ready to score pairs: claims and short texts go to one, article passages to the other."""

    def __init__(self, claims, passages, tokenizer, cues: CueLayer | None = None) -> None:
        self.claims = claims
        self.passages = passages
        self.tokenizer = tokenizer
        self.cues = cues

    @classmethod
    def load(cls, claims: str = CLAIMS, model_dir: Path | None = None, passages: bool = True, cues: bool = True) -> StanceModel:
        """The shipped readers (`claims` names another claim reader, such as a fold model); `passages=False` loads the claim reader alone;
        `cues=False` leaves out the claim reader's cue layer (its bare reading, as the layer is trained on)."""
        from transformers import AutoTokenizer

        from counterclaim.nlp.encoder import minilm_path

        claim_reader, meta = load_network(claims, model_dir)
        passage_reader = load_network(PASSAGES, model_dir)[0] if passages else None
        layer = CueLayer.from_json(meta["cues"]) if cues and "cues" in meta else None
        return cls(claim_reader, passage_reader, AutoTokenizer.from_pretrained(minilm_path()), layer)

    def probabilities(self, pairs: list[StancePair]) -> np.ndarray:
        """One row per pair: the probability of each of LABELS."""
        import torch

        result = np.zeros((len(pairs), len(LABELS)), dtype="float32")
        if not pairs:
            return result
        encoded = encode_pairs(self.tokenizer, pairs)
        long = [self.passages is not None and len(p.text.split()) > SHORT_TEXT for p in pairs]
        with torch.inference_mode():
            for reader, which in ((self.claims, False), (self.passages, True)):
                indices = [n for n, is_long in enumerate(long) if is_long == which]
                if not indices:
                    continue
                for group in length_batches([len(encoded[n].ids) for n in indices]):
                    rows = [indices[g] for g in group]
                    logits = reader(*padded([encoded[n] for n in rows]))
                    result[rows] = torch.softmax(logits, dim=-1).numpy()
        short = [n for n, is_long in enumerate(long) if not is_long]
        if self.cues is not None and short:
            result[short] = self.cues.apply(result[short], [pairs[n].claim for n in short], [pairs[n].text for n in short])
        return result

    def predict(self, pairs: list[StancePair]) -> list[str]:
        """The most probable of LABELS for each pair."""
        return [LABELS[i] for i in self.probabilities(pairs).argmax(axis=1)]


@cache
def load_stance_model() -> StanceModel:
    """The shipped readers, loaded once per process."""
    return StanceModel.load()


def fold_models(model_dir: Path | None = None) -> dict[str, str]:
    """Which shipped fold model held out each Emergent claim (by `claim_key`), for honest cross-validated scoring."""
    held_by: dict[str, str] = {}
    for meta_path in sorted(Path(str(model_dir or MODEL_DIR)).glob(f"{CLAIMS}-fold*.json")):
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        held_by.update({key: meta["model"] for key in meta.get("held_out_claims", [])})
    return held_by


def emergent_probabilities(
    pairs: list[StancePair], model_dir: Path | None = None, cues: bool = True,
) -> tuple[np.ndarray, list[str]]:
    """Each pair's probabilities, read by the shipped fold model that held its claim out (else the final claim reader), and that model's name.

    `cues=False` gives the readers' bare readings, on which the cue layers are trained.
    """
    held_by = fold_models(model_dir)
    names = [held_by.get(claim_key(p.claim), CLAIMS) for p in pairs]
    result = np.zeros((len(pairs), len(LABELS)), dtype="float32")
    for name in sorted(set(names)):
        indices = [i for i, n in enumerate(names) if n == name]
        result[indices] = StanceModel.load(name, model_dir, passages=False, cues=cues).probabilities([pairs[i] for i in indices])
    return result, names


def emergent_predictions(pairs: list[StancePair], model_dir: Path | None = None) -> tuple[list[str], dict[str, int]]:
    """Each pair's label among agree / disagree / discuss (Emergent's pairs are all related), and how many pairs each model scored.

    A claim that a shipped fold model held out is scored by that model, which never saw it; any other claim
    by the final model. Emergent's headlines are short: the claim reader reads them.
    """
    probabilities, names = emergent_probabilities(pairs, model_dir)
    return [LABELS[i] for i in probabilities[:, :3].argmax(axis=1)], dict(sorted(Counter(names).items()))
