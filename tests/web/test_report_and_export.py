"""`counterclaim report` (one self-contained HTML file) and `counterclaim export` (CSV, JSON Lines, ClaimReview)."""

from __future__ import annotations

import csv
import io
import json

import pytest

from counterclaim.cli import main
from counterclaim.ingest import document_from_text, read_document
from counterclaim.link.propositions import relink
from counterclaim.store import Ledger
from tests.conftest import FIXTURES
from tests.web.test_app import HOSTILE_TEXT, assert_inert


@pytest.fixture(scope="module")
def judged(tmp_path_factory, extractor):
    """A ledger of the two fixture reports and a hostile page, linked, with a verdict on the bridge's capture."""
    path = tmp_path_factory.mktemp("judged") / "ledger.db"
    documents = [read_document(p) for p in sorted((FIXTURES / "contested").glob("*.txt"))]
    documents.append(document_from_text("hostile", HOSTILE_TEXT, path="hostile.txt", url="javascript:alert(5)"))
    with Ledger(path) as ledger:
        for extraction in extractor.extract(documents):
            ledger.add(extraction)
        propositions, _ = relink(ledger)
        capture = next(p for p in propositions if "Kessel bridge" in p.statement and p.contested)
        ledger.set_verdict(capture.id, "false", "Satellite images show </script><script>alert(6)</script> the bridge held.", "https://example.org/b")
    return path, capture.id


def test_the_report_is_one_file_that_asks_for_nothing_outside_it(judged, tmp_path, capsys):
    path, capture = judged
    out = tmp_path / "report.html"
    assert main(["report", "--db", str(path), "--out", str(out)]) == 0
    assert "self-contained" in capsys.readouterr().out
    page = out.read_text(encoding="utf-8")
    assert_inert(page.replace('<script src="/static/app.js" defer></script>', ""))
    assert "<script" not in page and "<link" not in page and 'src="' not in page
    assert "default-src 'none'" in page  # even a missed escape could fetch nothing
    assert f'id="proposition-{capture}"' in page and "Mira Castell" in page and "Northern Army" in page
    assert 'id="claim-' in page and 'href="#claim-' in page  # the board links into the highlighted documents
    assert '<span class="verdict false">false</span>' in page


def test_a_report_of_chosen_propositions_and_of_a_missing_one(judged, tmp_path, capsys):
    path, capture = judged
    out = tmp_path / "one.html"
    assert main(["report", "--db", str(path), "--proposition", str(capture), "--out", str(out)]) == 0
    assert "1 propositions" in capsys.readouterr().out
    assert main(["report", "--db", str(path), "--proposition", "9999", "--out", str(out)]) == 1
    assert "no proposition 9999" in capsys.readouterr().err


def test_csv_and_json_lines_exports_of_claims_speakers_and_propositions(judged, tmp_path, capsys):
    path, capture = judged
    out = tmp_path / "claims.csv"
    assert main(["export", "--format", "csv", "--db", str(path), "--out", str(out)]) == 0
    claims = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert {"claim_id", "speaker", "affiliation", "polarity", "content", "content_start", "document"} <= claims[0].keys()
    assert any(c["speaker"] == "Mira Castell" and c["polarity"] == "deny" for c in claims)
    capsys.readouterr()
    assert main(["export", "--format", "csv", "--table", "propositions", "--db", str(path)]) == 0
    members = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert any(m["proposition_id"] == str(capture) and m["verdict"] == "false" and m["stance"] == "disputes" for m in members)
    assert main(["export", "--format", "jsonl", "--db", str(path)]) == 0
    records = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert {r["type"] for r in records} == {"claim", "speaker", "proposition"}
    assert len([r for r in records if r["type"] == "claim"]) == len(claims)


def test_claimreview_has_googles_required_and_recommended_fields(judged, capsys):
    from counterclaim.export.claimreview import RECOMMENDED, REQUIRED

    path, capture = judged
    assert main(["export", "--format", "claimreview", "--db", str(path), "--base-url", "https://checks.example.org/",
                 "--author", "Example Checkers"]) == 0
    text = capsys.readouterr().out
    assert "</script>" not in text  # safe inside <script type="application/ld+json">
    [review] = json.loads(text)
    assert review["@context"] == "https://schema.org" and review["@type"] == "ClaimReview"
    for name in REQUIRED + RECOMMENDED:
        assert review.get(name), name
    assert review["url"] == f"https://checks.example.org/propositions/{capture}"
    rating = review["reviewRating"]
    assert rating["alternateName"] == "False" and rating["worstRating"] <= rating["ratingValue"] <= rating["bestRating"]
    claim = review["itemReviewed"]
    authors = claim["author"] if isinstance(claim["author"], list) else [claim["author"]]
    assert claim["@type"] == "Claim" and "Northern Army" in {a["name"] for a in authors} and "Mira Castell" not in {a["name"] for a in authors}
    assert claim["datePublished"] == "2025-05-02" and claim["appearance"][0]["headline"] == "Army Says It Holds Kessel Bridge"
    assert review["author"] == {"@type": "Organization", "name": "Example Checkers"}
