"""Folders and paths given to a command: every problem is one line naming the path, and the rest goes on."""

import os

import pytest

from counterclaim.cli import common
from counterclaim.cli.common import expand


@pytest.fixture
def errors(monkeypatch):
    said: list[str] = []
    monkeypatch.setattr(common, "error", said.append)
    return said


def test_a_folder_is_its_files_in_name_order_without_hidden_ones_or_linked_folders(tmp_path, errors):
    (tmp_path / "b.txt").write_text("b")
    (tmp_path / "a.txt").write_text("a")
    (tmp_path / ".hidden.txt").write_text("h")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "c.txt").write_text("c")
    (tmp_path / "sub" / "up").symlink_to(tmp_path)  # a loop back up, never followed
    failures: list[str] = []
    files = expand([str(tmp_path)], failures)
    assert [os.path.relpath(f, tmp_path) for f in files] == ["a.txt", "b.txt", os.path.join("sub", "c.txt")]
    assert failures == [] and errors == []


def test_an_empty_folder_is_a_failure_named_in_one_line(tmp_path, errors):
    failures: list[str] = []
    assert expand([str(tmp_path)], failures) == []
    assert failures == [str(tmp_path)] and len(errors) == 1 and "no files" in errors[0]


def test_a_folder_that_cannot_be_listed_is_named_and_the_rest_goes_on(tmp_path, errors, monkeypatch):
    locked, fine = tmp_path / "locked", tmp_path / "fine"
    locked.mkdir()
    fine.mkdir()
    (locked / "secret.txt").write_text("x")
    (fine / "ok.txt").write_text("x")
    real_scandir = os.scandir

    def scandir(path="."):
        if os.fspath(path) == str(locked):
            raise PermissionError(13, "Permission denied", str(locked))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)  # as a folder without read permission behaves, also for root
    failures: list[str] = []
    files = expand([str(tmp_path)], failures)
    assert files == [str(fine / "ok.txt")]
    assert failures == [str(locked)]
    assert len(errors) == 1 and str(locked) in errors[0] and "permission denied" in errors[0]


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads folders without permission")
def test_a_real_folder_without_permission(tmp_path, errors):
    locked = tmp_path / "locked"
    locked.mkdir()
    (locked / "secret.txt").write_text("x")
    locked.chmod(0)
    try:
        failures: list[str] = []
        expand([str(tmp_path)], failures)
        assert failures == [str(locked)]
    finally:
        locked.chmod(0o755)
