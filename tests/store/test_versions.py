"""Versions: a changed text under the same URL or path is the next version of one document, and only the latest counts."""

import dataclasses
import json

import pytest

from counterclaim.ingest import document_from_text
from counterclaim.store import Ledger
from tests.store.test_ledger import made_older
from tests.test_cli import run

FIRST = (
    "Dam gates opened\n\nPetra Lind, the board's chief engineer, said on Monday that the spillway was opened on time.\n\n"
    '"We had no choice," Lind said.\n'
)
SECOND = (
    "Dam gates opened late\n\nPetra Lind, the board's chief engineer, said on Monday that the spillway was opened two hours late.\n\n"
    '"We had no choice," Lind said.\n\nThe mayor denied that the town had been warned.\n'
)


@pytest.fixture(scope="module")
def editions(extractor):
    return [next(extractor.extract([document_from_text("dam", text, path="news/dam.txt")])) for text in (FIRST, SECOND)]


def test_a_changed_text_under_the_same_path_is_the_next_version_and_only_the_latest_counts(tmp_path, editions):
    from counterclaim.link.fidelity import check_quotes
    from counterclaim.link.propositions import load_units
    from counterclaim.link.timeline import timeline

    with Ledger(tmp_path / "ledger.db") as ledger:
        assert [ledger.store(e) for e in editions] == ["added", "added"]
        assert ledger.store(editions[0]) == "known"  # the first text again is the first version, not a third
        rows = ledger.versions("news/dam.txt")
        assert [(r["version"], r["latest"]) for r in rows] == [(1, 0), (2, 1)]
        assert [r["id"] for r in ledger.versions("dam")] == [r["id"] for r in rows]
        latest = rows[1]["id"]
        units = load_units(ledger)
        assert units and {u.document_id for u in units} == {latest}
        assert len({u.record["claim_id"] for u in units}) == len(units)  # no claim id twice
        dated = timeline(ledger)
        assert dated and all("two hours late" in e.content or "warned" in e.content or "choice" in e.content for e in dated)
        # the quote is in both versions: it must not be found "verbatim" in its own earlier version
        assert all(c.match_document_id != rows[0]["id"] for c in check_quotes(ledger))
        earlier = list(ledger.claims("c.document_id = ?", (rows[0]["id"],)))
        assert any("on time" in c["content"]["text"] for c in earlier)  # earlier versions stay readable


def test_a_version_3_ledger_gets_versions_for_the_texts_it_stored_twice(tmp_path, editions):
    path = tmp_path / "v3.db"
    with Ledger(path) as ledger:
        for edition in editions:
            ledger.store(edition)
    made_older(
        path,
        "DROP INDEX documents_identity; ALTER TABLE documents DROP COLUMN identity; ALTER TABLE documents DROP COLUMN version;"
        " ALTER TABLE documents DROP COLUMN latest; UPDATE meta SET value = '3' WHERE key = 'schema_version';",
    )
    with Ledger(path, create=False) as ledger:
        assert [(r["version"], r["latest"], r["identity"]) for r in ledger.versions("dam")] == [(1, 0, "news/dam.txt"), (2, 1, "news/dam.txt")]


def test_a_url_is_the_identity_where_there_is_one(tmp_path, editions):
    with Ledger(tmp_path / "ledger.db") as ledger:
        for n, edition in enumerate(editions):
            document = dataclasses.replace(edition.document, path=f"crawl-{n}.warc.gz#1", url="https://news.example/dam")
            ledger.store(dataclasses.replace(edition, document=document))
        assert [r["version"] for r in ledger.versions("https://news.example/dam")] == [1, 2]


def test_versions_shows_the_sentences_and_claims_that_changed(tmp_path):
    folder = tmp_path / "news"
    folder.mkdir()
    db = str(tmp_path / "ledger.db")
    (folder / "dam.txt").write_text(FIRST)
    assert run("ingest", str(folder / "dam.txt"), "--db", db).returncode == 0
    (folder / "dam.txt").write_text(SECOND)
    assert "1 documents added" in run("ingest", str(folder / "dam.txt"), "--db", db).stdout
    result = run("versions", str(folder / "dam.txt"), "--db", db, "--format", "json")
    report = json.loads(result.stdout)
    assert [v["version"] for v in report["versions"]] == [1, 2] and report["versions"][1]["latest"]
    step = report["changes"][0]
    assert any("on time" in s for s in step["sentences_removed"]) and any("two hours late" in s for s in step["sentences_added"])
    assert any("mayor" in c.lower() and "denies" in c for c in step["claims_added"])
    assert not any("no choice" in s for s in step["sentences_removed"] + step["sentences_added"])
    table = run("versions", "dam", "--db", db)
    assert "2 (latest)" in table.stdout and "+ claim" in table.stdout
    missing = run("versions", "nothing", "--db", db)
    assert missing.returncode == 1 and missing.stderr.count("\n") == 1
