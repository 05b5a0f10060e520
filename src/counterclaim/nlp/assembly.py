"""From tagged role spans to attribution triples: which content goes with which cue and source.

The tagger labels tokens one paragraph at a time; a claim needs its parts tied
together. A content goes to the cue that governs it in the parse when there is
one, else to the nearest cue of its own or a neighbouring sentence in the same
paragraph; contents that share a cue (`"A," he said. "B."`) become one claim; a
cue-less paragraph that reopens a quotation continues the quote before it. The
source is the tagged span holding the cue's subject, else the nearest tagged
source of the cue's sentence, else the cue's subject in the parse. A quotation
followed by a dash and a name (`"..." ― Ilse Marten`) is credited to that name.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache

from spacy.tokens import Doc, Span, Token

from counterclaim.nlp.attribution import RoleSpan
from counterclaim.nlp.lexicons import load_lexicon

MAX_ANCESTOR_DEPTH = 12


@dataclass(slots=True)
class Attribution:
    """Token spans of one attribution: contents (one or more pieces), its cue and source."""

    contents: list[Span]
    cue: Span | None = None
    source: Span | None = None
    notes: list[str] = field(default_factory=list)  # why the parts are tied as they are (`counterclaim extract --explain`)


def _ancestors(token: Token, limit: int = MAX_ANCESTOR_DEPTH) -> Iterator[Token]:
    node = token
    for _ in range(limit):
        if node.head.i == node.i:  # spaCy makes a new Token object on each access: compare indices
            return
        node = node.head
        yield node


def _governs(governor: Span, dependent: Span) -> bool:
    """Whether a token of `governor` dominates the root of `dependent` in the parse."""
    root = dependent.root
    indices = set(range(governor.start, governor.end))
    return any(a.i in indices for a in _ancestors(root))


def _sentence_index(doc: Doc) -> list[int]:
    index = [0] * len(doc)
    for n, sent in enumerate(doc.sents):
        for i in range(sent.start, sent.end):
            index[i] = n
    return index


def _paragraph_index(doc: Doc) -> list[int]:
    """Paragraph number of each token: line breaks separate paragraphs."""
    index, paragraph = [0] * len(doc), 0
    for token in doc:
        index[token.i] = paragraph
        paragraph += token.text_with_ws.count("\n") > 0
    return index


def _distance(a: Span, b: Span) -> int:
    if a.end <= b.start:
        return b.start - a.end
    if b.end <= a.start:
        return a.start - b.end
    return 0


def _pick_cue(content: Span, cues: list[Span], sentence_of: list[int], paragraph_of: list[int]) -> tuple[Span | None, str]:
    """The governing cue, else the nearest in the content's sentences (or, for a quotation, one beside them); and why.

    A cue is never taken from a later paragraph: a paragraph without a cue
    continues the quotation of the paragraph before it. Only a paragraph that
    opens with a quotation takes its cue from the paragraph before (`"...," he
    said.` / `"...`): any other content there is something the tagger found
    without its cue, and where each sentence is a line (text dumps, some feeds)
    it would glue the next sentence to a claim. Likewise only a quotation takes
    its cue from a sentence beside its own (`"A," he said. "B."`): an unquoted
    content there is mostly the author's words the tagger half-found (on
    PolNeAR dev, of the unquoted pieces joined so to another's cue, none
    belonged to that content; not joining them moved strict content F1 from
    0.6764 to 0.6828, attribution F1 from 0.7610 to 0.7630, loose 0.8359 to 0.8345).
    """
    first, last = sentence_of[content.start], sentence_of[content.end - 1]
    paragraph = paragraph_of[content.start]
    nearby = [c for c in cues if first - 1 <= sentence_of[c.start] <= last + 1 and paragraph_of[c.start] == paragraph]
    if not _is_quoted(content):  # only a quotation runs on past its cue's sentence
        nearby = [c for c in nearby if first <= sentence_of[c.start] <= last or _governs(c, content) or _governs(content, c)]
    where = "its paragraph"
    opens_quote = _opens_paragraph_with_quote(content, paragraph_of)
    if not nearby and opens_quote:
        nearby = [c for c in cues if first - 1 <= sentence_of[c.start] <= last and paragraph_of[c.start] == paragraph - 1]
        where = "the paragraph before"
    if not nearby:
        return None, "no cue in its sentence or the sentences beside it" + (", nor in the paragraph before" if opens_quote else "")
    governing = [c for c in nearby if _governs(c, content) or _governs(content, c)]
    within = [c for c in nearby if first <= sentence_of[c.start] <= last]
    pool = governing or within or nearby
    reason = ("it governs the content in the parse" if governing else "the nearest cue in the content's sentences" if within
              else "the nearest cue in a sentence beside the content")
    return min(pool, key=lambda c: (_distance(c, content), c.start)), f"{reason} ({where})"


@cache
def _speech_and_denial_verbs() -> frozenset[str]:
    return load_lexicon("speech_cues") | load_lexicon("denial_cues")


def _with_governing_verb(cue: Span) -> tuple[Span, bool]:
    """A cue that is only a report noun (`reports`, `claims`) widened to the speech verb that governs it.

    In `Countering reports that he had fled, the former vice president told ...`
    or `dismissed claims that ...` the tagger may mark the noun alone as the cue;
    the verb is what says whether the speaker asserts or denies.
    """
    root = cue.root
    if root.lemma_.lower() not in load_lexicon("report_nouns") or any(t.pos_ not in ("DET", "ADJ", "NOUN") for t in cue):
        return cue, False
    doc, verbs = cue.doc, _speech_and_denial_verbs()
    start = cue.start
    while start > 0 and cue.start - start < 3 and doc[start - 1].pos_ in ("DET", "ADJ", "ADP", "ADV", "PRON") and not doc[start - 1].is_punct:
        start -= 1
    # the verb the noun depends on, or the verb just before it (the parser often misreads a sentence-initial `Countering`)
    for verb in (root.head, doc[start - 1] if start > 0 else root):
        if verb.i < cue.start and verb.tag_.startswith("VB") and verb.lemma_.lower() in verbs and not any(
                t.is_punct for t in doc[verb.i : cue.start]) and cue.start - verb.i <= 4:
            return doc[verb.i : cue.end], True
    return cue, False


# Words that can stand for a whole statement when denied or asserted (`We deny that.`, `He confirmed it.`).
STANDS_FOR_A_STATEMENT = {"this", "that", "it", "these", "those", "so", "all", "everything", "nothing", "something", "anything"}
FUNCTION_WORDS = {"DET", "PRON", "ADP", "SCONJ", "CCONJ", "PART", "AUX"}


def _lone_function_word(content: Span) -> bool:
    """Whether the content's only word is an article, pronoun, preposition or the like that cannot stand for a statement."""
    words = [t for t in content if not (t.is_punct or t.is_space)]
    return len(words) == 1 and words[0].pos_ in FUNCTION_WORDS and words[0].lower_ not in STANDS_FOR_A_STATEMENT


def _is_quoted(content: Span) -> bool:
    return content[0]._.in_quote or content[0].is_quote


def _speech_verb_between(previous: Span, content: Span, cue: Span) -> Span | None:
    """A speech verb other than the cue, between a cue's piece and the next piece, that governs the next one.

    `questioning the integrity of the voting system, encouraging his supporters
    to visit polling places`: the tagger tagged both contents and only the first
    cue; the second piece is what `encouraging` says, not part of what
    `questioning` does.
    """
    doc, verbs = content.doc, _speech_and_denial_verbs()
    words = [t for t in content if not (t.is_punct or t.is_space)]
    if not words:
        return None
    core = doc[words[0].i : words[-1].i + 1]  # a closing `.` hangs on the sentence's verb, and would be the span's root
    for token in doc[previous.end : content.start]:
        if (token.tag_.startswith("VB") and token.lemma_.lower() in verbs and not cue.start <= token.i < cue.end
                and _governs(doc[token.i : token.i + 1], core)):
            return doc[token.i : token.i + 1]
    return None


def _phrase(head: Token) -> Span:
    """A noun phrase by its head, without the relative clause after it (`demonstrators here, who ...`)."""
    end = head.right_edge.i + 1
    for child in head.children:
        if child.dep_ in ("relcl", "acl", "punct") and child.i > head.i:
            end = min(end, child.left_edge.i)
    return head.doc[head.left_edge.i : max(end, head.i + 1)]


def _turn_label(cue: Span) -> Span | None:
    """`PENCE` in a paragraph opening `"PENCE: ...`: a transcript quoted in an article, its cue the colon."""
    if cue.text != ":":
        return None
    doc, start = cue.doc, cue.start
    while start > 0 and not doc[start - 1].is_quote and "\n" not in doc[start - 1].text_with_ws and not doc[start - 1].is_space:
        start -= 1
    label = doc[start : cue.start]
    if len(label) and label.text.isupper() and any(ch.isalpha() for ch in label.text):
        return label
    return None


def _subject_of(cue: Span) -> Span | None:
    """The cue's subject (a name, a noun or a pronoun), without its relative clause: a source the tagger missed.

    Else the agent of a passive cue (`has been called a charlatan by fellow
    physicians`), the subject of the verb a cue is coordinated with (`who have
    taken to the streets and called for`), or the label of a quoted transcript
    turn (`"PENCE: ...`).
    Measured on PolNeAR dev: with the CRF tagger, common-noun and pronoun
    subjects added as many wrong sources as right ones, so only names were
    taken; with the MiniLM tagger they raise attribution F1 from 72.9 to 73.3.
    """
    nominal = ("PROPN", "PRON", "NOUN")
    for token in cue:
        for child in token.children:
            if child.dep_ == "nsubj" and child.pos_ in nominal:
                return _phrase(child)
    for token in cue:
        for child in token.children:
            agent = next((c for c in child.children if c.dep_ == "pobj" and c.pos_ in nominal), None) if child.dep_ == "agent" else None
            if agent is not None:
                return _phrase(agent)
    for token in cue:
        if token.dep_ == "conj" and token.head.pos_ in ("VERB", "AUX"):
            subject = next((c for c in token.head.children if c.dep_ == "nsubj" and c.pos_ in nominal), None)
            if subject is not None:
                return _phrase(subject)
    return _turn_label(cue)


def _pick_source(cue: Span, sources: list[Span], sentence_of: list[int], taken: set[int]) -> tuple[Span | None, str]:
    """The tagged source holding the cue's subject, else the nearest of its sentence, else the subject in the parse; and why."""
    sentence = sentence_of[cue.start]
    same = [s for s in sources if sentence_of[s.start] == sentence]
    if same:
        subjects = {c.i for t in cue for c in t.children if c.dep_ in ("nsubj", "nsubjpass", "agent")}
        holding_subject = [s for s in same if any(t.i in subjects for t in s)]
        governed = holding_subject or [s for s in same if _governs(cue, s)]
        free = [s for s in (governed or same) if s.start not in taken] or governed or same
        reason = ("the tagged source holding the cue's subject" if holding_subject else "a tagged source the cue governs" if governed
                  else "the nearest tagged source of the cue's sentence")
        return min(free, key=lambda s: (_distance(s, cue), s.start)), reason
    subject = _subject_of(cue)
    return subject, "no tagged source in the cue's sentence: the cue's subject in the parse" if subject is not None else "no source found"


def _opens_paragraph_with_quote(content: Span, paragraph_of: list[int]) -> bool:
    """Whether the content is quoted and its paragraph begins with the quotation mark just before it."""
    doc = content.doc
    first = content.start
    while first > 0 and paragraph_of[first - 1] == paragraph_of[content.start] and not doc[first - 1].is_space:
        first -= 1
    return doc[first].is_quote and first >= content.start - 1 and doc[content.start]._.in_quote


def _carried_quote(content: Span, attributed: list[Attribution], paragraph_of: list[int]) -> Attribution | None:
    """The quotation this cue-less paragraph continues: a quote attributed in the paragraph just before.

    News style runs a long quote over paragraphs, reopening the quotation mark
    and naming the speaker only once: `"...," he said. "...` / `"...`.
    """
    if not _opens_paragraph_with_quote(content, paragraph_of):
        return None
    paragraph = paragraph_of[content.start]
    before = [a for a in attributed if a.contents[-1].end <= content.start]
    if not before:
        return None
    previous = before[-1]
    last = previous.contents[-1]
    if paragraph_of[last.end - 1] == paragraph - 1 and last.doc[last.start]._.in_quote:
        return previous
    return None


QUOTE_CHARS = "\"'\u201c\u201d\u2018\u2019"
CREDIT_DASHES = {"\u2015", "\u2014", "\u2013", "-", "--"}


def _credit_line(content: Span, paragraph_of: list[int]) -> tuple[Span, Span] | None:
    """The dash and name that credit a quotation at its paragraph's end (`"..." \u2015 Krystal Correa`): its cue and source.

    Vox pops, pull quotes and epigraphs credit a quotation this way, with no
    speech verb for the tagger to find.
    """
    doc = content.doc
    paragraph = paragraph_of[content.end - 1]
    i = content.end - 1 if content[-1].text.lstrip(QUOTE_CHARS) in CREDIT_DASHES else content.end
    while i < len(doc) and paragraph_of[i] == paragraph and (doc[i].is_quote or doc[i].is_space or doc[i].text in ".,"):
        i += 1
    if i >= len(doc) or paragraph_of[i] != paragraph or doc[i].text.lstrip(QUOTE_CHARS) not in CREDIT_DASHES:
        return None
    if not any(ch in QUOTE_CHARS for ch in doc[content.end - 1 : i + 1].text):  # only a quotation is credited so
        return None
    dash, start = doc[i : i + 1], i + 1
    while start < len(doc) and paragraph_of[start] == paragraph and doc[start].is_space:
        start += 1
    end = start
    while end < len(doc) and paragraph_of[end] == paragraph and (doc[end].pos_ == "PROPN" or doc[end].is_title) and not doc[end].is_space:
        end += 1
    rest = [t for t in doc[end:] if paragraph_of[t.i] == paragraph and not t.is_space]
    if end == start or (rest and rest[0].text not in ",.(;"):
        return None
    return dash, doc[start:end]


def _join_touching(contents: list[Span]) -> tuple[list[Span], set[int]]:
    """Content spans with no token between them are one content: `denied [reports] [that X]` is a denial of `reports that X`.
    Also the starts of the contents so joined."""
    joined: list[Span] = []
    merged: set[int] = set()
    for content in sorted(contents, key=lambda c: c.start):
        if joined and joined[-1].end == content.start:
            joined[-1] = content.doc[joined[-1].start : content.end]
            merged.add(joined[-1].start)
        else:
            joined.append(content)
    return joined, merged


BRACKETS = {"(": ")", "[": "]", "{": "}"}


def _closing_brackets(content: Span) -> Span:
    """A content that opens a bracket and stops just before its closing one takes the closing one: `[the Taliban] ... [/sic]`."""
    doc, end = content.doc, content.end
    for opening, closing in BRACKETS.items():
        text = doc[content.start : end].text
        if text.count(opening) > text.count(closing) and end < len(doc) and doc[end].text == closing:
            end += 1
    return doc[content.start : end]


def assemble(doc: Doc, role_spans: list[RoleSpan]) -> list[Attribution]:
    """Tie content, cue and source spans into attributions, in document order."""
    if not role_spans:
        return []
    sentence_of = _sentence_index(doc)
    paragraph_of = _paragraph_index(doc)
    by_role: dict[str, list[Span]] = {"CONTENT": [], "CUE": [], "SOURCE": []}
    for rs in role_spans:
        by_role[rs.role].append(doc[rs.start : rs.end])
    by_role["CONTENT"], merged = _join_touching(by_role["CONTENT"])
    by_role["CONTENT"] = [_closing_brackets(c) for c in by_role["CONTENT"]]
    # a tagged piece of punctuation alone (a stray quotation mark), touching no other piece, is no content;
    # nor is a lone article, possessive or relative pronoun (`the`, `his`, `which`): a fragment, not a statement
    by_role["CONTENT"] = [c for c in by_role["CONTENT"] if not all(t.is_punct or t.is_space for t in c) and not _lone_function_word(c)]
    grouped: dict[int, Attribution] = {}
    loose: list[Attribution] = []
    credited: list[Attribution] = []
    for content in by_role["CONTENT"]:
        if (credit := _credit_line(content, paragraph_of)) is not None:
            dash, name = credit
            if dash.start < content.end:  # `”―` is one token: the dash the tagger took into the content
                content = doc[content.start : dash.start]
            why = "cue and source: the dash and name after the quotation that credit it"
            credited.append(Attribution([content], cue=dash, source=name, notes=[why]))
            continue
        cue, why = _pick_cue(content, by_role["CUE"], sentence_of, paragraph_of)
        notes = ["content: tagged pieces with nothing between them, joined"] if content.start in merged else []
        if cue is not None:
            cue, widened = _with_governing_verb(cue)
            notes += ["cue: a report noun, widened to the speech verb that governs it"] if widened else []
        if cue is None:
            loose.append(Attribution([content], notes=[*notes, f"cue: {why}"]))
            continue
        if cue.start in grouped and (closer := _speech_verb_between(grouped[cue.start].contents[-1], content, cue)) is not None:
            cue, why = closer, f"`{closer.text}`, a speech verb between it and the piece before, governs it"
        if cue.start in grouped:
            grouped[cue.start].contents.append(content)
            grouped[cue.start].notes += [*notes, f"content: another piece on the same cue ({why})"]
        else:
            grouped[cue.start] = Attribution([content], cue=cue, notes=[*notes, f"cue: {why}"])
    taken: set[int] = set()
    for attribution in grouped.values():
        attribution.source, why = _pick_source(attribution.cue, by_role["SOURCE"], sentence_of, taken)
        attribution.notes.append(f"source: {why}")
        if attribution.source is not None:
            taken.add(attribution.source.start)
    attributed = sorted(grouped.values(), key=lambda a: a.contents[-1].end)
    for attribution in loose:
        content = attribution.contents[0]
        carried = _carried_quote(content, attributed, paragraph_of)
        if carried is not None:
            attribution.cue, attribution.source = carried.cue, carried.source
            attribution.notes.append("cue and source: a paragraph that reopens the quotation continues the one before")
            continue
        sentence = sentence_of[content.start]
        near = [s for s in by_role["SOURCE"] if sentence_of[s.start] == sentence]
        if near:
            attribution.source = min(near, key=lambda s: _distance(s, content))
            attribution.notes.append("source: the nearest tagged source of its sentence (no cue)")
    # A content with neither cue nor source is not said by anyone the text names or implies: not an attribution;
    # nor is an unquoted one with no cue (a source tagged near it is something the tagger half-found).
    loose = [a for a in loose if a.cue is not None or (a.source is not None and _is_quoted(a.contents[0]))]
    result = list(grouped.values()) + loose + credited
    result.sort(key=lambda a: a.contents[0].start)
    return result
