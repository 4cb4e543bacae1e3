"""The coordinator sets an ambition and records how a result agreement stands, in a real
browser: with the keyboard-reachable forms, axe-clean, no wider than a 360 px phone; the
dashboard then shows the ambition beside the measured mean and the agreement's state."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect
from test_agreed_positions import THREE_SECTORS
from test_exchange import import_rows

from browser.conftest import assert_accessible
from browser.test_dashboard import sign_in
from conftest import close_round

WIDTH = 360


def fits(page: Page) -> None:
    wide = page.evaluate("document.documentElement.scrollWidth")
    assert wide <= WIDTH, f"{page.url} is {wide} px wide at {WIDTH}"


@pytest.mark.parametrize("width", [WIDTH])
def test_the_coordinator_records_an_ambition_and_an_agreements_state(
    page: Page, live_server, db, world, width
):
    import_rows(db, world["round"], THREE_SECTORS)
    close_round(db, world["round"])
    page.set_viewport_size({"width": width, "height": 900})
    sign_in(page, live_server, "coordinator-a@example.org")
    page.goto(live_server.url + "/regio/regio-a/ambities")
    expect(page.locator("h1")).to_have_text("Ambities en resultaatafspraken")
    assert_accessible(page)
    fits(page)

    # A bad score is named and nothing is stored.
    page.get_by_label("Principe").select_option("kind-centraal")
    page.get_by_label("Nagestreefde score (1 tot en met 5)").fill("7")
    page.get_by_label("Uiterlijk in de ronde").select_option(label="Ronde 1")
    page.get_by_role("button", name="De ambitie toevoegen").click()
    expect(page.locator(".error-summary")).to_contain_text(
        "De nagestreefde score ligt tussen 1 en 5."
    )
    assert_accessible(page)
    fits(page)

    page.get_by_label("Nagestreefde score (1 tot en met 5)").fill("4,5")
    page.get_by_label("Waarom deze ambitie").fill("Ouders willen meer gehoord worden.")
    page.get_by_role("button", name="De ambitie toevoegen").click()
    expect(page.get_by_text("De ambitie is toegevoegd.")).to_be_visible()

    page.get_by_label("Wat de partners hebben afgesproken te bereiken").fill(
        "Elk kind binnen vier weken een passende plek"
    )
    page.get_by_label("Indicator: waaraan het resultaat te zien is").fill("Aantal thuiszitters")
    page.get_by_role("button", name="De resultaatafspraak toevoegen").click()
    expect(page.get_by_text("De resultaatafspraak is toegevoegd.")).to_be_visible()
    assert_accessible(page)
    fits(page)

    page.get_by_role("link", name="Stand van de afspraken in Ronde 1").click()
    expect(page.locator("h1")).to_contain_text("Hoe de resultaatafspraken ervoor staan")
    assert_accessible(page)
    fits(page)
    page.get_by_label("Status").select_option("on_track")
    page.get_by_label("Opmerking").fill("Drie scholen zijn begonnen.")
    page.get_by_role("button", name="De stand van de afspraken opslaan").click()
    expect(page.get_by_text("De stand van de resultaatafspraken is opgeslagen.")).to_be_visible()

    page.goto(live_server.url + "/regio/regio-a/resultaten/ronde-1")
    section = page.locator("section", has=page.locator("#ambitions"))
    expect(section).to_contain_text("Gemeten scores naast de ambities")
    expect(section).to_contain_text("4,5")
    expect(section).to_contain_text("op koers")
    expect(section).to_contain_text("Drie scholen zijn begonnen.")
    assert_accessible(page)
    fits(page)
