"""Propositions against a ground truth: purity, contested detection, sides.

A ground truth (`truth.json`) names each claim by its document and a phrase of
its content (and a part of its speaker's name where two claims share a content),
and gives its proposition and side; `outside` names claims that must join no
proposition (questions, courtesies, a host's framing). Purity: within each found
proposition, the share of ground-truth claims from its majority proposition.
Contested detection: a found contested proposition is right when its majority
ground-truth proposition is contested (each counted once). Sides: the share of
ground-truth claims, in a found proposition whose majority is their own, whose
stance matches their side.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

from counterclaim.link.propositions import ClaimUnit, Proposition


def load_truth(path: str | Path) -> dict[str, Any]:
    truth = json.loads(Path(path).read_text(encoding="utf-8"))
    if "propositions" not in truth:
        raise ValueError(f"{path}: no `propositions` in the ground truth")
    return truth


def _named(units: list[ClaimUnit], claim: dict[str, Any], taken: set[int]) -> ClaimUnit | None:
    """The first stored claim, not yet named, of the document whose content holds the phrase (and whose speaker's name holds `speaker`)."""
    for unit in units:
        if unit.id in taken or unit.record.get("doc_id") != claim["doc"]:
            continue
        if claim["contains"].lower() not in unit.record["content"]["text"].lower():
            continue
        if "speaker" in claim and claim["speaker"].lower() not in (unit.speaker or "").lower():
            continue
        return unit
    return None


def _gold_labels(units: list[ClaimUnit], truth: dict[str, Any]) -> tuple[dict[int, tuple[str, str]], int]:
    """Ground-truth proposition and side of each stored claim the truth names, and how many it names."""
    labels: dict[int, tuple[str, str]] = {}
    named = 0
    for proposition in truth["propositions"]:
        for claim in proposition["claims"]:
            named += 1
            unit = _named(units, claim, set(labels))
            if unit is not None:
                labels[unit.id] = (proposition["id"], claim["side"])
    return labels, named


def format_result(result: dict[str, Any]) -> str:
    return (
        f"{result['claims_found']} of {result['named_claims']} ground-truth claims extracted, "
        f"{result['claims_in_propositions']} placed in a proposition; {result['propositions']} propositions, "
        f"{result['contested']} contested\n"
        f"purity {result['purity']:.2f}  contested precision {result['contested_precision']:.2f}  "
        f"recall {result['contested_recall']:.2f}  side accuracy {result['side_accuracy']:.2f}"
        + (f"\nkept out of propositions: {result['outside_kept_out']} of the {result['outside_found']} questions, courtesies "
           f"and framings found (of {result['outside_named']} named)" if result["outside_named"] else "")
    )


def score(propositions: list[Proposition], units: list[ClaimUnit], truth: dict[str, Any]) -> dict[str, Any]:
    labels, named = _gold_labels(units, truth)
    contested_truth = {p["id"] for p in truth["propositions"] if p.get("contested")}
    majority_total = labelled_total = sides_right = sides_total = 0
    in_propositions: set[int] = set()
    found_contested: set[str] = set()
    predicted_contested = right_contested = 0
    for proposition in propositions:
        gold = [(m, labels[m.unit.id]) for m in proposition.members if m.unit.id in labels]
        in_propositions.update(m.unit.id for m, _ in gold)
        majority = Counter(label for _, (label, _) in gold).most_common(1)
        if gold:
            majority_total += majority[0][1]
            labelled_total += len(gold)
            for member, (label, side) in gold:
                if label == majority[0][0]:
                    sides_total += 1
                    sides_right += member.stance == side
        if proposition.contested:
            predicted_contested += 1
            if majority and majority[0][0] in contested_truth and majority[0][0] not in found_contested:
                found_contested.add(majority[0][0])
                right_contested += 1
    outside = [u for u in (_named(units, claim, set()) for claim in truth.get("outside", [])) if u is not None]
    placed = {m.unit.id for p in propositions for m in p.members}
    return {
        "named_claims": named,
        "outside_named": len(truth.get("outside", [])),
        "outside_found": len(outside),
        "outside_kept_out": sum(u.id not in placed for u in outside),
        "claims_found": len(labels),
        "claims_in_propositions": len(in_propositions),
        "purity": majority_total / labelled_total if labelled_total else 0.0,
        "contested_precision": right_contested / predicted_contested if predicted_contested else 0.0,
        "contested_recall": len(found_contested) / len(contested_truth) if contested_truth else 0.0,
        "side_accuracy": sides_right / sides_total if sides_total else 0.0,
        "propositions": len(propositions),
        "contested": predicted_contested,
    }
