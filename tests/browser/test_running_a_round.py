"""Running a round in a real browser: the programme team creates a round, a coordinator
invites two partners from a pasted list, the mails arrive at a real SMTP server, a partner
opens the link from the mail and submits, and the coordinator sees the status change."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from playwright.sync_api import Browser, Page, expect
from smtp_mailbox import link_in, mail_config
from sqlalchemy import Engine

from browser.conftest import LiveServer, assert_accessible
from conftest import PASSWORD, make_app
from selfscan.forms import to_local
from selfscan.models.types import utcnow


@pytest.fixture
def mail_server(engine: Engine, database_url: str, mailbox) -> Iterator[LiveServer]:
    """The app on a live local server, sending mail to the test SMTP server."""
    server = LiveServer(make_app(database_url, **mail_config(mailbox.port)))
    server.app.config["BASE_URL"] = server.url  # links in mails lead back to this server
    with server:
        yield server


def _sign_in(page: Page, url: str, email: str) -> None:
    page.goto(url + "/inloggen")
    page.get_by_label("E-mailadres").fill(email)
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    expect(page.get_by_role("heading", name="Welkom", exact=False)).to_be_visible()


def _sign_out(page: Page) -> None:
    page.get_by_role("button", name="Uitloggen").click()


def _moment(delta: timedelta) -> str:
    return to_local(utcnow() + delta).strftime("%Y-%m-%dT%H:%M")


def test_programme_round_to_invitations_to_a_submitted_response(
    page: Page, browser: Browser, mail_server: LiveServer, mailbox, world
):
    url = mail_server.url

    # The programme team creates a round for Regio A.
    _sign_in(page, url, "programme@example.org")
    page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Rondes").click()
    assert_accessible(page)
    page.get_by_role("link", name="Nieuwe ronde").click()
    assert_accessible(page)
    page.get_by_label("Titel").fill("Voorjaar 2027")  # its key: voorjaar-2027, from the title
    page.get_by_label("Opent op").fill(_moment(-timedelta(hours=1)))
    page.get_by_label("Sluit op").fill(_moment(timedelta(days=21)))
    page.get_by_role("group", name="Deelnemende regio's").get_by_label("Regio A").check()
    page.get_by_role("button", name="Ronde aanmaken").click()
    expect(page.get_by_text("De ronde is aangemaakt.")).to_be_visible()
    row = page.get_by_role("row", name="Voorjaar 2027")
    expect(row.get_by_text("open", exact=True)).to_be_visible()
    row.get_by_role("link", name="Voorjaar 2027").click()
    assert_accessible(page)
    # The other programme pages of this issue pass the same checks.
    for path in (
        "/programma/regios",
        "/programma/regios/nieuw",
        "/programma/regios/regio-a/bewerken",
        "/programma/coordinatoren",
        "/programma/coordinatoren/nieuw",
        f"/programma/coordinatoren/{world['coordinator_a'].id}",
    ):
        page.goto(url + path)
        assert_accessible(page)
    _sign_out(page)

    # The coordinator of Regio A invites two partners from a pasted list.
    _sign_in(page, url, "coordinator-a@example.org")
    page.get_by_role("link", name="Regio A").first.click()
    assert_accessible(page)
    page.get_by_role("link", name="Uitnodigingen en respons · Voorjaar 2027").click()
    assert_accessible(page)
    list_field = page.get_by_label("Plak een lijst")
    list_field.fill("Anna de Vries;anna@example.org;School A\nBob;bob-at-example.org;School A\n")
    page.get_by_role("button", name="Iedereen op de lijst uitnodigen").click()
    expect(page.get_by_text("Regel 2:")).to_be_visible()  # nothing stored until the list is clean
    expect(page.get_by_text("Er is nog niemand uitgenodigd.")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Plak een lijst").fill(
        "Anna de Vries;anna@example.org;School A\nBob Bakker;bob@example.org;School A\n"
    )
    page.get_by_role("button", name="Iedereen op de lijst uitnodigen").click()
    expect(page.get_by_text("2 uitnodigingen zijn verstuurd.")).to_be_visible()
    anna_row = page.get_by_role("row", name="Anna de Vries")
    expect(anna_row.locator("[data-status]")).to_have_attribute("data-status", "sent")
    assert_accessible(page)
    invitations_url = page.url.split("#")[0]  # without the fragment: a fragment only scrolls

    # The mails arrive at the SMTP server, each with a personal link.
    messages = mailbox.wait_for(2)
    assert {m["To"] for m in messages} == {"anna@example.org", "bob@example.org"}
    [anna_mail] = [m for m in messages if m["To"] == "anna@example.org"]
    link = link_in(anna_mail)
    assert link.startswith(url + "/i/")

    # Anna opens the link from the mail in her own browser and submits.
    context = browser.new_context(locale="nl-NL")
    respondent = context.new_page()
    respondent.goto(link)
    expect(respondent).to_have_url(url + "/vragenlijst")
    respondent.get_by_role("button", name="Begin met de scan").click()
    expect(
        respondent.get_by_role("button", name="Opslaan en naar de volgende pagina")
    ).to_be_visible()
    page.goto(invitations_url)
    expect(
        page.get_by_role("row", name="Anna de Vries").locator("[data-status]")
    ).to_have_attribute("data-status", "in_progress")
    for _ in range(4):
        respondent.get_by_role("button", name="Opslaan en naar de volgende pagina").click()
    respondent.get_by_role("button", name="Opslaan en antwoorden controleren").click()
    respondent.get_by_role("button", name="Mijn antwoorden versturen").click()
    expect(respondent).not_to_have_url(url + "/vragenlijst/controleren")
    context.close()

    # The coordinator sees the status change.
    page.goto(invitations_url)
    expect(
        page.get_by_role("row", name="Anna de Vries").locator("[data-status]")
    ).to_have_attribute("data-status", "submitted")
    expect(page.get_by_role("row", name="Bob Bakker").locator("[data-status]")).to_have_attribute(
        "data-status", "sent"
    )
    assert_accessible(page)


def test_coordinator_pages_for_organisations_and_the_learning_agenda_are_accessible(
    page: Page, mail_server: LiveServer, world
):
    url = mail_server.url
    _sign_in(page, url, "coordinator-a@example.org")
    page.goto(url + "/regio/regio-a/organisaties")
    assert_accessible(page)
    page.get_by_label("Naam van de organisatie").fill("Ouderraad")
    page.get_by_label("Sector").select_option("ouders")
    page.get_by_role("button", name="Organisatie toevoegen").click()
    expect(page.get_by_text("Ouderraad is toegevoegd.")).to_be_visible()
    page.get_by_role("link", name="Ouderraad bewerken").click()
    assert_accessible(page)

    page.goto(url + "/regio/regio-a/rondes/ronde-1/leeragenda")
    assert_accessible(page)
    page.get_by_role("button", name="Reflecties opslaan").click()  # no focus chosen yet
    expect(page.get_by_text("Kies één tot drie focusprincipes")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("group", name="Het kind centraal").get_by_label("Reflectie").fill(
        "Ouders ontbreken."
    )
    page.get_by_role("group", name="Het kind centraal").get_by_label("Focusprincipe").check()
    page.get_by_role("button", name="Reflecties opslaan").click()
    expect(page.get_by_text("De reflecties zijn opgeslagen.")).to_be_visible()
    page.get_by_label("Wat er gebeurt").fill("Ouderpanel opzetten")
    page.get_by_label("Eigenaar").fill("Gemeente")
    page.get_by_label("Klaar op").fill("2027-01-15")
    page.get_by_role("button", name="Actie toevoegen").click()
    expect(page.get_by_role("row", name="Ouderpanel opzetten")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Bewerken Ouderpanel opzetten").click()
    assert_accessible(page)


def test_password_reset_pages_are_accessible(page: Page, mail_server: LiveServer, mailbox, world):
    url = mail_server.url
    page.goto(url + "/inloggen")
    page.get_by_role("link", name="Wachtwoord vergeten?").click()
    assert_accessible(page)
    page.get_by_label("E-mailadres").fill("coordinator-a@example.org")
    page.get_by_role("button", name="Stuur de link").click()
    expect(page.get_by_text("Als er een account met dat adres is")).to_be_visible()
    [message] = mailbox.wait_for(1)
    reset = next(
        w
        for w in message.get_body(preferencelist=("plain",)).get_content().split()
        if "/wachtwoord/" in w
    )
    page.goto(reset)
    assert_accessible(page)
    page.get_by_label("Nieuw wachtwoord").fill("een nieuw lang wachtwoord")
    page.get_by_label("Herhaal het nieuwe wachtwoord").fill("een nieuw lang wachtwoord")
    page.get_by_role("button", name="Wachtwoord opslaan").click()
    expect(page.get_by_text("Je wachtwoord is ingesteld.")).to_be_visible()
    page.goto(reset)
    expect(page.get_by_role("heading", name="Deze link werkt niet meer")).to_be_visible()
    assert_accessible(page)


@pytest.mark.parametrize(
    "path",
    [
        "/regio/regio-a/rondes/ronde-1/uitnodigingen",
        "/regio/regio-a/rondes/ronde-1/leeragenda",
        "/regio/regio-a/organisaties",
    ],
)
def test_coordinator_pages_work_360_pixels_wide(
    page: Page, mail_server: LiveServer, world, make, path
):
    make.invitation(world["round"], world["org_a"], name="Iemand Met Een Lange Naam")
    page.set_viewport_size({"width": 360, "height": 740})
    _sign_in(page, mail_server.url, "coordinator-a@example.org")
    page.goto(mail_server.url + path)
    # Wide tables scroll inside their own box; the page itself never scrolls sideways.
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert_accessible(page)
