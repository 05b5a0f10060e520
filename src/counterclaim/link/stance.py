"""Stance of a text toward a claim: supports, disputes, or reports it without taking a side.

A multinomial logistic regression over the sentence embeddings of the two texts
(their product and difference, and their cosine) and a few cue counts (denial
and negation words, hedges and attribution verbs, a question mark). Trained on
Emergent's headlines (`for` / `against` / `observing` toward a rumoured claim) by
`counterclaim train stance ../shared/data/emergent/train.csv`; the weights ship
in `link/models/stance.npz`. Scoring needs only numpy; training needs scikit-learn.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np

LABELS = ("for", "against", "observing")
STANCES = {"for": "supports", "against": "disputes", "observing": "reports"}
MODEL_FILE = "stance.npz"
DENIAL = re.compile(
    r"\b(den(y|ies|ied)|false|fake|hoax|debunk\w*|myth|not|no|never|n't|isn't|wasn't|untrue|refut\w+|reject\w*|dismiss\w*)\b", re.I
)
HEDGE = re.compile(
    r"\b(reportedly|report\w*|claim\w*|alleged\w*|rumou?r\w*|may|might|could|says?|said|according|apparently|purported\w*"
    r"|possibl\w+|suggest\w*)\b",
    re.I,
)


@dataclass(slots=True)
class StancePair:
    claim: str
    text: str
    label: str | None = None
    group: str | None = None


def cue_features(text: str, claim: str) -> list[float]:
    """Counts that embeddings blur: denials and negations (beyond the claim's own), hedges, questions."""
    return [
        float(len(DENIAL.findall(text))),
        float(len(DENIAL.findall(text)) - len(DENIAL.findall(claim))),
        float(len(HEDGE.findall(text))),
        float("?" in text),
    ]


def features(pairs: list[StancePair]) -> np.ndarray:
    """One row per pair: embedding product, absolute difference, cosine, cue counts."""
    import numpy as np

    from counterclaim.link.embeddings import embed

    claims = embed([p.claim for p in pairs])
    texts = embed([p.text for p in pairs])
    cosine = (claims * texts).sum(axis=1, keepdims=True)
    cues = np.array([cue_features(p.text, p.claim) for p in pairs], dtype="float32")
    return np.hstack([claims * texts, np.abs(claims - texts), cosine, cues]).astype("float32")


def read_emergent(path: str | Path) -> list[StancePair]:
    """Emergent's `claimHeadline`, `articleHeadline`, `articleHeadlineStance`, `claimId` rows."""
    with open(path, encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    missing = {"claimHeadline", "articleHeadline", "articleHeadlineStance", "claimId"} - set(rows[0] if rows else {})
    if missing:
        raise ValueError(f"{path}: not an Emergent file (missing columns {', '.join(sorted(missing))})")
    return [StancePair(r["claimHeadline"], r["articleHeadline"], r["articleHeadlineStance"], r["claimId"]) for r in rows]


class StanceModel:
    """Softmax over the shipped weights."""

    def __init__(self, weights: np.ndarray, bias: np.ndarray) -> None:
        self.weights = weights
        self.bias = bias

    @classmethod
    def load(cls, path: Path | None = None) -> StanceModel:
        import numpy as np

        source = path or Path(str(resources.files(__package__).joinpath("models", MODEL_FILE)))
        data = np.load(source)
        return cls(data["weights"], data["bias"])

    def probabilities(self, pairs: list[StancePair]) -> np.ndarray:
        import numpy as np

        scores = features(pairs) @ self.weights.T + self.bias
        scores -= scores.max(axis=1, keepdims=True)
        exp = np.exp(scores)
        return exp / exp.sum(axis=1, keepdims=True)

    def predict(self, pairs: list[StancePair]) -> list[str]:
        """`for`, `against` or `observing` for each pair."""
        return [LABELS[i] for i in self.probabilities(pairs).argmax(axis=1)]


def fit(x: np.ndarray, labels: list[str], c: float = 1.0):
    from sklearn.linear_model import LogisticRegression

    model = LogisticRegression(C=c, max_iter=3000, class_weight="balanced")
    model.fit(x, [LABELS.index(label) for label in labels])
    return model


def cross_validate(pairs: list[StancePair], folds: int = 5, c: float = 1.0) -> dict[str, float]:
    """Accuracy and macro-F1 with folds split by claim, so no claim is seen in training and test."""
    import numpy as np
    from sklearn.metrics import accuracy_score, f1_score
    from sklearn.model_selection import GroupKFold

    x = features(pairs)
    y = np.array([LABELS.index(p.label) for p in pairs])
    predicted = np.zeros_like(y)
    for train, test in GroupKFold(n_splits=folds).split(x, y, groups=[p.group for p in pairs]):
        predicted[test] = fit(x[train], [LABELS[i] for i in y[train]], c).predict(x[test])
    per_class = f1_score(y, predicted, average=None, labels=list(range(len(LABELS))))
    return {
        "accuracy": float(accuracy_score(y, predicted)),
        "macro_f1": float(f1_score(y, predicted, average="macro")),
        **{f"f1_{label}": float(score) for label, score in zip(LABELS, per_class, strict=True)},
        "pairs": len(pairs),
        "claims": len({p.group for p in pairs}),
    }


def train(pairs: list[StancePair], path: Path | None = None, c: float = 1.0) -> Path:
    """Fit on all pairs and write the weights."""
    import numpy as np

    model = fit(features(pairs), [p.label for p in pairs], c)
    target = path or Path(str(resources.files(__package__).joinpath("models", MODEL_FILE)))
    target.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(target, weights=model.coef_.astype("float32"), bias=model.intercept_.astype("float32"))
    return target
