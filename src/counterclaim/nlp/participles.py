"""Claims carried by a participle: `both the Taliban and the NRF claiming victories and denying defeats`.

News compresses the claims of several parties into one clause: a subject, often
coordinated, and a claim or denial verb in its -ing form with an object. The
tagger seldom reads such a clause as an attribution of its own. This component
adds one claim per party named in the subject (the Taliban claim victories; the
NRF claim victories), and a second participle joined by `and` shares the subject
(`and denying defeats`). A denial verb makes the claim a denial. A tagged
content that swallowed the clause with no cue of its own sentence (the tagger
tied it to a cue of the next sentence, or to none) gives way to these claims, and so
does a tagged claim on the participle itself when its subject names several parties.
"""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc, Span, Token

from counterclaim.model import Claim, TextSpans
from counterclaim.nlp.doc_text import doc_text
from counterclaim.nlp.lexicons import load_lexicon
from counterclaim.nlp.reported_speech import add_claims, claim_mode, is_denial, trimmed_offsets

SUBJECT_DEPS = ("nsubj", "nsubjpass")
# Words that belong to one party of a coordinated subject: `the` NRF, `Afghan` forces, `Massoud's` men.
PARTY_DEPS = ("det", "compound", "amod", "poss", "case", "nummod")


def _subject(verb: Token) -> Token | None:
    """The verb's subject, or the subject of the participle it is coordinated with (`claiming X and denying Y`)."""
    for node in (verb, verb.head if verb.dep_ == "conj" and verb.head.tag_ == "VBG" else None):
        if node is None:
            continue
        subject = next((c for c in node.children if c.dep_ in SUBJECT_DEPS), None)
        if subject is not None:
            return subject
    return None


def _party(head: Token) -> Span:
    """One party of a (possibly coordinated) subject: the head with its own modifiers, not its conjuncts."""
    start = min([c.left_edge.i for c in head.children if c.dep_ in PARTY_DEPS and c.i < head.i] + [head.i])
    return head.doc[start : head.i + 1]


def _swallowed(claim: Claim, verb: Token) -> bool:
    """Whether a claim's content holds the participle while its cue, if any, stands outside the participle's sentence."""
    sentence = verb.sent
    holds = any(start <= verb.idx < end for start, end in claim.content.spans)
    cue_inside = claim.cue is not None and sentence.start_char <= claim.cue.start < sentence.end_char
    return holds and not cue_inside


def _split_by_party(claim: Claim, verb: Token, claims: list[Claim]) -> bool:
    """Whether a tagged claim on the participle itself gives way to one claim per party of a coordinated subject."""
    return len(claims) > 1 and claim.cue is not None and any(start <= verb.idx < end for start, end in claim.cue.spans)


def participle_claims(doc: Doc) -> list[tuple[Token, list[Claim]]]:
    """Each claim or denial participle with a subject and an object, and a claim for each party of its subject."""
    cues = load_lexicon("participle_cues")
    text = doc_text(doc)
    found = []
    for verb in doc:
        lemma = verb.lemma_.lower()
        if verb.tag_ != "VBG" or lemma not in cues:
            continue
        subject = _subject(verb)
        obj = next((c for c in verb.children if c.dep_ in ("dobj", "ccomp")), None)
        if subject is None or obj is None or subject.pos_ == "PRON":
            continue
        content = TextSpans.from_offsets(text, [trimmed_offsets(doc[obj.left_edge.i : obj.right_edge.i + 1])])
        cue = TextSpans.from_offsets(text, [(verb.idx, verb.idx + len(verb.text))])
        mode = claim_mode(content.spans, doc._.quotes or [])
        polarity = "deny" if is_denial(doc[verb.i : verb.i + 1]) else "assert"
        claims = []
        for party in (subject, *subject.conjuncts):
            source = _party(party)
            claims.append(
                Claim(
                    doc_id=doc._.doc_id,
                    mode=mode,
                    polarity=polarity,
                    content=content,
                    cue=cue,
                    source=TextSpans.from_offsets(text, [(source.start_char, source.end_char)]),
                )
            )
        found.append((verb, claims))
    return found


@Language.factory("counterclaim_participles")
class ParticipleClaims:
    """Adds the claims of participle clauses to `doc._.claims`."""

    def __init__(self, nlp: Language, name: str) -> None:
        self.name = name

    def __call__(self, doc: Doc) -> Doc:
        found = participle_claims(doc)
        if found:
            doc._.claims = [c for c in doc._.claims or []
                            if not any(_swallowed(c, verb) or _split_by_party(c, verb, claims) for verb, claims in found)]
            add_claims(
                doc, [claim for _, claims in found for claim in claims],
                note="a participle clause (`..., calling the rumors propaganda`) with the subject of its sentence",
            )
        return doc
