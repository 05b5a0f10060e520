"""The timeline: relative dates resolved against the document's date."""

import datetime as dt

import pytest

from counterclaim.ingest import read_document
from counterclaim.link.timeline import resolve, timeline
from counterclaim.store import Ledger
from tests.conftest import SEED

FRIDAY = dt.date(2021, 9, 3)


@pytest.mark.parametrize(
    ("expression", "date"),
    [("yesterday", "2021-09-02"), ("Friday", "2021-09-03"), ("Monday", "2021-08-30"), ("August 15", "2021-08-15"),
     ("last month", "2021-08-03"), ("three days ago", "2021-08-31")],
)
def test_relative_expressions_resolve_against_the_document_date(expression, date):
    assert resolve(expression, FRIDAY).isoformat() == date


def test_claims_are_ordered_by_the_date_they_are_about(tmp_path, extractor):
    path = tmp_path / "wire.txt"
    path.write_text(
        "Dam Row\n\nMay 9, 2025\n\nThe mayor said on Friday that the gates were closed.\n\n"
        "Lind said that since yesterday the water has fallen by a metre.\n\n"
        "Officials said that last month the board had warned every farm.\n"
    )
    with Ledger(tmp_path / "ledger.db") as ledger:
        ledger.add(next(extractor.extract([read_document(path)])))
        entries = timeline(ledger)
    dated = [(e.date, e.dated_by.lower()) for e in entries]
    assert dated == sorted(dated)
    by_content = {e.content: e for e in entries}
    assert any(e.date == "2025-04-09" and "last month" in e.dated_by for e in by_content.values())
    assert any(e.date == "2025-05-08" and "since yesterday" in e.dated_by for e in by_content.values())
    assert any(e.date == "2025-05-09" and "friday" in e.dated_by.lower() for e in by_content.values())


@pytest.mark.skipif(not SEED.exists(), reason="needs ../shared/seed/panjshir-npr-2021-09-03.txt")
def test_seed_timeline(tmp_path, extractor):
    with Ledger(tmp_path / "ledger.db") as ledger:
        ledger.add(next(extractor.extract([read_document(SEED)])))
        entries = timeline(ledger, speaker="Ali Nazary")
    assert entries[0].date == "2021-08-15" and "olive branch" in entries[0].content
    offensive = next(e for e in entries if e.content.startswith("Since yesterday, the Taliban launched"))
    assert offensive.date == "2021-09-02"
    assert all(e.speaker == "Ali Nazary" for e in entries)
