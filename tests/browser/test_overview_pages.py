"""The programme overview and the dashboard's previous agenda in Chromium: zero axe-core and
zero CSP violations, the trend chart drawn, usable at 360 pixels wide."""

from __future__ import annotations

import re

from playwright.sync_api import Browser, Page, expect
from test_overview_previous_agenda import history  # noqa: F401  (the fixture)

from browser.conftest import assert_accessible
from conftest import PASSWORD


def sign_in(page: Page, url: str, email: str) -> None:
    page.goto(url + "/inloggen")
    page.get_by_label("E-mailadres").fill(email)
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Inloggen").click()


def test_programme_overview_is_accessible_and_draws_the_trend(
    page: Page,
    live_server,
    world,
    history,  # noqa: F811
):
    sign_in(page, live_server.url, "programme@example.org")
    page.get_by_role("link", name="Overzicht", exact=True).click()
    expect(page.get_by_role("heading", name="Overzicht van Ronde 1")).to_be_visible()
    heatmap = page.get_by_role("table", name="Gemiddelde score per regio en principe, Ronde 1")
    expect(heatmap.get_by_role("row", name=re.compile("^Regio A "))).to_contain_text("3,83")
    expect(page.locator("#trend svg.main-svg").first).to_be_attached()
    expect(page.locator('[data-chart-switches="trend"]')).to_be_visible()
    assert_accessible(page)

    # A line can be switched off with the keyboard-reachable checkboxes.
    page.get_by_role("checkbox", name="Het kind centraal").uncheck()
    expect(page.get_by_role("checkbox", name="Het kind centraal")).not_to_be_checked()

    page.get_by_role("link", name="Ronde 0").click()
    expect(page.get_by_role("heading", name="Overzicht van Ronde 0")).to_be_visible()
    assert_accessible(page)


def test_overview_works_at_360_pixels(page: Page, live_server, world, history):  # noqa: F811
    page.set_viewport_size({"width": 360, "height": 740})
    sign_in(page, live_server.url, "programme@example.org")
    page.goto(live_server.url + "/programma/overzicht")
    expect(page.get_by_role("heading", name="Overzicht van Ronde 1")).to_be_visible()
    # Wide tables scroll inside their own box; the page itself does not scroll sideways.
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360
    assert_accessible(page)


def test_dashboard_with_the_previous_agenda_is_accessible(
    page: Page,
    live_server,
    world,
    history,  # noqa: F811
):
    sign_in(page, live_server.url, "coordinator-a@example.org")
    page.goto(live_server.url + "/regio/regio-a/resultaten/ronde-1")
    expect(page.get_by_role("heading", name="Leeragenda van Ronde 0")).to_be_visible()
    expect(page.get_by_role("row", name="Ouders aan tafel")).to_be_visible()
    assert_accessible(page)


def test_the_trend_is_drawn_without_javascript_and_on_paper(
    browser: Browser,
    live_server,
    world,
    history,  # noqa: F811
):
    context = browser.new_context(
        locale="nl-NL", viewport={"width": 360, "height": 800}, java_script_enabled=False
    )
    page = context.new_page()
    try:
        sign_in(page, live_server.url, "programme@example.org")
        page.goto(live_server.url + "/programma/overzicht/ronde-1")
        drawing = page.get_by_role("img", name=re.compile("^Lijngrafiek van de gemiddelde score"))
        expect(drawing).to_be_visible()
        box = drawing.bounding_box()
        assert box and box["width"] >= 280 and box["height"] >= 150, box
        assert box["x"] >= 0 and box["x"] + box["width"] <= 360
        expect(page.locator("#trend")).to_be_hidden()  # no empty box for plotly
        expect(page.locator('[data-chart-switches="trend"]')).to_be_hidden()
        expect(page.locator(".line-legend li")).to_have_count(5)
        assert page.evaluate("document.documentElement.scrollWidth") <= 360
    finally:
        context.close()


def test_with_javascript_plotly_replaces_the_drawing_but_paper_gets_it(
    page: Page,
    live_server,
    world,
    history,  # noqa: F811
):
    sign_in(page, live_server.url, "programme@example.org")
    page.goto(live_server.url + "/programma/overzicht/ronde-1")
    expect(page.locator("#trend svg.main-svg").first).to_be_attached()
    drawing = page.locator("#trend-static svg.trend")
    expect(drawing).to_be_hidden()
    page.emulate_media(media="print")
    expect(drawing).to_be_visible()
    assert_accessible(page)
