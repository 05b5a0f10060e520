"""Training the attribution tagger on PolNeAR.

`counterclaim train attribution ../shared/data/polnear/train` parses the split,
labels each token from the gold spans (B-/I- for source, cue and content),
learns which lemmas act as cues, and fits the CRF. The data stays where it is:
only the weights and the learned cue lemmas are written into the package.
"""

from __future__ import annotations

import json
import time
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

import pycrfsuite
from spacy.language import Language
from spacy.tokens import Doc

from counterclaim.eval.polnear import GoldDocument
from counterclaim.nlp.attribution import model_paths
from counterclaim.nlp.features import document_features
from counterclaim.nlp.lexicons import load_lexicon

# Inner roles win where annotations nest: a cue inside another claim's content stays a cue.
ROLE_PRIORITY = {"Cue": 0, "Source": 1, "Content": 2}
MIN_CUE_COUNT = 3
MIN_CUE_RATE = 0.15


def token_labels(doc: Doc, gold: GoldDocument) -> dict[int, str]:
    """BIO label of each labelled token, from the gold spans of every claim."""
    chosen: dict[int, tuple[int, str, tuple[int, int]]] = {}
    for index, claim in enumerate(gold.claims):
        for role, spans in (("Cue", claim.cue), ("Source", claim.source), ("Content", claim.content)):
            for start, end in spans or ():
                span = doc.char_span(start, end, alignment_mode="expand")
                if span is None:
                    continue
                for token in span:
                    if token.is_space:
                        continue
                    rank = ROLE_PRIORITY[role]
                    if token.i not in chosen or rank < chosen[token.i][0]:
                        chosen[token.i] = (rank, role.upper(), (span.start, index))
    labels: dict[int, str] = {}
    for i, (_, role, key) in sorted(chosen.items()):
        previous = chosen.get(i - 1)
        inside = previous is not None and previous[1] == role and previous[2][1] == key[1]
        labels[i] = ("I-" if inside else "B-") + role
    return labels


def learn_cue_lemmas(pairs: Iterable[tuple[GoldDocument, Doc]]) -> list[str]:
    """Lemmas that head a cue often enough, joined with the hand-written speech lexicon."""
    as_cue: Counter[str] = Counter()
    seen: Counter[str] = Counter()
    for gold, doc in pairs:
        labels = token_labels(doc, gold)
        for token in doc:
            if token.pos_ not in ("VERB", "NOUN", "ADP", "AUX", "ADJ"):
                continue
            lemma = token.lemma_.lower()
            seen[lemma] += 1
            if labels.get(token.i, "").endswith("CUE"):
                as_cue[lemma] += 1
    learned = {lem for lem, n in as_cue.items() if n >= MIN_CUE_COUNT and n / seen[lem] >= MIN_CUE_RATE}
    single_words = {entry for entry in load_lexicon("speech_cues") if " " not in entry}
    return sorted(learned | single_words)


def training_sequences(pairs: list[tuple[GoldDocument, Doc]], cue_lemmas: frozenset[str]):
    """(features, labels) for every paragraph of every document."""
    for gold, doc in pairs:
        labels = token_labels(doc, gold)
        for tokens, features in document_features(doc, cue_lemmas):
            yield features, [labels.get(t.i, "O") for t in tokens]


def train_attribution(
    pairs: list[tuple[GoldDocument, Doc]],
    model_dir: Path | None = None,
    algorithm: str = "lbfgs",
    c1: float = 0.5,
    c2: float = 10.0,
    max_iterations: int = 300,
    min_freq: int = 1,
) -> dict[str, object]:
    """Fit the CRF on parsed gold documents and write its weights and metadata.

    The defaults were chosen on 140 articles held out of `train` (content and
    attribution F1, loose): weak regularisation stopped early scored as well but
    swung by several points with the smallest change in the parses; strong L2
    converges to the same score every time, and L1 halves the model's size.

    `algorithm` is crfsuite's: `lbfgs` (with `c1`/`c2` regularisation) or `ap`
    (averaged perceptron, where `max_iterations` counts epochs).
    """
    cue_lemmas = learn_cue_lemmas(pairs)
    trainer = pycrfsuite.Trainer(algorithm=algorithm, verbose=False)
    n_tokens = 0
    for features, labels in training_sequences(pairs, frozenset(cue_lemmas)):
        trainer.append(features, labels)
        n_tokens += len(labels)
    params: dict[str, object] = {"max_iterations": max_iterations, "feature.possible_transitions": True, "feature.minfreq": min_freq}
    if algorithm == "lbfgs":
        params |= {"c1": c1, "c2": c2}
    trainer.set_params(params)
    weights, meta_path = model_paths(model_dir)
    weights.parent.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    trainer.train(str(weights))
    meta = {
        "trained_on": "PolNeAR v1.0.0 train split",
        "documents": len(pairs),
        "tokens": n_tokens,
        "params": {"algorithm": algorithm, **params},
        "seconds": round(time.perf_counter() - started, 1),
        "cue_lemmas": cue_lemmas,
    }
    meta_path.write_text(json.dumps(meta, indent=1) + "\n", encoding="utf-8")
    return meta


def parse_gold(nlp: Language, documents: list[GoldDocument], progress=None) -> list[tuple[GoldDocument, Doc]]:
    """Parse the gold articles with the base pipeline (no tagger)."""
    parsed = []
    for gold, doc in zip(documents, nlp.pipe((d.text for d in documents), batch_size=16), strict=True):
        parsed.append((gold, doc))
        if progress is not None:
            progress()
    return parsed
