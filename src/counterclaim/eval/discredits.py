"""Scoring who-discredits-whom edges against a ground truth written for a corpus (`truth.json` beside `docs/`).

An edge is (source, target, kind) by speaker name; each distinct triple counts once on each side, as a user reads
the list: precision is the share of found triples in the truth, recall the share of true triples found.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

Triple = tuple[str, str, str]


def load_truth(path: Path) -> set[Triple]:
    data = json.loads(path.read_text(encoding="utf-8"))
    try:
        return {(e["source"], e["target"], e["kind"]) for e in data["edges"]}
    except (KeyError, TypeError) as problem:
        raise ValueError(f"{path}: each edge needs source, target and kind ({problem})") from None


def score(found: Iterable[Triple], truth: set[Triple]) -> dict[str, Any]:
    found = set(found)
    right = found & truth
    precision = len(right) / len(found) if found else 0.0
    recall = len(right) / len(truth) if truth else 0.0
    return {
        "precision": precision, "recall": recall, "f1": 2 * precision * recall / (precision + recall) if precision + recall else 0.0,
        "found": len(found), "true": len(truth), "right": len(right),
        "missed": sorted(truth - found), "wrong": sorted(found - truth),
    }
