"""Quote fidelity: is an article's quote in its source word for word, shortened, paraphrased, or nowhere?

Every direct or mixed quotation of an article is looked for in the ledger's
transcripts, the quoted speaker's turns first, then in the other documents:
`verbatim` when its words stand there in order; `near` when most of them do
(small edits such as `50 percent` / `50%`, dropped words: the differences are
listed); `paraphrase` when a sentence says the same in other words (sentence
embeddings); else `not found`. Indirect claims of a speaker who also speaks in
a transcript are linked to the closest sentence of their turns. A change of
meaning in the differences (`some` -> `many`, a dropped `not`, another number)
sets `changed`.
"""

from __future__ import annotations

import difflib
import json
import re
from collections import Counter, defaultdict
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import numpy as np

from counterclaim.link.passages import (
    PASSAGE,
    SENTENCE,
    Passage,
    PassageIndex,
    Words,
    content_words,
    words_a_match_may_miss,
)
from counterclaim.store import Ledger, id_lists

NEAR_MIN_COVERAGE = 0.6
QUOTE_PARAPHRASE_MIN = 0.75
INDIRECT_LINK_MIN = 0.65
MIN_QUOTE_WORDS = 3
# A paraphrase shares some words with its source: embeddings alone link unrelated sentences on one topic.
MIN_SHARED_CONTENT_WORDS = 0.4
# Words whose change changes what is claimed.
MEANING_WORDS = {
    "some", "many", "all", "few", "most", "several", "no", "none", "every", "any", "much", "little", "more", "less",
    "not", "n't", "never", "nothing", "nobody", "deny", "denied", "denies", "confirm", "confirmed", "confirms",
    "reject", "rejected", "accept", "accepted", "always", "only",
}


@dataclass(slots=True)
class QuoteCheck:
    """The finding for one quotation (or one indirect claim): where its words are, and how faithfully."""

    claim: int
    claim_id: str
    doc_id: str
    speaker: str | None
    quote: str
    quote_start: int
    quote_end: int
    status: str
    changed: bool = False
    match_document_id: int | None = None
    match_doc_id: str | None = None
    match_start: int | None = None
    match_end: int | None = None
    match_text: str | None = None
    differences: list[dict[str, str]] = field(default_factory=list)
    mode: str = "direct"
    # For a new turn of the quoted speaker, a new turn of another and a new paragraph (the groups candidates are read in):
    # the share of the quote's words it must match, more than this, to change the finding: the best share read up to the
    # end of that group, or 1.0 where the group is never read for it (found before it, too short, an indirect claim).
    # Then for a new transcript sentence: the paraphrase score it must reach (the best read, or the threshold if higher).
    bounds: tuple[float, float, float, float] = (1.0, 1.0, 1.0, 1.0)
    vector: np.ndarray | None = None  # the embedding of the text compared with sentences, where sentences were read

    def to_json(self) -> dict[str, Any]:
        match = None
        if self.match_document_id is not None:
            match = {"doc_id": self.match_doc_id, "text": self.match_text, "span": [self.match_start, self.match_end]}
        return {
            "claim_id": self.claim_id, "doc_id": self.doc_id, "speaker": self.speaker, "mode": self.mode,
            "quote": self.quote, "span": [self.quote_start, self.quote_end], "status": self.status,
            "changed": self.changed, "match": match, "differences": self.differences,
        }


def differences(quote: list[str], source: list[str]) -> list[dict[str, str]]:
    """Word edits from the source's wording to the quote's."""
    edits = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, quote, source, autojunk=False).get_opcodes():
        if tag != "equal":
            edits.append({"op": tag, "quote": " ".join(quote[i1:i2]), "source": " ".join(source[j1:j2])})
    return edits


def changes_meaning(edits: list[dict[str, str]]) -> bool:
    """Whether an edit swaps, drops or adds a quantifier, a negation, a polarity verb or a number."""
    for edit in edits:
        touched = set(edit["quote"].split()) ^ set(edit["source"].split())
        if touched == {"percent", "%"}:
            continue  # "50 percent" / "50%": the same number, written two ways
        if touched & MEANING_WORDS or any(ch.isdigit() for word in touched for ch in word):
            return True
    return False


def shared_content(claim: list[str], source: list[str]) -> float:
    """Share of the claim's content words that the source uses too."""
    mine = content_words(claim)
    return len(mine & content_words(source)) / len(mine) if mine else 0.0


def quoted_text(text: str, start: int, end: int) -> str:
    """A quotation as it is compared: without the marks and the punctuation at its edges."""
    return text[start:end].strip(" \"\u201c\u201d,.")


def reported_text(record: dict[str, Any]) -> str:
    """An indirect claim's content as it is compared with what the speaker said: without a leading `that`."""
    return re.sub(r"^that\s+", "", record["content"]["text"])


def best_window(quote: list[str], passage: Words, matcher: difflib.SequenceMatcher | None = None) -> tuple[float, int, int]:
    """Share of the quote's words found in order in the passage, and the passage's word window holding them (`matcher`:
    one already made for the passage's words, which keeps their index between quotes)."""
    if matcher is None:
        matcher = difflib.SequenceMatcher(None, quote, passage.words, autojunk=False)
    else:
        matcher.set_seq1(quote)
    blocks = [b for b in matcher.get_matching_blocks() if b.size]
    if not blocks:
        return 0.0, 0, 0
    # keep the blocks near the longest one: a quote comes from one place, not from words scattered in a turn
    anchor = max(blocks, key=lambda b: b.size)
    near = [b for b in blocks if abs(b.b - anchor.b) <= len(quote)]
    first = min(near, key=lambda b: b.b)
    last = max(near, key=lambda b: b.b + b.size)
    # stretch over the quote's unmatched words at either end: "some areas" faces "many districts"
    start = max(0, first.b - first.a)
    end = min(len(passage.words), last.b + last.size + len(quote) - (last.a + last.size))
    return sum(b.size for b in near) / len(quote), start, end


class FidelityChecker:
    """Checks quotations and indirect claims of the ledger against the other documents (latest versions only: an earlier
    version of the same article is not where its quotes came from), reading only the passages that can match."""

    def __init__(self, ledger: Ledger, index: PassageIndex | None = None) -> None:
        self.ledger = ledger
        if index is None:
            index = PassageIndex(ledger)
            index.update()
        self.index = index
        self.turn_speakers = index.turn_speakers()
        self.keys: dict[int, list[tuple[str, str, int, int]]] = {}  # claim -> (kind, word, part, needed) of its quotes' rarest words
        self._turn_spans: dict[int, list[tuple[int, int]]] = {}
        self._quotes_of: dict[int, list[tuple[int, int]]] = {}
        self._sentence_vectors: dict[int, np.ndarray] = {}
        self.new_sentence_vectors: dict[int, np.ndarray] = {}  # embedded by this checker, to be stored
        self._paraphrases: list[tuple[QuoteCheck, str, float, list[int]]] = []

    def _text(self, document_id: int) -> str:
        return self.index.document(document_id)["text"]

    def _in_turn(self, document_id: int, offset: int) -> bool:
        if document_id not in self._turn_spans:
            self._turn_spans[document_id] = self.index.turn_spans(document_id)
        return any(start <= offset < end for start, end in self._turn_spans[document_id])

    def _candidates(self, document_id: int, speaker_id: int | None, quote: list[str]) -> list[list[Passage]]:
        """Where to look, in order: the speaker's turns, the other turns, the other documents' paragraphs (the three
        groups, each maybe empty); of each, only the passages that could hold most of the quote's words (see
        `passages.holding_by`)."""
        may_miss = words_a_match_may_miss(len(quote), NEAR_MIN_COVERAGE)
        found = self.index.passages(self.index.holding(PASSAGE, set(quote), may_miss))
        own = [p for p in found if p.is_turn and speaker_id is not None and p.speaker_id == speaker_id]
        others = [p for p in found if p.is_turn and not (speaker_id is not None and p.speaker_id == speaker_id)]
        paragraphs = [p for p in found if not p.is_turn and p.document_id != document_id]
        return [own, others, paragraphs]

    def _ceilings(self, counts: Counter[str], numbers: list[int]) -> dict[int, int]:
        """For each of these passages, at most how many of the quote's words (`counts`) it holds, as the index tells
        without reading it: every word but those the index lists elsewhere. Only words held by few passages are looked
        up (at most `CEILING_POSTINGS` times as many as there are candidates): a common word tells little for its cost."""
        total = sum(counts.values())
        if not numbers:
            return {}
        ids = np.array(numbers, dtype=np.int64)
        lacked = np.zeros(len(ids), dtype=np.int64)
        limit = max(CEILING_MIN_POSTINGS, CEILING_POSTINGS * len(ids))
        for word, count in counts.items():
            if self.index.count(PASSAGE, word) <= limit:
                lacked += count * ~np.isin(ids, self.index.items(PASSAGE, word))
        return dict(zip(numbers, (total - lacked).tolist(), strict=True))

    def quoting_rows(self, only: Collection[int] | None = None) -> list[Any]:
        """The claims that quote or report (of the latest versions; or those of `only`), in the order findings are listed."""
        chosen = f" AND c.id IN ({','.join(str(int(i)) for i in only)})" if only is not None else ""
        return self.ledger.db.execute(
            "SELECT c.id, c.claim_id, c.document_id, c.speaker_id, c.mode, c.record, s.name FROM claims c"
            " JOIN documents d ON d.id = c.document_id AND d.latest = 1"
            f" LEFT JOIN speakers s ON s.id = c.speaker_id WHERE c.mode IN ('direct', 'mixed', 'indirect'){chosen}"
            " ORDER BY c.document_id, c.content_start, c.id"
        ).fetchall()

    def check_all(self, only: Collection[int] | None = None) -> list[QuoteCheck]:
        """Checks for every quotation and linkable indirect claim in the ledger (or of the claims `only` names); the rarest
        words of each quotation read are kept in `keys`."""
        checks: list[QuoteCheck] = []
        for row in self.quoting_rows(only):
            record = json.loads(row["record"])
            spans = [tuple(s) for s in record["content"]["spans"]]
            if self._in_turn(row["document_id"], spans[0][0]):
                continue  # transcripts are the sources, not the quoters
            if row["mode"] == "indirect":
                self._keep_keys(row["id"], [reported_text(record)])  # read against turn sentences only
                check = self._link_indirect(row, record, spans)
                if check is not None:
                    checks.append(check)
                continue
            found = [self._check_quote(row, start, end) for start, end in self._quotes_of_claim(row["document_id"], spans)]
            self._keep_keys(row["id"], [check.quote for check in found], bounds=[check.bounds for check in found])
            checks.extend(found)
        self._read_paraphrases()
        return [c for c in checks if c.mode != "indirect" or c.status != "not found"]  # an indirect claim is listed when linked

    def _keep_keys(self, claim: int, parts: list[str], bounds: list[tuple[float, ...]] | None = None) -> None:
        """Each part's rarest words, as the index's filters take them (`holding_by`): a turn, paragraph or sentence that
        may change the part's finding holds `needed` of them, so a new document's passages find the stored quotes they
        may change. A turn or paragraph may change it only by holding more of its words than the bound of the groups it
        can be read in (`may_replace`; without `bounds`, a part read against sentences only): so a quote found word for
        word keeps no key for new paragraphs, and one found near leaves a passage less room than one not found."""
        keys = []
        for number, part in enumerate(parts):
            words = Words.of(part).words
            if bounds is not None and words:
                ranked = self.index.rarest(PASSAGE, set(words), len(words))  # turn and paragraph keys take the first of them
                for kind, groups in ((TURN_KEY, bounds[number][:2]), (PARAGRAPH_KEY, bounds[number][2:3])):
                    may_miss = words_a_passage_may_miss(len(words), groups)
                    if may_miss >= 0:
                        rarest = ranked[: may_miss + 1 + KEY_EXTRA]
                        keys.extend((kind, word, number, max(1, len(rarest) - may_miss)) for word in rarest)
            chosen = content_words(words)
            if chosen:
                may_miss = words_a_match_may_miss(len(chosen), MIN_SHARED_CONTENT_WORDS)
                rarest = self.index.rarest(SENTENCE, chosen, may_miss + 1 + KEY_EXTRA)
                keys.extend((SENTENCE, word, number, max(1, len(rarest) - may_miss)) for word in rarest)
        self.keys[claim] = keys

    def _quotes_of_claim(self, document_id: int, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
        """The quoted stretches of a claim's content: where its document's quotation marks and its spans overlap."""
        if document_id not in self._quotes_of:
            from counterclaim.nlp.quotes import find_quotes  # a spaCy component's module: spaCy starts only when quotes are read

            self._quotes_of[document_id] = find_quotes(self._text(document_id))
        return self._quoted_parts(spans, self._quotes_of[document_id])

    @staticmethod
    def _quoted_parts(spans: Iterable[tuple[int, int]], quotes: list[tuple[int, int]]) -> list[tuple[int, int]]:
        parts = []
        for start, end in spans:
            for q_start, q_end in quotes:
                s, e = max(start, q_start), min(end, q_end)
                if e > s:
                    parts.append((s, e))
        return parts

    def _check_quote(self, row: Any, start: int, end: int) -> QuoteCheck:
        quote_text = quoted_text(self._text(row["document_id"]), start, end)
        quote = Words.of(quote_text).words
        check = QuoteCheck(row["id"], row["claim_id"], self.index.document(row["document_id"])["doc_id"], row["name"],
                           quote_text, start, end, "not found", mode=row["mode"])
        if len(quote) < MIN_QUOTE_WORDS:  # too short to judge by likeness: only the speaker's exact words count
            own = self.index.turns_of(row["speaker_id"]) if row["speaker_id"] is not None else []
            for passage in own:
                words = passage.words
                for i in range(len(words.words) - len(quote) + 1):
                    if words.words[i : i + len(quote)] == quote:
                        check.status = "verbatim"
                        self._set_match(check, passage, words.offsets[i][0], words.offsets[i + len(quote) - 1][1])
                        return check
            check.bounds = (0.0, 1.0, 1.0, 1.0)  # a new turn of the speaker may hold it; nothing else is read
            return check
        best: tuple[float, Passage, int, int, Words] | None = None
        counts = Counter(quote)
        enough = NEAR_MIN_COVERAGE * len(quote)
        groups = self._candidates(row["document_id"], row["speaker_id"], quote)
        ceilings = self._ceilings(counts, [passage.number for group in groups for passage in group])
        bounds = [1.0, 1.0, 1.0]

        def may_beat(share: float, at: int) -> bool:  # more of the quote than the best, or as much earlier in its group
            return best is None or share > best[0] or share == best[0] and at < best_at

        for number, group in enumerate(groups):
            best_at = -1  # the best's place in this group (-1: found in an earlier group, or none)
            for at, ceiling, passage in _by_ceiling(group, ceilings, len(quote)):
                if not may_beat(ceiling, at):
                    break  # neither this passage nor any after it can
                # a quote word the passage lacks is never matched: too few held, and the passage cannot be near (nor best)
                held = sum(counts[word] for word in counts.keys() & passage.vocabulary)
                if held < enough or not may_beat(held / len(quote), at):
                    continue
                coverage, w_start, w_end = best_window(quote, passage.words, passage.matcher())
                if may_beat(coverage, at):
                    best = (coverage, passage, w_start, w_end, passage.words)
                    best_at = at
            bounds[number] = best[0] if best is not None else 0.0
            if best is not None and self._is_near(quote, best):
                break
        check.bounds = (bounds[0], bounds[1], bounds[2], 1.0)
        if best is not None and self._is_near(quote, best):
            self._matched(check, quote, best)
            return check
        return self._paraphrase(check, row, quote_text, QUOTE_PARAPHRASE_MIN)

    def _matched(self, check: QuoteCheck, quote: list[str], best: tuple[float, Passage, int, int, Words]) -> None:
        """The check found word for word or near in the best candidate's window, with the edits between them."""
        _, passage, w_start, w_end, words = best
        edits = differences(quote, words.words[w_start:w_end])
        check.status = "verbatim" if not edits else "near"
        check.differences = edits
        check.changed = changes_meaning(edits)
        self._set_match(check, passage, words.offsets[w_start][0], words.offsets[w_end - 1][1])

    @staticmethod
    def _is_near(quote: list[str], found: tuple[float, Passage, int, int, Words]) -> bool:
        """Most of the quote's words, in a stretch not much longer than the quote, with a run of three in a row."""
        coverage, _, w_start, w_end, words = found
        if coverage < NEAR_MIN_COVERAGE or w_end - w_start > 1.5 * len(quote) + 2:
            return False
        matcher = difflib.SequenceMatcher(None, quote, words.words[w_start:w_end], autojunk=False)
        return max((b.size for b in matcher.get_matching_blocks()), default=0) >= min(MIN_QUOTE_WORDS, len(quote))

    def _link_indirect(self, row: Any, record: dict[str, Any], spans: list[tuple[int, int]]) -> QuoteCheck | None:
        if row["speaker_id"] is None or row["speaker_id"] not in self.turn_speakers:
            return None
        text = reported_text(record)
        if len(Words.of(text).words) < MIN_QUOTE_WORDS:
            return None
        check = QuoteCheck(row["id"], row["claim_id"], self.index.document(row["document_id"])["doc_id"], row["name"],
                           text, spans[0][0], spans[-1][1], "not found", mode="indirect")
        return self._paraphrase(check, row, text, INDIRECT_LINK_MIN, own_turns_only=True)

    def _paraphrase(self, check: QuoteCheck, row: Any, text: str, threshold: float, own_turns_only: bool = False) -> QuoteCheck:
        """Queue the check for the closest sentence of the speaker's turns (or any turn) by meaning, read by
        `_read_paraphrases` once every check is queued, so that all texts are embedded in a few large batches."""
        speaker = row["speaker_id"]
        own_only = speaker is not None and speaker in self.turn_speakers  # a speaker heard in a transcript: from their own words only
        if own_turns_only and not own_only:
            return check
        check.bounds = (*check.bounds[:3], threshold)
        claim_words = Words.of(text).words
        mine = content_words(claim_words)
        # only sentences sharing enough of the claim's content words can pass `anchored` below: the others are never read
        may_miss = words_a_match_may_miss(len(mine), MIN_SHARED_CONTENT_WORDS)
        found = self.index.sentences(self.index.holding(SENTENCE, mine, may_miss))
        numbers = sorted((n for n, sentence in found.items() if not own_only or sentence[0].speaker_id == speaker), key=self.index.sentence_order)
        if numbers:
            self._paraphrases.append((check, text, threshold, numbers))
        return check

    def _read_paraphrases(self) -> None:
        """Settle every queued paraphrase check: `paraphrase` when a candidate sentence is close enough in meaning."""
        from counterclaim.link.embeddings import embed

        queued, self._paraphrases = self._paraphrases, []
        self._read_sentence_vectors({n for *_, numbers in queued for n in numbers})
        for (check, text, threshold, numbers), vector in zip(queued, embed([text for _, text, _, _ in queued]), strict=True):
            check.vector = vector
            claim_words = Words.of(text).words
            sentences = list(self.index.sentences(numbers).values())
            scores = np.array([self._sentence_vectors[n] for n in numbers]) @ vector
            anchored = [shared_content(claim_words, Words.of(t).words) >= MIN_SHARED_CONTENT_WORDS for _, _, _, t in sentences]
            scores = scores * anchored
            best = int(scores.argmax())
            check.bounds = (*check.bounds[:3], max(threshold, float(scores[best])))
            if scores[best] < threshold:
                continue
            passage, start, end, _ = sentences[best]
            words = Words.of(self._text(passage.document_id)[start:end], start)
            coverage, w_start, w_end = best_window(claim_words, words)
            if coverage > 0:  # compare with the words that correspond, not the whole sentence
                start, end = words.offsets[w_start][0], words.offsets[w_end - 1][1]
                words = Words(words.words[w_start:w_end], words.offsets[w_start:w_end])
            check.status = "paraphrase"
            check.differences = differences(claim_words, words.words)
            check.changed = changes_meaning(check.differences)
            self._set_match(check, passage, start, end)

    def _read_sentence_vectors(self, numbers: Iterable[int]) -> None:
        """The embeddings of these transcript sentences: stored ones read, the others embedded (and kept in
        `new_sentence_vectors` to be stored), so that a sentence is embedded once whatever the checks that read it."""
        from counterclaim.link.embeddings import embed

        missing = sorted(set(numbers) - set(self._sentence_vectors))
        for marks in id_lists(missing):
            for number, vector in self.ledger.db.execute(f"SELECT sentence_id, vector FROM sentence_vectors WHERE sentence_id IN ({marks})"):
                self._sentence_vectors[number] = np.frombuffer(vector, dtype=np.float32)
        missing = [n for n in missing if n not in self._sentence_vectors]
        known = self.index.sentences(missing)
        embedded = dict(zip(missing, embed([known[n][3] for n in missing]), strict=True))
        self._sentence_vectors.update(embedded)
        self.new_sentence_vectors.update(embedded)

    def affected(self, added: list[int], speakers: set[int], matched: set[int]) -> tuple[set[int], list[QuoteCheck]]:
        """The claims whose findings may differ from the stored ones since the documents `added` came (and others were
        replaced), when `speakers` were heard in transcripts: claims of the new documents, claims of a speaker who came
        to be (or ceased to be) heard in a transcript, `matched` claims whose match was in a document now gone or
        replaced, and claims for which a turn, paragraph or transcript sentence of a new document is a candidate (it
        holds enough of a quote's stored rarest words) that may change a finding. A new passage is read after every
        stored one of its group (the speaker's turns, other turns, paragraphs: each by document), and only a larger
        share of the quote's words replaces the best: it may change a finding when it matches more of the quote's
        words than the finding's bound for its group, and enough to be near (only a passage that holds enough of
        them is read to know). A new sentence is read for paraphrases only (of the speaker's own turns, for a speaker
        heard in transcripts): it may change a finding that is neither word for word nor near when its paraphrase
        score reaches the finding's bound (the sentence and the quote are embedded to know). The others would be
        read against the same candidates as before, so their findings stand; no stored passage is read to find them,
        and only the quotes of the claims a new passage is a candidate for.

        Returns the claims to check again, and the findings settled without checking again: where new passages change
        a finding only by one of them matching the quote near or word for word (`_settled`)."""
        found = set(matched)
        heard = sorted(self.turn_speakers ^ speakers)
        for column, values in (("c.document_id", added), ("c.speaker_id", heard)):
            for marks in id_lists(values):
                found.update(row[0] for row in self.ledger.db.execute(
                    f"SELECT c.id FROM claims c WHERE c.mode IN ('direct', 'mixed', 'indirect') AND {column} IN ({marks})"))
        turn_speaker = {row[0]: row[1] for marks in id_lists(added) for row in self.ledger.db.execute(
            f"SELECT id, speaker_id FROM passages WHERE is_turn = 1 AND document_id IN ({marks})")}
        sentence_speaker = {row[0]: row[1] for marks in id_lists(added) for row in self.ledger.db.execute(
            f"SELECT s.id, p.speaker_id FROM sentences s JOIN passages p ON p.id = s.passage_id WHERE p.document_id IN ({marks})")}
        hits: dict[int, list[tuple[str, int, frozenset[str]]]] = defaultdict(list)  # claim -> (kind, item, its words)
        passages = self.index.in_documents(PASSAGE, added)
        sentences = self.index.in_documents(SENTENCE, added)
        for kind, keys, items in (
            (PASSAGE, (TURN_KEY, PASSAGE), {n: words for n, words in passages.items() if n in turn_speaker}),
            (PASSAGE, (PARAGRAPH_KEY, PASSAGE), {n: words for n, words in passages.items() if n not in turn_speaker}),
            (SENTENCE, (SENTENCE,), sentences),
        ):
            for item, claims in self._keyed_by(keys, items).items():
                for claim in claims - found:
                    hits[claim].append((kind, item, items[item]))
        speaker_of: dict[int, int | None] = {}
        indirect: set[int] = set()
        findings: dict[int, list[Any]] = defaultdict(list)
        for marks in id_lists(sorted(hits)):
            for claim, speaker, mode in self.ledger.db.execute(  # claims of replaced versions are not checked
                    f"SELECT c.id, c.speaker_id, c.mode FROM claims c JOIN documents d ON d.id = c.document_id AND d.latest = 1"
                    f" WHERE c.id IN ({marks})"):
                speaker_of[claim] = speaker
                if mode == "indirect":
                    indirect.add(claim)
            for row in self.ledger.db.execute(f"{FINDINGS} WHERE q.claim_id IN ({marks}) ORDER BY q.id"):
                findings[row["claim_id"]].append(row)
        news: dict[int, dict[str, list[tuple[int, frozenset[str]]]]] = defaultdict(lambda: defaultdict(list))  # claim -> group -> passages

        def may_change(claim: int, kind: str, item: int, words: frozenset[str]) -> bool:
            speaker = speaker_of.get(claim)
            if kind == SENTENCE:
                if speaker in self.turn_speakers and sentence_speaker.get(item) != speaker:
                    return False  # a speaker heard in transcripts is paraphrased from their own turns only
                if claim in indirect and speaker not in self.turn_speakers:
                    return False  # linked only once the speaker is heard (`heard` above)
                if not findings[claim]:
                    return True
                if any(f["status"] not in ("verbatim", "near") for f in findings[claim]):
                    scored.append((claim, item))  # read by meaning below
                return False
            if not findings[claim]:
                return True  # keys but no finding (an indirect claim not linked, keyed before such claims kept sentence keys only)
            if claim in indirect:
                return False  # read against sentences only
            group = PARAGRAPHS if item not in turn_speaker else OWN_TURNS if speaker is not None and turn_speaker[item] == speaker else TURNS
            news[claim][group].append((item, words))
            return False

        scored: list[tuple[int, int]] = []  # (claim, new sentence) whose paraphrase score decides
        changed: set[int] = set()
        for claim, its in hits.items():
            for hit in its:  # every hit: each may queue a new passage or sentence to weigh below
                if claim in speaker_of and may_change(claim, *hit):
                    changed.add(claim)
        settled: dict[int, list[QuoteCheck]] = {}
        for claim, groups in news.items():
            outcomes = [self._settled(finding, groups) for finding in findings[claim]]
            if any(outcome is RECHECK for outcome in outcomes):
                changed.add(claim)
            elif any(outcomes):
                settled[claim] = [outcome for outcome in outcomes if isinstance(outcome, QuoteCheck)]
        # a finding settled near no longer reads sentences; the others may still be paraphrased better
        unsettled = {claim: [f for f in findings[claim] if not any(c.quote_start == f["quote_start"] for c in settled.get(claim, ()))]
                     for claim, _ in scored}
        changed |= self._may_paraphrase(scored, unsettled)
        return found | changed, [check for claim, checks in settled.items() if claim not in changed and claim not in found for check in checks]

    def _settled(self, finding: Any, groups: dict[str, list[tuple[int, frozenset[str]]]]) -> QuoteCheck | object | None:
        """What new passages (by group) make of a stored finding: None when they change nothing, the new finding when
        the first of them to match more of the quote's words than the bound of its group (read as `_check_quote`
        reads candidates, after the stored ones) is near, and RECHECK when one is not near but may still change it
        (what the stored candidates after it would do is not stored), or the finding has no bounds."""
        if any(finding[group] is None for group in (OWN_TURNS, TURNS, PARAGRAPHS)):
            return RECHECK
        readable = {group: [item for item, words in groups.get(group, ()) if may_replace(finding, group, words)]
                    for group in (OWN_TURNS, TURNS, PARAGRAPHS)}
        if not any(readable.values()):
            return None  # no new passage holds enough of the quote's words: nothing is read
        quote = Words.of(finding["quote"]).words
        for number, group in enumerate((OWN_TURNS, TURNS, PARAGRAPHS)):
            bound = finding[group]
            passages = self.index.passages(readable[group])
            best: tuple[float, Passage, int, int, Words] | None = None
            for passage in passages:
                coverage, w_start, w_end = best_window(quote, passage.words, passage.matcher())
                if coverage > (best[0] if best is not None else bound):
                    best = (coverage, passage, w_start, w_end, passage.words)
            if best is None or best[0] < NEAR_MIN_COVERAGE:
                continue  # nothing new is read in this group, or nothing that could be near: the stored reading stands
            if len(quote) < MIN_QUOTE_WORDS or not self._is_near(quote, best):
                return RECHECK
            check = stored_check(finding)
            self._matched(check, quote, best)
            check.bounds = (*(finding[g] for g in (OWN_TURNS, TURNS, PARAGRAPHS)[:number]), best[0], *[1.0] * (3 - number))
            return check
        return None

    def _may_paraphrase(self, pairs: list[tuple[int, int]], findings: dict[int, list[Any]]) -> set[int]:
        """The claims of `pairs` (claim, new sentence) that the sentence may paraphrase better than their findings' best:
        its score, as `_read_paraphrases` computes it, reaches a finding's sentence bound (less a margin for the
        rounding of batched embeddings)."""
        if not pairs:
            return set()
        from counterclaim.link.embeddings import embed

        sentences = self.index.sentences(sorted({sentence for _, sentence in pairs}))
        self._read_sentence_vectors(sentences)
        quote_vectors = {f["quote"]: np.frombuffer(f["vector"], dtype=np.float32)
                         for claim, _ in pairs for f in findings[claim] if f["vector"] is not None}
        quotes = sorted({f["quote"] for claim, _ in pairs for f in findings[claim] if f["status"] not in ("verbatim", "near")} - set(quote_vectors))
        quote_vectors.update(zip(quotes, embed(quotes), strict=True))  # findings stored before their vectors were
        found = set()
        for claim, sentence in pairs:
            text = sentences[sentence][3]
            for finding in findings[claim]:
                if finding["status"] in ("verbatim", "near"):
                    continue
                bound = finding[SENTENCES]
                quote = finding["quote"]
                anchored = shared_content(Words.of(quote).words, Words.of(text).words) >= MIN_SHARED_CONTENT_WORDS
                if bound is None or anchored and float(self._sentence_vectors[sentence] @ quote_vectors[quote]) >= bound - SCORE_MARGIN:
                    found.add(claim)
        return found

    def _keyed_by(self, kinds: tuple[str, ...], items: dict[int, frozenset[str]]) -> dict[int, set[int]]:
        """For each item (turn, paragraph or sentence: its words), the claims it is a candidate for: it holds `needed` of
        the stored keys (of `kinds`) of one of their parts. Counted with numpy: a word common to many copies of a story
        keys many quotes."""
        vocabulary = sorted(set().union(*items.values())) if items else []
        rows = []
        for start in range(0, len(vocabulary), CHUNK):
            chunk = vocabulary[start : start + CHUNK]
            rows += self.ledger.db.execute(
                f"SELECT word, claim_id, part, needed FROM quote_keys WHERE kind IN ({','.join('?' * len(kinds))})"
                f" AND word IN ({','.join('?' * len(chunk))})",
                (*kinds, *chunk),
            ).fetchall()
        parts: dict[tuple[int, int], int] = {}  # (claim, part) -> its number
        needed: list[int] = []
        keyed: dict[str, list[int]] = defaultdict(list)  # word -> the parts it is a key of
        for word, claim, part, count in rows:
            number = parts.setdefault((claim, part), len(parts))
            if number == len(needed):
                needed.append(count)
            keyed[word].append(number)
        by_word = {word: np.array(numbers, dtype=np.int64) for word, numbers in keyed.items()}
        needs = np.array(needed, dtype=np.int64)
        claim_of = np.array([claim for claim, _ in parts], dtype=np.int64)
        found: dict[int, set[int]] = {}
        for item, held in items.items():
            runs = [by_word[word] for word in held if word in by_word]
            if not runs:
                continue
            held_parts, counts = np.unique(np.concatenate(runs), return_counts=True)
            claims = set(claim_of[held_parts[counts >= needs[held_parts]]].tolist())
            if claims:
                found[item] = claims
        return found

    def _set_match(self, check: QuoteCheck, passage: Passage, start: int, end: int) -> None:
        check.match_document_id = passage.document_id
        check.match_doc_id = passage.doc_id
        check.match_start, check.match_end = start, end
        check.match_text = self._text(passage.document_id)[start:end]


# What the stored findings were computed from: the generation of the passage index, and the speakers heard in transcripts.
STATE_KEY = "quote_checks_state"
# The bounds of a stored finding, by the group a new passage is read in (see `QuoteCheck.bounds`).
OWN_TURNS, TURNS, PARAGRAPHS, SENTENCES = "bound_own_turns", "bound_turns", "bound_paragraphs", "bound_sentences"
# The kinds of a quote's keys (`quote_keys.kind`): for new turns, new paragraphs (each by the bounds of the groups it can
# be read in), and new transcript sentences; a ledger checked before keys were kept by group has `passage` keys for both.
TURN_KEY, PARAGRAPH_KEY = "turn", "paragraph"
# Which of a quote's words the index is asked about to bound what each candidate may hold (`_ceilings`): those held by
# at most this many passages per candidate (or this many).
CEILING_POSTINGS, CEILING_MIN_POSTINGS = 4, 256
RECHECK = object()  # `_settled`: the finding is checked again
SCORE_MARGIN = 1e-4
KEY_EXTRA = 2  # rarest words kept beyond those the threshold needs: a candidate must hold more of them, so fewer are
CHUNK = 500


def _by_ceiling(group: list[Passage], ceilings: dict[int, int], length: int) -> list[tuple[int, float, Passage]]:
    """The group's passages that may hold enough of the quote's words to be near, as (place in the group, ceiling,
    passage), the highest ceiling first. The ceiling is the share of the quote's words the index says the passage may
    hold (`ceilings`): no matching of the quote with it can find more, since a quote word the passage lacks is never
    matched. Read in this order, stopping where the ceiling falls below the best match (`_check_quote`), the passages
    give the match that reading the whole group in order gives (the first passage with the largest share), having read
    only a few of the many copies of a widely reprinted story."""
    enough = NEAR_MIN_COVERAGE * length
    ranked = [(at, ceilings[passage.number] / length, passage) for at, passage in enumerate(group) if ceilings[passage.number] >= enough]
    ranked.sort(key=lambda item: (-item[1], item[0]))
    return ranked


def words_a_passage_may_miss(total: int, bounds: Iterable[float | None]) -> int:
    """How many of a quote's `total` words a new passage read in one of the groups with these bounds can lack and still
    change its finding (as `may_replace` decides); -1 when no passage can (every bound 1.0)."""
    return max((next((missing for missing in range(total, -1, -1) if _may_beat((total - missing) / total, bound)), -1)
                for bound in bounds), default=-1)


def _may_beat(held: float, bound: float | None) -> bool:
    """Whether a passage holding this share of a quote's words may change a finding with this bound for its group."""
    return (bound is None or held > bound) and held >= NEAR_MIN_COVERAGE


def may_replace(finding: Any, group: str, words: frozenset[str]) -> bool:
    """Whether a new passage of `group` with these words may change a stored finding: it may match more of the quote's
    words than the finding's bound for the group, and enough to be near (a quote word a passage lacks is never matched)."""
    bound = finding[group]
    if bound is None:
        return True  # found before bounds were kept
    counts, total = word_counts(finding["quote"])
    return bool(total) and _may_beat(sum(n for word, n in counts if word in words) / total, bound)


@lru_cache(maxsize=4096)
def word_counts(text: str) -> tuple[tuple[tuple[str, int], ...], int]:
    """A text's words with how often each occurs, and how many there are: a quote is weighed against many passages."""
    words = Words.of(text).words
    return tuple(Counter(words).items()), len(words)


def check_quotes(ledger: Ledger) -> list[QuoteCheck]:
    """Every quotation's finding, brought up to date (`update_quote_checks`) and listed."""
    update_quote_checks(ledger)
    return stored_checks(ledger)


def update_quote_checks(ledger: Ledger) -> None:
    """Store every quotation's finding: only the claims whose findings may have changed since the last check (see
    `FidelityChecker.affected`) are checked again, reading only the passages they may match, so that a ledger grown
    by a few documents costs a few documents' checks whatever its size; the first check, or one after the stored
    findings went missing, checks everything. With no document added or replaced since the last check, nothing is read."""
    index = PassageIndex(ledger)
    generation = index.update()
    stored = ledger.db.execute("SELECT value FROM meta WHERE key = ?", (STATE_KEY,)).fetchone()
    state = json.loads(stored[0]) if stored is not None else None
    if state is not None and state.get("generation") == generation:
        return
    checker = FidelityChecker(ledger, index)
    gone: list[int] = []
    redo: set[int] | None = None
    settled: list[QuoteCheck] = []
    if state is not None and "generation" in state:
        added, gone = index.changes_since(state["generation"])
        matched: set[int] = set()
        for marks in id_lists(gone):
            matched.update(r[0] for r in ledger.db.execute(f"SELECT claim_id FROM quote_checks WHERE match_document_id IN ({marks})"))
        redo, settled = checker.affected(added, set(state["speakers"]), matched)
    checks = checker.check_all(only=redo) + settled

    def store() -> None:
        if redo is None:
            ledger.db.execute("DELETE FROM quote_checks")
            ledger.db.execute("DELETE FROM quote_keys")
        else:
            stale = sorted(redo)
            for marks in id_lists(gone):  # the findings of replaced versions go with them
                stale += [r[0] for r in ledger.db.execute(f"SELECT id FROM claims WHERE document_id IN ({marks})")]
            for table in ("quote_checks", "quote_keys"):
                ledger.db.executemany(f"DELETE FROM {table} WHERE claim_id = ?", [(claim,) for claim in stale])
        ledger.db.executemany(
            "INSERT OR REPLACE INTO quote_checks (claim_id, quote, quote_start, quote_end, status, changed, match_document_id,"
            f" match_start, match_end, match_text, differences, {OWN_TURNS}, {TURNS}, {PARAGRAPHS}, {SENTENCES}, vector)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (c.claim, c.quote, c.quote_start, c.quote_end, c.status, int(c.changed), c.match_document_id,
                 c.match_start, c.match_end, c.match_text, json.dumps(c.differences), *c.bounds,
                 c.vector.astype(np.float32).tobytes() if c.vector is not None else None)
                for c in checks
            ],
        )
        ledger.db.executemany(
            "INSERT OR IGNORE INTO quote_keys (kind, word, claim_id, part, needed) VALUES (?, ?, ?, ?, ?)",
            [(kind, word, claim, part, needed) for claim, keys in checker.keys.items() for kind, word, part, needed in keys],
        )
        ledger.db.executemany("INSERT OR IGNORE INTO sentence_vectors (sentence_id, vector) VALUES (?, ?)",
                              [(n, v.astype(np.float32).tobytes()) for n, v in checker.new_sentence_vectors.items()])
        computed_from = {"generation": generation, "speakers": sorted(checker.turn_speakers)}
        ledger.db.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (STATE_KEY, json.dumps(computed_from)))

    ledger.write(store)


FINDINGS = (
    "SELECT q.*, c.claim_id AS claim_name, c.mode, d.doc_id, s.name, m.doc_id AS match_doc_id FROM quote_checks q"
    " JOIN claims c ON c.id = q.claim_id JOIN documents d ON d.id = c.document_id LEFT JOIN speakers s ON s.id = c.speaker_id"
    " LEFT JOIN documents m ON m.id = q.match_document_id"
)


def stored_check(r: Any) -> QuoteCheck:
    """A finding as stored (a row of `FINDINGS`)."""
    return QuoteCheck(
        r["claim_id"], r["claim_name"], r["doc_id"], r["name"], r["quote"], r["quote_start"], r["quote_end"], r["status"],
        bool(r["changed"]), r["match_document_id"], r["match_doc_id"], r["match_start"], r["match_end"], r["match_text"],
        json.loads(r["differences"]), mode=r["mode"], bounds=(r[OWN_TURNS], r[TURNS], r[PARAGRAPHS], r[SENTENCES]),
    )


def stored_checks(ledger: Ledger) -> list[QuoteCheck]:
    """The stored findings, in the order a full check lists them."""
    return [stored_check(r) for r in ledger.db.execute(f"{FINDINGS} ORDER BY c.document_id, c.content_start, c.id, q.quote_start")]
