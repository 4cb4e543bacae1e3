"""The API tokens page in a real browser: make a token, use it from a program, revoke it;
axe, CSP, and a name that is an XSS payload stays text."""

from __future__ import annotations

import requests
from playwright.sync_api import Page, expect

from browser.conftest import assert_accessible
from conftest import PASSWORD

NAME = "<img src=x onerror=alert('token')>"


def test_make_use_and_revoke_a_token(page: Page, live_server, world):
    base = live_server.url
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.goto(base + "/inloggen")
    page.get_by_label("E-mailadres").fill("coordinator-a@example.org")
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    page.get_by_role("link", name="API-tokens").click()
    expect(page.get_by_role("heading", name="API-tokens", level=1)).to_be_visible()
    expect(page.get_by_role("rowheader", name="tests")).to_be_visible()  # `world` made one
    assert_accessible(page)

    # Without a name: the form says what is missing.
    page.get_by_role("button", name="Token maken").click()
    expect(page.get_by_text("Geef het token een naam").first).to_be_visible()
    assert_accessible(page)

    page.get_by_label("Naam van het token").fill(NAME)
    page.get_by_role("button", name="Token maken").click()
    token = page.get_by_label("Token", exact=True).input_value()
    assert token.startswith("sst_") and len(token) == 47
    expect(page.get_by_role("rowheader", name=NAME)).to_be_visible()  # the name, as text
    assert_accessible(page)
    assert dialogs == []

    # A program uses it: the person's own regions, no session needed.
    api = f"{base}/api/v1/regions"
    answer = requests.get(api, headers={"Authorization": f"Bearer {token}"}, timeout=10)
    assert answer.status_code == 200 and [r["key"] for r in answer.json()] == ["regio-a"]

    # Shown once: after a reload only its first characters are on the page.
    page.goto(base + "/api-tokens")
    expect(page.get_by_label("Token", exact=True)).to_have_count(0)
    expect(page.get_by_text(token[:10] + "…")).to_be_visible()
    page.get_by_role("button", name=f"{NAME} intrekken").click()
    expect(page.get_by_text("is ingetrokken: het werkt niet meer")).to_be_visible()
    expect(page.get_by_text("ingetrokken op")).to_be_visible()
    assert_accessible(page)
    answer = requests.get(api, headers={"Authorization": f"Bearer {token}"}, timeout=10)
    assert answer.status_code == 401
