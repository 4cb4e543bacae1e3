"""The sign-in journey in a real browser."""

from playwright.sync_api import Page, expect

from browser.conftest import assert_accessible
from conftest import PASSWORD


def test_sign_in_page_is_accessible(page: Page, live_server, world):
    page.goto(live_server.url + "/inloggen")
    expect(page.get_by_role("heading", name="Inloggen")).to_be_visible()
    assert_accessible(page)


def test_coordinator_signs_in_sees_own_region_and_signs_out(page: Page, live_server, world):
    page.goto(live_server.url + "/")
    # Not signed in: the start page sends the person to the sign-in page.
    expect(page).to_have_url(live_server.url + "/inloggen?next=/")
    page.get_by_label("E-mailadres").fill("coordinator-a@example.org")
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    expect(page.get_by_role("heading", name="Welkom, Coordinator A")).to_be_visible()
    expect(page.get_by_role("link", name="Regio A", exact=True)).to_be_visible()
    expect(page.get_by_role("link", name="Regio B")).to_have_count(0)
    assert_accessible(page)
    page.get_by_role("button", name="Uitloggen").click()
    expect(page.get_by_text("Je bent uitgelogd.")).to_be_visible()


def test_wrong_password_is_refused_in_dutch_and_english(page: Page, live_server, world):
    page.goto(live_server.url + "/inloggen")
    page.get_by_label("E-mailadres").fill("coordinator-a@example.org")
    page.get_by_label("Wachtwoord").fill("not the password")
    page.get_by_role("button", name="Inloggen").click()
    expect(page.get_by_role("alert")).to_contain_text("horen niet bij een actief account")
    assert_accessible(page)
    page.get_by_role("button", name="English").click()
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "en")
