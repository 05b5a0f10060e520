"""Plain text: bytes to str, with encodings detected or refused clearly."""

from __future__ import annotations

import codecs

from charset_normalizer import from_bytes

from counterclaim.errors import InputError

DEFAULT_MAX_BYTES = 20 * 1024 * 1024
SNIFF_BYTES = 8192
# Control characters other than tab, newlines and form feed mark a binary file.
CONTROL = set(range(0, 32)) - {9, 10, 12, 13}


def check_size(path: str, size: int, max_bytes: int) -> None:
    """Refuse empty and oversized files before reading them whole."""
    if size == 0:
        raise InputError(path, "empty file")
    if size > max_bytes:
        raise InputError(path, f"file too large ({size / 1e6:.1f} MB; the limit is {max_bytes / 1e6:.1f} MB, see --max-bytes)")


def decode(path: str, data: bytes) -> str:
    """Decode a text file: UTF-8 (with or without BOM), UTF-16 with BOM, else a detected encoding.

    Line endings are normalised as Python's universal newlines do, so offsets
    agree with `open(path, encoding=...).read()`.
    """
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        text = data.decode("utf-16")
    else:
        head = data[:SNIFF_BYTES]
        if b"\x00" in head or sum(b in CONTROL for b in head) > len(head) * 0.05:
            raise InputError(path, "binary file, not text")
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            best = from_bytes(data).best()
            if best is None or best.chaos > 0.2:
                raise InputError(path, "cannot decode: not UTF-8 and no other text encoding fits") from None
            text = str(best)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise InputError(path, "no text (only whitespace)")
    return text
