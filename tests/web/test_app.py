"""The web app on a small ledger written for it: pages, their `.json` twins, filters, verdicts, uploads, tokens, and
hostile text that must stay text."""

from __future__ import annotations

import re
import time
from html.parser import HTMLParser

import pytest
from fastapi.testclient import TestClient

from counterclaim.ingest import document_from_text, read_document
from counterclaim.link.propositions import relink
from counterclaim.store import Ledger
from tests.conftest import FIXTURES

HOSTILE_TITLE = 'Bridge "report" <script>alert("title")</script>'
HOSTILE_TEXT = (
    HOSTILE_TITLE + "\n\n"
    '"The Kessel bridge <img src=x onerror=alert(1)> was never taken," said Ora "><script>alert(2)</script> Venn, '
    "a spokeswoman for the <b onmouseover=alert(3)>Southern League</b>.\n\n"
    "Venn's deputy said the army's claim was \"' onfocus='alert(4)\" a lie.\n"
)


@pytest.fixture(scope="module")
def ledger_path(tmp_path_factory, extractor):
    path = tmp_path_factory.mktemp("web") / "ledger.db"
    documents = [read_document(p) for p in sorted((FIXTURES / "contested").glob("*.txt"))]
    documents.append(document_from_text("hostile", HOSTILE_TEXT, path="hostile.txt", url="javascript:alert(5)", site="Evil <i>Outlet</i>"))
    with Ledger(path) as ledger:
        for extraction in extractor.extract(documents):
            ledger.add(extraction)
        relink(ledger)
    return path


@pytest.fixture(scope="module")
def client(ledger_path):
    from counterclaim.web.app import create_app

    with TestClient(create_app(str(ledger_path), link_uploads=False)) as test_client:
        yield test_client


def csrf_of(page: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


class Markup(HTMLParser):
    """The tags and attributes a browser would see."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def assert_inert(page: str) -> None:
    """No script but the app's own, no event handler, no script link, no tag the ledger's text brought in."""
    markup = Markup()
    markup.feed(page)
    for tag, attrs in markup.tags:
        assert tag not in ("img", "b", "i", "iframe", "object"), tag
        if tag == "script":
            assert attrs == {"src": "/static/app.js", "defer": None}
        assert not any(name.startswith("on") for name in attrs), (tag, attrs)
        for name in ("href", "src", "action"):
            assert not (attrs.get(name) or "").strip().lower().startswith(("javascript:", "data:")), (tag, attrs)


def test_every_page_renders_and_has_its_json_twin(client):
    documents = client.get("/documents.json").json()["documents"]
    assert len(documents) == 3
    contested = client.get("/contested.json").json()["propositions"]
    assert contested, "the fixtures hold a claim and its denial"
    speakers = client.get("/speakers.json").json()["speakers"]
    pages = ["/", "/documents", "/contested", "/contested?all=true", "/speakers", "/search", "/search?q=bridge", "/quotes", "/check", "/discredits"]
    pages += [f"/documents/{d['id']}" for d in documents]
    pages += [f"/propositions/{p['id']}" for p in client.get("/contested.json?all=true").json()["propositions"]]
    pages += [f"/speakers/{s['id']}" for s in speakers]
    for page in pages:
        response = client.get(page)
        assert response.status_code == 200, page
        assert response.headers["content-type"].startswith("text/html")
        assert "script-src 'self'" in response.headers["content-security-policy"]
        if page not in ("/", "/check"):
            twin = page.replace("?", ".json?", 1) if "?" in page else page + ".json"
            assert client.get(twin).headers["content-type"] == "application/json", twin


def test_hostile_text_stays_text_on_every_page(client):
    hostile = next(d for d in client.get("/documents.json").json()["documents"] if d["doc_id"] == "hostile")
    pages = ["/documents", f"/documents/{hostile['id']}", "/contested?all=true", "/speakers", "/search?q=bridge", "/search?q=lie", "/discredits"]
    pages += [f"/speakers/{s['id']}" for s in client.get("/speakers.json").json()["speakers"]]
    pages += [f"/propositions/{p['id']}" for p in client.get("/contested.json?all=true").json()["propositions"]]
    pages.append("/outlets/" + "Evil <i>Outlet</i>")
    for page in pages:
        body = client.get(page).text
        assert_inert(body)
    view = client.get(f"/documents/{hostile['id']}").text
    assert "&lt;script&gt;alert(2)&lt;/script&gt;" in view  # shown, as text
    assert 'href="javascript' not in view  # the document's URL is not a link


def test_document_view_highlights_each_claim_with_its_roles(client, ledger_path):
    with Ledger(ledger_path) as ledger:
        row = ledger.db.execute(
            "SELECT c.id, c.document_id, c.content FROM claims c WHERE c.polarity = 'deny' ORDER BY c.id LIMIT 1"
        ).fetchone()
    data = client.get(f"/documents/{row['document_id']}.json").json()
    assert "".join(p["text"] for p in data["pieces"]) == data["text"]  # the pieces are the whole text, in order
    pieces = [p for p in data["pieces"] if p["claim"] == row["id"]]
    assert {"content", "deny"} <= {role for p in pieces for role in p["roles"]}
    assert row["content"].split()[0] in "".join(p["text"] for p in pieces if "content" in p["roles"])
    page = client.get(f"/documents/{row['document_id']}").text
    assert f'id="claim-{row["id"]}"' in page and f'data-claim="{row["id"]}"' in page


def test_contested_board_shows_both_sides_with_passages(client):
    board = client.get("/contested.json").json()["propositions"]
    capture = next(p for p in board if "Kessel bridge" in p["statement"])
    supporters = {m["speaker"]["name"] for m in capture["sides"]["supports"] if m["speaker"]}
    disputers = {m["speaker"]["name"] for m in capture["sides"]["disputes"] if m["speaker"]}
    assert "Northern Army" in supporters and "Mira Castell" in disputers
    page = client.get(f"/propositions/{capture['id']}").text
    assert "<svg" in page and 'class="point disputes"' in page


def test_search_filters_are_in_the_url_and_narrow_the_claims(client):
    everything = client.get("/search.json").json()["claims"]
    denials = client.get("/search.json?polarity=deny").json()
    assert denials["filters"] == {"polarity": "deny", "page": 1}
    assert denials["claims"] and all(c["polarity"] == "deny" for c in denials["claims"])
    assert len(denials["claims"]) < len(everything)
    bridge = client.get("/search.json?q=bridge").json()["claims"]
    assert bridge and all("bridge" in c["content"].lower() for c in bridge)
    assert client.get('/search.json?q=" OR (').status_code == 200  # not an FTS5 syntax error
    assert client.get("/search?page=x").status_code == 400


def test_a_verdict_is_kept_through_a_relink_and_counts_in_track_records(client, ledger_path, extractor):
    board = client.get("/contested.json").json()["propositions"]
    capture = next(p for p in board if "Kessel bridge" in p["statement"])
    page = client.get(f"/propositions/{capture['id']}").text
    refused = client.post(f"/propositions/{capture['id']}/verdict", data={"verdict": "false", "csrf_token": "forged"}, follow_redirects=False)
    assert refused.status_code == 403
    given = client.post(
        f"/propositions/{capture['id']}/verdict",
        data={"verdict": "false", "note": "<b>satellite</b> images", "source_url": "https://example.org/x", "csrf_token": csrf_of(page)},
        follow_redirects=False,
    )
    assert given.status_code == 303
    with Ledger(ledger_path) as ledger:
        ledger.add(next(extractor.extract([read_document(FIXTURES / "dam_article.txt")])))
        relink(ledger)
    shown = client.get(f"/propositions/{capture['id']}.json").json()
    assert shown["verdict"]["verdict"] == "false" and shown["statement"] == capture["statement"]
    assert "&lt;b&gt;satellite&lt;/b&gt;" in client.get(f"/propositions/{capture['id']}").text
    army = next(m["speaker"]["id"] for m in capture["sides"]["supports"] if m["speaker"] and m["speaker"]["name"] == "Northern Army")
    castell = next(m["speaker"]["id"] for m in capture["sides"]["disputes"] if m["speaker"] and m["speaker"]["name"] == "Mira Castell")
    assert client.get(f"/speakers/{army}.json").json()["track_record"]["wrong"] >= 1
    assert client.get(f"/speakers/{castell}.json").json()["track_record"]["right"] >= 1
    assert client.post(
        f"/propositions/{capture['id']}/verdict", data={"verdict": "true", "source_url": "javascript:alert(1)", "csrf_token": csrf_of(page)}
    ).status_code == 400


def test_uploads_are_ingested_in_the_background_and_named_by_their_base_name(client):
    page = client.get("/documents").text
    files = [
        ("files", ("../../etc/council-note.txt", b'"The dam is safe," said Ilse Marr, the council\'s engineer.\n', "text/plain")),
        ("files", ("noise.bin", bytes(range(256)) * 8, "application/octet-stream")),
        ("files", ("huge.txt", b"word " * 2_000_001, "text/plain")),  # over the 10 MB a file may have
    ]
    sent = client.post("/documents", data={"csrf_token": csrf_of(page)}, files=files, follow_redirects=False)
    assert sent.status_code == 303
    job_url = sent.headers["location"]
    deadline = time.monotonic() + 120
    while (job := client.get(job_url + ".json").json())["state"] not in ("done", "failed"):
        assert time.monotonic() < deadline, job
        time.sleep(0.2)
    assert job["state"] == "done", job["message"]
    assert job["added"] == 1 and len(job["failures"]) == 2
    assert any("noise.bin" in f for f in job["failures"]) and any("huge.txt: file too large" in f for f in job["failures"])
    assert job["done"] == job["total"] == 3
    [document_id] = job["documents"]
    document = client.get(f"/documents/{document_id}.json").json()
    assert document["places"][0]["path"] == "upload/council-note.txt"
    assert any("dam is safe" in c["content"] for c in document["claims"])
    assert client.post("/documents", data={"text": "x", "csrf_token": "forged"}).status_code == 403


def test_a_token_guards_every_address_when_one_is_set(ledger_path):
    from counterclaim.web.app import create_app

    token = "a-token-of-enough-length"
    with TestClient(create_app(str(ledger_path), token=token)) as guarded:
        assert guarded.get("/documents").status_code == 401
        assert guarded.get("/static/app.js").status_code == 401
        assert guarded.get("/documents.json", headers={"Authorization": f"Bearer {token}"}).status_code == 200
        assert guarded.get("/documents?token=wrong-token-of-some-length").status_code == 401
        first = guarded.get(f"/contested?token={token}")
        assert first.status_code == 200
        assert guarded.get("/speakers").status_code == 200  # the cookie set by the first visit


def test_serve_refuses_other_addresses_without_a_token(capsys):
    from counterclaim.cli import main
    from counterclaim.cli.web import is_loopback

    assert main(["serve", "--host", "0.0.0.0", "--db", "unused.db"]) == 1
    assert "--token" in capsys.readouterr().err
    assert main(["serve", "--host", "0.0.0.0", "--token", "short"]) == 1
    assert is_loopback("127.0.0.1") and is_loopback("localhost") and is_loopback("::1") and is_loopback("127.0.0.2")
    assert not is_loopback("0.0.0.0") and not is_loopback("192.168.1.4") and not is_loopback("example.org")


def test_quotes_page_sets_each_quotation_beside_its_source_with_the_differences_marked(tmp_path, extractor):
    from counterclaim.link.fidelity import check_quotes
    from counterclaim.web.app import create_app

    path = tmp_path / "quotes.db"
    with Ledger(path) as ledger:
        for extraction in extractor.extract(read_document(FIXTURES / name) for name in ("dam_article.txt", "dam_interview.txt")):
            ledger.add(extraction)
        check_quotes(ledger)
    with TestClient(create_app(str(path), link_uploads=False)) as quotes_client:
        found = quotes_client.get("/quotes.json").json()
        near = next(q for q in found["quotes"] if q["status"] == "near")
        assert near["source"]["text"] == "50% of the emergency margin on Sunday"
        assert found["counts"]["verbatim"] >= 2
        page = quotes_client.get("/quotes").text
        assert '<del title="the article\'s words">many</del> → <ins title="the words said">few</ins>' in page
        assert quotes_client.get("/quotes.json?q=paraphrase").json()["quotes"][0]["changed_meaning"] is True


def test_the_discredits_page_draws_the_parties_and_lists_the_edges(client):
    edges = client.get("/discredits.json").json()
    assert {"edges", "graph"} <= edges.keys()
    lying = [e for e in edges["edges"] if e["kind"] == "lie"]
    assert lying, edges["edges"]  # the deputy's `a lie`
    page = client.get("/discredits").text
    assert "<svg" in page and 'class="edge lie"' in page
    assert len(edges["graph"]["nodes"]) == len({e["source"]["name"] for e in edges["edges"]} | {e["target"]["name"] for e in edges["edges"]})
