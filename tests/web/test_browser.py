"""The web app in a real browser (Debian's headless Chromium driven by Playwright), on the reference document.

Adds the document through the upload form, follows the job to its end, opens the contested board and the valley's
proposition (Nazary and Saleh dispute it, the reports support it), Nazary's page, records a verdict and finds it
after a reload, and uses the check form. The screenshots the README shows are taken here and kept in `docs/`.
"""

from __future__ import annotations

import socket
import threading
import time
from pathlib import Path

import pytest

from tests.conftest import SEED

CHROMIUM = Path("/usr/bin/chromium")
DOCS = Path(__file__).resolve().parents[2] / "docs"

pytestmark = [
    pytest.mark.skipif(not SEED.exists(), reason="needs ../shared/seed/panjshir-npr-2021-09-03.txt"),
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium at /usr/bin/chromium (.ci/run installs it)"),
]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """The app on a fresh ledger, served by uvicorn in a thread, as `counterclaim serve` runs it."""
    import uvicorn

    from counterclaim.web.app import create_app

    port = free_port()
    app = create_app(str(tmp_path_factory.mktemp("browser") / "ledger.db"))
    running = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=running.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not running.started:
        assert time.monotonic() < deadline, "the server did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    running.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def page(server):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
        tab = browser.new_page(viewport={"width": 1400, "height": 1000})
        problems: list[str] = []
        tab.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)
        tab.on("request", lambda request: problems.append(f"outside request {request.url}") if not request.url.startswith(server) else None)
        tab.problems = problems
        yield tab
        browser.close()


def shoot(tab, name: str) -> None:
    DOCS.mkdir(exist_ok=True)
    tab.screenshot(path=str(DOCS / f"{name}.png"))


def test_a_newsroom_session_on_the_reference_document(server, page):
    from playwright.sync_api import expect

    page.goto(f"{server}/documents")
    page.set_input_files("input[name=files]", str(SEED))
    page.click("section.add button")
    page.wait_for_url(f"{server}/jobs/*")
    expect(page.locator("#job")).to_have_attribute("data-state", "done", timeout=240_000)
    page.click("#job a")  # the document just added
    expect(page.locator("h1")).to_contain_text("Panjshir")
    page.locator("article.text a[data-claim]", has_text="has not been breached").first.click()
    expect(page.locator(".claim-detail.open")).to_contain_text("Ali Nazary")
    page.wait_for_timeout(800)  # the list of claims scrolls smoothly to the one opened
    shoot(page, "document-view")

    page.click("nav >> text=Contested")
    expect(page.locator("section.proposition").first).to_be_visible()
    shoot(page, "contested-board")
    valley = page.locator("section.proposition", has=page.locator(".side.supports", has_text="reports")).filter(has_text="Panjshir").first
    valley.locator("h2 a").click()
    disputes, supports = page.locator(".side.disputes"), page.locator(".side.supports")
    expect(disputes).to_contain_text("Ali Nazary")
    expect(disputes).to_contain_text("Amrullah Saleh")
    expect(supports).to_contain_text("reports")
    expect(page.locator("svg.timeline circle").first).to_be_visible()
    shoot(page, "proposition")
    proposition_url = page.url

    page.check("input[name=verdict][value=false]")
    page.fill("textarea[name=note]", "The resistance held the valley that day.")
    with page.expect_navigation():  # the form posts, then the app redirects back: reload only once that is done
        page.click("section.verdict-form button")
    page.reload()
    expect(page.locator(".verdict.false").first).to_be_visible()
    expect(page.locator("input[name=verdict][value=false]")).to_be_checked()

    page.locator(".side.disputes a.speaker", has_text="Ali Nazary").first.click()
    expect(page.locator("h1")).to_have_text("Ali Nazary")
    expect(page.locator(".docmeta")).to_contain_text("National Resistance Front")
    expect(page.locator("p.record")).to_contain_text("backed what was found true or disputed what was found false")
    assert int(page.locator("p.record strong").first.inner_text()) >= 1  # he disputed what was found false
    shoot(page, "speaker")

    page.click("nav >> text=Check a claim")
    page.fill("input[name=statement]", "The Taliban captured the Panjshir valley")
    page.click("form.filters button")
    expect(page.locator(".side.disputes")).to_contain_text("Nazary", timeout=120_000)

    page.goto(proposition_url)
    assert not page.problems, page.problems
