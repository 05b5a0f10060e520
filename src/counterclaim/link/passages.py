"""Where quotes may come from, indexed in the ledger: so that checking a quote reads only the passages that can hold it.

A quote is compared with the transcript turns and paragraphs of the latest documents, and a paraphrase with
the sentences of the turns (`fidelity.py`). Each is stored once, when its document is first indexed, with its
words in a full-text index (`passage_words`, `sentence_words`: contentless FTS5 tables over the words as
`Words` spells them, which also count how many passages or sentences hold each word): the candidates of a
quote are found by its rarest words (`holding`) and only they are read. Each checked
quotation keeps its own rarest words (`quote_keys`), so that a passage of a new document finds the stored
quotes it may match without reading them all. Documents replaced by a new version leave the index; every
change advances a generation, and each indexed document records the generation that added (or dropped) it,
so that `quotes` knows what changed since the findings it stored.
"""

from __future__ import annotations

import difflib
import re
from collections import OrderedDict
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass, field
from typing import Any, TypeVar

import numpy as np

from counterclaim.nlp.english_model import stop_words
from counterclaim.store import Ledger

WORD = re.compile(r"[\w'\u2019]+|%")
SENTENCE_END = re.compile(r"(?<=[.?!])[\"\u201d']?\s+")
PASSAGE, SENTENCE = "passage", "sentence"
CHUNK = 500  # ids or words in one SQL statement
# How many passages and documents an index keeps at hand once read (`Recent`): a first check of 10,000 PolNeAR copies
# reads about 190,000 passages; past these, the least recently read are read again when asked for.
PASSAGES_KEPT, DOCUMENTS_KEPT = 200_000, 50_000
K, V = TypeVar("K"), TypeVar("V")


@dataclass(slots=True)
class Words:
    """A text's words, normalised for comparison, with their character offsets."""

    words: list[str]
    offsets: list[tuple[int, int]]

    @classmethod
    def of(cls, text: str, base: int = 0) -> Words:
        words, offsets = [], []
        for m in WORD.finditer(text):
            words.append(spelled(m.group(0)))
            offsets.append((base + m.start(), base + m.end()))
        return cls(words, offsets)


def spelled(word: str) -> str:
    """A word as quotes are compared by it: lower case, with a typographic apostrophe made plain."""
    return word.lower().replace("\u2019", "'")


@dataclass(slots=True)
class Passage:
    """A stretch of a stored document that a quote may come from: a transcript turn or a paragraph."""

    document_id: int
    doc_id: str
    start: int
    end: int
    text_or_reader: str | Callable[[], str]  # its text, or how to read it: most candidates are weighed by the index alone
    speaker_id: int | None
    is_turn: bool
    number: int = field(init=False, default=-1)  # its id in the index
    _vocabulary: frozenset[str] | None = field(init=False, default=None, repr=False)
    _words: Words | None = field(init=False, default=None, repr=False)
    _matcher: difflib.SequenceMatcher | None = field(init=False, default=None, repr=False)

    @property
    def text(self) -> str:
        """Its text, read from its document the first time it is asked for."""
        if not isinstance(self.text_or_reader, str):
            self.text_or_reader = self.text_or_reader()
        return self.text_or_reader

    @property
    def vocabulary(self) -> frozenset[str]:
        """Its words as `Words.of` spells them, without their offsets: a candidate is weighed by these before it is read
        (and most candidates of a quote by the index alone, before these are made)."""
        if self._vocabulary is None:
            self._vocabulary = frozenset(spelled(word) for word in WORD.findall(self.text))
        return self._vocabulary

    @property
    def words(self) -> Words:
        """Its words with their offsets, made when a quote is first compared with it."""
        if self._words is None:
            self._words = Words.of(self.text, self.start)
        return self._words

    def matcher(self) -> difflib.SequenceMatcher:
        """A matcher over this passage's words, made once: indexing them is most of comparing a quote with them."""
        if self._matcher is None:
            self._matcher = difflib.SequenceMatcher(None, [], self.words.words, autojunk=False)
        return self._matcher

    @property
    def order(self) -> tuple[bool, int, int]:
        """Turns before paragraphs, then by document and place: the order candidates are read in."""
        return (not self.is_turn, self.document_id, self.start)

    def sentences(self) -> list[tuple[int, int, str]]:
        out, at = [], 0
        for piece in SENTENCE_END.split(self.text):
            index = self.text.find(piece, at)
            if piece.strip():
                out.append((self.start + index, self.start + index + len(piece), piece.strip()))
            at = index + len(piece)
        return out


def content_words(words: list[str]) -> set[str]:
    stops = stop_words()
    return {w for w in words if w not in stops and not w.isdigit()}


def words_a_match_may_miss(total: int, share: float) -> int:
    """How many of `total` words a text can lack and still hold `share` of them."""
    return next(missing for missing in range(total, -1, -1) if (total - missing) >= share * total - 1e-9)


def holding_by(
    words: set[str], may_miss: int, count: Callable[[str], int], items: Callable[[str], Collection[int]], extra: int = 2,
) -> set[int]:
    """The items that lack at most `may_miss` of `words`, as far as the rarest `may_miss + 1 + extra` of them tell: an item
    lacking more of those lacks more of `words`. So a threshold on shared words becomes an exact filter that reads
    only the postings of rare words (`count(word)` how many items hold it, `items(word)` which: a sorted array, or any collection)."""
    rarest = sorted(words, key=lambda w: (count(w), w))[: may_miss + 1 + extra]
    if not rarest:
        return set()
    needed = max(1, len(rarest) - may_miss)  # and at least one: an item sharing no word shares no share of them
    postings = sorted((_sorted_ids(items(word)) for word in rarest), key=len)
    # An item holding `needed` of these words holds one of any `len - needed + 1` of them: it is among the holders of
    # the rarest so many, counted by merging their (sorted) postings, and it is looked up in the longer ones.
    rare = len(postings) - needed + 1
    merged = np.sort(np.concatenate(postings[:rare]), kind="stable")  # sorted runs: merged, not sorted again
    if not len(merged):
        return set()
    starts = np.flatnonzero(np.concatenate([[True], merged[1:] != merged[:-1]]))
    found, held = merged[starts], np.diff(np.append(starts, len(merged)))
    for posting in postings[rare:]:
        if len(posting):
            held += posting[np.minimum(np.searchsorted(posting, found), len(posting) - 1)] == found
    return set(found[held >= needed].tolist())


def _sorted_ids(ids: Collection[int]) -> np.ndarray:
    """Item ids as a sorted array: an array is taken as it is (the index sorts its postings once, when it reads them),
    any other collection is sorted here."""
    return ids if isinstance(ids, np.ndarray) else np.sort(np.fromiter(ids, dtype=np.int64, count=len(ids)))


def _marks(ids: Collection[Any]) -> str:
    return ",".join("?" * len(ids))


def _chunks(items: list[Any]) -> list[list[Any]]:
    return [items[start : start + CHUNK] for start in range(0, len(items), CHUNK)]


class Recent(OrderedDict[K, V]):
    """A dict that keeps the `limit` entries stored last: what a check reads again soon stays at hand, and the first
    check of a large ledger does not keep every passage and document it read (memory grew past 9 GB in the first
    minutes of one at 100,000 documents). Reading an entry does not move it: a candidate's lookup stays a plain
    dict's (a quote's candidates are looked up by the hundred on a large ledger)."""

    def __init__(self, limit: int) -> None:
        super().__init__()
        self.limit = limit

    def __setitem__(self, key: K, value: V) -> None:
        super().__setitem__(key, value)
        self.move_to_end(key)
        if len(self) > self.limit:
            self.popitem(last=False)


class PassageIndex:
    """The ledger's passages and turn sentences by their words, read from the ledger as they are asked for."""

    def __init__(self, ledger: Ledger) -> None:
        self.ledger = ledger
        self._documents: Recent[int, Any] = Recent(DOCUMENTS_KEPT)
        self._passages: Recent[int, Passage] = Recent(PASSAGES_KEPT)
        self._sentences: dict[int, tuple[Passage, int, int, str]] = {}
        self._counts: dict[tuple[str, str], int] = {}
        self._items: dict[tuple[str, str], np.ndarray] = {}

    # -- keeping the index up to date

    def generation(self) -> int:
        row = self.ledger.db.execute("SELECT value FROM meta WHERE key = 'passages_generation'").fetchone()
        return int(row[0]) if row else 0

    def update(self) -> int:
        """Index the latest documents not indexed yet and drop those a new version replaced (one transaction); the generation."""
        db = self.ledger.db
        added = [row[0] for row in db.execute(
            "SELECT id FROM documents WHERE latest = 1 AND id NOT IN (SELECT document_id FROM indexed_documents) ORDER BY id")]
        gone = [row[0] for row in db.execute(
            "SELECT i.document_id FROM indexed_documents i LEFT JOIN documents d ON d.id = i.document_id"
            " WHERE i.dropped IS NULL AND (d.id IS NULL OR d.latest = 0)")]
        if not added and not gone:
            return self.generation()

        def work() -> int:
            generation = self.generation() + 1
            for chunk in _chunks(gone):
                self._drop(chunk, generation)
            for document_id in added:
                self._add(document_id, generation)
            db.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('passages_generation', ?)", (str(generation),))
            return generation

        self._counts.clear()
        self._items.clear()
        return self.ledger.write(work)

    def _add(self, document_id: int, generation: int) -> None:
        db = self.ledger.db
        for start, end, speaker, is_turn in self._spans(document_id):
            passage = self._made(document_id, start, end, speaker, is_turn)
            number = db.execute("INSERT INTO passages (document_id, start, end, speaker_id, is_turn) VALUES (?, ?, ?, ?, ?)",
                                (document_id, start, end, speaker, int(is_turn))).lastrowid
            db.execute("INSERT INTO passage_words (rowid, words) VALUES (?, ?)", (number, " ".join(sorted(passage.vocabulary))))
            if not is_turn:
                continue
            for s_start, s_end, sentence in passage.sentences():
                sentence_id = db.execute("INSERT INTO sentences (passage_id, start, end) VALUES (?, ?, ?)", (number, s_start, s_end)).lastrowid
                db.execute("INSERT INTO sentence_words (rowid, words) VALUES (?, ?)", (sentence_id, " ".join(sorted(sentence_words(sentence)))))
        db.execute("INSERT OR REPLACE INTO indexed_documents (document_id, added, dropped) VALUES (?, ?, NULL)", (document_id, generation))

    def _spans(self, document_id: int) -> list[tuple[int, int, int | None, bool]]:
        """A document's passages: (start, end, speaker, is a turn) of its transcript turns, then of its paragraphs before them."""
        db = self.ledger.db
        spans = []
        for row in db.execute("SELECT start, end FROM turns WHERE document_id = ? ORDER BY start", (document_id,)).fetchall():
            speaker = db.execute(
                "SELECT speaker_id FROM claims WHERE document_id = ? AND mode IN ('turn', 'question')"
                " AND content_start >= ? AND content_start < ? LIMIT 1", (document_id, row["start"], row["end"]),
            ).fetchone()
            spans.append((row["start"], row["end"], speaker[0] if speaker else None, True))
        document = self.document(document_id)
        text = document["text"]
        limit = document["transcript_start"] if document["transcript_start"] is not None else len(text)
        return spans + [(m.start(), m.end(), None, False) for m in re.finditer(r"[^\n]+", text[:limit])]

    def _made(self, document_id: int, start: int, end: int, speaker: int | None, is_turn: bool) -> Passage:
        document = self.document(document_id)
        return Passage(document_id, document["doc_id"], start, end, document["text"][start:end], speaker, is_turn)

    def _drop(self, documents: list[int], generation: int) -> None:
        """Take these documents' passages and sentences out (a contentless index forgets an entry given the words it was given)."""
        db = self.ledger.db
        for passage in self._stored_passages(documents):
            db.execute("INSERT INTO passage_words (passage_words, rowid, words) VALUES ('delete', ?, ?)",
                       (passage.number, " ".join(sorted(passage.vocabulary))))
        for number, words in self._stored_sentences(documents).items():
            db.execute("INSERT INTO sentence_words (sentence_words, rowid, words) VALUES ('delete', ?, ?)", (number, " ".join(sorted(words))))
        marks = _marks(documents)
        db.execute(f"DELETE FROM sentences WHERE passage_id IN (SELECT id FROM passages WHERE document_id IN ({marks}))", documents)
        db.execute(f"DELETE FROM passages WHERE document_id IN ({marks})", documents)
        db.execute(f"UPDATE indexed_documents SET dropped = ? WHERE document_id IN ({marks})", (generation, *documents))

    def _stored_passages(self, documents: list[int]) -> list[Passage]:
        rows = self.ledger.db.execute(
            "SELECT p.id, p.document_id, d.doc_id, p.start, p.end, p.speaker_id, p.is_turn FROM passages p"
            f" JOIN documents d ON d.id = p.document_id WHERE p.document_id IN ({_marks(documents)})", documents
        ).fetchall()
        return [self._passage(row) for row in rows]

    def _stored_sentences(self, documents: list[int]) -> dict[int, set[str]]:
        rows = self.ledger.db.execute(
            "SELECT s.id, p.document_id, s.start, s.end FROM sentences s JOIN passages p ON p.id = s.passage_id"
            f" WHERE p.document_id IN ({_marks(documents)})", documents,
        ).fetchall()
        return {row[0]: sentence_words(self.document(row[1])["text"][row[2] : row[3]].strip()) for row in rows}

    def changes_since(self, generation: int) -> tuple[list[int], list[int]]:
        """(documents indexed, documents dropped) after this generation."""
        db = self.ledger.db
        added = [row[0] for row in db.execute(
            "SELECT document_id FROM indexed_documents WHERE added > ? AND dropped IS NULL ORDER BY document_id", (generation,))]
        gone = [row[0] for row in db.execute("SELECT document_id FROM indexed_documents WHERE dropped > ? ORDER BY document_id", (generation,))]
        return added, gone

    def documents(self) -> list[int]:
        """The documents indexed: the latest version of each."""
        return [row[0] for row in self.ledger.db.execute("SELECT document_id FROM indexed_documents WHERE dropped IS NULL ORDER BY document_id")]

    # -- reading it

    def document(self, document_id: int) -> Any:
        """A document's row (doc_id, text, transcript_start), read once."""
        document = self._documents.get(document_id)
        if document is None:
            document = self._documents[document_id] = self.ledger.db.execute(
                "SELECT id, doc_id, text, transcript_start FROM documents WHERE id = ?", (document_id,)
            ).fetchone()
        return document

    def count(self, kind: str, word: str) -> int:
        """How many passages (or sentences) hold the word."""
        key = (kind, word)
        if key not in self._counts:
            row = self.ledger.db.execute(f"SELECT doc FROM {kind}_vocabulary WHERE term = ?", (word,)).fetchone()
            self._counts[key] = row[0] if row else 0
        return self._counts[key]

    def items(self, kind: str, word: str) -> np.ndarray:
        """The passages (or sentences) holding the word, read once (the quotes of one check share many words)."""
        key = (kind, word)
        if key not in self._items:
            # one string of ids from SQLite rather than a row each: a story's words are held by every copy of it
            listed = self.ledger.db.execute(f"SELECT group_concat(rowid) FROM {kind}_words WHERE {kind}_words MATCH ?", (f'"{word}"',)).fetchone()[0]
            self._items[key] = np.sort(np.array(listed.split(","), dtype=np.int64)) if listed else np.zeros(0, dtype=np.int64)
        return self._items[key]

    def holding(self, kind: str, words: set[str], may_miss: int, extra: int = 2) -> set[int]:
        """The passages (or sentences) that lack at most `may_miss` of `words` (see `holding_by`)."""
        return holding_by(words, may_miss, lambda w: self.count(kind, w), lambda w: self.items(kind, w), extra)

    def rarest(self, kind: str, words: set[str], number: int) -> list[str]:
        return sorted(words, key=lambda w: (self.count(kind, w), w))[:number]

    def passages(self, numbers: Iterable[int]) -> list[Passage]:
        """These passages, in the order candidates are read in."""
        numbers = set(numbers)
        found = {number: self._passages[number] for number in numbers & self._passages.keys()}
        for chunk in _chunks([n for n in numbers if n not in found]):
            for row in self.ledger.db.execute(
                "SELECT p.id, p.document_id, d.doc_id, p.start, p.end, p.speaker_id, p.is_turn FROM passages p"
                f" JOIN documents d ON d.id = p.document_id WHERE p.id IN ({_marks(chunk)})", chunk
            ):
                found[row["id"]] = self._passages[row["id"]] = self._passage(row)
        return sorted(found.values(), key=lambda p: p.order)

    def _passage(self, row: Any) -> Passage:
        """A stored passage; its document's text is read only if the passage is (most candidates never are)."""
        document_id, start, end = row["document_id"], row["start"], row["end"]
        passage = Passage(document_id, row["doc_id"], start, end, lambda: self.document(document_id)["text"][start:end],
                          row["speaker_id"], bool(row["is_turn"]))
        passage.number = row["id"]
        return passage

    def turns_of(self, speaker_id: int) -> list[Passage]:
        """The transcript turns of a speaker, in order."""
        rows = self.ledger.db.execute("SELECT id FROM passages WHERE is_turn = 1 AND speaker_id = ?", (speaker_id,)).fetchall()
        return self.passages(row[0] for row in rows)

    def turn_speakers(self) -> set[int]:
        return {row[0] for row in self.ledger.db.execute("SELECT DISTINCT speaker_id FROM passages WHERE is_turn = 1 AND speaker_id IS NOT NULL")}

    def turn_spans(self, document_id: int) -> list[tuple[int, int]]:
        return [(row[0], row[1]) for row in self.ledger.db.execute(
            "SELECT start, end FROM passages WHERE document_id = ? AND is_turn = 1 ORDER BY start", (document_id,))]

    def sentences(self, numbers: Iterable[int]) -> dict[int, tuple[Passage, int, int, str]]:
        """These turn sentences: (passage, start, end, text) each, in the order given."""
        numbers = list(numbers)
        wanted = [n for n in set(numbers) if n not in self._sentences]
        for chunk in _chunks(wanted):
            rows = self.ledger.db.execute(f"SELECT id, passage_id, start, end FROM sentences WHERE id IN ({_marks(chunk)})", chunk).fetchall()
            passages = {p.number: p for p in self.passages(row["passage_id"] for row in rows)}
            for row in rows:
                passage = passages[row["passage_id"]]
                text = self.document(passage.document_id)["text"][row["start"] : row["end"]].strip()
                self._sentences[row["id"]] = (passage, row["start"], row["end"], text)
        return {n: self._sentences[n] for n in numbers if n in self._sentences}

    def sentence_order(self, number: int) -> tuple[int, int]:
        passage, start, _, _ = self._sentences[number]
        return (passage.document_id, start)

    def in_documents(self, kind: str, documents: list[int]) -> dict[int, frozenset[str]]:
        """The passages (or sentences) of these documents, each with its words (the passages kept for `passages`, which
        reads those that turn out to be candidates)."""
        found: dict[int, frozenset[str]] = {}
        for chunk in _chunks(documents):
            if kind == PASSAGE:
                for passage in self._stored_passages(chunk):
                    kept = self._passages.get(passage.number)
                    if kept is None:
                        self._passages[passage.number] = passage
                    else:
                        passage = kept
                    found[passage.number] = passage.vocabulary
            else:
                found.update((n, frozenset(words)) for n, words in self._stored_sentences(chunk).items())
        return found


def sentence_words(sentence: str) -> set[str]:
    """What a turn sentence is found by for a paraphrase: its content words."""
    return content_words(Words.of(sentence).words)
