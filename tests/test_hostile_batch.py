"""A batch that mixes hostile inputs with ordinary documents: every ordinary claim is stored, each bad input gets
one line naming it, the exit status says something failed, and nothing a document says reaches the output as code."""

import csv
import io
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import fixture_path

ROOT = Path(__file__).resolve().parents[1]
ORDINARY = ("quotes_article.txt", "dam_article.txt")


def run(*args):
    return subprocess.run([sys.executable, "-m", "counterclaim.cli", *args], capture_output=True, text=True, cwd=ROOT)


def claims_by_document(db: Path) -> dict[str, int]:
    with sqlite3.connect(db) as connection:
        rows = connection.execute("SELECT d.doc_id, count(c.id) FROM documents d LEFT JOIN claims c ON c.document_id = d.id GROUP BY d.id")
        return dict(rows.fetchall())


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    """Files that are refused (name -> reason), and a folder of ordinary and readable hostile documents."""
    folder = tmp_path_factory.mktemp("hostile")
    for name in ORDINARY:
        shutil.copy(fixture_path(name), folder / name)
    shutil.copy(fixture_path(ORDINARY[0]), folder / "same-text-new-name.txt")
    paragraph = 'The minister said the bridge was safe. "We deny that it was closed," the spokesman said.\n\n'
    (folder / "quote-run.txt").write_text('The spokesman said ' + '"' * 40_000 + " was false.\n\n" + paragraph)
    (folder / "emoji-run.txt").write_text("She said " + "\U0001F600" * 50_000 + " was fine.\n\n" + paragraph)
    (folder / "over-a-million.txt").write_text(paragraph + "\n" * 1_050_000 + paragraph)
    (folder / "markup.txt").write_text(
        "[/sic] Markup [bold]headline[/bold]\n\nThe minister said [the Taliban] had taken the valley [/sic]. "
        "\x1b[2J\x1b]0;pwned\x07The spokesman said the report was \x1b]8;;http://x\x1b\\false\x1b]8;;\x1b\\.\n"
    )
    (folder / "=HYPERLINK(1).txt").write_text("The mayor said the council had approved the budget.\n")
    (folder / "dates.txt").write_text("0001-01-01\nThe mayor said on Sunday that the council had approved the budget.\n")
    (folder / "latin-1.txt").write_bytes("Se\u00f1or L\u00f3pez said the bridge was safe.\n".encode("latin-1"))
    refused = {
        "empty.txt": "empty file",
        "binary.txt": "binary",
        "undecodable.txt": "cannot",
        "loop": "symbolic links",
        "bad\nname.txt": "empty file",
        "nothing-inside": "no files in this folder",
    }
    (folder / "empty.txt").write_bytes(b"")
    (folder / "binary.txt").write_bytes(b"\x00\x01\x02\x03" * 500)
    (folder / "undecodable.txt").write_bytes(bytes(range(128, 256)) * 40)
    (folder / "loop").symlink_to(folder / "loop")
    (folder / "bad\nname.txt").write_bytes(b"")
    empty_folder = tmp_path_factory.mktemp("nothing-inside")
    return folder, empty_folder, refused


@pytest.fixture(scope="module")
def ingested(batch, tmp_path_factory):
    folder, empty_folder, _ = batch
    db = tmp_path_factory.mktemp("db") / "ledger.db"
    result = run("ingest", str(folder), str(empty_folder), "--db", str(db))
    return db, result


def test_each_bad_input_is_one_line_naming_it_and_the_exit_status_says_so(batch, ingested):
    _, _, refused = batch
    _, result = ingested
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    errors = [line for line in result.stderr.splitlines() if "error:" in line]
    assert len(errors) == len(refused)
    for name, reason in refused.items():
        shown = name.replace("\n", "\\n")
        assert sum(shown in line and reason in line for line in errors) == 1, name
    assert any("latin-1.txt" in line and "cp1252" in line for line in result.stderr.splitlines())


def test_every_ordinary_claim_is_stored_and_the_readable_hostile_documents_too(ingested, tmp_path):
    db, result = ingested
    alone = tmp_path / "alone.db"
    assert run("ingest", *(str(fixture_path(n)) for n in ORDINARY), "--db", str(alone)).returncode == 0
    stored = claims_by_document(db)
    for doc_id, count in claims_by_document(alone).items():
        assert stored[doc_id] == count and count > 0
    assert {"quote-run", "emoji-run", "over-a-million", "markup", "=HYPERLINK(1)", "dates", "latin-1"} <= set(stored)
    assert "1 already in the ledger (1 from a new place, recorded)" in result.stdout
    with sqlite3.connect(db) as connection:
        paths = [r[0] for r in connection.execute("SELECT path FROM document_paths")]
    assert any(p.endswith("same-text-new-name.txt") for p in paths)


def test_reading_commands_show_document_text_and_never_obey_it(ingested):
    db, _ = ingested
    for command in ("timeline", "contested", "quotes"):
        result = run(command, "--db", str(db), "--all") if command == "contested" else run(command, "--db", str(db))
        assert result.returncode == 0, result.stderr
        assert "Traceback" not in result.stderr and "\x1b" not in result.stdout and "\x07" not in result.stdout
    timeline = run("timeline", "--db", str(db))
    assert "[the Taliban]" in timeline.stdout and "[/sic]" in timeline.stdout
    assert "\\x1b" in timeline.stdout
    assert "dates" in timeline.stderr and "outside the calendar" in timeline.stderr


def test_tables_and_csv_of_hostile_files_are_safe(batch):
    folder, _, _ = batch
    files = [str(folder / n) for n in ("markup.txt", "=HYPERLINK(1).txt")]
    table = run("extract", *files, "--format", "table")
    assert table.returncode == 0 and "[the Taliban]" in table.stdout and "\x1b" not in table.stdout
    rows = list(csv.reader(io.StringIO(run("extract", *files, "--format", "csv").stdout)))
    cells = [cell for row in rows[1:] for cell in row]
    assert not any(cell.startswith(("=", "+", "-", "@")) for cell in cells)
    assert "'=HYPERLINK(1)" in cells and not any("\x1b" in cell for cell in cells)
