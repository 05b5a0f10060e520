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


def _bucket(distance: int) -> str:
    if distance <= 0:
        return str(distance) if distance > -4 else "-far"
    return str(distance) if distance < 4 else ("+mid" if distance < 12 else "+far")


class DocArrays:
    """Per-token attributes of a Doc read once into lists: spaCy's attribute access is slow in a loop."""

    __slots__ = ("lower", "lemma", "pos", "dep", "head", "in_quote", "is_quote", "lexical", "sent_start", "sent_end")

    def __init__(self, doc: Doc) -> None:
        self.lower = [t.lower_ for t in doc]
        self.lemma = [t.lemma_.lower() for t in doc]
        self.pos = [t.pos_ for t in doc]
        self.dep = [t.dep_ for t in doc]
        self.head = [t.head.i for t in doc]
        self.is_quote = [t.is_quote for t in doc]
        self.in_quote = [False] * len(doc)
        for start, end in doc._.quotes or ():
            span = doc.char_span(start, end, alignment_mode="expand")
            if span is not None:
                self.in_quote[span.start : span.end] = [True] * len(span)
        self.lexical = [
            [
                "w=" + lower,
                "lem=" + lemma,
                "pos=" + pos,
                "tag=" + t.tag_,
                "dep=" + dep,
                "shape=" + t.shape_[:4],
                "suf=" + lower[-3:],
                "ent=" + (t.ent_type_ or "-"),
            ]
            for t, lower, lemma, pos, dep in zip(doc, self.lower, self.lemma, self.pos, self.dep, strict=True)
        ]
        self.sent_start = [0] * len(doc)
        self.sent_end = [0] * len(doc)
        for sent in doc.sents:
            self.sent_start[sent.start : sent.end] = [sent.start] * len(sent)
            self.sent_end[sent.start : sent.end] = [sent.end] * len(sent)

    def cue_ancestry(self, i: int, cue_lemmas: frozenset[str]) -> tuple[int, str]:
        """The nearest ancestor that is a cue (-1 if none), and the dependency label of the branch below it.

        A sentence's root counts as its own ancestor, with the branch `ROOT`.
        """
        child, node = i, self.head[i]
        for _ in range(MAX_ANCESTOR_DEPTH):
            if self.lemma[node] in cue_lemmas:
                return node, self.dep[child]
            if node == child:
                break
            child, node = node, self.head[node]
        return -1, ""


def sequence_features(tokens: list[Token], cue_lemmas: frozenset[str], arrays: DocArrays | None = None) -> SequenceFeatures:
    """Feature strings for each token of one paragraph."""
    if arrays is None:
        arrays = DocArrays(tokens[0].doc)
    a = arrays
    indices = [t.i for t in tokens]
    positions = {i: n for n, i in enumerate(indices)}
    cue_index: dict[int, list[int]] = {}
    rows: list[list[str]] = []
    for n, i in enumerate(indices):
        lemma = a.lemma[i]
        head = a.head[i]
        head_lemma = a.lemma[head]
        head_is_cue = str(head_lemma in cue_lemmas)
        ancestor, branch = a.cue_ancestry(i, cue_lemmas)
        sent_start, sent_end = a.sent_start[i], a.sent_end[i]
        if sent_start not in cue_index:
            cue_index[sent_start] = [
                j for j in range(sent_start, sent_end) if a.lemma[j] in cue_lemmas and a.pos[j] in ("VERB", "NOUN", "ADP")
            ]
        cues = cue_index[sent_start]
        in_quote = str(a.in_quote[i])
        row = ["bias", *a.lexical[i]]
        row += [
            "cue=" + str(lemma in cue_lemmas),
            "q=" + in_quote,
            "qmark=" + str(a.is_quote[i]),
            "head.lem=" + head_lemma,
            "head.dep=" + a.dep[head],
            "head.cue=" + head_is_cue,
            "dep|head.cue=" + a.dep[i] + "|" + head_is_cue,
            "sent.cues=" + str(min(len(cues), 2)),
            "sent.start=" + str(i == sent_start),
            "sent.end=" + str(i == sent_end - 1),
        ]
        if ancestor >= 0:
            row += [
                "anc.branch=" + branch,
                "anc.lem=" + a.lemma[ancestor],
                "anc.branch|q=" + branch + "|" + in_quote,
                "anc.side=" + ("before" if i < ancestor else "after"),
                "anc.dist=" + _bucket(positions.get(ancestor, n) - n),
            ]
        else:
            row.append("anc=none")
        if cues:
            nearest = min(cues, key=lambda c: abs(c - i))
            row.append("cue.dist=" + _bucket(nearest - i))
        for offset in (-2, -1, 1, 2):
            m = n + offset
            if 0 <= m < len(indices):
                neighbour = a.lexical[indices[m]]
                row += [f"{offset}:{neighbour[0]}", f"{offset}:{neighbour[2]}", f"{offset}:{neighbour[4]}"]
                if abs(offset) == 1:
                    row.append(f"{offset}:q=" + str(a.in_quote[indices[m]]))
            else:
                row.append(f"{offset}:edge")
        rows.append(row)
    return rows


def document_features(doc: Doc, cue_lemmas: frozenset[str]) -> Iterable[tuple[list[Token], SequenceFeatures]]:
    """Each paragraph's tokens with their features."""
    arrays = DocArrays(doc)
    for tokens in paragraph_sequences(doc):
        yield tokens, sequence_features(tokens, cue_lemmas, arrays)
