import pytest

from counterclaim.ingest.dateline import find_dateline


@pytest.mark.parametrize(
    ("text", "date"),
    [
        ("Headline\n\nSep 3, 2021\nOriginally published on September 3\n\nBody.", "2021-09-03"),
        ("Headline\n\nMarch 14, 2025\n\nBody.", "2025-03-14"),
        ("Headline\n\n14 March 2025\n\nBody.", "2025-03-14"),
        ("Headline\n\nThe talks began on March 14, 2025, in Vella.\n", None),
    ],
)
def test_a_line_that_is_only_a_date_dates_the_article(text, date):
    assert find_dateline(text) == date
