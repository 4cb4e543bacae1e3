"""Two coordinators become learning partners in Chromium: region A is suggested region B, asks,
B's coordinator turns on sharing and accepts, and then both see each other's contact details
and A reads B's learning agenda; every page axe-core clean."""

from __future__ import annotations

from playwright.sync_api import Browser, expect
from test_learning_partners import build_network

from browser.conftest import assert_accessible
from browser.test_narrow_and_without_js import sign_in
from selfscan.services import agenda
from selfscan.services.agenda import ReflectionInput


def test_suggest_ask_accept_then_contacts_and_the_shared_agenda(
    browser: Browser, live_server, make, db, world
):
    net = build_network(make, db, world)
    agenda.save_reflections(
        db,
        region=net["region_b"],
        round_=net["round"],
        entries={"kind-centraal": ReflectionInput("Ouderpanels in elke wijk", True)},
    )
    db.commit()
    url = live_server.url
    a_context = browser.new_context(locale="nl-NL")
    b_context = browser.new_context(locale="nl-NL")
    try:
        a = a_context.new_page()
        sign_in(a, url, "coordinator-a@example.org")
        a.goto(url + "/regio/regio-a/")
        a.get_by_role("link", name="Leerpartners", exact=True).click()
        suggestions = a.locator("#suggestions")
        expect(suggestions).to_contain_text("Regio B")
        expect(a.locator("body")).not_to_contain_text("coordinator-b@example.org")
        assert_accessible(a)
        suggestions.get_by_role("button", name="Vragen om leerpartners te worden").click()
        expect(a.locator(".flash--success")).to_contain_text("Regio B is gevraagd")
        expect(a.locator("#outgoing")).to_contain_text("Regio B")
        expect(a.locator("body")).not_to_contain_text("coordinator-b@example.org")
        assert_accessible(a)

        b = b_context.new_page()
        sign_in(b, url, "coordinator-b@example.org")
        b.goto(url + "/regio/regio-b/leernetwerk")
        b.get_by_label("Onze leeragenda delen met onze leerpartners").check()
        assert_accessible(b)
        b.get_by_role("button", name="Keuzes opslaan").click()
        incoming = b.locator("#incoming")
        expect(incoming).to_contain_text("Regio A")
        expect(b.locator("body")).not_to_contain_text("coordinator-a@example.org")
        assert_accessible(b)
        incoming.get_by_role("button", name="Aannemen").click()
        expect(b.locator("#partners")).to_contain_text("coordinator-a@example.org")
        assert_accessible(b)

        a.reload()
        partners = a.locator("#partners")
        expect(partners).to_contain_text("coordinator-b@example.org")
        partners.get_by_role("link", name="De leeragenda van Regio B").click()
        expect(a.locator("main")).to_contain_text("Ouderpanels in elke wijk")
        assert_accessible(a)
    finally:
        a_context.close()
        b_context.close()
