"""Persuasion techniques: spans of text and the SemEval-2020 Task 11 technique each one uses.

A branch of the attribution tagger's encoder: its first blocks are shared (the tagger leaves their output on the
doc), and copies of its last blocks, with their own low-rank adapters merged at load, feed one output layer with
two readings of each word: whether it opens, continues or is outside a technique span (decoded by Viterbi under
BIO, as the attribution tags are), and how likely each of the 14 techniques is to be the one covering it (trained on
the share of the gold techniques covering the word: PTC's spans overlap, and one span can carry two). So the
component costs the copied blocks, not a second encoder. A span's techniques are those whose mean probability over
its words is highest, the first always, others from 0.35. Trained by `counterclaim train techniques` on PTC's
training articles (`nlp/technique_training.py`); the adapters, layer norms and output layer ship, with a hash of
the attribution encoder they were trained over.

The component sets `doc._.technique_spans` and gives each claim of `doc._.claims` the techniques whose spans fall
in its content (`claim.techniques`).
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import numpy as np
import torch
from spacy.language import Language
from spacy.tokens import Doc, Token
from torch import nn

from counterclaim.model import Claim, TechniqueUse
from counterclaim.nlp.attribution import (
    AdaptedModule,
    AttributionNetwork,
    BatchedComponent,
    Window,
    batches,
    encode_paragraph,
    first_subwords,
    paragraph_sequences,
    tagger_words,
    tags_to_spans,
    viterbi,
    viterbi_many,
)

MODEL_DIR = resources.files("counterclaim.nlp").joinpath("models")
MODEL_FILE = "techniques.safetensors"
META_FILE = "techniques.json"
TECHNIQUES = (
    "Appeal_to_Authority", "Appeal_to_fear-prejudice", "Bandwagon,Reductio_ad_hitlerum", "Black-and-White_Fallacy",
    "Causal_Oversimplification", "Doubt", "Exaggeration,Minimisation", "Flag-Waving", "Loaded_Language",
    "Name_Calling,Labeling", "Repetition", "Slogans", "Thought-terminating_Cliches", "Whataboutism,Straw_Men,Red_Herring",
)
SPAN_LABELS = ("O", "B-TECHNIQUE", "I-TECHNIQUE")
OUTPUTS = len(SPAN_LABELS) + len(TECHNIQUES)
ALSO = 0.35  # a second technique is named when its mean probability over the span reaches this
MIN_RUN_WORDS = 2  # a run of words inside a span that another technique reads best becomes its own span from this length
UNKNOWN_WORD = np.concatenate([np.log([0.98, 0.01, 0.01]), np.zeros(len(TECHNIQUES))])

if not Doc.has_extension("technique_spans"):
    Doc.set_extension("technique_spans", default=None)


@dataclass(slots=True)
class TechniqueSpan:
    """A stretch of text that uses one or more techniques: character offsets, end exclusive; techniques surest first."""

    start: int
    end: int
    techniques: list[str]
    scores: list[float]


@dataclass(slots=True)
class ParagraphReading:
    """The network's reading of one paragraph: its tokens, their span log-probabilities and technique probabilities."""

    tokens: list[Token]
    span_log_probs: np.ndarray
    technique_probs: np.ndarray


class TechniqueBranch(AdaptedModule):
    """Copies of the tagger encoder's last `depth` blocks with adapters in their linear layers, and the output layer."""

    def __init__(self, encoder_blocks: nn.ModuleList, depth: int, rank: int, dropout: float = 0.1) -> None:
        super().__init__()
        self.blocks = nn.ModuleList(copy.deepcopy(block) for block in list(encoder_blocks)[-depth:])
        self.add_adapters(self.blocks, rank)
        self.dropout = nn.Dropout(dropout)
        self.head = nn.Linear(encoder_blocks[-1].output.dense.out_features, OUTPUTS)

    def adapted_blocks(self) -> Iterable[nn.Module]:
        return self.blocks

    def forward(self, states: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        additive = (1.0 - mask[:, None, None, :].to(states.dtype)) * torch.finfo(states.dtype).min
        hidden = states
        for block in self.blocks:
            hidden = block(hidden, attention_mask=additive)
            hidden = hidden[0] if isinstance(hidden, tuple) else hidden
        return self.head(self.dropout(hidden))


def model_paths(model_dir: Path | None = None) -> tuple[Path, Path]:
    base = Path(str(model_dir or MODEL_DIR))
    return base / MODEL_FILE, base / META_FILE


def load_branch(tagger: AttributionNetwork, model_dir: Path | None = None) -> tuple[TechniqueBranch, dict]:
    """The trained branch over this tagger, adapters merged and read with 8-bit products as the tagger is, ready to
    read; refused if the tagger is not the one it was trained on. A quantized tagger must have kept float copies of
    the blocks the branch copies (`AttributionNetwork.quantize`)."""
    from safetensors.torch import load_file

    from counterclaim.nlp.encoder import load_trained

    weights, meta_path = model_paths(model_dir)
    if not weights.exists():
        raise FileNotFoundError(f"{weights}: technique model missing; train it with `counterclaim train techniques`")
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    if meta.get("attribution") != tagger.fingerprint():
        raise ValueError(f"{weights}: trained over another attribution tagger; retrain it with `counterclaim train techniques`")
    depth = meta.get("depth", 1)
    branch = TechniqueBranch(tagger.last_float_blocks(depth), depth=depth, rank=meta["rank"])
    load_trained(branch, load_file(str(weights)), weights)
    branch.quantize()
    return branch, meta


def _read(logits: torch.Tensor) -> torch.Tensor:
    return torch.cat([torch.log_softmax(logits[..., : len(SPAN_LABELS)], dim=-1), torch.softmax(logits[..., len(SPAN_LABELS) :], dim=-1)], dim=-1)


def shipped_depth(model_dir: Path | None = None) -> int:
    """How many final encoder blocks the trained branch copies (what the tagger must keep the input of)."""
    _, meta_path = model_paths(model_dir)
    try:
        return int(json.loads(meta_path.read_text(encoding="utf-8")).get("depth", 1))
    except (OSError, ValueError):
        return 1


def padded_states(states: list[np.ndarray]) -> tuple[torch.Tensor, torch.Tensor]:
    """Windows' states padded to the longest, and their mask."""
    width = max(len(s) for s in states)
    values = torch.zeros((len(states), width, states[0].shape[1]))
    mask = torch.zeros((len(states), width), dtype=torch.long)
    for row, state in enumerate(states):
        values[row, : len(state)] = torch.from_numpy(state)
        mask[row, : len(state)] = 1
    return values, mask


def read_windows(branch: TechniqueBranch, windows: list[Window], states: list[np.ndarray]) -> list[np.ndarray]:
    """Each window's per-word readings (span log-probabilities, then technique probabilities) from its states."""
    results: list[np.ndarray] = [np.empty((0, OUTPUTS))] * len(windows)
    with torch.inference_mode():
        for group in batches(windows):
            values, mask = padded_states([states[n] for n in group])
            read = _read(branch(values, mask)).numpy()
            for row, n in enumerate(group):
                results[n] = first_subwords(read[row], windows[n], UNKNOWN_WORD)
    return results


def paragraph_readings(branch: TechniqueBranch, kept: list[tuple[list[Token], Window, np.ndarray]]) -> list[ParagraphReading]:
    """The paragraphs the tagger kept states of (`doc._.tagger_states`), each read by the branch."""
    windows = [window for _, window, _ in kept]
    values = read_windows(branch, windows, [state for _, _, state in kept])
    readings: list[ParagraphReading] = []
    current: list[np.ndarray] = []
    for k, ((tokens, window, _), words) in enumerate(zip(kept, values, strict=True)):
        current.append(window.kept(words))
        if k + 1 == len(kept) or kept[k + 1][1].paragraph != window.paragraph:
            joined = np.concatenate(current)
            readings.append(ParagraphReading(tokens, joined[:, : len(SPAN_LABELS)], joined[:, len(SPAN_LABELS) :]))
            current = []
    return readings


def read_docs(tagger: AttributionNetwork, branch: TechniqueBranch, tokenizer, docs: list[Doc]) -> list[list[ParagraphReading]]:
    """Each doc's paragraphs read by the tagger and the branch, without the rest of the pipeline (for `eval ptc`)."""
    tagger.kept_depth = len(branch.blocks)
    owners = [(n, tokens) for n, doc in enumerate(docs) for tokens in paragraph_sequences(doc)]
    windows = [w for k, (_, tokens) in enumerate(owners) for w in encode_paragraph(tokenizer, tagger_words(tokens), k)]
    states: list[np.ndarray | None] = [None] * len(windows)
    tagger.word_log_probs(windows, states)
    readings = paragraph_readings(branch, [(owners[w.paragraph][1], w, state) for w, state in zip(windows, states, strict=True)])
    grouped: list[list[ParagraphReading]] = [[] for _ in docs]
    owner = {id(tokens): n for n, tokens in owners}
    for reading in readings:
        grouped[owner[id(reading.tokens)]].append(reading)
    return grouped


def merged_ranges(ranges: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """Character ranges with the overlapping and touching ones merged: PTC's spans overlap, a tag does not."""
    out: list[list[int]] = []
    for start, end in sorted(ranges):
        if out and start <= out[-1][1]:
            out[-1][1] = max(out[-1][1], end)
        else:
            out.append([start, end])
    return [(s, e) for s, e in out]


def ranked_techniques(probs: np.ndarray) -> tuple[list[str], list[float]]:
    """The techniques of a stretch of words from their mean probabilities: the surest always, others from `ALSO`."""
    mean = probs.mean(axis=0)
    order = [int(i) for i in np.argsort(-mean)]
    chosen = [order[0]] + [i for i in order[1:] if mean[i] >= ALSO]
    return [TECHNIQUES[i] for i in chosen], [round(float(mean[i]), 3) for i in chosen]


def technique_spans(reading: ParagraphReading, tags: list[str] | None = None) -> list[TechniqueSpan]:
    """The paragraph's technique spans, with their techniques; within a span, a run of words that another technique
    reads best (`the Taliban propaganda machine` in a longer appeal to fear) is a span of its own with that technique.
    `tags`: the paragraph's span tags where they were decoded already (`viterbi_many` over many paragraphs)."""
    if tags is None:
        tags = viterbi(reading.span_log_probs, SPAN_LABELS)
    spans = []
    for run in tags_to_spans(list(range(len(reading.tokens))), tags):
        techniques, scores = ranked_techniques(reading.technique_probs[run.start : run.end])
        spans.append(_span(reading, run.start, run.end, techniques, scores))
        best = reading.technique_probs[run.start : run.end].argmax(axis=1)
        start = 0
        for k in range(1, len(best) + 1):
            if k == len(best) or best[k] != best[start]:
                technique = TECHNIQUES[int(best[start])]
                if k - start >= MIN_RUN_WORDS and technique not in techniques:
                    score = round(float(reading.technique_probs[run.start + start : run.start + k, best[start]].mean()), 3)
                    spans.append(_span(reading, run.start + start, run.start + k, [technique], [score]))
                start = k
    return spans


def _span(reading: ParagraphReading, start: int, end: int, techniques: list[str], scores: list[float]) -> TechniqueSpan:
    first, last = reading.tokens[start], reading.tokens[end - 1]
    return TechniqueSpan(first.idx, last.idx + len(last.text), techniques, scores)


def techniques_of_range(readings: list[ParagraphReading], start: int, end: int) -> list[str]:
    """The techniques of a given stretch of characters (a gold span, for classifying it), surest first, all ranked."""
    rows = [r.technique_probs[k] for r in readings for k, t in enumerate(r.tokens) if t.idx < end and t.idx + len(t.text) > start]
    if not rows:
        return list(TECHNIQUES)
    mean = np.mean(rows, axis=0)
    return [TECHNIQUES[int(i)] for i in np.argsort(-mean)]


def claim_techniques(claim: Claim, spans: list[TechniqueSpan]) -> list[TechniqueUse]:
    """The techniques whose spans overlap the claim's content, each with its spans cut to the content."""
    found: dict[str, list[tuple[int, int]]] = {}
    for span in spans:
        for start, end in claim.content.spans:
            low, high = max(start, span.start), min(end, span.end)
            if low < high:
                for technique in span.techniques:
                    found.setdefault(technique, []).append((low, high))
    return [TechniqueUse(technique, sorted(set(ranges))) for technique, ranges in found.items()]


@Language.factory("counterclaim_techniques", default_config={"model_dir": None})
class TechniqueTagger(BatchedComponent):
    """Finds technique spans (`doc._.technique_spans`) and gives each claim its techniques (`claim.techniques`).

    Reads what the attribution tagger, set to keep its states, left on each doc, and frees it."""

    def __init__(self, nlp: Language, name: str, model_dir: str | None = None) -> None:
        self.name = name
        tagger = nlp.get_pipe("counterclaim_attribution")
        self.branch, self.meta = load_branch(tagger.network, Path(model_dir) if model_dir else None)
        if getattr(tagger, "keep_states", 0) != len(self.branch.blocks):
            raise ValueError(f"counterclaim_techniques needs counterclaim_attribution with keep_states = {len(self.branch.blocks)} before it")

    def _tag(self, docs: list[Doc]) -> None:
        kept = [(n, entry) for n, doc in enumerate(docs) for entry in (doc._.tagger_states or [])]
        readings = paragraph_readings(self.branch, [entry for _, entry in kept]) if kept else []
        owner = {id(entry[0]): n for n, entry in kept}
        for doc in docs:
            doc._.technique_spans = []
            doc._.tagger_states = None
        decoded = viterbi_many([reading.span_log_probs for reading in readings], SPAN_LABELS)
        for reading, tags in zip(readings, decoded, strict=True):
            doc = docs[owner[id(reading.tokens)]]
            doc._.technique_spans.extend(technique_spans(reading, tags))
        for doc in docs:
            for claim in doc._.claims or []:
                claim.techniques = claim_techniques(claim, doc._.technique_spans)
