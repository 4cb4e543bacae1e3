"""The learning network's pages in Chromium at 360 px, with and without JavaScript: a region over
the years (coordinator), every region's path, spearheads and perspectives (programme team);
axe-core clean, nothing wider than the screen, the drawn chart visible without a script."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, expect
from test_exchange import ROWS, import_rows

from browser.conftest import assert_accessible
from browser.test_narrow_and_without_js import sign_in
from conftest import close_round

PAGES = {
    "coordinator-a@example.org": ["/regio/regio-a/pad"],
    "programme@example.org": [
        "/programma/paden",
        "/programma/overzicht/ronde-1/speerpunten",
        "/programma/overzicht/ronde-1/perspectieven",
    ],
}


@pytest.fixture
def results(db, world):
    """Region a with released figures in round 1."""
    import_rows(db, world["round"], ROWS)
    close_round(db, world["round"])
    return world


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
@pytest.mark.parametrize("email", list(PAGES), ids=["coordinator", "programme"])
def test_the_pages_fit_360_pixels_and_are_accessible(
    browser: Browser,
    live_server,
    results,
    email,
    javascript,
):
    context = browser.new_context(
        locale="nl-NL", viewport={"width": 360, "height": 800}, java_script_enabled=javascript
    )
    page = context.new_page()
    try:
        sign_in(page, live_server.url, email)
        for path in PAGES[email]:
            response = page.goto(live_server.url + path)
            assert response is not None and response.status == 200, path
            assert page.evaluate("document.documentElement.scrollWidth") <= 360, path
            if javascript:
                assert_accessible(page)
        if email.startswith("coordinator"):
            chart = page.goto(live_server.url + "/regio/regio-a/pad") and page.locator("svg.trend")
            expect(chart).to_be_visible()
            box = chart.bounding_box()
            assert box and box["width"] >= 280
    finally:
        context.close()
