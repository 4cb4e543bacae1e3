"""The regional conversation's pages in a real browser: the region report, the conversation
agenda and the agreed position, axe-clean and no wider than the screen at 1280 and 360 px; the
report's PDF, downloaded through the page, holds the figures the page shows."""

from __future__ import annotations

import io
import re

import pytest
from playwright.sync_api import Page, expect
from pypdf import PdfReader
from test_agreed_positions import THREE_SECTORS
from test_exchange import import_rows

from browser.conftest import assert_accessible
from browser.test_dashboard import sign_in
from conftest import close_round

PAGES = (
    "/regio/regio-a/rapport/ronde-1",
    "/regio/regio-a/rondes/ronde-1/gespreksagenda",
    "/regio/regio-a/rondes/ronde-1/afgesproken-positie",
)


@pytest.mark.parametrize("width", [1280, 360])
def test_the_conversation_pages_are_accessible_and_fit_the_screen(
    page: Page, live_server, db, world, width
):
    import_rows(db, world["round"], THREE_SECTORS)
    close_round(db, world["round"])
    page.set_viewport_size({"width": width, "height": 900})
    sign_in(page, live_server, "coordinator-a@example.org")
    for path in PAGES:
        page.goto(live_server.url + path)
        expect(page.locator("h1")).to_be_visible()
        assert_accessible(page)
        wide = page.evaluate("document.documentElement.scrollWidth")
        assert wide <= width, f"{path} is {wide} px wide at {width}"


def test_the_agenda_is_kept_and_reordered_with_the_keyboard(page: Page, live_server, db, world):
    import_rows(db, world["round"], THREE_SECTORS)
    close_round(db, world["round"])
    sign_in(page, live_server, "coordinator-a@example.org")
    page.goto(live_server.url + PAGES[1])
    page.get_by_role("button", name="Leg deze agenda vast").click()
    expect(page.get_by_text("De agenda is vastgelegd.")).to_be_visible()
    titles = page.locator(".topic__title").all_inner_texts()
    down = page.get_by_role("button", name=re.compile(r"^Omlaag")).first
    down.focus()
    page.keyboard.press("Enter")
    expect(page.locator(".topic__title").first).to_have_text(titles[1])
    assert_accessible(page)


def test_the_pdf_downloaded_from_the_page_holds_the_pages_figures(
    page: Page, live_server, db, world
):
    import_rows(db, world["round"], THREE_SECTORS)
    close_round(db, world["round"])
    sign_in(page, live_server, "coordinator-a@example.org")
    page.goto(live_server.url + PAGES[0])
    shown = page.locator("#report-samen-beter").locator("xpath=..").inner_text()
    with page.expect_download() as download:
        page.get_by_role("link", name="Download het rapport (pdf, A4)").click()
    body = download.value.path().read_bytes()
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(body)).pages)
    figures = set(re.findall(r"\d,\d\d", shown))
    assert figures and figures <= set(re.findall(r"\d,\d\d", text))
