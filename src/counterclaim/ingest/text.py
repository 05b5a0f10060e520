"""Plain text: bytes to str, with the encoding detected with care or refused clearly.

UTF-8 is taken as it is. Byte-order marks name UTF-32, UTF-16 and UTF-8; the
pattern of NUL bytes names UTF-16 and UTF-32 without one. Anything else is
tried against the legacy encodings news archives use, and a reading is kept
only when it is plausible text: no control characters, accented letters that
one language's alphabet holds (or a handful in English text), one script
beside ASCII, no stray symbol inside a word, and little of what
charset-normalizer measures as mess. When the plausible readings differ,
Windows-1252 (Western European) is assumed if it is one of them, as it is by
far the most common legacy encoding of English text; otherwise the file is
refused with the candidates named, and `--encoding` settles it.
"""

from __future__ import annotations

import codecs
import unicodedata
from dataclasses import dataclass

from charset_normalizer import from_bytes
from charset_normalizer.cd import coherence_ratio
from charset_normalizer.md import mess_ratio

from counterclaim.errors import InputError

DEFAULT_MAX_BYTES = 20_000_000
SNIFF_BYTES = 8192
# How much of a file the candidate readings are judged on: enough to see its letters, cheap on 20 MB.
JUDGE_BYTES = 65536
# Control characters other than tab, newlines and form feed mark a binary file.
CONTROL = set(range(0, 32)) - {9, 10, 12, 13}
# The legacy encodings tried, in the order preferred when readings tie.
LEGACY = (
    "cp1252", "iso8859_15", "cp1250", "iso8859_2", "cp1251", "koi8_r", "iso8859_5", "cp1253", "iso8859_7",
    "cp1254", "iso8859_9", "cp1255", "iso8859_8", "cp1256", "iso8859_6", "cp1257", "iso8859_13", "mac_roman",
    "shift_jis", "euc_jp", "gb18030", "big5", "euc_kr",
)
WESTERN_DEFAULT = "cp1252"
# English text in Windows-1252 may name people and places from many languages: below this share
# of non-ASCII letters, they need not come from one alphabet.
LOANWORD_SHARE = 0.01
MAX_MESS = 0.2
MESS_MARGIN = 0.05
# Readings whose language fit (charset-normalizer's coherence) is this far below the best are dropped.
COHERENCE_MARGIN = 0.1
# The accented letters of each language written in the Latin script.
ALPHABETS = {
    "French": "àâæçéèêëîïôœùûüÿ", "Spanish": "áéíóúñü", "Portuguese": "áâãàçéêíóôõú", "Italian": "àèéìíîòóùú",
    "Catalan": "àçèéíïòóúü", "German": "äöüß", "Dutch": "áéíóúàèëïöüç", "Danish and Norwegian": "æøåé",
    "Swedish": "åäöé", "Finnish": "åäöšž", "Icelandic": "áðéíóúýþæö", "Polish": "ąćęłńóśźż",
    "Czech": "áčďéěíňóřšťúůýž", "Slovak": "áäčďéíĺľňóôŕšťúýž", "Hungarian": "áéíóöőúüű", "Romanian": "ăâîșțşţ",
    "Croatian and Slovene": "čćđšž", "Turkish": "çğıöşüâîû", "Lithuanian": "ąčęėįšųūž", "Latvian": "āčēģīķļņšūž",
    "Estonian": "äõöüšž", "Albanian": "çë", "Welsh": "âêîôûŵŷ",
}
# Scripts that share a text: Japanese mixes kanji and kana, Korean may use hanja.
WIDE = {"FULLWIDTH", "HALFWIDTH", "IDEOGRAPHIC"}
SCRIPT_FAMILIES = ({"CJK", "HIRAGANA", "KATAKANA", "KATAKANA-HIRAGANA", *WIDE}, {"HANGUL", "CJK", *WIDE}, {"CJK", "BOPOMOFO", *WIDE})
# What text in these encodings is nearly always written with: their extensions hold rare characters
# that a wrong reading of other bytes lands on.
BASE_REPERTOIRE = {"gb18030": "gb2312", "euc_kr": "euc_kr", "cp949": "euc_kr", "cp932": "shift_jis", "shift_jis_2004": "shift_jis",
                   "euc_jis_2004": "euc_jp"}
CHINESE = ("gb", "big5", "hz", "cp936", "cp950")
# Korean text is written in hangul with few hanja: a reading mostly in hanja is Chinese or Japanese bytes.
MAX_HANJA_SHARE = 0.1
# Text whose accented or non-Latin letters are this many capitals and not one small letter is another script misread.
MIN_CAPITALS_RUN = 20
# The escapes that switch ISO-2022-JP, a 7-bit encoding of Japanese that would pass for ASCII, into kanji.
ISO2022_JP_ESCAPES = (b"\x1b$B", b"\x1b$@", b"\x1b(J")
# Symbols that a letter read in the wrong single-byte encoding turns into (`ł` as `³`, `ż` as `¿`, `ž` as `¾`), and that
# real text rarely puts against a letter; box-drawing characters are checked with them. Not `°`, `®`, `©`, `²`, `´`:
# `25°C`, `Acme®`, `km²` and `don´t` are written.
MOJIBAKE_SYMBOLS = set("\u00b9\u00b3\u00bc\u00bd\u00be\u00bf\u00a1\u00b1\u00a4\u00a6\u00a8\u00b8\u00af\u00ac\u00b6\u00d7\u00f7")
# Inverted marks open a Spanish sentence (`¿Qué?`): only inside a word are they a misread letter (`mo¿e` for `może`).
OPENING_MARKS = set("\u00bf\u00a1")
# Double quotation marks never stand between two letters; a misread letter does (`don“t`).
DOUBLE_QUOTES = set("\u201c\u201d\u201e")


@dataclass(frozen=True, slots=True)
class Decoded:
    """A file's text and the encoding assumed, when it was not UTF-8 (plain, or named by a byte-order mark)."""

    text: str
    assumed: str | None = None


def check_size(path: str, size: int, max_bytes: int) -> None:
    """Refuse empty and oversized files before reading them whole."""
    if size == 0:
        raise InputError(path, "empty file")
    if size > max_bytes:
        raise InputError(path, f"file too large ({size / 1e6:.1f} MB; the limit is {max_bytes / 1e6:g} MB, see --max-bytes)")


def _by_mark(data: bytes) -> str | None:
    """The encoding a byte-order mark names; UTF-32's marks begin with UTF-16's, so they come first."""
    for mark, encoding in (
        (codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"), (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if data.startswith(mark):
            return encoding
    return None


def _by_nuls(head: bytes) -> str | None:
    """UTF-16 or UTF-32 without a mark: text of mostly ASCII puts NULs at fixed places in each code unit."""
    if len(head) < 8 or b"\x00" not in head:
        return None
    for width, encoding_le, encoding_be in ((4, "utf-32-le", "utf-32-be"), (2, "utf-16-le", "utf-16-be")):
        usable = len(head) - len(head) % width
        units = [head[i : i + width] for i in range(0, usable, width)]
        if width == 4:
            if sum(u[1:] == b"\x00\x00\x00" for u in units) > 0.6 * len(units):
                return encoding_le
            if sum(u[:3] == b"\x00\x00\x00" for u in units) > 0.6 * len(units):
                return encoding_be
        else:
            if sum(u[1] == 0 and u[0] != 0 for u in units) > 0.6 * len(units):
                return encoding_le
            if sum(u[0] == 0 and u[1] != 0 for u in units) > 0.6 * len(units):
                return encoding_be
    return None


def _script(character: str) -> str:
    name = unicodedata.name(character, "")
    return name.split(" ", 1)[0] if name else "UNKNOWN"


def plausible(text: str, encoding: str) -> bool:
    """Whether a reading looks like text people write, not like bytes read in the wrong encoding."""
    latin: set[str] = set()
    scripts: dict[str, int] = {}
    letters = accented = capitals = small = 0
    for n, character in enumerate(text):
        code = ord(character)
        if code < 128:
            if code in CONTROL:
                return False
            letters += character.isalpha()
            continue
        category = unicodedata.category(character)
        if category == "Cc":
            return False
        if category.startswith("L"):
            letters += 1
            capitals += category == "Lu"
            small += category == "Ll"
            script = _script(character)
            if script == "LATIN":
                accented += 1
                latin.add(character.lower())
                if character.isupper() and n and text[n - 1].islower():  # `mayorÕs`: a capital inside a word
                    return False
            else:
                scripts[script] = scripts.get(script, 0) + 1
                if _ascii_letter_beside(text, n):  # `mayorХs`: another script glued to an English word
                    return False
        elif character in MOJIBAKE_SYMBOLS or character in DOUBLE_QUOTES or 0x2500 <= code < 0x25A0:
            before = text[n - 1].isalpha() if n else False
            after = text[n + 1].isalpha() if n + 1 < len(text) else False
            if character in OPENING_MARKS or character in DOUBLE_QUOTES:
                misread = before and (after or character in OPENING_MARKS)
            else:
                misread = before or after  # `Br³cke`, `powiedzia³`: a symbol where a letter was meant
            if misread:
                return False
    if scripts and (latin or not any(scripts.keys() <= family for family in SCRIPT_FAMILIES) and len(scripts) > 1):
        return False
    if capitals >= MIN_CAPITALS_RUN and not small:  # Hebrew read as KOI8-R: Cyrillic in capitals throughout
        return False
    if "HANGUL" in scripts and scripts.get("CJK", 0) > MAX_HANJA_SHARE * letters:
        return False
    if encoding.startswith(CHINESE) and ("HIRAGANA" in scripts or "KATAKANA" in scripts):
        return False
    if latin and not any(latin <= set(alphabet) for alphabet in ALPHABETS.values()):
        if encoding != WESTERN_DEFAULT or accented > LOANWORD_SHARE * max(letters, 1):
            return False
    base = BASE_REPERTOIRE.get(encoding)
    if base is not None:
        rare = sum(1 for c in text if ord(c) > 127 and not _encodable(c, base))
        if rare > 0.02 * len(text):
            return False
    return True


def _ascii_letter_beside(text: str, n: int) -> bool:
    return any(0 <= i < len(text) and text[i] < "\x80" and text[i].isalpha() for i in (n - 1, n + 1))


def _encodable(character: str, encoding: str) -> bool:
    try:
        character.encode(encoding)
    except UnicodeEncodeError:
        return False
    return True


def _reading(data: bytes, encoding: str) -> str | None:
    """The start of the file in this encoding, a character cut at the end forgiven; None when it does not decode."""
    decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
    try:
        return decoder.decode(data[:JUDGE_BYTES], final=len(data) <= JUDGE_BYTES)
    except UnicodeDecodeError:
        return None


def _legacy(path: str, data: bytes) -> Decoded:
    """The one plausible reading among the legacy encodings, Windows-1252 when it is among several, else a refusal."""
    proposed = [m.encoding for m in from_bytes(data[:JUDGE_BYTES])]
    candidates: list[tuple[str, str, float]] = []
    for encoding in dict.fromkeys([*LEGACY, *proposed]):
        text = _reading(data, encoding)
        if text is None or not plausible(text, encoding):
            continue
        candidates.append((encoding, text, mess_ratio(text, 1.0)))
    if candidates:
        least = min(mess for _, _, mess in candidates)
        candidates = [c for c in candidates if c[2] <= least + MESS_MARGIN and c[2] <= MAX_MESS]
    if len({text for _, text, _ in candidates}) > 1:
        fit = {text: max((ratio for _, ratio in coherence_ratio(text)), default=0.0) for _, text, _ in candidates}
        best = max(fit.values())
        candidates = [c for c in candidates if fit[c[1]] >= best - COHERENCE_MARGIN]
        if any(e in LEGACY for e, _, _ in candidates):  # the usual encodings before charset-normalizer's rarer guesses
            candidates = [c for c in candidates if c[0] in LEGACY]
    readings = {text for _, text, _ in candidates}
    if not candidates:
        raise InputError(path, "cannot decode: not UTF-8, and no other encoding gives plausible text (give --encoding)")
    encoding = candidates[0][0]
    if len(readings) > 1 and encoding != WESTERN_DEFAULT:
        names = ", ".join(dict.fromkeys(e for e, _, _ in candidates[:4]))
        raise InputError(path, f"cannot tell the encoding: {names} all give plausible but different text (give --encoding)")
    try:
        return Decoded(data.decode(encoding), encoding)
    except UnicodeDecodeError:
        raise InputError(path, f"cannot decode: reads as {encoding} at first but not throughout (give --encoding)") from None


def decode(path: str, data: bytes, encoding: str | None = None) -> Decoded:
    """Decode a text file: as `encoding` when given, else as described in this module's docstring.

    Line endings are normalised as Python's universal newlines do, so offsets
    agree with `open(path, encoding=...).read()`.
    """
    if encoding is not None:
        try:
            decoded = Decoded(data.decode(encoding), encoding)
        except LookupError:
            raise InputError(path, f"unknown encoding {encoding!r}") from None
        except UnicodeDecodeError as problem:
            raise InputError(path, f"not valid {encoding} (byte {problem.start})") from None
    elif (marked := _by_mark(data)) is not None:
        try:
            decoded = Decoded(data.decode(marked), None if marked == "utf-8-sig" else marked.upper())
        except UnicodeDecodeError:
            raise InputError(path, f"cannot decode: starts with a {marked.upper()} byte-order mark but is not {marked.upper()}") from None
    elif any(escape in data[:SNIFF_BYTES] for escape in ISO2022_JP_ESCAPES) and _reading(data, "iso2022_jp") is not None:
        decoded = Decoded(data.decode("iso2022_jp", errors="strict"), "ISO-2022-JP")
    elif (unmarked := _by_nuls(data[:SNIFF_BYTES])) is not None:
        try:
            decoded = Decoded(data.decode(unmarked), unmarked.upper())
        except UnicodeDecodeError:
            raise InputError(path, "binary file, not text") from None
    else:
        head = data[:SNIFF_BYTES]
        if b"\x00" in head or sum(b in CONTROL for b in head) > len(head) * 0.05:
            raise InputError(path, "binary file, not text")
        try:
            decoded = Decoded(data.decode("utf-8"))
        except UnicodeDecodeError:
            decoded = _legacy(path, data)
    text = decoded.text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise InputError(path, "no text (only whitespace)")
    if "\x00" in text:
        raise InputError(path, "binary file, not text")
    return Decoded(text, decoded.assumed)
