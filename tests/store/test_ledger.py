"""The SQLite ledger: idempotent ingest, whole-document transactions, speaker merging, search, Datasette."""

import asyncio
import dataclasses
import sqlite3
from pathlib import Path

import pytest
import yaml

from counterclaim.ingest import document_from_text
from counterclaim.store import SCHEMA_VERSION, Ledger, LedgerBusyError, LedgerError

ROOT = Path(__file__).resolve().parents[2]
FIRST = 'Petra Lind, the board\'s chief engineer, said the spillway was opened on time.\n\n"We had no choice," Lind said.\n'
SECOND = 'Petra Lind told the council on Tuesday that the gates had been checked.\n\n"Nobody listened," Lind said.\n'
SURNAME_ONLY = "Lind said on Monday that the gates were closed.\n"


def made_older(path, statements: str) -> None:
    """Turn a ledger file into one an older version wrote, by the statements that undo what came since."""
    db = sqlite3.connect(path)
    db.executescript(statements)
    db.commit()
    db.close()


@pytest.fixture
def ledger(tmp_path):
    with Ledger(tmp_path / "ledger.db") as ledger:
        yield ledger


@pytest.fixture(scope="module")
def extractions(extractor):
    texts = (("first", FIRST), ("second", SECOND), ("third", SURNAME_ONLY))
    return [next(extractor.extract([document_from_text(name, text)])) for name, text in texts]


def test_ingesting_the_same_document_twice_changes_nothing(ledger, extractions):
    assert ledger.add(extractions[0]) is True
    before = ledger.counts()
    assert ledger.add(extractions[0]) is False
    assert ledger.counts() == before and before["claims"] == len(extractions[0].claims)


def test_a_content_of_two_coordinated_clauses_is_stored_as_two_statements(ledger, extractor):
    text = "Petra Lind said that the gates had been checked and that no homes were at risk.\n"
    extraction = next(extractor.extract([document_from_text("coordinated", text)]))
    [claim] = extraction.claims
    assert claim.content.text.endswith("the gates had been checked and that no homes were at risk")
    ledger.add(extraction)
    rows = ledger.db.execute("SELECT content, cue, source, polarity FROM claims ORDER BY content_start").fetchall()
    assert [tuple(r)[1:] for r in rows] == [("said", "Petra Lind", "assert")] * 2
    assert rows[0]["content"].endswith("the gates had been checked") and rows[1]["content"] == "that no homes were at risk"


def test_speakers_merge_across_documents_by_full_name_only(ledger, extractions):
    for extraction in extractions:
        ledger.add(extraction)
    rows = ledger.db.execute("SELECT id, name, role, merge_key FROM speakers WHERE name LIKE '%Lind%' ORDER BY id").fetchall()
    assert [r["name"] for r in rows] == ["Petra Lind", "Lind"]
    petra, bare = rows
    assert petra["role"] == "chief engineer"
    assert bare["merge_key"].startswith("document:")
    documents = ledger.db.execute("SELECT count(DISTINCT document_id) FROM claims WHERE speaker_id = ?", (petra["id"],)).fetchone()[0]
    assert documents == 2
    aliases = {r[0] for r in ledger.db.execute("SELECT alias FROM speaker_aliases WHERE speaker_id = ?", (petra["id"],))}
    assert {"Lind", "Petra Lind"} <= aliases


def test_a_failing_document_leaves_nothing_behind(ledger, extractions):
    ledger.add(extractions[0])
    before = ledger.counts()
    broken = dataclasses.replace(extractions[1], claims=[dataclasses.replace(c, polarity="maybe") for c in extractions[1].claims])
    with pytest.raises(sqlite3.IntegrityError):
        ledger.add(broken)
    assert ledger.counts() == before
    assert ledger.add(extractions[1]) is True


def test_full_text_search_and_pragmas(ledger, extractions):
    ledger.add(extractions[0])
    found = list(ledger.search("spillway"))
    assert found and "spillway" in found[0]["content"]["text"]
    assert ledger.db.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert ledger.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_a_file_that_is_not_a_ledger_is_refused(tmp_path):
    path = tmp_path / "notes.db"
    path.write_text("these are my notes, not a database\n" * 100)
    with pytest.raises(LedgerError, match="not a counterclaim ledger"):
        Ledger(path)


def test_datasette_opens_the_ledger_with_its_facets_and_search(tmp_path, extractions):
    datasette = pytest.importorskip("datasette.app")
    with Ledger(tmp_path / "ledger.db") as ledger:
        for extraction in extractions:
            ledger.add(extraction)
    metadata = yaml.safe_load((ROOT / "datasette.yaml").read_text())
    app = datasette.Datasette([str(tmp_path / "ledger.db")], metadata=metadata)

    async def get(path):
        return await app.client.get(path)

    facets = asyncio.run(get("/ledger/claim_ledger.json?_facet=speaker&_facet=polarity"))
    assert facets.status_code == 200
    speakers = {row["value"] for row in facets.json()["facet_results"]["speaker"]["results"]}
    assert "Petra Lind" in speakers
    search = asyncio.run(get("/ledger/claim_ledger.json?_search=spillway&_shape=array"))
    assert search.status_code == 200 and search.json()
    for table, settings in metadata["databases"]["ledger"]["tables"].items():
        columns = {r[1] for r in sqlite3.connect(tmp_path / "ledger.db").execute(f"PRAGMA table_info({table})")}
        for facet in settings.get("facets", []):
            assert facet in columns, f"{table}: facet {facet} is not a column"


def test_a_version_1_ledger_is_brought_up_to_date_and_keeps_its_claims(tmp_path, extractions):
    path = tmp_path / "old.db"
    with Ledger(path) as ledger:
        ledger.add(extractions[0])
        claims = ledger.counts()["claims"]
    made_older(
        path,
        "DROP TABLE proposition_claims; DROP TABLE propositions; DROP TABLE claim_vectors;"
        "CREATE TABLE propositions (id INTEGER PRIMARY KEY, statement TEXT NOT NULL, contested INTEGER NOT NULL DEFAULT 0,"
        " numeric_conflicts TEXT NOT NULL DEFAULT '[]');"
        "CREATE TABLE proposition_claims (proposition_id INTEGER, claim_id INTEGER,"
        " stance TEXT NOT NULL CHECK (stance IN ('supports', 'disputes', 'reports')));"
        "UPDATE meta SET value = '1' WHERE key = 'schema_version';",
    )
    with Ledger(path) as ledger:
        assert ledger.db.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()[0] == SCHEMA_VERSION
        assert ledger.counts()["claims"] == claims
        columns = {row[1] for row in ledger.db.execute("PRAGMA table_info(proposition_claims)")}
        assert {"stance", "score", "rule"} <= columns


def test_a_version_9_ledger_keeps_its_packed_vectors_and_gains_their_cells(tmp_path):
    import numpy as np

    from counterclaim.link.vectors import nearest

    path = tmp_path / "old.db"
    with Ledger(path) as ledger:
        ledger.db.execute("PRAGMA foreign_keys = OFF")  # vectors without claims: this test is about the tables alone
        rows = [(n, "h", np.full(384, n / 10, dtype=np.float16).tobytes()) for n in range(1, 4)]
        ledger.write(lambda: ledger.db.executemany("INSERT INTO claim_vectors (claim_id, meaning_hash, vector) VALUES (?, ?, ?)", rows))
        nearest(ledger, np.full(384, 384**-0.5, dtype=np.float32), 1)  # packed
    made_older(path, "DROP TABLE vector_cells; DROP INDEX vector_blocks_cell; ALTER TABLE vector_blocks DROP COLUMN cell;"
                     "UPDATE meta SET value = '9' WHERE key = 'schema_version';")
    with Ledger(path) as ledger:
        assert ledger.db.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()[0] == SCHEMA_VERSION
        assert [row[0] for row in ledger.db.execute("SELECT cell FROM vector_blocks")] == [0]
        ids, _ = nearest(ledger, np.full(384, 384**-0.5, dtype=np.float32), 3)
        assert sorted(ids.tolist()) == [1, 2, 3]


def test_a_version_10_ledger_keeps_its_quote_findings_without_bounds(tmp_path):
    """Findings stored before bounds were kept have none: a new passage that may match them has them checked again."""
    from counterclaim.link.fidelity import PARAGRAPHS, SENTENCES, TURNS, may_replace

    path = tmp_path / "old.db"
    with Ledger(path) as ledger:
        ledger.db.execute("PRAGMA foreign_keys = OFF")
        ledger.write(lambda: ledger.db.execute("INSERT INTO quote_checks (claim_id, quote, quote_start, quote_end, status) VALUES"
                                               " (1, 'we held the valley', 0, 18, 'near')"))
    made_older(path, "ALTER TABLE quote_checks DROP COLUMN bound_own_turns; ALTER TABLE quote_checks DROP COLUMN bound_turns;"
                     " ALTER TABLE quote_checks DROP COLUMN bound_paragraphs; ALTER TABLE quote_checks DROP COLUMN bound_sentences;"
                     " ALTER TABLE quote_checks DROP COLUMN vector; DROP TABLE sentence_vectors;"
                     " UPDATE meta SET value = '10' WHERE key = 'schema_version';")
    with Ledger(path) as ledger:
        assert ledger.db.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()[0] == SCHEMA_VERSION
        finding = dict(ledger.db.execute("SELECT * FROM quote_checks").fetchone())
        assert finding[PARAGRAPHS] is None and finding[SENTENCES] is None and finding["vector"] is None
        assert ledger.db.execute("SELECT count(*) FROM sentence_vectors").fetchone()[0] == 0
        assert may_replace(finding, PARAGRAPHS, frozenset({"nothing", "alike"}))
        assert not may_replace({**finding, TURNS: 0.75}, TURNS, frozenset({"we", "held", "the"}))  # 3 of its 4 words: not more
        assert may_replace({**finding, TURNS: 0.75}, TURNS, frozenset({"we", "held", "the", "valley"}))


def test_propositions_keep_their_ids_across_relinks_and_retired_ids_are_never_reused(ledger, extractions):
    from counterclaim.link.propositions import Member, Proposition, load_units, store

    for extraction in extractions:
        ledger.add(extraction)
    units = load_units(ledger)
    assert len(units) >= 5
    a, b, c, d, e = units[:5]
    first = [
        Proposition(0, "first", [Member(a, "supports"), Member(b, "disputes")]),
        Proposition(0, "second", [Member(c, "supports"), Member(d, "supports")]),
    ]
    store(ledger, first)
    ids = {p.statement: p.id for p in first}
    # relinked: the second proposition gained a claim and comes first now; the first is gone; a new one appears
    second = [
        Proposition(0, "second, reworded", [Member(c, "supports"), Member(d, "supports"), Member(a, "neutral")]),
        Proposition(0, "new", [Member(e, "supports")]),
    ]
    store(ledger, second)
    assert second[0].id == ids["second"]
    assert second[1].id not in ids.values()
    stored = dict(ledger.db.execute("SELECT id, statement FROM propositions").fetchall())
    assert stored == {second[0].id: "second, reworded", second[1].id: "new"}


def test_a_version_2_ledger_gains_the_paths_of_its_documents(tmp_path, extractions):
    path = tmp_path / "v2.db"
    document = dataclasses.replace(extractions[0].document, path="first.txt")
    with Ledger(path) as ledger:
        ledger.add(dataclasses.replace(extractions[0], document=document))
    made_older(
        path,
        "DROP TABLE document_paths; ALTER TABLE documents DROP COLUMN url; ALTER TABLE documents DROP COLUMN from_summary;"
        " UPDATE meta SET value = '2' WHERE key = 'schema_version';",
    )
    with Ledger(path, create=False) as ledger:
        assert ledger.paths(1) == ["first.txt"]
        assert {"url", "from_summary"} <= {row[1] for row in ledger.db.execute("PRAGMA table_info(documents)")}


def test_a_version_4_ledger_keeps_its_propositions_and_gains_stored_reads(tmp_path, extractions):
    path = tmp_path / "v4.db"
    with Ledger(path) as ledger:
        ledger.add(extractions[0])
        ledger.db.execute("INSERT INTO propositions (statement) VALUES ('kept')")
        ledger.db.execute("INSERT INTO proposition_claims (proposition_id, claim_id, stance) VALUES (1, 1, 'supports')")
        ledger.db.commit()
    made_older(
        path,
        "DROP TABLE stance_reads; DROP TABLE clause_reads; ALTER TABLE proposition_claims DROP COLUMN restates;"
        " UPDATE meta SET value = '4' WHERE key = 'schema_version';",
    )
    with Ledger(path, create=False) as ledger:
        assert [tuple(row) for row in ledger.db.execute("SELECT claim_id, stance, restates FROM proposition_claims")] == [(1, "supports", 0)]
        tables = {row[0] for row in ledger.db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        assert {"stance_reads", "clause_reads"} <= tables


def test_the_same_text_under_another_name_is_recorded_not_stored_twice(ledger, extractions):
    first = dataclasses.replace(extractions[0], document=dataclasses.replace(extractions[0].document, path="a/first.txt"))
    assert ledger.store(first) == "added"
    renamed = dataclasses.replace(first.document, path="b/renamed.txt")
    assert ledger.stored_as(renamed) == (1, 1.0)
    assert ledger.record_appearance(1, renamed) is True
    assert ledger.record_appearance(1, renamed) is False
    assert ledger.paths(1) == ["a/first.txt", "b/renamed.txt"] and ledger.counts()["documents"] == 1


WIRE = (
    "KABUL (AP) — The resistance front denied on Friday that the Taliban had taken the Panjshir valley, calling the reports "
    "propaganda. Its foreign relations head said fighters had repelled repeated attacks and held the entrance to the valley. "
    "A Taliban spokesman said the group controlled most districts. Neither claim could be verified independently. "
) * 3


def test_a_syndicated_story_is_stored_once_with_each_outlet_kept(ledger, extract):
    from counterclaim.claims import Extraction

    def story(doc_id, text, url, site):
        document = dataclasses.replace(document_from_text(doc_id, text), path=f"{doc_id}.html", url=url, site=site)
        return Extraction(document, [], [])

    assert ledger.store(story("wire", WIRE, "https://apnews.example/a", "AP")) == "added"
    syndicated = story("paper", "Posted 9:14 AM. " + WIRE + "Copyright The Daily Example.", "https://daily.example/b", "Daily")
    assert ledger.store(syndicated) == "new place"
    assert ledger.counts()["documents"] == 1
    places = ledger.db.execute("SELECT url, site, similarity FROM document_paths ORDER BY rowid").fetchall()
    assert [(p["url"], p["site"]) for p in places] == [("https://apnews.example/a", "AP"), ("https://daily.example/b", "Daily")]
    assert 0.8 <= places[1]["similarity"] < 1.0
    changed_at_the_same_url = story("wire", WIRE + "Update: the front later said it had retreated.", "https://apnews.example/a", "AP")
    assert ledger.store(changed_at_the_same_url) == "added"  # a changed story, not another place of the same one
    other = story("other", "The council said the budget was approved after a long debate on Tuesday night.", None, None)
    assert ledger.store(other) == "added"


def test_someone_elses_database_is_refused_and_left_unchanged(tmp_path):
    path = tmp_path / "theirs.db"
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE documents (id INTEGER PRIMARY KEY, body TEXT)")
    db.commit()
    db.close()
    before = path.read_bytes()
    for create in (False, True):
        with pytest.raises(LedgerError, match="not a counterclaim ledger") as caught:
            Ledger(path, create=create)
        assert "\n" not in str(caught.value)
    assert path.read_bytes() == before
    assert not (tmp_path / "theirs.db-wal").exists()


def test_only_a_creating_open_makes_a_ledger_of_an_empty_or_missing_file(tmp_path):
    empty = tmp_path / "empty.db"
    empty.write_bytes(b"")
    for path, reason in ((empty, "an empty file, not a ledger"), (tmp_path / "missing.db", "no such ledger")):
        with pytest.raises(LedgerError, match=reason):
            Ledger(path, create=False)
    assert empty.read_bytes() == b"" and not (tmp_path / "missing.db").exists()
    with Ledger(empty) as ledger:
        assert ledger.counts()["documents"] == 0


def hold_write_lock(path, seconds):
    """Another process's writer: holds the write lock for `seconds` from another connection."""
    import threading
    import time

    held = threading.Event()

    def hold():
        other = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        other.execute("BEGIN IMMEDIATE")
        held.set()
        time.sleep(seconds)
        other.execute("COMMIT")
        other.close()

    thread = threading.Thread(target=hold)
    thread.start()
    held.wait()
    return thread


def test_a_write_waits_for_another_writer_and_says_so(tmp_path, extractions):
    path = tmp_path / "busy.db"
    Ledger(path).close()
    waits = []
    thread = hold_write_lock(path, 1.5)
    with Ledger(path, create=False, lock_timeout=30, on_wait=waits.append) as ledger:  # opening an existing ledger writes nothing
        assert ledger.add(extractions[0]) is True
    thread.join()
    assert len(waits) == 1 and "waiting" in waits[0]


def test_a_write_gives_up_clearly_and_stores_nothing_when_the_lock_is_held_too_long(tmp_path, extractions):
    path = tmp_path / "busy.db"
    with Ledger(path) as ledger:
        ledger.add(extractions[0])
    thread = hold_write_lock(path, 4)
    with Ledger(path, create=False, lock_timeout=0.5) as ledger:
        with pytest.raises(LedgerBusyError, match="gave up"):
            ledger.add(extractions[1])
    thread.join()
    with Ledger(path, create=False) as ledger:
        assert ledger.counts()["documents"] == 1
        assert ledger.add(extractions[1]) is True


def test_a_version_11_ledger_keeps_its_quote_keys_and_takes_keys_by_group(tmp_path, extractions):
    """Version 12 keeps keys for turns and for paragraphs apart: an older ledger's key table is made again with the kinds
    it may now hold, its keys kept (a `passage` key stands for both)."""
    path = tmp_path / "old.db"
    with Ledger(path) as ledger:
        ledger.add(extractions[0])
        assert ledger.db.execute("SELECT min(id) FROM claims").fetchone()[0] == 1
    made_older(path, "DROP TABLE quote_keys; CREATE TABLE quote_keys (kind TEXT NOT NULL CHECK (kind IN ('passage', 'sentence')),"
                     " word TEXT NOT NULL, claim_id INTEGER NOT NULL REFERENCES claims(id) ON DELETE CASCADE, part INTEGER NOT NULL,"
                     " needed INTEGER NOT NULL, PRIMARY KEY (kind, word, claim_id, part)) WITHOUT ROWID;"
                     " CREATE INDEX quote_keys_claim ON quote_keys(claim_id);"
                     " INSERT INTO quote_keys VALUES ('passage', 'valley', 1, 0, 2);"
                     " UPDATE meta SET value = '11' WHERE key = 'schema_version';")
    with sqlite3.connect(path) as db:  # an old ledger refuses the new kinds (an ignored insert would lose them)
        with pytest.raises(sqlite3.IntegrityError):
            db.execute("INSERT INTO quote_keys VALUES ('paragraph', 'valley', 1, 0, 2)")
    with Ledger(path) as ledger:
        assert ledger.db.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()[0] == SCHEMA_VERSION
        assert [tuple(r) for r in ledger.db.execute("SELECT * FROM quote_keys")] == [("passage", "valley", 1, 0, 2)]
        ledger.write(lambda: ledger.db.execute("INSERT INTO quote_keys VALUES ('paragraph', 'valley', 1, 0, 3)"))
        assert ledger.db.execute("SELECT count(*) FROM quote_keys WHERE claim_id = 1").fetchone()[0] == 2
        assert ledger.db.execute("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'quote_keys' AND sql IS NOT NULL").fetchall()
    with Ledger(path) as ledger:  # opened again: nothing more to do
        assert ledger.db.execute("SELECT count(*) FROM quote_keys").fetchone()[0] == 2
