"""Untrusted text in tables and CSV: shown as written, never run as markup, escapes or formulas."""

import csv
import io

from rich.console import Console

from counterclaim.export.csv import write_csv
from counterclaim.export.safe import csv_cell, visible
from counterclaim.export.table import claims_table
from counterclaim.model import Claim, Speaker, TextSpans

HOSTILE = "[/sic] [bold]the Taliban[/bold] took it \x1b[2J\x1b]0;title\x07 \u202eevil"


def rendered(renderable) -> str:
    out = io.StringIO()
    Console(file=out, width=200, color_system=None).print(renderable)
    return out.getvalue()


def test_a_table_title_and_cells_show_markup_and_escape_controls():
    claim = Claim(doc_id="=doc", mode="indirect", polarity="assert", content=TextSpans([(0, len(HOSTILE))], HOSTILE),
                  speaker=Speaker(id="x", name="[red]Nazary[/red]"))
    text = rendered(claims_table([claim], title=f"headline {HOSTILE}"))
    assert "[/sic]" in text and "[bold]the Taliban[/bold]" in text and "[red]Nazary[/red]" in text
    assert "\x1b" not in text and "\x07" not in text and "\u202e" not in text
    assert "\\x1b[2J" in text and "\\u202e" in text


def test_csv_cells_defuse_formulas_and_escape_controls():
    assert csv_cell("=HYPERLINK(1)") == "'=HYPERLINK(1)"
    assert csv_cell(" @SUM(A1)") == "' @SUM(A1)"
    assert csv_cell("-5 km") == "'-5 km" and csv_cell("five") == "five" and csv_cell(5) == 5
    assert csv_cell("a\nb\x1b[2J") == "a\nb\\x1b[2J"
    claim = Claim(doc_id="+doc", mode="indirect", polarity="assert", content=TextSpans([(0, 5)], "=1+1\x1b"))
    out = io.StringIO()
    write_csv([claim], out)
    row = list(csv.reader(io.StringIO(out.getvalue())))[1]
    assert row[0] == "'+doc" and row[11] == "'=1+1\\x1b"


def test_visible_is_one_line():
    assert visible("a\nb\tc\x00") == "a b c\\x00"
