"""Feeds, web archives and JSON Lines: a story a document, a bad story one line, the rest read."""

import gzip
import io
import json

from counterclaim.errors import InputError
from counterclaim.ingest import read_documents

STORY = "The minister said on Tuesday that the bridge was safe. The spokesman said the report was false and misleading."
PAGE = f"<html><head><title>Bridge safe</title></head><body><article><p>{STORY}</p><p>{STORY}</p></article></body></html>"


def split(items):
    documents = [i for i in items if not isinstance(i, InputError)]
    errors = [i for i in items if isinstance(i, InputError)]
    return documents, errors


def test_a_feed_reads_saved_pages_and_else_summaries_marked_as_such(tmp_path):
    (tmp_path / "bridge-safe.html").write_text(PAGE)
    feed = f"""<?xml version="1.0"?><rss version="2.0"><channel><title>Valley Wire</title>
    <item><title>Bridge safe</title><link>https://wire.example/2021/bridge-safe</link><pubDate>Fri, 03 Sep 2021 10:00:00 GMT</pubDate></item>
    <item><title>Pass held</title><link>https://wire.example/2021/pass-held</link><description>&lt;p&gt;{STORY}&lt;/p&gt;</description></item>
    <item><title>Nothing</title><link>https://wire.example/2021/nothing</link></item>
    </channel></rss>"""
    path = tmp_path / "wire.xml"
    path.write_text(feed)
    documents, errors = split(list(read_documents(path)))
    assert [d.url for d in documents] == ["https://wire.example/2021/bridge-safe", "https://wire.example/2021/pass-held"]
    page, summary = documents
    assert STORY in page.text and not page.from_summary and page.site == "Valley Wire" and page.date == "2021-09-03"
    assert summary.from_summary and STORY in summary.text and "<p>" not in summary.text
    assert len(errors) == 1 and "entry 3" in str(errors[0]) and "\n" not in str(errors[0])


def test_a_file_that_only_starts_like_a_feed_is_one_line(tmp_path):
    path = tmp_path / "broken.rss"
    path.write_bytes(b"<rss><channel><item><title>unclosed")
    documents, errors = split(list(read_documents(path)))
    assert documents == [] and len(errors) == 1 and "\n" not in str(errors[0])


def warc(records: list[tuple[str, str, bytes]]) -> bytes:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    out = io.BytesIO()
    writer = WARCWriter(out, gzip=True)
    for url, content_type, body in records:
        headers = StatusAndHeaders("200 OK", [("Content-Type", content_type)], protocol="HTTP/1.1")
        writer.write_record(writer.create_warc_record(url, "response", payload=io.BytesIO(body), http_headers=headers))
    return out.getvalue()


def archives_sharing_stories(folder) -> None:
    """A saved page and the feed that claims it, a web archive, and a JSON Lines file with a broken line and a syndicated
    copy of the archive's page: four stories, one of them twice."""
    (folder / "bridge-safe.html").write_text(PAGE.replace("Tuesday", "Monday"))
    (folder / "wire.rss").write_text(
        '<?xml version="1.0"?><rss version="2.0"><channel><title>Valley Wire</title><item><title>Bridge safe</title>'
        "<link>https://wire.example/bridge-safe</link></item></channel></rss>"
    )
    (folder / "crawl.warc.gz").write_bytes(warc([("https://a.example/one", "text/html", PAGE.replace("Tuesday", "Friday").encode())]))
    syndicated = json.dumps({"html": PAGE.replace("Tuesday", "Friday"), "url": "https://c.example/copy", "outlet": "C Daily"})
    (folder / "dump.jsonl").write_text(json.dumps({"text": STORY, "url": "https://b.example/1"}) + "\n{broken\n" + syndicated + "\n")


def test_a_web_archive_gives_each_html_response_with_its_url(tmp_path):
    records = [
        ("https://a.example/one", "text/html; charset=utf-8", PAGE.encode()),
        ("https://a.example/logo.png", "image/png", b"\x89PNG" + bytes(100)),
        ("https://a.example/empty", "text/html", b"<html><body><nav>menu</nav></body></html>"),
        ("https://a.example/two", "text/html; charset=iso-8859-1", PAGE.replace("minister", "ministre d\u00e9l\u00e9gu\u00e9").encode("latin-1")),
    ]
    data = warc(records)
    path = tmp_path / "crawl.warc.gz"
    path.write_bytes(data)
    documents, errors = split(list(read_documents(path)))
    assert [d.url for d in documents] == ["https://a.example/one", "https://a.example/two"]
    assert "d\u00e9l\u00e9gu\u00e9" in documents[1].text and documents[0].date  # the crawl date when the page has none
    assert len(errors) == 1 and "https://a.example/empty" in str(errors[0])
    first_three = len(warc([r for r in records[:3]]))
    truncated = tmp_path / "truncated.warc.gz"
    truncated.write_bytes(data[: first_three + (len(data) - first_three) // 2])
    documents, errors = split(list(read_documents(truncated)))
    assert [d.url for d in documents] == ["https://a.example/one"]
    assert len(errors) == 2 and "broken WARC record" in str(errors[-1])


def test_json_lines_read_text_or_html_and_name_each_bad_line(tmp_path):
    lines = [
        json.dumps({"text": STORY, "url": "https://b.example/1", "title": "One", "date": "2021-09-03", "outlet": "B News"}),
        json.dumps({"html": PAGE, "url": "https://b.example/2"}),
        "{not json",
        json.dumps({"title": "no text"}),
        "",
        json.dumps(["a", "list"]),
    ]
    for name, opener in (("dump.jsonl", open), ("dump.jsonl.gz", gzip.open)):
        with opener(tmp_path / name, "wt", encoding="utf-8") as out:
            out.write("\n".join(lines) + "\n")
        documents, errors = split(list(read_documents(tmp_path / name)))
        assert [(d.url, d.site) for d in documents] == [("https://b.example/1", "B News"), ("https://b.example/2", None)]
        assert documents[0].date == "2021-09-03" and STORY in documents[1].text
        assert [str(e).split(": ", 1)[1].split(":")[0] for e in errors] == ["line 3", "line 4", "line 6"]


def test_an_empty_json_lines_file_is_one_line(tmp_path):
    path = tmp_path / "empty.jsonl"
    path.write_text("\n\n")
    documents, errors = split(list(read_documents(path)))
    assert documents == [] and len(errors) == 1 and "no stories" in str(errors[0])
