"""Scoring stance on FNC-1 and Emergent.

FNC-1's official measure: each pair rightly called related or unrelated earns
0.25; a related pair given its right label (agree, disagree, discuss) earns
0.75 more; the score is reported as a fraction of the best possible. Accuracy
and macro-F1 are over the four labels. Emergent is scored by accuracy and
macro-F1 over for / against / observing.
"""

from __future__ import annotations

from typing import Any

from counterclaim.link.stance_data import EMERGENT_LABELS, LABELS

RELATED_WEIGHT, LABEL_WEIGHT = 0.25, 0.75


def fnc1_score(gold: list[str], predicted: list[str]) -> float:
    """The official weighted score of the predictions as a fraction of the maximum."""
    score = best = 0.0
    for truth, guess in zip(gold, predicted, strict=True):
        related = truth != "unrelated"
        best += RELATED_WEIGHT + (LABEL_WEIGHT if related else 0.0)
        if related == (guess != "unrelated"):
            score += RELATED_WEIGHT
        if related and guess == truth:
            score += LABEL_WEIGHT
    return score / best if best else 0.0


def f1_by_label(gold: list[str], predicted: list[str], labels: tuple[str, ...]) -> dict[str, dict[str, float]]:
    """Precision, recall, F1 and support of each label."""
    table = {}
    for label in labels:
        true_positive = sum(g == label and p == label for g, p in zip(gold, predicted, strict=True))
        predicted_n = sum(p == label for p in predicted)
        gold_n = sum(g == label for g in gold)
        precision = true_positive / predicted_n if predicted_n else 0.0
        recall = true_positive / gold_n if gold_n else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        table[label] = {"precision": precision, "recall": recall, "f1": f1, "support": gold_n}
    return table


def classification_scores(gold: list[str], predicted: list[str], labels: tuple[str, ...]) -> dict[str, Any]:
    per_class = f1_by_label(gold, predicted, labels)
    return {
        "accuracy": sum(g == p for g, p in zip(gold, predicted, strict=True)) / len(gold) if gold else 0.0,
        "macro_f1": sum(row["f1"] for row in per_class.values()) / len(labels),
        "per_class": per_class,
    }


def score_fnc1(gold: list[str], predicted: list[str]) -> dict[str, Any]:
    """`relative_score`, `accuracy`, `macro_f1` and `per_class` over FNC-1's four labels."""
    return {"relative_score": fnc1_score(gold, predicted), **classification_scores(gold, predicted, LABELS), "pairs": len(gold)}


EMERGENT_NAMES = {ours: theirs for theirs, ours in EMERGENT_LABELS.items()}


def score_emergent(gold: list[str], predicted: list[str]) -> dict[str, Any]:
    """Accuracy and macro-F1 over Emergent's own labels (for / against / observing)."""
    names = tuple(EMERGENT_LABELS)
    return {**classification_scores([EMERGENT_NAMES[g] for g in gold], [EMERGENT_NAMES[p] for p in predicted], names), "pairs": len(gold)}


def format_scores(result: dict[str, Any], title: str) -> str:
    """The scores as a few lines for reading."""
    lines = [title]
    head = f"accuracy {result['accuracy']:.3f}  macro-F1 {result['macro_f1']:.3f}"
    if "relative_score" in result:
        head = f"relative score {result['relative_score']:.4f}  " + head
    lines.append(head)
    lines.append(f"{'label':<10} {'P':>6} {'R':>6} {'F1':>6} {'n':>6}")
    for label, row in result["per_class"].items():
        lines.append(f"{label:<10} {row['precision']:6.3f} {row['recall']:6.3f} {row['f1']:6.3f} {row['support']:6d}")
    return "\n".join(lines)
