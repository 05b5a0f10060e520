"""Claims from reported and quoted speech: tagged attributions made into `Claim` records.

Adds what the tagger does not say: the mode (direct, mixed, indirect) from the
quotation spans, the polarity from the denial lexicon (`denied reports that X`
is a denial of X, not of the reports), and one claim per coordinated clause
(`said that A and that B`).
"""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc, Span

from counterclaim.model import Claim, ClaimMode, TextSpans
from counterclaim.nlp.assembly import Attribution, assemble
from counterclaim.nlp.doc_text import doc_text
from counterclaim.nlp.lexicons import load_lexicon

for _name, _default in (("doc_id", ""), ("turns", None), ("claims", None), ("claim_notes", None)):
    if not Doc.has_extension(_name):
        Doc.set_extension(_name, default=_default)

STRIP = " \t\n,;:\u2014\u2013-"


def claim_mode(content: list[tuple[int, int]], quotes: list[tuple[int, int]]) -> ClaimMode:
    """Direct when the content lies within quotation marks, mixed when partly, else indirect."""
    total = quoted = 0
    for start, end in content:
        total += end - start
        for q_start, q_end in quotes:
            quoted += max(0, min(end, q_end) - max(start, q_start))
    if not quoted:
        return "indirect"
    return "direct" if quoted >= 0.9 * total else "mixed"


def base_forms(word: str) -> set[str]:
    """The word and the base forms it may be inflected from (`Denies` -> deny, `rebutted` -> rebut): a Title Case
    headline's verbs are tagged as names, whose lemma is the word itself."""
    word = word.lower()
    forms = {word}
    for suffix, replacement in (("ies", "y"), ("ied", "y"), ("es", ""), ("s", ""), ("ed", ""), ("ed", "e"), ("ing", ""), ("ing", "e")):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            stem = word[: -len(suffix)] + replacement
            forms.add(stem)
            if stem[-1] == stem[-2]:  # rebutted, rebutting
                forms.add(stem[:-1])
    return forms


def is_negated(cue: Span) -> bool:
    """Whether the cue is negated (`did not deny`, `never disputed`), inside it or on its verb."""
    return any(t.dep_ == "neg" or t.lower_ in ("not", "never", "n't") or any(c.dep_ == "neg" for c in t.children) for t in cue)


def is_denial(cue: Span | None) -> bool:
    """Whether the cue denies: a word or phrase of the denial lexicon, in any inflection, not negated.

    Dismissals and rejections are denials (`waved away suggestions that X`,
    `laughed off claims`); a negated denial (`did not deny reports`) is not.
    """
    if cue is None:
        return False
    denials = load_lexicon("denial_cues")
    words = [t.lemma_.lower() for t in cue]
    said = any(w in denials or base_forms(t.text) & denials for w, t in zip(words, cue, strict=True))
    lemmas = f" {' '.join(words)} "
    said = said or cue.text.lower() in denials or any(" " in d and f" {d} " in lemmas for d in denials)
    return said and not is_negated(cue)


def denied_proposition(content: Span) -> Span:
    """`reports that X` / `rumors of X` denied: the denial is of X."""
    report_nouns = load_lexicon("report_nouns")
    tokens = list(content)
    for n, token in enumerate(tokens[:-2]):
        if token.lemma_.lower() in report_nouns and tokens[n + 1].lower_ in ("that", "of"):
            return content.doc[tokens[n + 2].i : content.end]
        if token.pos_ not in ("DET", "ADJ", "NOUN", "PROPN", "PUNCT"):
            break
    return content


def split_coordinated(content: Span) -> list[Span]:
    """`A and that B` as two contents: a `that` clause coordinated with the clause before it."""
    parts: list[Span] = []
    start = content.start
    for token in content[1:]:
        if token.lower_ == "that" and token.dep_ == "mark" and token.head.dep_ == "conj":
            previous = content.doc[token.i - 1]
            if previous.dep_ == "cc" and previous.i > start:
                parts.append(content.doc[start : previous.i])
                start = token.i
    parts.append(content.doc[start : content.end])
    return parts


def trimmed_offsets(span: Span, lead_chars: str = STRIP, trail_chars: str = STRIP) -> tuple[int, int]:
    """The span's character range without leading and trailing separators (the whole span if nothing is left)."""
    text = span.text
    lead = len(text) - len(text.lstrip(lead_chars))
    trail = len(text.rstrip(trail_chars))
    if trail <= lead:
        return span.start_char, span.end_char
    return span.start_char + lead, span.start_char + trail


def _text_spans(doc: Doc, spans: list[Span]) -> TextSpans:
    return TextSpans.from_offsets(doc_text(doc), [trimmed_offsets(s) for s in spans])


def claims_from_attribution(doc: Doc, attribution: Attribution) -> tuple[Claim, list[str]]:
    """The attribution's claim, with the notes of how it was made; a content of clauses coordinated with `and that`
    stays one content (as a reader marks it) and carries its clauses, which the ledger links one by one."""
    deny = is_denial(attribution.cue)
    notes = ["tagger: the content, cue and source spans the attribution tagger marked", *attribution.notes]
    contents = list(attribution.contents)
    clauses = split_coordinated(contents[0]) if len(contents) == 1 else []
    if len(clauses) > 1:
        notes.append(f"content: {len(clauses)} clauses coordinated with `and that`, each linked as a statement of its own")
    if deny:
        denied = denied_proposition(contents[0])
        if denied.start != contents[0].start:
            notes.append(f"polarity: a denial of `{contents[0].text}`: the content is what the reports say, `{denied.text}`")
        else:
            notes.append(f"polarity: the cue `{attribution.cue.text}` denies")
        contents[0] = denied
        clauses = [denied_proposition(clause) for clause in clauses]
    content = _text_spans(doc, contents)
    claim = Claim(
        doc_id=doc._.doc_id,
        mode=claim_mode(content.spans, doc._.quotes or []),
        polarity="deny" if deny else "assert",
        content=content,
        cue=_text_spans(doc, [attribution.cue]) if attribution.cue is not None else None,
        source=_text_spans(doc, [attribution.source]) if attribution.source is not None else None,
        clauses=[_text_spans(doc, [clause]) for clause in clauses] if len(clauses) > 1 else [],
    )
    return claim, notes


def add_claims(doc: Doc, new_claims: list[Claim], note: str = "") -> None:
    """Add claims to `doc._.claims`, skipping any with the same content and source, in text order; `note` says which
    rule made them (`counterclaim extract --explain`)."""
    claims = list(doc._.claims or [])
    seen = {(c.content.start, c.content.end, c.source.start if c.source else None) for c in claims}
    for claim in new_claims:
        key = (claim.content.start, claim.content.end, claim.source.start if claim.source else None)
        if key not in seen:
            seen.add(key)
            claims.append(claim)
            if note:
                note_claim(doc, claim, note)
    claims.sort(key=lambda c: (c.content.start, c.content.end))
    doc._.claims = claims


def note_claim(doc: Doc, claim: Claim, note: str) -> None:
    """Keep a line on why a claim is as it is, by its id, for `counterclaim extract --explain`."""
    if doc._.claim_notes is None:
        doc._.claim_notes = {}
    doc._.claim_notes.setdefault(claim.claim_id, []).append(note)


@Language.factory("counterclaim_reported_speech")
class ReportedSpeech:
    """Builds `doc._.claims` from the tagger's spans."""

    def __init__(self, nlp: Language, name: str) -> None:
        self.name = name

    def __call__(self, doc: Doc) -> Doc:
        claims: list[Claim] = []
        doc._.claim_notes = {}
        for attribution in assemble(doc, doc._.attribution_spans or []):
            claim, notes = claims_from_attribution(doc, attribution)
            claims.append(claim)
            for note in notes:
                note_claim(doc, claim, note)
        doc._.claims = claims
        return doc
