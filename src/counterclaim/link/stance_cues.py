"""Stance cues: what a short text's own words say about which way it points, weighed with the claim reader.

The claim reader learns from a few thousand pairs which way a text points; the words that journalists
use to hedge ("reportedly", "claims", a question mark), to refute ("hoax", "denies", "not") and to
attribute ("..., officials say", "Report:") are few, and carry much of it (Ferreira & Vlachos's
features for Emergent). A multinomial logistic regression (the cue layer) reads the reader's three
related labels, as log-probabilities among themselves, together with these cues; where it chooses
another side than the reader, it shares the related probability among agree / disagree / discuss
afresh. The unrelated probability stays as the reader gave it, so the cues change which side a text
takes, never whether it bears on the claim.

Each claim reader carries its own layer in its metadata, trained on Emergent pairs that the reader
never saw (`stance_training.fit_cue_layers`): the final reader's on every training claim as the fold
model that held it out read it; a fold model's on the other folds' claims only.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import numpy as np

from counterclaim.link.checkable import NEGATION
from counterclaim.link.stance_data import STOP, StanceDataError, words

RELATED = 3  # agree, disagree, discuss: the first three of LABELS

_GROUPS: dict[str, str | None] = {
    "refutes": r"fake|fraud|hoax(?:es)?|false|falsely|den(?:y|ies|ied|ial)|refut\w+|bogus|debunk\w*|prank\w*|retract\w*|myth|lie|lies|lied"
    r"|untrue|dismiss\w*|reject\w*|baseless|unfounded|satir\w+|doubts?|doubtful|wrong|not true|no evidence|nonsense|rubbish|spoof",
    "negation": None,  # checkable.NEGATION, as linking's rules read a negation: every n't (couldn't, hasn't)
    "hedges": r"alleged\w*|apparent\w*|appears?|purported\w*|presumabl\w|probabl\w|possibl\w|likely|unlikely|unconfirmed|unverified"
    r"|rumou?r\w*|reportedly|seem\w*|suspected|believed|thought|expected|speculat\w+",
    "modal": r"may|might|could|would|can",
    "attributes": r"says?|said|claims?|claimed|claiming|reports?|reported|according|sources?|tells?|told|suggests?|suggested|alleges?"
    r"|insists?|accus\w+|warns?|officials?",
    "asks": r"if|whether|why|how|what|who",
    "confirms": r"confirm\w*|proves?|proven|revealed?|reveals|officially|finally|indeed|really|actually|truth",
    "shows": r"video|photos?|photographs?|watch|pictures?|footage|images?",
}
GROUPS = {name: NEGATION if pattern is None else re.compile(rf"\b(?:{pattern})\b") for name, pattern in _GROUPS.items()}
LABELLED = re.compile(r"^[^:]{1,40}:")  # "Report: ...", "WSJ: ..."
TRAILING_SOURCE = re.compile(r",\s*[^,]{0,40}\b(?:says?|said|claims?|reports?)\W*$")
CUE_NAMES = (
    *(f"text {name}" for name in GROUPS), "question mark", "ends in a question", "labelled",
    "trailing source", "claim words in text", "new words in text", "text length",
)


def cue_features(claim: str, text: str) -> list[float]:
    """The cues of one pair, in the order of CUE_NAMES."""
    lowered = text.lower()
    text_words = {w for w in words(text) if w not in STOP}
    claim_words = {w for w in words(claim) if w not in STOP}
    return [
        *(float(bool(pattern.search(lowered))) for pattern in GROUPS.values()),
        float("?" in text),
        float(text.rstrip().endswith("?")),
        float(bool(LABELLED.match(text))),
        float(bool(TRAILING_SOURCE.search(lowered))),
        len(text_words & claim_words) / max(1, len(claim_words)),
        len(text_words - claim_words) / max(1, len(text_words)),
        min(len(text_words), 30) / 30,
    ]


def related_log_probabilities(probabilities: np.ndarray) -> np.ndarray:
    """The three related labels' log-probabilities among themselves."""
    related = probabilities[:, :RELATED].astype("float64") + 1e-6
    return np.log(related / related.sum(axis=1, keepdims=True))


def _softmax(scores: np.ndarray) -> np.ndarray:
    """Each row's scores as probabilities."""
    shares = np.exp(scores - scores.max(axis=1, keepdims=True))
    return shares / shares.sum(axis=1, keepdims=True)


def cue_matrix(claims: list[str], texts: list[str]) -> np.ndarray:
    return np.array([cue_features(c, t) for c, t in zip(claims, texts, strict=True)], dtype="float64").reshape(len(claims), len(CUE_NAMES))


@dataclass(slots=True)
class CueLayer:
    """A logistic regression over the reader's related log-probabilities (one weight for all three) and the cues.

    Fitted on readings of claims the reader never saw, it gives the reader's log-probabilities a weight of
    about 0.4: the reader is surer than it is right, and the cues can outweigh it.
    """

    reader_weight: float
    weights: np.ndarray  # labels x cues
    bias: np.ndarray  # labels

    def scores(self, reading: np.ndarray, cues: np.ndarray) -> np.ndarray:
        """The regression's scores, as fitted, from the reader's `related_log_probabilities` and the cues."""
        return self.reader_weight * reading + cues @ self.weights.T + self.bias

    def apply(self, probabilities: np.ndarray, claims: list[str], texts: list[str]) -> np.ndarray:
        """The probabilities, with the related share given afresh where the cues choose another side than the reader.

        Where the layer's side is the reader's, the reading stays as the reader gave it (the scale on which
        linking's thresholds were chosen); where the cues overturn it, the related share is divided as the
        layer's calibrated probabilities divide it, which are seldom sure. Rows still sum to one; the
        unrelated probability never changes.
        """
        if not len(probabilities):
            return probabilities
        scores = self.scores(related_log_probabilities(probabilities), cue_matrix(claims, texts))
        overturned = scores.argmax(axis=1) != probabilities[:, :RELATED].argmax(axis=1)
        result = probabilities.copy()
        if overturned.any():
            shares = _softmax(scores[overturned])
            related = probabilities[overturned, :RELATED].sum(axis=1, keepdims=True)
            result[overturned, :RELATED] = (shares * related).astype(probabilities.dtype)
        return result

    def to_json(self) -> dict[str, Any]:
        return {"cues": list(CUE_NAMES), "reader_weight": round(self.reader_weight, 6),
                "weights": self.weights.round(6).tolist(), "bias": self.bias.round(6).tolist()}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> CueLayer:
        """The layer as stored; refused when it was fitted on other cues than these."""
        if data.get("cues") != list(CUE_NAMES):
            raise ValueError("the stance cue layer was fitted on other cues; fit it again with `counterclaim train stance --only cues`")
        return cls(float(data["reader_weight"]), np.array(data["weights"], dtype="float64"), np.array(data["bias"], dtype="float64"))


# an L2 penalty on the cues' weights: compared on Emergent's folds (0.0003, 0.001, 0.003, 0.01 gave 0.785, 0.781, 0.776, 0.767)
CUE_PENALTY = 0.001


def fit_cue_layer(probabilities: np.ndarray, claims: list[str], texts: list[str], labels: list[int]) -> CueLayer:
    """A cue layer fitted to readings (rows of the reader's probabilities) and their gold labels (0 to 2), by L-BFGS."""
    from scipy.optimize import minimize

    reading, cues = related_log_probabilities(probabilities), cue_matrix(claims, texts)
    gold = np.eye(RELATED)[np.asarray(labels, dtype=int)]
    size = cues.shape[1]
    if not gold.sum(axis=0).all():
        raise StanceDataError("the cue layer needs Emergent pairs of all three stances (for, against, observing)")

    def unpack(theta: np.ndarray) -> CueLayer:
        return CueLayer(float(theta[0]), theta[1 : 1 + RELATED * size].reshape(RELATED, size), theta[1 + RELATED * size :])

    def loss(theta: np.ndarray) -> tuple[float, np.ndarray]:
        layer = unpack(theta)
        predicted = _softmax(layer.scores(reading, cues))  # the log-probabilities taken once, not at every step of the search
        error = (predicted - gold) / len(gold)
        value = -(gold * np.log(predicted + 1e-12)).sum() / len(gold) + CUE_PENALTY * (layer.weights**2).sum()
        gradient = [[(error * reading).sum()], (error.T @ cues + 2 * CUE_PENALTY * layer.weights).ravel(), error.sum(axis=0)]
        return value, np.concatenate(gradient)

    start = np.concatenate([[1.0], np.zeros(RELATED * size + RELATED)])
    return unpack(minimize(loss, start, jac=True, method="L-BFGS-B").x)
