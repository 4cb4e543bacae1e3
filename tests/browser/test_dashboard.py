"""The region's dashboard in a real browser: the radar is drawn, under the CSP, with the
numbers of the table beside it."""

from __future__ import annotations

from playwright.sync_api import Page, expect
from test_exchange import ROWS, import_rows

from browser.conftest import assert_accessible
from conftest import PASSWORD, close_round

# The traces plotly.js actually holds, after drawing.
DRAWN = """
() => document.getElementById('radar').data.map(t => ({
  name: t.name, r: t.r, visible: t.visible === undefined ? true : t.visible
}))
"""
# How plotly.js draws each line (its full data: what it made of the spec and its defaults).
STYLES = """
() => document.getElementById('radar')._fullData.map(t => ({
  color: t.line.color, marker: t.marker.color, dash: t.line.dash, symbol: t.marker.symbol,
  size: t.marker.size
}))
"""
# The table's cells as the reader sees them, per column.
TABLE = """
() => {
  const table = document.getElementById('radar-table');
  const names = [...table.querySelectorAll('thead th')].slice(1).map(th => th.textContent.trim());
  const rows = [...table.querySelectorAll('tbody tr')].map(tr =>
    [...tr.querySelectorAll('td')].map(td => td.textContent.trim()));
  return names.map((name, i) => ({name, values: rows.map(row => row[i])}));
}
"""


def sign_in(page: Page, live_server, email: str) -> None:
    page.goto(live_server.url + "/inloggen")
    page.get_by_label("E-mailadres").fill(email)
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Inloggen").click()


def as_number(cell: str) -> float | None:
    return None if cell == "–" else float(cell.replace(",", "."))


def test_dashboard_draws_the_radar_with_the_table_numbers(page: Page, live_server, db, world):
    import_rows(db, world["round"], ROWS)
    close_round(db, world["round"])
    sign_in(page, live_server, "coordinator-a@example.org")
    page.goto(live_server.url + "/regio/regio-a/resultaten/ronde-1")
    expect(page.locator("#radar .main-svg").first).to_be_attached()
    expect(page.locator("#radar .scatterlayer .trace").first).to_be_attached()

    drawn = page.evaluate(DRAWN)
    table = page.evaluate(TABLE)
    assert [t["name"] for t in drawn] == [c["name"] for c in table]
    for trace, column in zip(drawn, table, strict=True):
        assert trace["r"][:-1] == [as_number(v) for v in column["values"]], trace["name"]
        assert trace["r"][-1] == trace["r"][0]  # the line is closed
    assert drawn[0]["r"][0] == 3.83
    # What the lines share came once and was merged into each (static/js/charts.js); each has
    # its colour from the layout's colorway, its own dash and marker, the shared marker size.
    styles = page.evaluate(STYLES)
    assert styles == [
        {"color": "#0072B2", "marker": "#0072B2", "dash": "solid", "symbol": "circle", "size": 8},
        {"color": "#D55E00", "marker": "#D55E00", "dash": "dash", "symbol": "square", "size": 8},
    ]
    axes = page.evaluate("document.getElementById('radar')._fullData.map(t => t.theta.length)")
    assert axes == [6, 6]
    assert page.evaluate("document.getElementById('radar')._fullData[1].mode") == "lines+markers"

    # The overlays start off and can be switched on with the keyboard.
    assert [t["visible"] for t in drawn] == [True, "legendonly"]
    switch = page.get_by_role("checkbox", name="gemeente")
    switch.focus()
    page.keyboard.press("Space")
    expect(switch).to_be_checked()
    page.wait_for_function("document.getElementById('radar').data[1].visible === true")

    assert_accessible(page)


def test_dashboard_is_usable_at_360_pixels(page: Page, live_server, db, world):
    import_rows(db, world["round"], ROWS)
    close_round(db, world["round"])
    page.set_viewport_size({"width": 360, "height": 800})
    sign_in(page, live_server, "coordinator-a@example.org")
    page.goto(live_server.url + "/regio/regio-a/resultaten/ronde-1")
    expect(page.locator("#radar .main-svg").first).to_be_attached()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360
    assert_accessible(page)


def test_compare_page_draws_and_is_accessible(page: Page, live_server, db, world):
    import_rows(db, world["round"], ROWS)
    close_round(db, world["round"])
    sign_in(page, live_server, "coordinator-a@example.org")
    page.goto(live_server.url + "/vergelijken")
    expect(page.locator("#compare-radar .main-svg").first).to_be_attached()
    names = page.evaluate("document.getElementById('compare-radar').data.map(t => t.name)")
    assert names == ["Regio A · Ronde 1"]  # no all regions of two (rule 6)
    assert_accessible(page)


def test_an_open_rounds_participation_page_is_accessible_at_both_widths(
    page: Page, live_server, db, world
):
    import_rows(db, world["round"], ROWS)  # the round stays open: no figures yet
    sign_in(page, live_server, "coordinator-a@example.org")
    for width in (1280, 360):
        page.set_viewport_size({"width": width, "height": 800})
        page.goto(live_server.url + "/regio/regio-a/resultaten/ronde-1")
        expect(page.get_by_role("heading", name="Reacties op Ronde 1")).to_be_visible()
        expect(page.get_by_text("De cijfers verschijnen hier als de ronde sluit.")).to_be_visible()
        assert page.locator("#radar").count() == 0
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        assert_accessible(page)
