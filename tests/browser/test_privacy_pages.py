"""The programme team's privacy page in a real browser: look up, export, erase; axe, CSP, 360 px."""

from __future__ import annotations

import json

from playwright.sync_api import Page, expect
from sqlmodel import select

from browser.conftest import assert_accessible
from conftest import PASSWORD
from selfscan.models import Invitation

EMAIL = "ria@example.org"


def _sign_in(page: Page, base: str) -> None:
    page.goto(base + "/inloggen")
    page.get_by_label("E-mailadres").fill("programme@example.org")
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Inloggen").click()


def test_look_up_export_and_erase_a_person(page: Page, live_server, world, make, db):
    make.invitation(world["round"], world["org_a"], email=EMAIL, name="Ria Smit")
    base = live_server.url
    _sign_in(page, base)
    page.get_by_role("link", name="Privacy").click()
    expect(page.get_by_role("heading", name="Privacyverzoeken")).to_be_visible()
    assert_accessible(page)

    page.get_by_label("E-mailadres").fill(EMAIL)
    page.get_by_role("button", name="Opzoeken").click()
    expect(page.get_by_role("cell", name="School A")).to_be_visible()
    assert_accessible(page)

    with page.expect_download() as download:
        page.get_by_role("button", name="Alles downloaden als JSON").click()
    record = json.loads(download.value.path().read_text(encoding="utf-8"))
    assert record["invitations"][0]["name"] == "Ria Smit"

    # Without the confirmation nothing is erased, and the page says why.
    page.get_by_role("button", name="Deze persoon wissen").click()
    expect(
        page.get_by_text("Vink het vakje aan om het wissen te bevestigen.").first
    ).to_be_visible()
    assert_accessible(page)
    assert db.exec(select(Invitation).where(Invitation.email == EMAIL)).first() is not None

    page.get_by_label("Ja, wis de naam").check()
    page.get_by_role("button", name="Deze persoon wissen").click()
    expect(page.get_by_text("Gewist: 1 uitnodiging(en)")).to_be_visible()
    assert db.exec(select(Invitation).where(Invitation.email == EMAIL)).first() is None


def test_the_privacy_page_fits_360_pixels(page: Page, live_server, world, make):
    make.invitation(world["round"], world["org_a"], email=EMAIL, name="Ria Smit")
    page.set_viewport_size({"width": 360, "height": 800})
    _sign_in(page, live_server.url)
    page.goto(live_server.url + "/programma/privacy")
    page.get_by_label("E-mailadres").fill(EMAIL)
    page.get_by_role("button", name="Opzoeken").click()
    expect(page.get_by_role("button", name="Deze persoon wissen")).to_be_visible()
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0
    assert_accessible(page)
