"""Unnamed sources as claims of their own: "reports that X", "rumors of X", "sources said".

Half the claims that matter in contested reporting come from nobody in
particular. `Nazary denied reports that the Taliban have taken control` holds
two claims: Nazary's denial, and the reports' assertion that the Taliban have
taken control. This component adds the second kind, with an `unnamed` speaker
named after the noun (`reports`, `rumors`), so that it can be told apart from
named speakers and linked to the claims it contradicts.
"""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc, Span, Token

from counterclaim.model import Claim, Speaker, TextSpans
from counterclaim.nlp.doc_text import doc_text
from counterclaim.nlp.lexicons import load_lexicon
from counterclaim.nlp.reported_speech import STRIP, add_claims, claim_mode, trimmed_offsets

QUOTE_MARKS = "\"\u201c\u201d"
# "the story of his life" is no claim: only these nouns carry one in an "of" phrase.
OF_NOUNS = {"report", "rumor", "rumour", "claim", "allegation"}


def _content_of(noun: Token) -> Span | None:
    """The clause or phrase a report noun carries: `reports [that X]`, `rumors [of X]`, `the narrative ... is [that X]`."""
    doc = noun.doc
    if noun.dep_ == "nsubj" and noun.head.lemma_ == "be":
        for clause in noun.head.children:
            marks = [t for t in clause.children if t.dep_ == "mark" and t.lower_ == "that"]
            if clause.dep_ == "ccomp" and clause.i > noun.i and marks:
                return doc[marks[0].i + 1 : clause.right_edge.i + 1]
    for child in noun.children:
        if child.dep_ in ("acl", "ccomp", "relcl") and child.i > noun.i:
            marks = [t for t in child.children if t.dep_ == "mark" and t.lower_ == "that"]
            if marks and marks[0].i == noun.i + 1:
                return doc[marks[0].i + 1 : child.right_edge.i + 1]
        if child.dep_ == "prep" and child.lower_ == "of" and child.i == noun.i + 1 and noun.lemma_.lower() in OF_NOUNS:
            objects = [t for t in child.children if t.dep_ == "pobj"]
            if objects:
                return doc[child.i + 1 : objects[0].right_edge.i + 1]
    return None


def _clip_aside(content: Span) -> Span:
    """An aside set off by dashes, or a participle after a comma (`, calling them propaganda`), is the
    writer's or the denier's, not the reports': stop before it."""
    for token in content[1:]:
        if token.text in ("\u2014", "\u2013", "--"):
            return content.doc[content.start : token.i]
        if token.text == "," and token.i + 1 < content.end and content.doc[token.i + 1].tag_ == "VBG":
            return content.doc[content.start : token.i]
    return content


def unnamed_claims(doc: Doc) -> list[Claim]:
    """A claim for each report noun with a content and no named holder (no possessive)."""
    nouns = load_lexicon("report_nouns")
    # a report noun the tagger already made the source of a claim has its claim: `rumours that X` once, not twice;
    # `denied reports that X` keeps the reports' claim beside the denier's
    taken = [c.source for c in doc._.claims or [] if c.source]
    claims = []
    for token in doc:
        if token.pos_ != "NOUN" or token.lemma_.lower() not in nouns:
            continue
        if any(start <= token.idx < end for span in taken for start, end in span.spans):
            continue
        if any(child.dep_ == "poss" for child in token.children):
            continue  # "their reports": a named holder, for the tagger and speaker resolution
        content = _content_of(token)
        if content is None or len(content) < 2:
            continue
        content = _clip_aside(content)
        # no quotation mark around it, no full stop; a quotation that closes inside it keeps its opening mark
        words = content.text.lstrip(STRIP)
        opens = words[:1] in QUOTE_MARKS and any(mark in words[1:] for mark in QUOTE_MARKS)
        offsets = trimmed_offsets(content, STRIP if opens else STRIP + QUOTE_MARKS, STRIP + ".")
        source = TextSpans.from_offsets(doc_text(doc), [(token.idx, token.idx + len(token.text))])
        claims.append(
            Claim(
                doc_id=doc._.doc_id,
                mode=claim_mode([offsets], doc._.quotes or []),
                polarity="assert",
                content=TextSpans.from_offsets(doc_text(doc), [offsets]),
                cue=source,
                source=source,
                speaker=Speaker(id=f"unnamed-{token.lower_}", name=token.lower_, kind="unnamed", aliases=[token.text]),
            )
        )
    return claims


@Language.factory("counterclaim_unnamed_sources")
class UnnamedSources:
    """Adds the claims of unnamed reports and rumours to `doc._.claims`."""

    def __init__(self, nlp: Language, name: str) -> None:
        self.name = name

    def __call__(self, doc: Doc) -> Doc:
        found = unnamed_claims(doc)
        nouns = {claim.source.start for claim in found if claim.source}
        # a claim the tagger gave a report noun as its cue and no source (`there were reports of X`) is the report's: the
        # unnamed claim, which names its speaker, takes its place
        doc._.claims = [c for c in doc._.claims or [] if c.source or not c.cue or not any(c.cue.start <= n < c.cue.end for n in nouns)]
        add_claims(doc, found, note="an unnamed source: `reports that X`, `rumors of X` as a claim of its own")
        return doc
