"""The respondent's journey in Chromium: open the link, answer part, leave, open the link again,
finish, submit, and read the own profile; a principle page by keyboard alone; axe-core on every
respondent page."""

from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect
from respondent_support import PRINCIPLES, comments, item_keys, stored
from sqlmodel import Session, select

from browser.conftest import assert_accessible
from conftest import close_round
from selfscan.models import Invitation, Response, Round
from selfscan.models.types import utcnow
from selfscan.services import responses
from selfscan.services.responses import PageAnswers


def _submitted_by_someone_else(engine, make, world, value: int) -> None:
    """Another partner in region A who answered every statement with `value` and submitted."""
    invitation, _ = make.invitation(world["round"], world["org_a"])
    spec = make.questionnaire_spec()
    with Session(engine, expire_on_commit=False) as session:
        inv = session.get(Invitation, invitation.id)
        for principle in PRINCIPLES:
            keys = item_keys(spec, principle)
            responses.save_page(session, inv, principle, PageAnswers(dict.fromkeys(keys, value)))
        response = responses.response_of(session, inv)
        responses.submit(session, inv, response, response.revision)
        session.commit()


def _answer_page(page: Page, keys: list[str], value: int) -> None:
    for key in keys:
        page.locator(f"#item-{key}-{value}").check()


def test_journey_with_a_pause_ends_in_the_own_profile(
    page: Page, live_server, world, make, engine, db
):
    for value in (2, 3, 4):
        _submitted_by_someone_else(engine, make, world, value)
    invitation, token = make.invitation(world["round"], world["org_a"], name="Ria Respondent")
    spec = make.questionnaire_spec()
    link = f"{live_server.url}/i/{token}"

    page.goto(link)
    expect(page).to_have_url(f"{live_server.url}/vragenlijst")  # the token is gone from the address
    expect(page.get_by_role("heading", name="Zelfscan Met Andere Ogen")).to_be_visible()
    page.get_by_role("button", name="Begin met de scan").click()
    expect(page.get_by_role("heading", name="Het kind centraal")).to_be_visible()
    expect(page.get_by_text("Stap 1 van 6")).to_be_visible()

    # Part of the first page; JavaScript saves every answer as it is given.
    kc = item_keys(spec, "kind-centraal")
    _answer_page(page, kc[:3], 4)
    page.locator(f"#discuss-{kc[0]}").check()
    expect(page.locator("#progress-text")).to_have_text("3 van 30 stellingen beantwoord (10%)")
    expect(page.locator("#autosave-status")).to_have_text("Je antwoorden zijn opgeslagen.")
    expected = {kc[0]: (4, False, True), kc[1]: (4, False, False), kc[2]: (4, False, False)}
    for _ in range(100):  # the last change's save may still be on its way
        if stored(db, invitation.id) == expected:
            break
        page.wait_for_timeout(100)
    assert stored(db, invitation.id) == expected

    # Leave without pressing any button: the browser forgets everything ...
    page.context.clear_cookies()
    page.goto("about:blank")

    # ... and the link resumes the same response where the person left off.
    page.goto(link)
    page.get_by_role("button", name="Verder waar je was gebleven").click()
    expect(page).to_have_url(f"{live_server.url}/vragenlijst/kind-centraal")
    expect(page.locator(f"#item-{kc[0]}-4")).to_be_checked()
    expect(page.locator(f"#discuss-{kc[0]}")).to_be_checked()
    _answer_page(page, kc[3:], 4)
    page.get_by_label("Toelichting bij dit principe (niet verplicht)").fill("Ouders doen goed mee.")
    page.get_by_role("button", name="Opslaan en naar de volgende pagina").click()
    for principle in PRINCIPLES[1:]:
        expect(page).to_have_url(f"{live_server.url}/vragenlijst/{principle}")
        _answer_page(page, item_keys(spec, principle), 5)
        page.locator("button[name=action][value=next]").click()

    expect(page.get_by_role("heading", name="Controleren en versturen")).to_be_visible()
    expect(page.get_by_text("Je hebt alle stellingen beantwoord.")).to_be_visible()
    page.get_by_role("button", name="Mijn antwoorden versturen").click()

    expect(
        page.get_by_role("heading", name="Dank je wel: je antwoorden zijn ontvangen")
    ).to_be_visible()
    table = page.locator("#profile-table")
    # Own: 4 on the first principle, 5 elsewhere; the region's figures wait for the close.
    expect(table.get_by_role("row", name="Het kind centraal")).to_contain_text("4,00")
    expect(table.get_by_role("row", name="Samen steeds beter worden")).to_contain_text("5,00")
    expect(
        page.get_by_text("De cijfers van je regio verschijnen hier nadat de ronde sluit")
    ).to_be_visible()
    expect(page.locator(".radar-legend")).to_have_text(["Jouw scores"])
    assert_accessible(page)

    # After the round closes the same link shows the region beside them (2, 3, 4 and theirs).
    round_ = db.get(Round, invitation.round_id)
    close_round(db, round_)
    page.context.clear_cookies()
    page.goto(link)
    expect(page).to_have_url(f"{live_server.url}/vragenlijst/profiel")
    expect(table.get_by_role("row", name="Het kind centraal")).to_contain_text("3,25")
    expect(table.get_by_role("row", name="Samen steeds beter worden")).to_contain_text("3,50")
    chart = page.get_by_role("img", name="Radardiagram van de scores per principe")
    expect(chart).to_be_visible()
    expect(page.locator(".radar-legend")).to_have_text(["Jouw scores Gemiddelde van je regio"])
    assert_accessible(page)
    rows = db.exec(select(Response).where(Response.invitation_id == invitation.id)).all()
    assert [r.status for r in rows] == ["submitted"]
    assert comments(db, invitation.id) == {"kind-centraal": "Ouders doen goed mee."}


def test_a_principle_page_with_the_keyboard_alone(page: Page, live_server, world, make, db):
    invitation, token = make.invitation(world["round"], world["org_a"])
    spec = make.questionnaire_spec()
    keys = item_keys(spec, "kind-centraal")
    page.goto(f"{live_server.url}/i/{token}")

    def tab_to(selector: str, limit: int = 40) -> None:
        for _ in range(limit):
            page.keyboard.press("Tab")
            if page.evaluate(f"document.activeElement.matches({selector!r})"):
                return
        raise AssertionError(f"Tab never reached {selector}")

    tab_to("button[type=submit].button")  # start (past the read-aloud control)
    page.keyboard.press("Enter")
    expect(page).to_have_url(f"{live_server.url}/vragenlijst/kind-centraal")
    for index, key in enumerate(keys):
        tab_to(f"input[name='item-{key}']")
        page.keyboard.press("Space")  # chooses the first answer ...
        for _ in range(index % 5):
            page.keyboard.press("ArrowRight")  # ... and the arrows move along the scale
        if index == 0:
            page.keyboard.press("Tab")
            page.keyboard.press("Space")  # "hier wil ik over praten"
    tab_to("textarea")
    page.keyboard.type("Met het toetsenbord")
    tab_to("button[value=next]")
    page.keyboard.press("Enter")
    expect(page).to_have_url(f"{live_server.url}/vragenlijst/geintegreerd-aanbod")
    assert stored(db, invitation.id) == {
        key: (index % 5 + 1, False, index == 0) for index, key in enumerate(keys)
    }
    assert comments(db, invitation.id) == {"kind-centraal": "Met het toetsenbord"}


def test_every_respondent_page_is_accessible_and_fits_360_pixels(
    page: Page, live_server, world, make, engine
):
    _invitation, token = make.invitation(world["round"], world["org_a"])
    base = live_server.url

    def check(path: str | None = None) -> None:
        if path:
            page.goto(base + path)
        assert_accessible(page)
        page.set_viewport_size({"width": 360, "height": 800})
        # Nothing sticks out sideways.
        for _ in range(50):  # (wait_for_function would need 'unsafe-eval')
            if page.evaluate("document.documentElement.scrollWidth") <= 360:
                break
            page.wait_for_timeout(100)
        assert page.evaluate("document.documentElement.scrollWidth") <= 360
        assert_accessible(page)
        page.set_viewport_size({"width": 1100, "height": 900})

    check("/i/not-a-real-token")  # the page for links that do not work
    page.goto(f"{base}/i/{token}")
    check()  # introduction
    page.get_by_role("button", name="Begin met de scan").click()
    for principle in PRINCIPLES:
        check(f"/vragenlijst/{principle}")
    # A value off the scale, as a tampered page would send it.
    page.goto(f"{base}/vragenlijst/kind-centraal")
    page.evaluate(
        "document.querySelector('#item-kc-1-1').value = '9';"
        "document.querySelector('#item-kc-1-1').checked = true;"
        "document.querySelector('form.answers').submit()"
    )
    expect(page.locator(".error-summary")).to_be_visible()
    check()  # a page with an error message
    check("/vragenlijst/controleren")
    check("/vragenlijst/opgeslagen")
    page.goto(f"{base}/vragenlijst/controleren")
    page.get_by_role("button", name="Mijn antwoorden versturen").click()
    check()  # the own profile, before the region reaches k
    check("/vragenlijst/kind-centraal")  # read back after submitting
    with Session(engine, expire_on_commit=False) as session:
        round_ = session.exec(select(Round)).first()
        round_.opens_at = utcnow() + timedelta(days=1)
        round_.closes_at = utcnow() + timedelta(days=9)
        session.add(round_)
        session.commit()
    check("/vragenlijst")  # the round has not opened
    with Session(engine, expire_on_commit=False) as session:
        round_ = session.exec(select(Round)).first()
        round_.opens_at = utcnow() - timedelta(days=9)
        round_.closes_at = utcnow() - timedelta(days=1)
        session.add(round_)
        session.commit()
    check("/vragenlijst")  # the round is closed


@pytest.mark.parametrize("path", ["", "/kind-centraal"])
def test_the_programme_preview_is_accessible(page: Page, live_server, world, path):
    from conftest import PASSWORD

    page.goto(live_server.url + "/inloggen")
    page.get_by_label("E-mailadres").fill("programme@example.org")
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    page.goto(f"{live_server.url}/programma/vragenlijsten/zelfscan-mao/1{path}")
    expect(page.get_by_text("Voorbeeld: zo zien invullers de vragenlijst.")).to_be_visible()
    assert_accessible(page)
