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
    with pytest.raises(InputError, match="too large") as caught:
        read_document(path)
    assert "the limit is 20 MB" in str(caught.value)


def test_the_size_limit_in_help_is_the_one_enforced():
    from counterclaim.cli import build_parser

    extract = build_parser()._subparsers._group_actions[0].choices["extract"]
    assert "20 MB" in " ".join(extract.format_help().split())


def test_missing_file_and_folder(tmp_path):
    with pytest.raises(InputError, match="no such file"):
        read_document(tmp_path / "nope.txt")
    with pytest.raises(InputError, match="is a folder"):
        read_document(tmp_path)


def test_undecodable_bytes(tmp_path):
    data = bytes(range(128, 256)) * 40
    path = write(tmp_path, "x.txt", data)
    with pytest.raises(InputError):
        read_document(path)
    assert os.path.exists(path)


# The same sentences in the encodings news archives hold: each file must come back as exactly its text, or be
# refused in one line; never read as other text.
SAMPLES = {
    "en": "The minister said on Tuesday that the bridge was safe; the mayor's office denied the report.\n",
    "es": "El ministro dijo el martes que el puente era seguro. El portavoz, Señor López, negó que esté cerrado.\n",
    "de": "Der Minister sagte am Dienstag, die Brücke sei sicher. Der Sprecher bestritt, dass sie geschlossen ist.\n",
    "pl": "Minister powiedział we wtorek, że most jest bezpieczny. Rzecznik zaprzeczył, że został zamknięty.\n",
    "cs": "Ministr v úterý řekl, že most je bezpečný. Mluvčí popřel, že by byl uzavřen.\n",
    "tr": "Bakan salı günü köprünün güvenli olduğunu söyledi. Sözcü iddiayı yalanladı.\n",
    "ru": "Министр заявил во вторник, что мост безопасен.\n",
    "ja": "大臣は火曜日、橋は安全だと述べた。報道官は、橋が閉鎖されたという報道を否定した。\n",
    "zh": "部长周二表示，这座桥是安全的。发言人否认了大桥已经关闭的报道。\n",
    "ko": "장관은 화요일 다리가 안전하다고 말했다. 대변인은 보도를 부인했다.\n",
    "he": "השר אמר ביום שלישי כי הגשר בטוח.\n",
}
ENCODINGS = [
    ("en", "utf-16-le"), ("en", "utf-16-be"), ("en", "utf-32"), ("en", "utf-32-le"), ("es", "latin-1"), ("es", "cp1252"),
    ("de", "latin-1"), ("de", "iso8859-15"), ("pl", "cp1250"), ("pl", "iso8859-2"), ("cs", "cp1250"), ("cs", "iso8859-2"),
    ("tr", "cp1254"), ("ru", "cp1251"), ("ru", "koi8-r"), ("ja", "shift_jis"), ("ja", "euc-jp"), ("ja", "iso2022_jp"),
    ("zh", "gb2312"), ("ko", "euc-kr"), ("he", "cp1255"),
]


@pytest.mark.parametrize(("language", "encoding"), ENCODINGS)
def test_a_legacy_encoding_is_read_as_its_text_or_refused_never_misread(tmp_path, language, encoding):
    text = SAMPLES[language] * 2
    path = write(tmp_path, "legacy.txt", text.encode(encoding))
    try:
        document = read_document(path)
    except InputError as refusal:
        assert "--encoding" in str(refusal)
        return
    assert document.text == text
    assert document.encoding is not None


def test_the_encoding_assumed_is_named_and_utf32_is_not_read_as_utf16(tmp_path):
    document = read_document(write(tmp_path, "u.txt", "Señor López said yes.\n".encode("utf-32")))
    assert document.text == "Señor López said yes.\n" and document.encoding == "UTF-32"
    latin = read_document(write(tmp_path, "l.txt", "Señor López said the bridge was safe.\n".encode("latin-1")))
    assert "Señor" in latin.text and latin.encoding == "cp1252"
    assert read_document(write(tmp_path, "a.txt", b"plain ascii text\n")).encoding is None


def test_an_encoding_given_overrides_detection_and_a_wrong_one_is_refused(tmp_path):
    path = write(tmp_path, "g.txt", "Αθήνα said no.\n".encode("iso8859-7"))
    assert read_document(path, encoding="iso8859-7").text == "Αθήνα said no.\n"
    with pytest.raises(InputError, match="not valid utf-8"):
        read_document(path, encoding="utf-8")
    with pytest.raises(InputError, match="unknown encoding"):
        read_document(path, encoding="klingon")


def test_a_symlink_loop_is_one_line_naming_it(tmp_path):
    (tmp_path / "a").symlink_to(tmp_path / "b")
    (tmp_path / "b").symlink_to(tmp_path / "a")
    with pytest.raises(InputError, match="symbolic links") as caught:
        read_document(tmp_path / "a")
    assert "\n" not in str(caught.value)


def test_a_control_character_in_a_file_name_is_shown_escaped(tmp_path):
    path = write(tmp_path, "bad\nname\x1b[2J.txt", b"")
    with pytest.raises(InputError) as caught:
        read_document(path)
    assert "\n" not in str(caught.value) and "\x1b" not in str(caught.value)
    assert "bad\\nname\\x1b[2J.txt" in str(caught.value)
