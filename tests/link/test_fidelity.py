"""Quote fidelity on an article and the interview it quotes, both written for the purpose, and on the seed."""

import json

import pytest

from counterclaim.ingest import read_document
from counterclaim.link.fidelity import changes_meaning, check_quotes, differences
from counterclaim.store import Ledger
from tests.conftest import SEED, fixture_path


def ledger_of(tmp_path, extractor, *paths):
    ledger = Ledger(tmp_path / "ledger.db")
    for extraction in extractor.extract(read_document(p) for p in paths):
        ledger.add(extraction)
    return ledger


def affected_now(ledger, monkeypatch, unbounded=False, **patched):
    """The claims `check_quotes` would check again now, and those whose findings it would settle without checking them
    again: with `unbounded`, as if the findings' bounds were not known (each quote keyed for any passage holding enough
    of its words to be near, and every new passage that is a candidate by those keys sending it back, whatever share of
    its words it holds); `patched` names of `fidelity` replaced."""
    from counterclaim.link import fidelity
    from counterclaim.link.passages import PassageIndex, words_a_match_may_miss

    index = PassageIndex(ledger)
    index.update()
    state = json.loads(ledger.db.execute("SELECT value FROM meta WHERE key = ?", (fidelity.STATE_KEY,)).fetchone()[0])
    added, _ = index.changes_since(state["generation"])
    with monkeypatch.context() as context:
        for name, value in patched.items():
            context.setattr(fidelity, name, value)
        if unbounded:
            context.setattr(fidelity, "words_a_passage_may_miss", lambda total, bounds: words_a_match_may_miss(total, fidelity.NEAR_MIN_COVERAGE))
            context.setattr(fidelity.FidelityChecker, "_settled", lambda self, finding, groups: fidelity.RECHECK)
            loose = fidelity.FidelityChecker(ledger, index)
            loose.check_all()
            ledger.db.execute("SAVEPOINT loose")  # the loose keys only for this call
            ledger.db.execute("DELETE FROM quote_keys")
            ledger.db.executemany("INSERT INTO quote_keys (kind, word, claim_id, part, needed) VALUES (?, ?, ?, ?, ?)",
                                  [(kind, word, claim, part, needed) for claim, keys in loose.keys.items() for kind, word, part, needed in keys])
        try:
            redo, settled = fidelity.FidelityChecker(ledger, index).affected(added, set(state["speakers"]), set())
        finally:
            if unbounded:
                ledger.db.execute("ROLLBACK TO loose")
                ledger.db.execute("RELEASE loose")
        return redo, {check.claim for check in settled}


def find(checks, fragment):
    found = [c for c in checks if fragment in c.quote]
    assert found, f"no check of {fragment!r}: {[c.quote for c in checks]}"
    return found[0]


@pytest.fixture(scope="module")
def dam_checks(tmp_path_factory, extractor):
    with ledger_of(tmp_path_factory.mktemp("dam"), extractor, fixture_path("dam_article.txt"), fixture_path("dam_interview.txt")) as ledger:
        checks = check_quotes(ledger)
        stored = ledger.db.execute("SELECT count(*) FROM quote_checks").fetchone()[0]
    return checks, stored


def test_a_quote_found_word_for_word_is_verbatim(dam_checks):
    checks, _ = dam_checks
    check = find(checks, "Every farm received a letter")
    assert check.status == "verbatim" and not check.differences
    assert check.match_doc_id == "dam_interview" and check.speaker == "Petra Lind"


def test_percent_for_the_sign_is_near_and_keeps_its_meaning(dam_checks):
    checks, _ = dam_checks
    check = find(checks, "50 percent of the emergency margin")
    assert check.status == "near" and not check.changed
    assert {"op": "replace", "quote": "percent", "source": "%"} in check.differences


def test_a_paraphrase_that_turns_some_into_many_is_flagged(dam_checks):
    checks, _ = dam_checks
    check = find(checks, "barns near the river")
    assert check.mode == "indirect" and check.status == "paraphrase" and check.changed
    assert "some" in check.match_text.lower()


def test_a_quote_not_in_the_transcript_is_not_found_and_all_checks_are_stored(dam_checks):
    checks, stored = dam_checks
    assert find(checks, "proud of the staff").status == "not found"
    assert stored == len(checks)


def test_meaning_words_and_numbers_mark_a_change():
    assert changes_meaning(differences(["some", "areas"], ["many", "districts"]))
    assert changes_meaning(differences(["3,000", "fighters"], ["10,000", "fighters"]))
    assert not changes_meaning(differences(["the", "areas"], ["the", "districts"]))


@pytest.mark.skipif(not SEED.exists(), reason="needs ../shared/seed/panjshir-npr-2021-09-03.txt")
def test_seed_quotes_against_the_interview(tmp_path, extractor):
    with ledger_of(tmp_path, extractor, SEED) as ledger:
        checks = check_quotes(ledger)
    abandoned = find(checks, "The whole world has abandoned us")
    assert abandoned.status == "verbatim" and abandoned.speaker == "Ali Nazary"
    retreated = find(checks, "retreated from some areas")
    assert retreated.status == "paraphrase" and retreated.changed
    assert "retreated from many districts" in retreated.match_text


def test_blocking_by_rare_words_never_drops_a_passage_that_could_match():
    """Whatever the words, a passage holding `share` of a quote's words is among the candidates the index's filter gives."""
    import random

    from counterclaim.link.fidelity import NEAR_MIN_COVERAGE, best_window
    from counterclaim.link.passages import Words, holding_by, words_a_match_may_miss

    generator = random.Random(7)
    vocabulary = [f"w{n}" for n in range(40)]
    for _ in range(600):
        passages = [" ".join(generator.choices(vocabulary, k=generator.randint(1, 30))) for _ in range(20)]
        postings: dict[str, set[int]] = {}
        for number, passage in enumerate(passages):
            for word in Words.of(passage).words:
                postings.setdefault(word, set()).add(number)
        quote = Words.of(" ".join(generator.choices(vocabulary[:15], k=generator.randint(1, 12)))).words
        may_miss = words_a_match_may_miss(len(quote), NEAR_MIN_COVERAGE)
        candidates = holding_by(
            set(quote), may_miss, lambda w, p=postings: len(p.get(w, ())), lambda w, p=postings: p.get(w, ()), generator.randint(0, 5)
        )
        for number, passage in enumerate(passages):
            coverage, _, _ = best_window(quote, Words.of(passage))
            if coverage >= NEAR_MIN_COVERAGE:
                assert number in candidates, (quote, passage)


def test_the_index_filter_keeps_exactly_the_items_holding_enough_of_the_rarest_words():
    """Counted from the rarest postings out (`holding_by`), the same items as counting every posting whole."""
    import random

    from counterclaim.link.passages import holding_by

    generator = random.Random(11)
    for _ in range(300):
        postings = {f"w{n}": set(generator.sample(range(200), generator.randint(0, 120))) for n in range(generator.randint(1, 8))}
        words, may_miss, extra = set(postings), generator.randint(0, 4), generator.randint(0, 3)
        rarest = sorted(words, key=lambda w: (len(postings[w]), w))[: may_miss + 1 + extra]
        needed = max(1, len(rarest) - may_miss)
        expected = {item for item in range(200) if sum(item in postings[w] for w in rarest) >= needed}
        assert holding_by(words, may_miss, lambda w, p=postings: len(p[w]), lambda w, p=postings: p[w], extra) == expected


def test_words_a_match_may_miss():
    from counterclaim.link.fidelity import words_a_match_may_miss

    assert [words_a_match_may_miss(n, 0.6) for n in (0, 1, 2, 3, 5, 10)] == [0, 0, 0, 1, 2, 4]
    assert [words_a_match_may_miss(n, 0.4) for n in (1, 2, 5, 10)] == [0, 1, 3, 6]


def test_checks_after_the_ledger_grows_are_those_of_a_full_check_and_only_new_claims_are_read(tmp_path, extractor):
    """The article first (its quotes found nowhere), then the interview, then a changed version of the article."""
    from counterclaim.link.fidelity import FidelityChecker

    article, interview = fixture_path("dam_article.txt"), fixture_path("dam_interview.txt")
    with ledger_of(tmp_path, extractor, article) as ledger:
        alone = check_quotes(ledger)
        assert alone and all(c.status == "not found" for c in alone if c.mode != "indirect")
        assert [c.to_json() for c in check_quotes(ledger)] == [c.to_json() for c in alone]  # nothing new: the stored findings
        for extraction in extractor.extract([read_document(interview)]):
            ledger.add(extraction)
        grown = check_quotes(ledger)
        assert [c.to_json() for c in grown] == [c.to_json() for c in FidelityChecker(ledger).check_all()]
        assert any(c.status == "verbatim" for c in grown)
        # an edited article: a new version, whose quotes replace the old version's
        edited = read_document(article)
        edited.text = edited.text.replace("\n", "\n\nUpdated with the minister's comments.\n", 1)
        for extraction in extractor.extract([edited]):
            ledger.add(extraction)
        versioned = check_quotes(ledger)
        assert [c.to_json() for c in versioned] == [c.to_json() for c in FidelityChecker(ledger).check_all()]
        latest = {r[0] for r in ledger.db.execute("SELECT id FROM documents WHERE latest = 1")}
        stored = {r[0] for r in ledger.db.execute("SELECT DISTINCT c.document_id FROM quote_checks q JOIN claims c ON c.id = q.claim_id")}
        assert stored and stored <= latest  # the first version's findings are gone with it


def test_a_ledger_with_no_new_documents_reads_no_document_again(tmp_path, extractor, monkeypatch):
    from counterclaim.link.fidelity import FidelityChecker

    with ledger_of(tmp_path, extractor, fixture_path("dam_article.txt"), fixture_path("dam_interview.txt")) as ledger:
        first = check_quotes(ledger)

        def reads_documents(self, ledger):
            raise AssertionError("the documents were read again")

        monkeypatch.setattr(FidelityChecker, "__init__", reads_documents)
        assert [c.to_json() for c in check_quotes(ledger)] == [c.to_json() for c in first]


def test_a_grown_ledger_reads_only_the_documents_whose_passages_a_quote_may_match(tmp_path, extractor, monkeypatch):
    """Checking again after a new document reads the new document and the documents of candidate passages, not the ledger."""
    from counterclaim.link.passages import PassageIndex

    unrelated = [fixture_path("speakers_hard.txt"), *sorted((fixture_path("kessel_bridge") / "docs").glob("*.txt"))]
    with ledger_of(tmp_path, extractor, fixture_path("dam_article.txt"), *unrelated) as ledger:
        check_quotes(ledger)
        for extraction in extractor.extract([read_document(fixture_path("dam_interview.txt"))]):
            ledger.add(extraction)
        read: set[str] = set()
        real = PassageIndex.document

        def noting(self, document_id):
            row = real(self, document_id)
            read.add(row["doc_id"])
            return row

        monkeypatch.setattr(PassageIndex, "document", noting)
        grown = check_quotes(ledger)
    assert any(c.status == "verbatim" and c.match_doc_id == "dam_interview" for c in grown)
    assert read == {"dam_article", "dam_interview"}  # the Kessel bridge and the town's bridge were never read


def test_a_new_article_repeating_a_quote_does_not_check_again_the_quotes_found_word_for_word(tmp_path, extractor, monkeypatch):
    """A line quoted again in a new article: the stored quotes matched word for word stay as they are (the new
    paragraph comes after their match), the others are checked again, and the findings are a full check's."""
    from counterclaim.ingest import document_from_text
    from counterclaim.link.fidelity import FidelityChecker

    with ledger_of(tmp_path, extractor, fixture_path("dam_article.txt"), fixture_path("dam_interview.txt")) as ledger:
        first = check_quotes(ledger)
        word_for_word = {c.claim for c in first if c.status == "verbatim"} - {c.claim for c in first if c.status != "verbatim"}
        assert word_for_word
        again = document_from_text("valley-letters", "Letters from the valley\n\nA farmer in the valley wrote to us this week. Every farm received"
                         " a letter a week before the spillway opened, and we checked the gates twice, the engineer had told him."
                         " The water reached 50% of the emergency margin on Sunday, he recalled.\n")
        for extraction in extractor.extract([again]):
            ledger.add(extraction)
        checked: list = []
        real = FidelityChecker.check_all
        monkeypatch.setattr(FidelityChecker, "check_all", lambda self, only=None: checked.append(only) or real(self, only))
        grown = check_quotes(ledger)
        assert checked and checked[0] is not None and not (checked[0] & word_for_word)
        assert [c.to_json() for c in grown] == [c.to_json() for c in real(FidelityChecker(ledger))]


def test_a_new_paragraph_changes_a_near_finding_only_when_it_matches_more_of_the_quote(tmp_path, extractor, monkeypatch):
    """A quote found near in another article's paragraph (18 of its 19 words): a new paragraph holding its rarest words
    but fewer of its words than that share leaves it alone, as does one holding all of them in an order that matches
    few; one holding all of them in order becomes its match, read alone (the stored candidates are not read again).
    After each, the findings are a full check's."""
    from counterclaim.ingest import document_from_text
    from counterclaim.link import fidelity
    from counterclaim.link.fidelity import FidelityChecker
    from counterclaim.link.passages import Words

    def add(name, text):
        for extraction in extractor.extract([document_from_text(name, text)]):
            ledger.add(extraction)

    quote = "The release followed each of the rules the regional water authority set out in 2019 for a spring flood"
    with Ledger(tmp_path / "ledger.db") as ledger:
        add("board-statement", "Board statement\n\nThe release followed all of the rules that the regional water authority set out"
            " in 2019 for a spring flood, the board said on Monday.\n")
        add("board-backs-engineer", f'Board Backs Engineer\n\nThe board backed its engineer on Monday.\n\n"{quote}," the board\'s'
            " chair, Anton Weiss, said.\n")
        near = find(check_quotes(ledger), "each of the rules")
        assert near.status == "near" and near.match_doc_id == "board-statement"
        bounds = ledger.db.execute("SELECT bound_own_turns, bound_turns, bound_paragraphs FROM quote_checks WHERE claim_id = ?",
                                   (near.claim,)).fetchone()
        assert tuple(bounds) == (0.0, 0.0, 18 / 19)  # no turn read; 18 of its 19 words in the statement
        bound = bounds[2]
        keys = [r[0] for r in ledger.db.execute("SELECT word FROM quote_keys WHERE claim_id = ? AND kind = 'paragraph'", (near.claim,))]
        words = Words.of(quote).words
        held = set(keys)  # its rarest words, and others up to 14 of its 19 words: enough to be near, fewer than its match
        for word in words:
            if sum(w in held for w in words) < 14:
                held.add(word)
        assert 0.6 <= sum(w in held for w in words) / len(words) < bound
        add("letters", "Letters\n\nReaders wrote: " + " ".join(sorted(held)) + ", by mail.\n")  # no other word of the quote

        # without the bound, the new paragraph is a candidate: it holds the rarest words
        assert near.claim in affected_now(ledger, monkeypatch, unbounded=True)[0]
        assert near.claim not in set().union(*affected_now(ledger, monkeypatch))

        checked: list = []
        real = FidelityChecker.check_all
        monkeypatch.setattr(FidelityChecker, "check_all", lambda self, only=None: checked.append(only) or real(self, only))
        grown = check_quotes(ledger)
        assert near.claim not in checked[-1]
        assert [c.to_json() for c in grown] == [c.to_json() for c in real(FidelityChecker(ledger))]

        # every word of the quote, backwards: it holds more than the match does, but read in order it matches little
        add("backwards", "Backwards\n\nReaders wrote: " + " ".join(reversed(words)) + ", by mail.\n")
        stored = ledger.db.execute("SELECT * FROM quote_checks WHERE claim_id = ?", (near.claim,)).fetchone()
        assert fidelity.may_replace(stored, fidelity.PARAGRAPHS, frozenset(words))
        assert near.claim in affected_now(ledger, monkeypatch, unbounded=True)[0]
        assert near.claim not in set().union(*affected_now(ledger, monkeypatch))
        grown = check_quotes(ledger)
        assert near.claim not in checked[-1]
        assert [c.to_json() for c in grown] == [c.to_json() for c in real(FidelityChecker(ledger))]

        add("readers", f"Readers\n\nA reader recalled that {quote.lower()}, as the board said.\n")
        assert near.claim in affected_now(ledger, monkeypatch)[1]  # settled by the new paragraph alone
        grown = check_quotes(ledger)
        assert near.claim not in checked[-1]
        assert find(grown, "each of the rules").status == "verbatim" and find(grown, "each of the rules").match_doc_id == "readers"
        assert [c.to_json() for c in grown] == [c.to_json() for c in real(FidelityChecker(ledger))]


def test_a_new_turn_of_the_quoted_speaker_changes_a_quote_finding_only_when_it_matches_more_of_it(tmp_path, extractor, monkeypatch):
    """The engineer repeats on another programme what the article quoted: where she says it as the interview had it
    (`50%`), the quote's near finding stands; where she says it as the article printed it, it is found word for word
    in the new turn, read alone. After each, the findings are a full check's."""
    from counterclaim.ingest import document_from_text
    from counterclaim.link.fidelity import FidelityChecker

    def add(name, text):
        for extraction in extractor.extract([document_from_text(name, text)]):
            ledger.add(extraction)

    with ledger_of(tmp_path, extractor, fixture_path("dam_article.txt"), fixture_path("dam_interview.txt")) as ledger:
        near = find(check_quotes(ledger), "50 percent of the emergency margin")
        assert near.status == "near" and near.match_doc_id == "dam_interview"
        programme = ("The evening programme. Our guest is the board's chief engineer, Petra Lind.\n\n"
                     "HOST: How high was the water?\n\nPETRA LIND: {}\n\nHOST: Thank you.\n")
        add("evening-programme", programme.format("The water reached 50% of the emergency margin on Sunday. We were ready."))
        # a candidate: it holds the quote's rarest words
        assert near.claim in affected_now(ledger, monkeypatch, unbounded=True)[0]
        assert near.claim not in set().union(*affected_now(ledger, monkeypatch))
        full = FidelityChecker.check_all
        assert [c.to_json() for c in check_quotes(ledger)] == [c.to_json() for c in full(FidelityChecker(ledger))]

        add("late-programme", programme.format("The water reached 50 percent of the emergency margin on Sunday."))
        assert near.claim in affected_now(ledger, monkeypatch)[1]  # settled: found word for word in the new turn
        grown = check_quotes(ledger)
        assert find(grown, "50 percent of the emergency margin").status == "verbatim"
        assert find(grown, "50 percent of the emergency margin").match_doc_id == "late-programme"
        assert [c.to_json() for c in grown] == [c.to_json() for c in full(FidelityChecker(ledger))]


def test_a_new_sentence_sends_a_paraphrase_back_only_when_it_may_score_higher(tmp_path, extractor, monkeypatch):
    """`many barns near the river had taken water` is linked to the engineer's `A few barns near the river took some
    water`. A new turn of hers about the barns that says something else leaves the finding alone; one that says what
    the article reported has it checked again, and the claim is linked to it. After each, the findings are a full check's."""
    from counterclaim.ingest import document_from_text
    from counterclaim.link.fidelity import FidelityChecker

    def add(name, turn):
        text = (f"The evening programme, with the board's chief engineer, Petra Lind.\n\nHOST: What about the farms?\n\n"
                f"PETRA LIND: {turn}\n\nHOST: Thank you.\n")
        for extraction in extractor.extract([document_from_text(name, text)]):
            ledger.add(extraction)

    checked: list = []
    full = FidelityChecker.check_all
    monkeypatch.setattr(FidelityChecker, "check_all", lambda self, only=None: checked.append(only) or full(self, only))
    with ledger_of(tmp_path, extractor, fixture_path("dam_article.txt"), fixture_path("dam_interview.txt")) as ledger:
        linked = find(check_quotes(ledger), "barns near the river")
        assert linked.status == "paraphrase" and linked.match_doc_id == "dam_interview"
        add("evening-programme", "The barns near the river are being rebuilt by the farmers, with help from the board.")
        # a candidate (it shares enough of the claim's words to be read), which only its score rules out
        assert linked.claim in affected_now(ledger, monkeypatch, SCORE_MARGIN=2.0)[0]
        grown = check_quotes(ledger)
        assert linked.claim not in checked[-1] and find(grown, "barns near the river").match_doc_id == "dam_interview"
        assert [c.to_json() for c in grown] == [c.to_json() for c in full(FidelityChecker(ledger))]

        add("late-programme", "Many barns near the river had taken water.")
        grown = check_quotes(ledger)
        assert linked.claim in checked[-1] and find(grown, "barns near the river").match_doc_id == "late-programme"
        assert [c.to_json() for c in grown] == [c.to_json() for c in full(FidelityChecker(ledger))]


def test_a_transcript_sentence_is_embedded_once_whatever_the_checks_that_read_it(tmp_path, extractor, monkeypatch):
    """The interview's sentences embedded by the first check are stored; a later article reporting the engineer's words
    on the barns is compared with them without embedding them again, and the findings are a full check's."""
    from counterclaim.ingest import document_from_text
    from counterclaim.link import embeddings
    from counterclaim.link.fidelity import FidelityChecker

    with ledger_of(tmp_path, extractor, fixture_path("dam_article.txt"), fixture_path("dam_interview.txt")) as ledger:
        assert find(check_quotes(ledger), "barns near the river").status == "paraphrase"
        assert ledger.db.execute("SELECT count(*) FROM quote_checks WHERE status = 'paraphrase' AND vector IS NULL").fetchone()[0] == 0
        stored = {row[0] for row in ledger.db.execute(
            "SELECT substr(d.text, s.start + 1, s.end - s.start) FROM sentence_vectors v JOIN sentences s ON s.id = v.sentence_id"
            " JOIN passages p ON p.id = s.passage_id JOIN documents d ON d.id = p.document_id")}
        assert "A few barns near the river took some water." in stored
        embedded: list[str] = []
        real = embeddings.embed
        monkeypatch.setattr(embeddings, "embed", lambda texts: embedded.extend(texts) or real(texts))
        text = "Barns Flooded\n\nPetra Lind said on Monday that a few barns near the river had taken some water.\n"
        for extraction in extractor.extract([document_from_text("barns-flooded", text)]):
            ledger.add(extraction)
        grown = check_quotes(ledger)
        assert embedded and not set(embedded) & stored
        assert find(grown, "a few barns near the river had taken").status == "paraphrase"
        assert [c.to_json() for c in grown] == [c.to_json() for c in FidelityChecker(ledger).check_all()]


def test_a_quote_is_keyed_for_the_passages_that_may_change_its_finding():
    """How many of a quote's words a new passage may lack: enough to be near, and more than the bound of its group."""
    from counterclaim.link.fidelity import words_a_passage_may_miss

    assert words_a_passage_may_miss(10, [0.0, 0.0]) == 4  # nothing read: near is 6 of 10
    assert words_a_passage_may_miss(10, [0.7]) == 2  # more than 7 of 10
    assert words_a_passage_may_miss(19, [18 / 19]) == 0  # all 19, to beat 18 of them
    assert words_a_passage_may_miss(10, [1.0]) == -1  # found word for word: no passage can change it
    assert words_a_passage_may_miss(10, [1.0, 0.7]) == 2  # a turn of another group may
    assert words_a_passage_may_miss(10, [None]) == 4  # bounds not known


def test_a_check_that_keeps_few_passages_at_hand_finds_what_one_keeping_all_finds(tmp_path, extractor, monkeypatch):
    """The index keeps the passages and documents it read most recently, a bounded number of them (a first check of a
    large ledger would otherwise keep all); one kept to two passages and one document reads them again as it needs."""
    from counterclaim.link import passages
    from counterclaim.link.fidelity import FidelityChecker

    with ledger_of(tmp_path, extractor, fixture_path("quotes_article.txt"), fixture_path("interview.txt"),
                   fixture_path("dam_article.txt"), fixture_path("dam_interview.txt")) as ledger:
        everything = FidelityChecker(ledger)
        full = [c.to_json() for c in everything.check_all()]
        assert len(everything.index._passages) > 2 and sum(c["status"] != "not found" for c in full) >= 3
        monkeypatch.setattr(passages, "PASSAGES_KEPT", 2)
        monkeypatch.setattr(passages, "DOCUMENTS_KEPT", 1)
        few = FidelityChecker(ledger)
        assert [c.to_json() for c in few.check_all()] == full
        assert len(few.index._passages) <= 2 and len(few.index._documents) <= 1
