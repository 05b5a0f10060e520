"""Loading the English pipeline with counterclaim's components, offline."""

from __future__ import annotations

import spacy
from spacy.language import Language

# Importing the modules registers their factories with spaCy.
from counterclaim.nlp import (  # noqa: F401
    attribution,
    hedges,
    paragraphs,
    participles,
    quantities,
    quotes,
    reported_speech,
    speakers,
    techniques,
    turns,
    unnamed_sources,
)
from counterclaim.nlp.english_model import english_model_name
from counterclaim.nlp.long_runs import BoundedTokenizer


def load_base_pipeline() -> Language:
    """The English pipeline with paragraph breaks and quotation spans, without the tagger."""
    nlp = spacy.load(english_model_name())
    nlp.tokenizer = BoundedTokenizer(nlp.tokenizer, nlp.vocab)
    nlp.add_pipe("counterclaim_paragraphs", before="parser")
    nlp.add_pipe("counterclaim_quotes", after="parser")
    return nlp


def load_tagger() -> Language:
    """The English pipeline's tokenizer and part-of-speech tagger alone: for telling a clause from a phrase, fast."""
    nlp = spacy.load(english_model_name(), exclude=["parser", "ner", "lemmatizer"])
    nlp.tokenizer = BoundedTokenizer(nlp.tokenizer, nlp.vocab)
    return nlp


def load_pipeline(model_dir: str | None = None, with_techniques: bool | None = None) -> Language:
    """The full extraction pipeline: base pipeline, attribution tagger, the claims, then what they say.

    `with_techniques` (by default: with the shipped tagger) adds the persuasion technique component, which reads the
    tagger's encoder states and so comes with the tagger it was trained over.
    """
    with_techniques = model_dir is None if with_techniques is None else with_techniques
    nlp = load_base_pipeline()
    nlp.add_pipe("counterclaim_attribution", config={"model_dir": model_dir, "keep_states": techniques.shipped_depth() if with_techniques else 0})
    nlp.add_pipe("counterclaim_reported_speech")
    nlp.add_pipe("counterclaim_participles")
    nlp.add_pipe("counterclaim_turns")
    nlp.add_pipe("counterclaim_unnamed_sources")
    nlp.add_pipe("counterclaim_speakers")
    nlp.add_pipe("counterclaim_hedges")
    nlp.add_pipe("counterclaim_quantities")
    if with_techniques:
        nlp.add_pipe("counterclaim_techniques")
    return nlp
