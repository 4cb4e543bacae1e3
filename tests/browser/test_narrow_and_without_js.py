"""Issue 16: every page of the coordinator and of the programme team at 1280 and 360 px, with
and without JavaScript: no page wider than the window, axe-core clean, charts that show."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect
from test_exchange import ROWS, import_rows

from browser.conftest import CSP_LISTENER, assert_accessible
from conftest import PASSWORD, close_round
from selfscan.services import agenda

# Links that leave the page's kind: downloads, a personal link, signing out.
SKIPPED = (".csv", ".xlsx", ".pdf", ".zip", "/i/", "/uitloggen")


def sign_in(page: Page, url: str, email: str) -> None:
    page.goto(url + "/inloggen")
    page.get_by_label("E-mailadres").fill(email)
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    expect(page.get_by_role("button", name="Uitloggen")).to_be_visible()


def every_page(page: Page, url: str, limit: int = 60) -> list[str]:
    """Every page reachable by links from the start page (same site, GET), breadth first."""
    seen: list[str] = []
    todo = ["/"]
    while todo and len(seen) < limit:
        path = todo.pop(0)
        if path in seen:
            continue
        seen.append(path)
        page.goto(url + path)
        links = page.eval_on_selector_all(
            "a[href^='/']", "links => links.map(a => a.getAttribute('href'))"
        )
        for link in links:
            link = link.split("#")[0]
            if link and link not in seen and not any(s in link for s in SKIPPED):
                todo.append(link)
    return seen


@pytest.fixture
def results(db, world, make) -> dict[str, Any]:
    """Region a with released figures, an action on its agenda and an invitation."""
    import_rows(db, world["round"], ROWS)
    close_round(db, world["round"])
    agenda.add_action(
        db,
        region=world["region_a"],
        round_=world["round"],
        principle="kind-centraal",
        title="Ouderpanel",
    )
    db.commit()
    make.invitation(
        world["round"],
        world["org_a"],
        email="een.heel.lang.emailadres.van.iemand@een-lange-naam-van-een-school.example.org",
    )
    return world


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
@pytest.mark.parametrize(
    "email",
    ["coordinator-a@example.org", "programme@example.org"],
    ids=["coordinator", "programme"],
)
def test_every_page_fits_360_pixels_and_is_accessible(
    browser: Browser, live_server, results, email, javascript
):
    context = browser.new_context(
        locale="nl-NL", viewport={"width": 360, "height": 800}, java_script_enabled=javascript
    )
    context.add_init_script(CSP_LISTENER)
    page = context.new_page()
    try:
        sign_in(page, live_server.url, email)
        pages = every_page(page, live_server.url)
        assert "/regio/regio-a/resultaten/ronde-1" in pages
        assert any(p.startswith("/vergelijken") for p in pages)
        too_wide = {}
        for path in pages:
            page.goto(live_server.url + path)
            width = page.evaluate("document.documentElement.scrollWidth")
            if width > 360:
                too_wide[path] = width
            if javascript:  # axe-core needs a script; the pages are the same without one
                assert_accessible(page)
        assert too_wide == {}
    finally:
        context.close()


def test_the_dashboard_without_javascript_shows_a_drawn_radar_and_no_dead_switches(
    browser: Browser, live_server, results
):
    context = browser.new_context(locale="nl-NL", java_script_enabled=False)
    page = context.new_page()
    try:
        sign_in(page, live_server.url, "coordinator-a@example.org")
        page.goto(live_server.url + "/regio/regio-a/resultaten/ronde-1")
        expect(page.locator("#radar-svg")).to_be_visible()
        box = page.locator("#radar-svg").bounding_box()
        assert box and box["height"] > 200
        expect(page.locator("#radar")).to_be_hidden()  # no empty box for plotly
        expect(page.get_by_role("checkbox", name="gemeente")).to_have_count(0)
        expect(page.get_by_role("group", name="Lijnen in de grafiek")).to_be_hidden()
    finally:
        context.close()


def test_the_dashboard_with_javascript_draws_plotly_and_hides_the_drawing(
    page: Page, live_server, results
):
    page.set_viewport_size({"width": 360, "height": 800})
    sign_in(page, live_server.url, "coordinator-a@example.org")
    page.goto(live_server.url + "/regio/regio-a/resultaten/ronde-1")
    expect(page.locator("#radar .main-svg").first).to_be_attached()
    expect(page.locator("#radar-svg")).to_be_hidden()
    box = page.locator("#radar").bounding_box()
    assert box and box["width"] > 300
    # The response table reflows: its numbers are on screen, not scrolled away.
    cell = page.get_by_role("cell", name="7").first
    cell_box = cell.bounding_box()
    assert cell_box and cell_box["x"] + cell_box["width"] <= 360
    page.emulate_media(media="print")
    expect(page.locator("#radar-svg")).to_be_visible()  # paper gets the drawing


def test_the_dashboard_radar_is_readable_at_360_pixels(page: Page, live_server, results):
    """Around the principles' full names the radar itself was about a hundred pixels wide and
    its labels were cut off at the plot's edge; on a phone it gets their short names."""
    page.set_viewport_size({"width": 360, "height": 800})
    sign_in(page, live_server.url, "coordinator-a@example.org")
    page.goto(live_server.url + "/regio/regio-a/resultaten/ronde-1")
    expect(page.locator("#radar .main-svg").first).to_be_attached()
    page.locator("#radar").scroll_into_view_if_needed()
    plot = page.locator("#radar").bounding_box()
    assert plot and plot["width"] >= 300 and plot["x"] >= 0 and plot["x"] + plot["width"] <= 360
    # The radar's own circle, not just the box around it.
    circle = page.locator("#radar .polarsublayer.plotbg path").bounding_box()
    assert circle and circle["width"] >= 170, circle
    labels = page.locator("#radar .angularaxistick text")
    expect(labels).to_have_count(5)
    for index in range(5):
        label = labels.nth(index)
        box = label.bounding_box()
        text = label.text_content()
        assert (
            box and box["x"] >= plot["x"] and box["x"] + box["width"] <= plot["x"] + plot["width"]
        ), (
            text,
            box,
            plot,
        )
        assert box["y"] >= plot["y"] and box["y"] + box["height"] <= plot["y"] + plot["height"]
        size = label.evaluate("t => parseFloat(getComputedStyle(t).fontSize)")
        assert size >= 12, (text, size)
    assert "Kindcentraal" in (labels.first.text_content() or "")  # its short name, on two lines
    # The full names are in the table right below the chart.
    table = page.locator("#radar-table")
    expect(
        table.get_by_role("rowheader", name="Samenwerken aan een geïntegreerd aanbod")
    ).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360


def test_a_refused_list_puts_the_focus_on_its_errors(page: Page, live_server, world):
    sign_in(page, live_server.url, "coordinator-a@example.org")
    page.goto(live_server.url + "/regio/regio-a/rondes/ronde-1/uitnodigingen")
    page.get_by_label("Plak een lijst").fill(";geen-adres;Onbekend\n")
    page.get_by_role("button", name="Iedereen op de lijst uitnodigen").click()
    summary = page.locator("#list-errors")
    expect(summary).to_be_focused()
    expect(summary.locator("li")).to_have_count(3)
    assert summary.bounding_box()["y"] < 900  # in view, not 3,700 px down
    assert_accessible(page)
