"""The batch run as a user meets it: killed part way, resumed with the same command, loaded in bulk."""

import json
import os
import re
import signal
import sqlite3
import subprocess
import sys
import time

from tests.ingest.test_archives import archives_sharing_stories
from tests.test_cli import ROOT, run

# What a ledger holds, without the times it was written: two ledgers that hold the same are equal.
LEDGER_DUMP = [
    "SELECT id, doc_id, content_hash, path, url, from_summary, title, date, author, site, kind, transcript_start, text FROM documents ORDER BY id",
    "SELECT document_id, path, url, site, date, similarity FROM document_paths ORDER BY document_id, path",
    "SELECT id, merge_key, name, kind, role, affiliation FROM speakers ORDER BY id",
    "SELECT * FROM speaker_aliases ORDER BY speaker_id, document_id, alias",
    "SELECT * FROM claims ORDER BY id",
    "SELECT * FROM turns ORDER BY id",
    "SELECT * FROM propositions ORDER BY id",
    "SELECT * FROM proposition_claims ORDER BY proposition_id, claim_id",
]


def dump(db):
    connection = sqlite3.connect(db)
    return [connection.execute(query).fetchall() for query in LEDGER_DUMP]


def corpus(folder):
    """Sixteen small stories, with a feed, a web archive and a JSON Lines file that share stories with each other."""
    folder.mkdir()
    people = ["Ana Ruiz", "Tomas Keller", "Mira Osei", "Jon Bakr", "Lena Holt", "Ivo Marek"]
    places = ["Sorell", "Kessel", "Halvek", "Dunmore", "Brae", "Ostrin"]
    for n in range(12):
        person, place, other = people[n % 6], places[(n * 5) % 6], people[(n + 3) % 6]
        (folder / f"story-{n:02d}.txt").write_text(
            f"{place} road {n} reopened\n\n{person}, the mayor of {place}, said on Monday that {n + 3} bridges were closed. "
            f'"We have repaired {n * 7 + 2} kilometres of road," {person} told reporters in {place}. '
            f"{other} denied that the district of {place} had run out of fuel, calling the report false.\n"
        )
    archives_sharing_stories(folder)


def batch(inputs, out, *extra, **kwargs):
    command = [sys.executable, "-m", "counterclaim.cli", "batch", str(inputs), "--out", str(out), "--workers", "2", "--shard-size", "1", *extra]
    return subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **kwargs)


def test_a_killed_batch_resumes_and_gives_the_same_ledger_as_an_uninterrupted_run(tmp_path):
    inputs = tmp_path / "inputs"
    corpus(inputs)
    whole, killed = tmp_path / "whole", tmp_path / "killed"

    uninterrupted = batch(inputs, whole)
    out, err = uninterrupted.communicate(timeout=600)
    assert uninterrupted.returncode == 1, err  # one broken JSON line
    errors = [line for line in err.splitlines() if "error:" in line]
    assert len(errors) == 1 and "dump.jsonl#2" in errors[0] and "Traceback" not in err
    shards = len(json.loads((whole / "plan.json").read_text())["shards"])
    assert f"{shards} of {shards} shards done" in out
    loads = {}

    # The same run, killed (the whole process group, as a stopped machine) once two parts are written.
    process = batch(inputs, killed, start_new_session=True)
    deadline = time.monotonic() + 300
    while len(list(killed.glob("part-*.parquet"))) < 2 and time.monotonic() < deadline and process.poll() is None:
        time.sleep(0.05)
    os.killpg(process.pid, signal.SIGKILL)
    process.communicate()
    written = len(list(killed.glob("part-*.parquet")))
    assert 2 <= written < shards, "the run was not killed part way"
    (killed / ".part-00099.parquet.1234.tmp").write_bytes(b"PAR1 half a part")  # as a kill during a write leaves

    resumed = batch(inputs, killed)
    out, err = resumed.communicate(timeout=600)
    assert f"({written} done by an earlier run)" in out, out
    assert f"{shards} of {shards} shards done" in out
    assert not list(killed.glob(".*.tmp"))
    for folder in (whole, killed):
        result = run("ingest", str(folder), "--db", str(tmp_path / f"{folder.name}.db"))
        assert "1 stories could not be read or analysed" in result.stderr
        loads[folder.name] = result.stdout
    assert dump(tmp_path / "whole.db") == dump(tmp_path / "killed.db")
    # 12 stories, the page (read once, as the feed's entry), the crawl, the JSON line of its own; the syndicated copy stored once
    assert "15 documents added, 1 already in the ledger (1 from a new place, recorded)" in loads["whole"]
    assert re.search(r"claims, [1-9]\d* propositions \([1-9]\d* contested\)$", loads["whole"].strip()), loads["whole"]  # and linked
    urls = {row[0] for row in sqlite3.connect(tmp_path / "whole.db").execute("SELECT url FROM documents WHERE url IS NOT NULL")}
    assert urls == {"https://wire.example/bridge-safe", "https://a.example/one", "https://b.example/1"}
    again = run("ingest", str(whole), "--db", str(tmp_path / "whole.db"))
    assert "0 documents added, 16 already in the ledger" in again.stdout
