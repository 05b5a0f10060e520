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
