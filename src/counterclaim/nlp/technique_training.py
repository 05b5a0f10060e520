"""Training the technique branch (`nlp/techniques.py`) on PTC articles.

`counterclaim train techniques ../shared/data/ptc` tokenizes the articles as the pipeline does, reads each window
once with the shipped attribution tagger (frozen) to get the input of its last block, then trains the branch (a
copy of that block with adapters, and the output layer) on it: cross-entropy on the span tags (BIO over the merged
gold spans, inside ones weighted up), cross-entropy on the techniques of the words inside gold spans (each word's
target shared among the techniques covering it). Only the branch's trained
weights and their metadata are written into the package; the articles stay where they are.
"""

from __future__ import annotations

import json
import random
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import torch
from spacy.language import Language

from counterclaim.nlp.attribution import (
    TRAINING_BATCH_SUBWORDS,
    AttributionNetwork,
    Window,
    batches,
    encode_paragraph,
    paragraph_sequences,
    tagger_words,
)
from counterclaim.nlp.encoder import AdapterOptimizer
from counterclaim.nlp.techniques import SPAN_LABELS, TECHNIQUES, TechniqueBranch, merged_ranges, model_paths, padded_states

IGNORED = -100
SPAN_WEIGHTS = (1.0, 3.0, 3.0)  # O, B, I
Spans = list[tuple[str, int, int]]


def word_targets(tokens, spans: Spans) -> tuple[list[int], list[list[float]]]:
    """Each word's span tag (index into SPAN_LABELS) and its techniques as a multi-hot row."""
    merged = merged_ranges((start, end) for _, start, end in spans)
    tags, techniques = [], []
    previous_run = None
    for token in tokens:
        low, high = token.idx, token.idx + len(token.text)
        run = next((k for k, (s, e) in enumerate(merged) if s < high and low < e), None)
        tags.append(0 if run is None else (2 if run == previous_run else 1))
        previous_run = run
        techniques.append([1.0 if any(t == name and s < high and low < e for t, s, e in spans) else 0.0 for name in TECHNIQUES])
    return tags, techniques


def training_windows(nlp: Language, articles: list[tuple[str, Spans]], tokenizer) -> list[tuple[Window, list[int], list[list[float]]]]:
    """Every paragraph (line) of every article as encoder windows, with the targets of their words."""
    examples = []
    for text, spans in articles:
        doc = nlp.make_doc(text)
        for tokens in paragraph_sequences(doc):
            tags, techniques = word_targets(tokens, spans)
            for window in encode_paragraph(tokenizer, tagger_words(tokens)):
                end = window.word_start + len(window.first)
                examples.append((window, tags[window.word_start : end], techniques[window.word_start : end]))
    return examples


def _targets(batch: list[tuple[Window, list[int], list[list[float]]]], width: int) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    tags = torch.full((len(batch), width), IGNORED, dtype=torch.long)
    techniques = torch.zeros((len(batch), width, len(TECHNIQUES)))
    inside = torch.zeros((len(batch), width))
    for row, (window, word_tags, word_techniques) in enumerate(batch):
        for position, tag, multi_hot in zip(window.first, word_tags, word_techniques, strict=True):
            if position >= 0:
                tags[row, position] = tag
                techniques[row, position] = torch.tensor(multi_hot)
                inside[row, position] = float(tag != 0)
    return tags, techniques, inside


def train_techniques(
    nlp: Language,
    tagger: AttributionNetwork,
    articles: list[tuple[str, Spans]],
    model_dir: Path | None = None,
    epochs: int = 8,
    learning_rate: float = 1e-3,
    rank: int = 16,
    depth: int = 2,
    seed: int = 0,
    held_out: str = "",
    progress: Callable[[str, int, int], None] | None = None,
) -> dict[str, object]:
    """Train the branch over the tagger's frozen states and write its weights and metadata.

    The states are read as the pipeline reads them, with the tagger's 8-bit products; the branch starts from float
    copies of the tagger's last blocks and trains in float32 (it is quantized when loaded for reading)."""
    from safetensors.torch import save_file
    from transformers import AutoTokenizer

    from counterclaim.nlp.encoder import minilm_path

    random.seed(seed)
    torch.manual_seed(seed)
    started = time.perf_counter()
    tokenizer = AutoTokenizer.from_pretrained(minilm_path())
    examples = training_windows(nlp, articles, tokenizer)
    windows = [window for window, _, _ in examples]
    states: list[np.ndarray | None] = [None] * len(windows)
    if not tagger.quantized:
        tagger.quantize(keep_float_blocks=depth)
    tagger.kept_depth = depth
    reading = batches(windows)
    for done, group in enumerate(reading):  # the tagger's reading, once: it does not change in training
        tagger.word_log_probs([windows[n] for n in group], kept := [None] * len(group))
        for n, state in zip(group, kept, strict=True):
            states[n] = state
        if progress is not None:
            progress("reading", done + 1, len(reading))
    branch = TechniqueBranch(tagger.last_float_blocks(depth), depth=depth, rank=rank)
    trainable = [p for p in branch.parameters() if p.requires_grad]
    groups = batches(windows, TRAINING_BATCH_SUBWORDS)
    total = len(groups) * epochs
    optimizer = AdapterOptimizer(trainable, learning_rate, total)
    # Words inside spans are about a tenth of PTC's: weighted up, so that a span is found where it is about as likely as not.
    span_loss = torch.nn.CrossEntropyLoss(weight=torch.tensor(SPAN_WEIGHTS), ignore_index=IGNORED)
    branch.train()
    step = 0
    for _ in range(epochs):
        random.shuffle(groups)
        for group in groups:
            batch = [examples[n] for n in group]
            values, mask = padded_states([states[n] for n in group])
            logits = branch(values, mask)
            tags, techniques, inside = _targets(batch, values.shape[1])
            loss = span_loss(logits[..., : len(SPAN_LABELS)].flatten(0, 1), tags.flatten())
            shares = techniques / techniques.sum(dim=-1, keepdim=True).clamp(min=1.0)  # a word under two techniques: half each
            per_word = -(shares * torch.log_softmax(logits[..., len(SPAN_LABELS) :], dim=-1)).sum(dim=-1)
            loss = loss + (per_word * inside).sum() / inside.sum().clamp(min=1.0)
            optimizer.step(loss)
            step += 1
            if progress is not None:
                progress("training", step, total)
    weights, meta_path = model_paths(model_dir)
    weights.parent.mkdir(parents=True, exist_ok=True)
    save_file(branch.trained_state(), str(weights))
    meta = {
        "trained_on": "PTC (SemEval-2020 Task 11) training articles" + (f", {held_out}" if held_out else ""),
        "articles": len(articles),
        "words": sum(len(tags) for _, tags, _ in examples),
        "techniques": list(TECHNIQUES),
        "attribution": tagger.fingerprint(),
        "rank": rank,
        "depth": depth,
        "span_weights": list(SPAN_WEIGHTS),
        "epochs": epochs,
        "learning_rate": learning_rate,
        "seed": seed,
        "minutes": round((time.perf_counter() - started) / 60, 1),
    }
    meta_path.write_text(json.dumps(meta, indent=1) + "\n", encoding="utf-8")
    return meta
