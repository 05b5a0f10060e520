"""What document text may become in output: shown, never obeyed.

A document can hold rich markup (`[/sic]`), terminal escapes (clear screen,
OSC 8 links, window titles) and, in a file name, a spreadsheet formula. Table
cells are rich `Text` (never parsed as markup) with control characters written
as escapes; CSV cells get the same, and a cell a spreadsheet would read as a
formula is prefixed with `'`, as spreadsheet-safe exporters do.
"""

from __future__ import annotations

from rich.text import Text

from counterclaim.errors import shown

# What a spreadsheet takes as the start of a formula (OWASP's list).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def visible(text: str) -> str:
    """One line for a terminal: line breaks and tabs as spaces, other control characters as escapes."""
    return shown(text.replace("\n", " ").replace("\t", " "))


def cell(text: str | None, style: str = "", empty: str = "-") -> Text:
    """A table cell of untrusted text: never markup, never a control sequence."""
    return Text(visible(text) if text else empty, style=style)


def csv_cell(value: object) -> object:
    """A CSV cell that no spreadsheet runs: control characters as escapes (line breaks kept), formulas defused."""
    if not isinstance(value, str):
        return value
    value = "\n".join(shown(line) for line in value.split("\n"))
    return "'" + value if value.lstrip(" ").startswith(FORMULA_START) else value
