"""The pages that compare rounds of two questionnaire versions, with professionals beside
parents: the version note and the perspectives table are accessible at 1280 and 360 px."""

from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect
from test_exchange import import_rows, row

from browser.conftest import assert_accessible
from browser.test_dashboard import sign_in
from conftest import close_round
from selfscan.models.types import utcnow


@pytest.fixture
def two_versions(make, db, world):
    first = world["round"]
    import_rows(db, first, [row("regio-a", "School A", "po", v) for v in "234"])
    close_round(db, first)
    now = utcnow()
    second = make.round(
        "ronde-2",
        (world["region_a"], world["region_b"]),
        opens_at=now - timedelta(minutes=1),
        title="Ronde 2",
        version=2,
    )
    rows = [row("regio-a", "School A", "po", v) for v in "345"]
    rows += [row("regio-a", "Ouderraad A", "ouders", v) for v in "455"]
    import_rows(db, second, rows)
    close_round(db, second)


@pytest.mark.parametrize("width", [1280, 360])
def test_version_note_and_perspectives_are_accessible(page: Page, live_server, two_versions, width):
    page.set_viewport_size({"width": width, "height": 900})
    sign_in(page, live_server, "coordinator-a@example.org")
    page.goto(live_server.url + "/regio/regio-a/resultaten/ronde-2")
    expect(page.get_by_text("Andere versie van de vragenlijst.")).to_be_visible()
    expect(page.locator("#perspectives-table")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert_accessible(page)
    page.goto(
        live_server.url + "/vergelijken?round=ronde-1&round=ronde-2&region=regio-a&sector=all"
    )
    expect(page.get_by_text("Andere versie van de vragenlijst.")).to_be_visible()
    assert_accessible(page)


def test_the_overview_with_a_version_note_is_accessible(page: Page, live_server, two_versions):
    sign_in(page, live_server, "programme@example.org")
    page.goto(live_server.url + "/programma/overzicht/ronde-2")
    expect(page.get_by_text("Andere versie van de vragenlijst.").first).to_be_visible()
    assert_accessible(page)
