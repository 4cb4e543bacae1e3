"""Browser fixtures: the app on a live local server, Debian's Chromium driven by Playwright,
and checks that every page has zero CSP violations and zero axe-core accessibility violations."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page, sync_playwright
from sqlalchemy import Engine
from werkzeug.serving import make_server

from conftest import make_app

CHROMIUM = os.environ.get("SELFSCAN_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]

# Collects Content-Security-Policy violations from the moment a page starts.
CSP_LISTENER = """
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', (e) => {
  window.__cspViolations.push(e.violatedDirective + ' ' + (e.blockedURI || '') + ' ' + (e.sourceFile || ''));
});
"""


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/browser" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


class LiveServer:
    def __init__(self, app: Any) -> None:
        self.app = app
        self.server = make_server("127.0.0.1", 0, app, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> LiveServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.thread.join(timeout=5)
        self.app.extensions["selfscan.engine"].dispose()


@pytest.fixture
def live_server(engine: Engine, database_url: str) -> Iterator[LiveServer]:
    """The app served on 127.0.0.1 at a free port, on the test database."""
    with LiveServer(make_app(database_url)) as server:
        yield server


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"Chromium not found at {CHROMIUM}; install Debian's chromium package")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Browser, request: pytest.FixtureRequest) -> Iterator[Page]:
    """A fresh browser tab; the test fails if any page it opened broke the CSP or threw."""
    # The test's server starts before the tab and so stops after the tab's checks: stopped
    # first, it reset the favicon request that Chromium makes after the last page loaded,
    # and that showed up here as a failed resource (seen once in a full run).
    for server in ("live_server", "mail_server"):
        if server in request.fixturenames:
            request.getfixturevalue(server)
    context = browser.new_context(locale="nl-NL", viewport={"width": 1100, "height": 900})
    context.add_init_script(CSP_LISTENER)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))

    def on_console(msg: Any) -> None:
        # A form answered with 400 is a page, not a broken resource: only count the others.
        if msg.type == "error" and not (
            msg.text.startswith("Failed to load resource") and msg.location.get("url") == page.url
        ):
            errors.append(f"{msg.text} ({msg.location.get('url')})")

    page.on("console", on_console)
    yield page
    assert csp_violations(page) == []
    assert errors == []
    context.close()


def csp_violations(page: Page) -> list[str]:
    return page.evaluate("window.__cspViolations || []")


_axe = Axe()


def assert_accessible(page: Page) -> None:
    """axe-core finds zero WCAG 2.1 A/AA violations on the current page."""
    results = _axe.run(
        page,
        options={
            "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}
        },
    )
    assert results.violations_count == 0, results.generate_report()
    assert csp_violations(page) == []
