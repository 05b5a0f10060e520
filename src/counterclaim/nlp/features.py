"""Token features for the attribution tagger, shared by training and tagging.

An attribution is mostly syntax: the content is the clause under a cue verb,
the source is the cue's subject, and quotation marks bound direct speech. So
besides the word itself each token is described by its nearest cue ancestor
in the parse and the branch it hangs from, its place relative to the quotes,
and the cues of its sentence.
"""

from __future__ import annotations

from collections.abc import Iterable

from spacy.tokens import Doc, Token

MAX_ANCESTOR_DEPTH = 12

SequenceFeatures = list[list[str]]


def paragraph_sequences(doc: Doc) -> list[list[Token]]:
    """The tagger's unit: the non-space tokens of each paragraph (text between line breaks)."""
    sequences: list[list[Token]] = []
    current: list[Token] = []
    for token in doc:
        if token.is_space:
            if "\n" in token.text and current:
                sequences.append(current)
                current = []
            continue
        current.append(token)
        if "\n" in token.whitespace_:
            sequences.append(current)
            current = []
    if current:
        sequences.append(current)
    return sequences


def _cue_ancestry(token: Token, cue_lemmas: frozenset[str]) -> tuple[Token | None, str]:
    """The nearest ancestor that is a cue, and the dependency label of the branch below it."""
    child = token
    node = token.head
    depth = 0
    while node is not child and depth < MAX_ANCESTOR_DEPTH:
        if node.lemma_.lower() in cue_lemmas:
            return node, child.dep_
        child, node = node, node.head
        depth += 1
    return None, ""


def _bucket(distance: int) -> str:
    if distance <= 0:
        return str(distance) if distance > -4 else "-far"
    return str(distance) if distance < 4 else ("+mid" if distance < 12 else "+far")


def _lexical(token: Token) -> list[str]:
    lower = token.lower_
    return [
        "w=" + lower,
        "lem=" + token.lemma_.lower(),
        "pos=" + token.pos_,
        "tag=" + token.tag_,
        "dep=" + token.dep_,
        "shape=" + token.shape_[:4],
        "suf=" + lower[-3:],
        "ent=" + (token.ent_type_ or "-"),
    ]


def sequence_features(tokens: list[Token], cue_lemmas: frozenset[str]) -> SequenceFeatures:
    """Feature strings for each token of one paragraph."""
    lexical = [_lexical(t) for t in tokens]
    positions = {t.i: n for n, t in enumerate(tokens)}
    cue_index: dict[int, list[int]] = {}
    rows: list[list[str]] = []
    for n, token in enumerate(tokens):
        lemma = token.lemma_.lower()
        head = token.head
        ancestor, branch = _cue_ancestry(token, cue_lemmas)
        sent = token.sent
        key = sent.start
        if key not in cue_index:
            cue_index[key] = [t.i for t in sent if t.lemma_.lower() in cue_lemmas and t.pos_ in ("VERB", "NOUN", "ADP")]
        cues = cue_index[key]
        row = ["bias", *lexical[n]]
        row += [
            "cue=" + str(lemma in cue_lemmas),
            "q=" + str(token._.in_quote),
            "qmark=" + str(token.is_quote),
            "head.lem=" + head.lemma_.lower(),
            "head.dep=" + head.dep_,
            "head.cue=" + str(head.lemma_.lower() in cue_lemmas),
            "dep|head.cue=" + token.dep_ + "|" + str(head.lemma_.lower() in cue_lemmas),
            "sent.cues=" + str(min(len(cues), 2)),
            "sent.start=" + str(token.i == sent.start),
            "sent.end=" + str(token.i == sent.end - 1),
        ]
        if ancestor is not None:
            row += [
                "anc.branch=" + branch,
                "anc.lem=" + ancestor.lemma_.lower(),
                "anc.branch|q=" + branch + "|" + str(token._.in_quote),
                "anc.side=" + ("before" if token.i < ancestor.i else "after"),
                "anc.dist=" + _bucket(positions.get(ancestor.i, n) - n),
            ]
        else:
            row.append("anc=none")
        if cues:
            nearest = min(cues, key=lambda c: abs(c - token.i))
            row.append("cue.dist=" + _bucket(nearest - token.i))
        for offset in (-2, -1, 1, 2):
            m = n + offset
            if 0 <= m < len(tokens):
                neighbour = lexical[m]
                row += [f"{offset}:{neighbour[0]}", f"{offset}:{neighbour[2]}", f"{offset}:{neighbour[4]}"]
                if abs(offset) == 1:
                    row.append(f"{offset}:q=" + str(tokens[m]._.in_quote))
            else:
                row.append(f"{offset}:edge")
        rows.append(row)
    return rows


def document_features(doc: Doc, cue_lemmas: frozenset[str]) -> Iterable[tuple[list[Token], SequenceFeatures]]:
    """Each paragraph's tokens with their features."""
    for tokens in paragraph_sequences(doc):
        yield tokens, sequence_features(tokens, cue_lemmas)
