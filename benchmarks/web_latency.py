"""Response times of the web app's pages on a ledger of 100k synthetic claims: the contested board, a search, a
speaker page and a document view, each asked many times; median and 95th percentile (aim: under 100 ms).

    python benchmarks/web_latency.py [--claims 100000] [--requests 50]

The ledger is `check_speed.py`'s (claims from templates, two hundred to a document, each sentence's claims one
proposition), without vectors, with outlets, dates and affiliations added, and one proposition in ten made contested
(half its claims disputing). Requests go through the whole app (routing, queries, templates, middleware) in this
process, with FastAPI's test client: what a server adds on top is the network.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

from fastapi.testclient import TestClient

sys.path.insert(0, str(Path(__file__).parent))
from check_speed import build  # noqa: E402
from counterclaim.store import Ledger  # noqa: E402
from counterclaim.web.app import create_app  # noqa: E402


def enrich(path: Path) -> None:
    """Outlets, dates and affiliations, and contested propositions with both sides, on the synthetic ledger."""
    with Ledger(path) as ledger, ledger.db:
        db = ledger.db
        db.execute("UPDATE documents SET site = 'outlet' || (id % 12), date = date('2021-01-01', '+' || (id % 300) || ' days'),"
                   " title = 'Report ' || id")
        db.execute("UPDATE speakers SET affiliation = 'Party' || (id % 40)")
        db.execute("UPDATE propositions SET contested = 1 WHERE id % 10 = 0")
        db.execute("UPDATE proposition_claims SET stance = 'disputes' WHERE proposition_id % 10 = 0 AND claim_id % 2 = 0")


def timed(client: TestClient, url: str, requests: int) -> tuple[float, float]:
    times = []
    client.get(url)  # warm: SQLite's page cache and the templates
    for _ in range(requests):
        started = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    times.sort()
    return statistics.median(times), times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--claims", type=int, default=100000)
    parser.add_argument("--requests", type=int, default=50)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        path = Path(scratch) / "ledger.db"
        started = time.perf_counter()
        build(path, args.claims, vectors=False)
        enrich(path)
        print(f"built a ledger of {args.claims} claims in {time.perf_counter() - started:.0f} s", flush=True)
        with Ledger(path) as ledger:
            speaker = ledger.db.execute("SELECT speaker_id FROM claims GROUP BY speaker_id ORDER BY count(*) DESC LIMIT 1").fetchone()[0]
            document = ledger.db.execute("SELECT document_id FROM claims GROUP BY document_id ORDER BY count(*) DESC LIMIT 1").fetchone()[0]
        pages = {
            "contested board": "/contested",
            "search (one word, every claim)": "/search?q=forces",
            "search (words and filters)": "/search?q=captured+Town12&polarity=assert&outlet=outlet3",
            "speaker page": f"/speakers/{speaker}",
            "document view": f"/documents/{document}",
            "documents list": "/documents",
        }
        with TestClient(create_app(str(path), link_uploads=False)) as client:
            print(f"{'page':34} {'median':>8} {'p95':>8}   ({args.requests} requests each)")
            for name, url in pages.items():
                median, p95 = timed(client, url, args.requests)
                print(f"{name:34} {median:6.1f}ms {p95:6.1f}ms")


if __name__ == "__main__":
    main()
