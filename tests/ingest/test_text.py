import os

import pytest

from counterclaim.errors import InputError
from counterclaim.ingest import read_document


def write(tmp_path, name, data: bytes):
    path = tmp_path / name
    path.write_bytes(data)
    return path


def test_utf8_text_is_kept_exactly(tmp_path):
    text = "Ali said \u201cno\u201d \u2014 twice.\n"
    document = read_document(write(tmp_path, "a.txt", text.encode("utf-8")))
    assert document.text == text
    assert document.doc_id == "a" and document.kind == "article"


def test_crlf_is_read_as_universal_newlines(tmp_path):
    document = read_document(write(tmp_path, "a.txt", b"one\r\ntwo\rthree\n"))
    assert document.text == "one\ntwo\nthree\n"


def test_legacy_encodings_are_detected(tmp_path):
    data = "Le ministre a d\u00e9clar\u00e9 que la r\u00e9gion \u00e9tait calme, selon le pr\u00e9fet.\n".encode("cp1252")
    document = read_document(write(tmp_path, "fr.txt", data))
    assert "d\u00e9clar\u00e9" in document.text


def test_utf16_with_bom(tmp_path):
    document = read_document(write(tmp_path, "u.txt", "He said yes.\n".encode("utf-16")))
    assert document.text == "He said yes.\n"


@pytest.mark.parametrize(
    ("data", "reason"),
    [(b"", "empty file"), (b"   \n\n", "no text"), (b"\x7fELF\x02\x01\x00\x00" * 50, "binary file")],
)
def test_unreadable_files_give_one_line_errors(tmp_path, data, reason):
    path = write(tmp_path, "bad.txt", data)
    with pytest.raises(InputError) as caught:
        read_document(path)
    message = str(caught.value)
    assert message.startswith(str(path)) and reason in message and "\n" not in message


def test_a_100_mb_file_is_refused_without_reading_it(tmp_path):
    path = tmp_path / "huge.txt"
    with open(path, "wb") as out:
        out.truncate(100 * 1024 * 1024)
    with pytest.raises(InputError, match="too large"):
        read_document(path)


def test_missing_file_and_folder(tmp_path):
    with pytest.raises(InputError, match="no such file"):
        read_document(tmp_path / "nope.txt")
    with pytest.raises(InputError, match="directory"):
        read_document(tmp_path)


def test_undecodable_bytes(tmp_path):
    data = bytes(range(128, 256)) * 40
    path = write(tmp_path, "x.txt", data)
    with pytest.raises(InputError):
        read_document(path)
    assert os.path.exists(path)
