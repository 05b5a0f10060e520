"""PTC (SemEval-2020 Task 11): reading its articles and labels, and the task's two scores.

A folder laid out as `../shared/data/ptc` is: a `*-articles/` folder of `article<ID>.txt`, and beside it
`*-task2-TC.labels` (`id, technique, start, end`, character offsets, end exclusive) and `*-task1-SI.labels` (the same
spans without technique), whatever the prefix.

Span identification (SI) is scored as the task scores it: each predicted span earns, toward precision, the share of
its characters that fall in gold spans of the same article, and each gold span earns, toward recall, the share of
its characters that predicted spans cover; overlapping spans of one article are merged first, on both sides.
Technique classification (TC) is scored on the gold spans: one predicted technique for each gold label, micro-F1
over labels (a span with two gold techniques needs both among the predictions made for it).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from counterclaim.nlp.techniques import merged_ranges as merged  # one rule for training targets and scoring

HELD_OUT_EVERY = 5  # articles whose id is a multiple of this are held out of training, for development


@dataclass(slots=True)
class Article:
    id: str
    text: str
    spans: list[tuple[str, int, int]] = field(default_factory=list)  # (technique, start, end)


def _one(folder: Path, pattern: str, what: str) -> Path:
    found = sorted(folder.glob(pattern))
    if not found:
        raise FileNotFoundError(f"{folder}: no {what} ({pattern}); expected a folder laid out as ../shared/data/ptc")
    return found[0]


def load_ptc(folder: str | Path) -> list[Article]:
    """The articles of a PTC folder with their technique spans, in id order."""
    folder = Path(folder)
    if not folder.is_dir():
        raise FileNotFoundError(f"{folder}: no such folder")
    articles_dir = _one(folder, "*-articles", "articles folder")
    labels = _one(folder, "*-task2-TC.labels", "technique labels")
    articles = {
        path.stem.removeprefix("article"): Article(path.stem.removeprefix("article"), path.read_text(encoding="utf-8"))
        for path in sorted(articles_dir.glob("article*.txt"))
    }
    for line in labels.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        article_id, technique, start, end = line.split("\t")
        if article_id in articles:
            articles[article_id].spans.append((technique, int(start), int(end)))
    return [articles[key] for key in sorted(articles)]


def held_out(article: Article) -> bool:
    """Whether an article is in the development part held out of training (by id, so never by row)."""
    return int(article.id) % HELD_OUT_EVERY == 0 if article.id.isdigit() else False


def _covered(span: tuple[int, int], others: list[tuple[int, int]]) -> int:
    return sum(max(0, min(span[1], e) - max(span[0], s)) for s, e in others)


def span_scores(gold: dict[str, list[tuple[int, int]]], predicted: dict[str, list[tuple[int, int]]]) -> dict[str, float]:
    """SI precision, recall and F1 with partial credit by character overlap, spans of an article merged first."""
    precision_sum = recall_sum = 0.0
    n_predicted = n_gold = 0
    for article in set(gold) | set(predicted):
        gold_spans, predicted_spans = merged(gold.get(article, [])), merged(predicted.get(article, []))
        n_gold += len(gold_spans)
        n_predicted += len(predicted_spans)
        precision_sum += sum(_covered(s, gold_spans) / (s[1] - s[0]) for s in predicted_spans if s[1] > s[0])
        recall_sum += sum(_covered(g, predicted_spans) / (g[1] - g[0]) for g in gold_spans if g[1] > g[0])
    precision = precision_sum / n_predicted if n_predicted else 0.0
    recall = recall_sum / n_gold if n_gold else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1}


def technique_scores(gold: list[tuple[str, str, int, int]], predicted: list[tuple[str, str, int, int]]) -> dict[str, object]:
    """TC micro-F1: gold and predicted labels as (article, technique, start, end), matched per span as multisets."""
    by_span_gold: dict[tuple[str, int, int], Counter] = defaultdict(Counter)
    by_span_predicted: dict[tuple[str, int, int], Counter] = defaultdict(Counter)
    for article, technique, start, end in gold:
        by_span_gold[article, start, end][technique] += 1
    for article, technique, start, end in predicted:
        by_span_predicted[article, start, end][technique] += 1
    right = sum(sum((by_span_gold[key] & labels).values()) for key, labels in by_span_predicted.items())
    precision = right / len(predicted) if predicted else 0.0
    recall = right / len(gold) if gold else 0.0
    per_class: dict[str, dict[str, float]] = {}
    for technique in sorted({t for _, t, _, _ in gold}):
        hits = sum(min(by_span_gold[key][technique], labels[technique]) for key, labels in by_span_predicted.items())
        n_gold = sum(labels[technique] for labels in by_span_gold.values())
        n_pred = sum(labels[technique] for labels in by_span_predicted.values())
        p, r = (hits / n_pred if n_pred else 0.0), (hits / n_gold if n_gold else 0.0)
        per_class[technique] = {"precision": p, "recall": r, "f1": 2 * p * r / (p + r) if p + r else 0.0, "gold": n_gold}
    return {"micro_f1": 2 * precision * recall / (precision + recall) if precision + recall else 0.0, "per_class": per_class}
