"""Issue 16, "Done means": the coordinator's and the programme team's work walked end to end in
Chromium, at 1280 and 360 px, with and without JavaScript. The coordinator goes from the start
page to reminders, an invitation, the results, compare, the learning agenda and a download; the
programme team from a new region and coordinator to a new round, the overview, compare and the
exports. Every page: no wider than the window, captions of wide tables in view, charts that
show (drawn by plotly, or on the server where there is no script or no room), axe-core clean."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from openpyxl import load_workbook
from playwright.sync_api import Browser, Page, expect

from browser.conftest import CSP_LISTENER, assert_accessible, csp_violations
from browser.test_reminders_and_exports import DUTCH_HEADER, season  # noqa: F401  (the fixture)
from browser.test_running_a_round import mail_server  # noqa: F401  (the fixture)
from conftest import PASSWORD
from selfscan.forms import to_local
from selfscan.models.types import utcnow

WAYS = [(1280, True), (360, True), (1280, False), (360, False)]
WAY_IDS = ["1280-js", "360-js", "1280-no-js", "360-no-js"]


@pytest.fixture
def way(browser: Browser, request: pytest.FixtureRequest) -> Iterator[tuple[Page, int, bool]]:
    """A tab of the width and with or without JavaScript that the test is parametrised with;
    it fails the test on a CSP violation or a script error."""
    width, javascript = request.param
    for server in ("live_server", "mail_server"):  # started before the tab, stopped after it
        if server in request.fixturenames:
            request.getfixturevalue(server)
    context = browser.new_context(
        locale="nl-NL",
        viewport={"width": width, "height": 800},
        java_script_enabled=javascript,
        accept_downloads=True,
    )
    context.add_init_script(CSP_LISTENER)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    yield page, width, javascript
    if javascript:
        assert csp_violations(page) == []
    assert errors == []
    context.close()


def check(page: Page, width: int, javascript: bool) -> None:
    """The page fits the window, wide tables keep their captions in view, axe-core is clean."""
    assert page.evaluate("document.documentElement.scrollWidth") <= width, page.url
    # A table wider than the screen scrolls in its own box; its caption used to be as wide as
    # the table and was cut off at the box's right edge.
    cut = page.evaluate(
        """w => [...document.querySelectorAll('.table-scroll caption')]
            .filter(c => c.getClientRects().length)
            .map(c => [c.textContent.trim(), c.getBoundingClientRect().right])
            .filter(([, right]) => right > w)""",
        width,
    )
    assert cut == [], (page.url, cut)
    if javascript:  # axe-core is a script; without JavaScript the page is the same HTML
        assert_accessible(page)


def cells_in_view(page: Page, width: int) -> None:
    """Every cell of the page's tables is on screen: the table reflows rather than scrolls."""
    hidden = page.evaluate(
        """w => [...document.querySelectorAll('td, th')]
            .filter(c => !c.closest('.table--reflow thead'))  // visually hidden on a phone
            .filter(c => c.getClientRects().length && c.getBoundingClientRect().right > w + 0.5)
            .map(c => c.textContent.trim())""",
        width,
    )
    assert hidden == [], (page.url, hidden)


def sign_in(page: Page, url: str, email: str) -> None:
    page.goto(url + "/inloggen")
    page.get_by_label("E-mailadres").fill(email)
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    go(page, page.get_by_role("button", name="Inloggen"))
    expect(page.get_by_role("heading", name="Welkom", exact=False)).to_be_visible()


def go(page: Page, target: Any) -> None:
    """Click a link or button and wait for the page it leads to (checks must not measure the
    page that is being left)."""
    with page.expect_navigation():
        target.click()


def menu(page: Page, name: str) -> None:
    go(page, page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name=name))


def download(page: Page, link: Any) -> tuple[str, bytes]:
    with page.expect_download() as info:
        link.click()
    result = info.value
    assert result.failure() is None
    with open(result.path(), "rb") as handle:
        return result.suggested_filename, handle.read()


def radar_shows(page: Page, chart_id: str, width: int, javascript: bool) -> None:
    """With room and a script plotly draws the radar; otherwise the server's drawing shows,
    with the principles' short names on a phone."""
    if javascript:
        expect(page.locator(f"#{chart_id} .main-svg").first).to_be_attached()
        expect(page.locator(f"#{chart_id}")).to_be_visible()
        return
    drawing = page.locator(f"#{chart_id}-svg" + ("-narrow" if width < 640 else ""))
    expect(drawing).to_be_visible()
    box = drawing.bounding_box()
    assert box and box["width"] >= min(width - 60, 400) * 0.9, box
    expect(page.locator(f"#{chart_id}")).to_be_hidden()  # no empty box for plotly


@pytest.mark.parametrize("way", WAYS, ids=WAY_IDS, indirect=True)
def test_the_coordinators_work_from_the_start_page(way, mail_server, mailbox, season):  # noqa: F811
    page, width, javascript = way
    url = mail_server.url
    sign_in(page, url, "coordinator-a@example.org")
    check(page, width, javascript)

    # The open round: remind those who have not answered, right from the start page.
    go(page, page.get_by_role("button", name="Herinner wie nog niet heeft gereageerd"))
    expect(page.get_by_text("2 herinneringen zijn verstuurd.")).to_be_visible()
    check(page, width, javascript)
    assert sorted(m["To"] for m in mailbox.wait_for(2)) == ["anna@example.org", "bob@example.org"]

    # Invite one more partner.
    page.goto(url + "/")
    go(page, page.get_by_role("link", name="Partners uitnodigen"))
    check(page, width, javascript)
    page.get_by_label("Naam", exact=True).fill("Greet Jansen")
    page.get_by_label("E-mailadres").fill("greet.jansen@een-school-met-een-lange-naam.example.org")
    go(page, page.get_by_role("button", name="Uitnodiging sturen"))
    expect(page.get_by_role("row", name="Greet Jansen")).to_be_visible()
    check(page, width, javascript)
    cells_in_view(page, width)
    go(page, page.get_by_role("link", name="Partnerorganisaties toevoegen of wijzigen"))
    check(page, width, javascript)
    cells_in_view(page, width)

    # The last closed round: results, with the radar, the sector dots and the downloads.
    page.goto(url + "/")
    go(page, page.get_by_role("link", name="Resultaten van Ronde 0 · Regio A"))
    check(page, width, javascript)
    radar_shows(page, "radar", width, javascript)
    _, body = download(page, page.get_by_role("link", name="Scores (Excel)", exact=True))
    assert [c.value for c in next(load_workbook(io.BytesIO(body)).active.iter_rows())] == (
        DUTCH_HEADER
    )

    # Compare, from the top of the results.
    go(
        page,
        page.get_by_role("navigation", name="Op deze pagina").get_by_role(
            "link", name="Vergelijken met andere regio's en rondes"
        ),
    )
    expect(
        page.get_by_role("heading", name="Regio's, rondes en sectoren vergelijken")
    ).to_be_visible()
    check(page, width, javascript)
    radar_shows(page, "compare-radar", width, javascript)

    # The learning agenda: an action with a Dutch date.
    page.goto(url + "/")
    go(page, page.get_by_role("link", name="Leeragenda · Ronde 0 · Regio A"))
    check(page, width, javascript)
    page.get_by_label("Wat er gebeurt").fill("Ouderpanel opzetten")
    page.get_by_label("Eigenaar").fill("Gemeente")
    page.get_by_label("Klaar op").fill("2027-01-15")
    go(page, page.get_by_role("button", name="Actie toevoegen"))
    row = page.get_by_role("row", name="Ouderpanel opzetten")
    expect(row).to_be_visible()
    expect(row).to_contain_text("15 jan 2027")
    check(page, width, javascript)

    # The conversation agenda of that round.
    page.goto(url + "/")
    go(page, page.get_by_role("link", name="Gespreksagenda · Ronde 0 · Regio A"))
    check(page, width, javascript)
    cells_in_view(page, width)  # the figures behind each topic, their means too


def _moment(delta: timedelta) -> str:
    return to_local(utcnow() + delta).strftime("%Y-%m-%dT%H:%M")


@pytest.mark.parametrize("way", WAYS, ids=WAY_IDS, indirect=True)
def test_the_programme_teams_work_from_regions_to_exports(way, mail_server, mailbox, season):  # noqa: F811
    page, width, javascript = way
    url = mail_server.url
    sign_in(page, url, "programme@example.org")
    check(page, width, javascript)
    start = page.get_by_role("region", name="Aan de slag")  # the work, from the start page
    expect(
        start.get_by_role("link", name="Regio's, rondes en sectoren vergelijken")
    ).to_be_visible()

    # A new region: its name and how openly it is compared, no technical key.
    menu(page, "Regio's")
    check(page, width, javascript)
    go(page, page.get_by_role("link", name="Nieuwe regio"))
    check(page, width, javascript)
    expect(page.get_by_label("Sleutel")).to_be_hidden()  # folded away under "Meer"
    page.get_by_label("Naam", exact=True).fill("Regio Twente-Oost")
    go(page, page.get_by_role("button", name="Opslaan"))
    expect(page.get_by_text("De regio is aangemaakt.")).to_be_visible()
    expect(page.get_by_role("row", name="Regio Twente-Oost")).to_be_visible()
    check(page, width, javascript)
    cells_in_view(page, width)

    # Its coordinator, invited by mail.
    menu(page, "Coördinatoren")
    check(page, width, javascript)
    cells_in_view(page, width)
    go(page, page.get_by_role("link", name="Coördinator uitnodigen"))
    check(page, width, javascript)
    page.get_by_label("Naam", exact=True).fill("Coördinator Twente-Oost")
    page.get_by_label("E-mailadres").fill("twente-oost@example.org")
    page.get_by_role("group", name="Regio's").get_by_label("Regio Twente-Oost").check()
    go(page, page.get_by_role("button", name="Account aanmaken en uitnodiging sturen"))
    expect(page.get_by_role("heading", name="Coördinator Twente-Oost")).to_be_visible()
    expect(page.get_by_role("status")).to_contain_text("Er is een e-mail verstuurd")
    check(page, width, javascript)
    assert mailbox.wait_for(1)[0]["To"] == "twente-oost@example.org"

    # A round for the spring, planned: its key comes from its title.
    menu(page, "Rondes")
    check(page, width, javascript)
    go(page, page.get_by_role("link", name="Nieuwe ronde"))
    check(page, width, javascript)
    page.get_by_label("Titel").fill("Voorjaar 2027")
    page.get_by_label("Opent op").fill(_moment(timedelta(days=30)))
    page.get_by_label("Sluit op").fill(_moment(timedelta(days=51)))
    page.get_by_role("group", name="Deelnemende regio's").get_by_label("Regio Twente-Oost").check()
    go(page, page.get_by_role("button", name="Ronde aanmaken"))
    expect(page.get_by_text("De ronde is aangemaakt.")).to_be_visible()
    expect(page.get_by_role("row", name="Voorjaar 2027")).to_contain_text("gepland")
    check(page, width, javascript)
    cells_in_view(page, width)

    # The questionnaires in use.
    menu(page, "Vragenlijsten")
    check(page, width, javascript)
    cells_in_view(page, width)

    # The overview of the last closed round: the heatmap, the trend, a download.
    menu(page, "Overzicht")
    go(page, page.get_by_role("link", name="Ronde 0", exact=True))
    expect(page.get_by_role("heading", name="Overzicht van Ronde 0")).to_be_visible()
    check(page, width, javascript)
    if javascript and width >= 640:
        expect(page.locator("#trend .main-svg").first).to_be_attached()
    else:  # without a script, and on a phone, where plotly cut off its title and legend
        expect(page.locator("#trend-static")).to_be_visible()
        expect(page.locator("#trend")).to_be_hidden()
    _, body = download(
        page,
        page.get_by_text("Download „Gemiddelde score per regio en principe”").get_by_role(
            "link", name="Excel"
        ),
    )
    header = [c.value for c in next(load_workbook(io.BytesIO(body)).active.iter_rows())]
    assert header[:4] == ["Meetronde", "Regio", "n", "Het kind centraal"]

    # Compare, from the top of the overview; a sector added to the chart.
    go(page, page.get_by_role("link", name="Regio's, rondes en sectoren vergelijken"))
    check(page, width, javascript)
    radar_shows(page, "compare-radar", width, javascript)
    page.get_by_role("group", name="Sectoren").get_by_label("gemeente").check()
    go(page, page.get_by_role("button", name="Tonen"))
    expect(
        page.locator("#compare-radar-table").get_by_role(
            "columnheader", name="Regio A · Ronde 0 · gemeente"
        )
    ).to_be_attached()
    check(page, width, javascript)
    radar_shows(page, "compare-radar", width, javascript)

    # The scores export of all regions: DESIGN's file, with its keys.
    name, body = download(
        page, page.get_by_role("link", name="Scores van alle regio's (CSV)").first
    )
    assert name == "scores-ronde-0.csv"
    table = list(csv.reader(io.StringIO(body.decode("utf-8"))))
    assert table[0] == ["round", "region", "sector", "principle", "n", "mean", "sd", "min", "max"]
    assert ["ronde-0", "regio-a", "gemeente"] in [r[:3] for r in table]
