import pytest

from counterclaim.errors import InputError
from counterclaim.ingest import read_document
from tests.conftest import fixture_path


def test_article_text_and_metadata_without_menus():
    document = read_document(fixture_path("page.html"))
    assert "We had no choice" in document.text
    assert "Weather menu item" not in document.text and "newsletter" not in document.text
    assert document.title == "Board defends dam release"
    assert document.author == "Ana Ruiz"
    assert document.site == "Valley Post"
    assert document.date == "2025-05-02"


def test_malformed_html_gives_a_best_effort_text(tmp_path):
    path = tmp_path / "broken.html"
    path.write_text(
        "<html><body><div><p>The minister said on Tuesday that the border crossing would reopen next week"
        " after repairs to the bridge<p>Officials denied that the closure was political <b>at all</div></span></body>"
    )
    document = read_document(path)
    assert "border crossing would reopen" in document.text


def test_html_without_article_text_is_refused(tmp_path):
    path = tmp_path / "menu.html"
    path.write_text("<html><body><nav><a href='/'>Home</a></nav></body></html>")
    with pytest.raises(InputError, match="no article text"):
        read_document(path)


def test_bylines_captions_credits_and_related_links_are_kept_out_of_the_text():
    document = read_document(fixture_path("page_furniture.html"))
    for furniture in ("By Ana Ruiz", "Updated 2:14", "AP Photo", "Photo: Jan Berg", "Related:", "READ MORE", "Photograph:",
                      "Image credit", "Sign up"):
        assert furniture not in document.text, furniture
    for paragraph in ("denying reports that it had fallen", "We have not lost a metre of ground", "taken the eastern bank",
                      "pure invention"):
        assert paragraph in document.text, paragraph


def test_a_short_line_that_only_looks_like_furniture_stays():
    from counterclaim.ingest.html import without_page_furniture

    text = "By the end of the day, nothing.\nHe said the photo was fake.\nThe mayor watched: nothing moved."
    assert without_page_furniture(text) == text
