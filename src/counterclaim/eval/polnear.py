"""PolNeAR: reading a split and scoring predicted claims against it.

The scoring follows `shared/tools/polnear_score.py`, the acceptance scorer:
spans trimmed of whitespace and punctuation, loose match at >= 50% coverage of
the gold content, strict at character Jaccard >= 0.8, one-to-one greedy
matching, attribution right when the source spans overlap (or both are null).
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

Spans = list[tuple[int, int]]

T_LINE = re.compile(r"^(T\d+)\t(\S+) (\d+ \d+(?:;\d+ \d+)*)\t")
E_LINE = re.compile(r"^E\d+\t(.*)$")
ANN_NAME = re.compile(r"^(?P<stem>.+)_(?P<annotator>[0-9a-f]{4})\.ann$")
QUOTE_MARKS = set('"\u201c\u201d\u201e\u201f\u00ab\u00bb\u2033\u2018\u201a\u2039\u203a')
OPEN_SINGLE = re.compile(r"(?:^|[\s(\[\u2014\u2013])'[^\W_]")
EXTRA_TRIM = set("`\u00b4\u02bc\u02cb\u02b9\u2032\u2033")
LEVELS = (("loose", 0.5), ("strict", 0.8))


@dataclass(slots=True)
class GoldClaim:
    content: Spans
    source: Spans | None
    cue: Spans | None
    direct: bool


@dataclass(slots=True)
class GoldDocument:
    stem: str
    text: str
    claims: list[GoldClaim] = field(default_factory=list)


def _trim_char(ch: str) -> bool:
    return ch.isspace() or ch in EXTRA_TRIM or unicodedata.category(ch)[0] == "P"


def span_chars(text: str, spans: Iterable[tuple[int, int]] | None) -> set[int]:
    """Character positions covered by the spans, each trimmed of punctuation and space."""
    chars: set[int] = set()
    for start, end in spans or ():
        start, end = max(0, start), min(len(text), end)
        while start < end and _trim_char(text[start]):
            start += 1
        while end > start and _trim_char(text[end - 1]):
            end -= 1
        chars.update(range(start, end))
    return chars


def is_direct(text: str, spans: Spans) -> bool:
    """Whether a content carries quotation marks (direct or mixed quote)."""
    for s, e in spans:
        window = text[max(0, s - 2) : min(len(text), e + 2)]
        inner = text[max(0, s - 1) : min(len(text), e + 1)]
        if any(ch in QUOTE_MARKS for ch in inner) or "''" in window or "``" in window or OPEN_SINGLE.search(window):
            return True
    return False


def _parse_ann(path: Path, text: str) -> list[GoldClaim]:
    spans: dict[str, Spans] = {}
    events: list[list[str]] = []
    for line in path.read_text(encoding="utf-8").split("\n"):
        if m := T_LINE.match(line):
            spans[m.group(1)] = [tuple(int(x) for x in frag.split()) for frag in m.group(3).split(";")]
        elif m := E_LINE.match(line):
            events.append(m.group(1).split())
    claims = []
    for args in events:
        if args[0].split(":", 1)[0] not in ("Attribution", "Attribution-no-source"):
            continue
        roles: dict[str, Spans] = defaultdict(list)
        for arg in args[1:]:
            role, tid = arg.split(":", 1)
            if tid in spans:
                roles[re.sub(r"\d+$", "", role)].extend(spans[tid])
        if not roles.get("Content"):
            continue
        content = sorted(roles["Content"])
        claims.append(GoldClaim(content, sorted(roles["Source"]) or None, sorted(roles["Cue"]) or None, is_direct(text, content)))
    return claims


def load_split(directory: str | Path) -> list[GoldDocument]:
    """Every article of a split (`text/` and `attributions/`) with its gold claims.

    Articles with several annotators use the alphabetically first annotator's file.
    """
    directory = Path(directory)
    text_dir, ann_dir = directory / "text", directory / "attributions"
    if not text_dir.is_dir() or not ann_dir.is_dir():
        raise FileNotFoundError(f"{directory}: not a PolNeAR split (needs text/ and attributions/)")
    annotations: dict[str, dict[str, Path]] = defaultdict(dict)
    for path in ann_dir.glob("*.ann"):
        m = ANN_NAME.match(path.name)
        stem, annotator = (m.group("stem"), m.group("annotator")) if m else (path.stem, "")
        annotations[stem][annotator] = path
    documents = []
    for text_path in sorted(text_dir.glob("*.txt")):
        text = text_path.read_text(encoding="utf-8")
        candidates = annotations.get(text_path.stem, {})
        claims = _parse_ann(candidates[min(candidates)], text) if candidates else []
        documents.append(GoldDocument(text_path.stem, text, claims))
    return documents


def _prf(tp: int, n_pred: int, n_gold: int) -> dict[str, float]:
    p = tp / n_pred if n_pred else 0.0
    r = tp / n_gold if n_gold else 0.0
    return {"precision": p, "recall": r, "f1": 2 * p * r / (p + r) if p + r else 0.0, "tp": tp}


def _role_right(text: str, gold: Spans | None, pred: Spans | None) -> bool:
    if gold is None:
        return pred is None
    if pred is None:
        return False
    gold_chars = span_chars(text, gold)
    return not gold_chars or bool(gold_chars & span_chars(text, pred))


def score(documents: list[GoldDocument], predictions: dict[str, list[dict[str, Any]]]) -> dict[str, Any]:
    """Content, attribution and cue scores at the loose and strict levels.

    `predictions` maps a document stem to claim records with `content`, `source`
    and `cue` as `{"spans": [[start, end], ...]}` or null, as `extract` writes them.
    """
    counts = {level: Counter() for level, _ in LEVELS}
    by_type: Counter = Counter()
    n_gold = n_pred = 0
    for document in documents:
        text, gold = document.text, document.claims
        pred = [_pred_spans(p) for p in predictions.get(document.stem, [])]
        n_gold += len(gold)
        n_pred += len(pred)
        by_type.update("direct" if g.direct else "indirect" for g in gold)
        gold_sets = [span_chars(text, g.content) for g in gold]
        pred_sets = [span_chars(text, p[0]) for p in pred]
        pairs = []
        for gi, gs in enumerate(gold_sets):
            for pi, ps in enumerate(pred_sets):
                if gs and (inter := len(gs & ps)):
                    pairs.append((inter / len(gs), inter / len(gs | ps), gi, pi))
        for level, threshold in LEVELS:
            key = (lambda x: (-x[0], -x[1], x[2], x[3])) if level == "loose" else (lambda x: (-x[1], -x[0], x[2], x[3]))
            used_gold, used_pred = set(), set()
            c = counts[level]
            for coverage, jaccard, gi, pi in sorted(pairs, key=key):
                if (coverage if level == "loose" else jaccard) < threshold or gi in used_gold or pi in used_pred:
                    continue
                used_gold.add(gi)
                used_pred.add(pi)
                kind = "direct" if gold[gi].direct else "indirect"
                c["tp"] += 1
                c["tp_" + kind] += 1
                if _role_right(text, gold[gi].source, pred[pi][1]):
                    c["attr"] += 1
                    c["attr_" + kind] += 1
                if _role_right(text, gold[gi].cue, pred[pi][2]):
                    c["cue"] += 1
    result: dict[str, Any] = {"counts": {"docs": len(documents), "gold": n_gold, "pred": n_pred, **{f"gold_{k}": v for k, v in by_type.items()}}}
    for level, _ in LEVELS:
        c = counts[level]
        result[level] = {
            "content": _prf(c["tp"], n_pred, n_gold),
            "attribution": _prf(c["attr"], n_pred, n_gold),
            "cue_accuracy": c["cue"] / c["tp"] if c["tp"] else 0.0,
            "recall_by_type": {
                kind: {
                    "content_recall": c["tp_" + kind] / by_type[kind] if by_type[kind] else 0.0,
                    "attribution_recall": c["attr_" + kind] / by_type[kind] if by_type[kind] else 0.0,
                    "gold": by_type[kind],
                }
                for kind in ("direct", "indirect")
            },
        }
    return result


def _pred_spans(record: dict[str, Any]) -> tuple[Spans, Spans | None, Spans | None]:
    def spans(role: str) -> Spans | None:
        value = record.get(role)
        if not value or not value.get("spans"):
            return None
        return [(int(s), int(e)) for s, e in value["spans"] if int(e) > int(s)] or None

    return spans("content") or [], spans("source"), spans("cue")


def format_scores(result: dict[str, Any]) -> str:
    """A table of the scores, in percent, one row per level."""
    c = result["counts"]
    lines = [
        f"docs={c['docs']} gold={c['gold']} (quoted {c.get('gold_direct', 0)} / unquoted {c.get('gold_indirect', 0)}) pred={c['pred']}",
        f"{'level':<6} | {'P':>5} {'R':>5} {'F1':>5} | {'attrP':>5} {'attrR':>5} {'attrF1':>6} | {'cue':>5} | {'R quoted':>8} {'R unquoted':>10}",
    ]
    for level, _ in LEVELS:
        r = result[level]
        content, attribution, rt = r["content"], r["attribution"], r["recall_by_type"]
        lines.append(
            f"{level:<6} | {100 * content['precision']:5.1f} {100 * content['recall']:5.1f} {100 * content['f1']:5.1f} | "
            f"{100 * attribution['precision']:5.1f} {100 * attribution['recall']:5.1f} {100 * attribution['f1']:6.1f} | "
            f"{100 * r['cue_accuracy']:5.1f} | {100 * rt['direct']['content_recall']:8.1f} {100 * rt['indirect']['content_recall']:10.1f}"
        )
    return "\n".join(lines)
