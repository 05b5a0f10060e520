"""The attribution tagger: labels each token source, cue, content or none.

A linear-chain CRF over the features of `features.py`, trained on PolNeAR's
`train` split by `counterclaim train attribution` (see `nlp/training.py`). Its
weights ship in `nlp/models/` and load offline. The tagger only labels tokens;
turning the labels into claims is the job of `claims.py`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import pycrfsuite
from spacy.language import Language
from spacy.tokens import Doc

from counterclaim.nlp.features import document_features

MODEL_DIR = resources.files("counterclaim.nlp").joinpath("models")
MODEL_FILE = "attribution.crfsuite"
META_FILE = "attribution.json"
ROLES = ("SOURCE", "CUE", "CONTENT")

if not Doc.has_extension("attribution_spans"):
    Doc.set_extension("attribution_spans", default=None)


@dataclass(frozen=True, slots=True)
class RoleSpan:
    """A run of tokens with one role: `start` and `end` are token indices, end exclusive."""

    role: str
    start: int
    end: int


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


def model_paths(model_dir: Path | None = None) -> tuple[Path, Path]:
    """Where the CRF weights and their metadata (cue lemmas, training facts) live."""
    base = Path(str(model_dir or MODEL_DIR))
    return base / MODEL_FILE, base / META_FILE


@Language.factory("counterclaim_attribution", default_config={"model_dir": None})
class AttributionTagger:
    """Tags source, cue and content tokens; results in `doc._.attribution_spans`."""

    def __init__(self, nlp: Language, name: str, model_dir: str | None = None) -> None:
        self.name = name
        weights, meta = model_paths(Path(model_dir) if model_dir else None)
        if not weights.exists():
            raise FileNotFoundError(f"{weights}: attribution model missing; train it with `counterclaim train attribution`")
        self.meta = json.loads(meta.read_text(encoding="utf-8"))
        self.cue_lemmas = frozenset(self.meta["cue_lemmas"])
        self.tagger = pycrfsuite.Tagger()
        self.tagger.open(str(weights))

    def __call__(self, doc: Doc) -> Doc:
        spans: list[RoleSpan] = []
        for tokens, features in document_features(doc, self.cue_lemmas):
            tags = self.tagger.tag(features)
            spans.extend(tags_to_spans([t.i for t in tokens], tags))
        doc._.attribution_spans = spans
        return doc
