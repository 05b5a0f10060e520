"""Why a span is where it is: the tagger's tags of each paragraph, then each claim with the rules that made it.

For the errors that remain: a user reads which words the tagger marked source, cue or content, which cue and source
each content was tied to and why (the parse, the nearest cue, a quotation carried over from the paragraph before), and
which rule made a claim that the tagger did not (a participle clause, an unnamed source, a transcript turn).
"""

from __future__ import annotations

from typing import TextIO

from spacy.tokens import Doc

from counterclaim.errors import shown
from counterclaim.nlp.attribution import paragraph_sequences


def tagged_paragraphs(doc: Doc) -> list[str]:
    """Each paragraph with a tagged word, its words with the tagged runs in brackets: `[SOURCE Ali Nazary] [CUE said]`."""
    role_of: dict[int, tuple[str, int]] = {}
    for span in doc._.attribution_spans or []:
        for i in range(span.start, span.end):
            role_of[i] = (span.role, span.start)
    lines = []
    for number, tokens in enumerate(paragraph_sequences(doc), start=1):
        if not any(t.i in role_of for t in tokens):
            continue
        pieces: list[str] = []
        current: tuple[str, int] | None = None
        for token in tokens:
            run = role_of.get(token.i)
            if run != current and current is not None:
                pieces[-1] += "]"
            if run is not None and run != current:
                pieces.append(f"[{run[0]} {token.text}")
            else:
                pieces.append(token.text)
            current = run
        if current is not None:
            pieces[-1] += "]"
        lines.append(f"paragraph {number}: " + " ".join(pieces))
    return lines


def write_explanation(doc_id: str, parts: list[tuple[int, Doc]], out: TextIO) -> None:
    """The tags, then every claim with its notes, for one document (in its own offsets)."""
    out.write(f"== {shown(doc_id)}\n")
    for offset, doc in parts:
        if offset:
            out.write(f"-- part from character {offset}\n")
        out.write("tags:\n")
        for line in tagged_paragraphs(doc):
            out.write(f"  {shown(line)}\n")
        out.write("claims:\n")
        notes = doc._.claim_notes or {}
        for claim in doc._.claims or []:
            shifted = claim.shifted(offset) if offset else claim
            who = claim.speaker.name if claim.speaker is not None else "no speaker"
            cue = f" cue `{claim.cue.text}`" if claim.cue is not None else ""
            out.write(f"  {shifted.claim_id} {claim.polarity} ({claim.mode}, {shown(who)}{shown(cue)}): {shown(claim.content.text)}\n")
            for note in notes.get(claim.claim_id, ["no note: a later rule changed or made this claim"]):
                out.write(f"    - {shown(note)}\n")
