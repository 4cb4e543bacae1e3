"""A coordinator's round in Chromium: from the start page to the open round's dashboard, reminding
those who have not answered (the mails arrive at a real SMTP server, only to them, with their own
link), then to the last closed round's results and its downloads: Excel in the reader's words and
language, CSV as DESIGN's scores export."""

from __future__ import annotations

import csv
import io
import re
from datetime import timedelta
from typing import Any

import pytest
from openpyxl import load_workbook
from playwright.sync_api import Browser, Page, expect
from smtp_mailbox import link_in
from sqlalchemy import Engine
from sqlmodel import Session, select
from test_exchange import ROWS, import_rows

from browser.conftest import assert_accessible
from browser.test_running_a_round import mail_server  # noqa: F401  (the fixture)
from conftest import PASSWORD
from selfscan.core.vocabulary import PRINCIPLE_KEYS
from selfscan.models import Invitation, Item, QuestionnaireVersion, Round
from selfscan.models.types import utcnow
from selfscan.services import invitations, responses
from selfscan.services.responses import PageAnswers

DUTCH_HEADER = [
    "Meetronde",
    "Regio",
    "Sector",
    "Principe",
    "n",
    "Gemiddelde",
    "Standaarddeviatie",
    "Laagste",
    "Hoogste",
]
DUTCH_PRINCIPLES = {
    "Het kind centraal",
    "Samenwerken aan een geïntegreerd aanbod",
    "Inclusief, passend en zo nabij mogelijk",
    "Partnerschap en regievoering",
    "Samen steeds beter worden",
}
# Keys whose words differ from them ("gemeente" is both the key and the Dutch word).
KEYS = {*PRINCIPLE_KEYS, "all", "other", "po", "vo", "ronde-0", "ronde-1", "regio-a", "regio-b"}


def _answer_one_page(engine: Engine, invitation_id: int) -> None:
    """A draft: the first principle's page answered, nothing submitted."""
    with Session(engine, expire_on_commit=False) as session:
        invitation = session.get(Invitation, invitation_id)
        round_ = session.get(Round, invitation.round_id)
        version = session.get(QuestionnaireVersion, round_.questionnaire_version_id)
        items = session.exec(
            select(Item).where(
                Item.questionnaire_version_id == version.id, Item.principle == PRINCIPLE_KEYS[0]
            )
        ).all()
        answers = PageAnswers({item.key: 3 for item in items}, discuss=frozenset(), comment="")
        responses.save_page(session, invitation, PRINCIPLE_KEYS[0], answers)
        session.commit()


@pytest.fixture
def season(db, engine, world, make) -> dict[str, Any]:
    """Region a: Ronde 0 closed with released figures; in the open Ronde 1 people in every state
    a reminder cares about, and one of region b who is not coordinator a's to remind."""
    from privacy_support import answer_and_submit

    now = utcnow()
    earlier = make.round(
        "ronde-0",
        (world["region_a"],),
        title="Ronde 0",
        opens_at=now - timedelta(days=200),
        closes_at=now - timedelta(days=150),
    )
    import_rows(db, earlier, [r for r in ROWS if r[0] == "regio-a"])
    people: dict[str, tuple[Invitation, str]] = {}
    for name, sent_hours_ago, organisation in (
        ("anna", 72, world["org_a"]),  # sent, not started: reminded
        ("bob", 72, world["org_a"]),  # a draft: reminded
        ("carla", 72, world["org_a"]),  # submitted: not reminded
        ("dirk", 72, world["org_a"]),  # revoked: not reminded
        ("eva", 2, world["org_a"]),  # mailed two hours ago: skipped
        ("frits", None, world["org_a"]),  # never sent: not reminded
        ("bert", 72, world["org_b"]),  # region b: not coordinator a's
    ):
        invitation, token = make.invitation(
            world["round"], organisation, email=f"{name}@example.org", name=name.title()
        )
        if sent_hours_ago is not None:
            invitation.sent_at = now - timedelta(hours=sent_hours_ago)
        people[name] = (invitation, token)
    invitations.revoke(db, people["dirk"][0])
    db.commit()
    _answer_one_page(engine, people["bob"][0].id)
    answer_and_submit(engine, people["carla"][0].id)
    return people


def _sign_in(page: Page, url: str, email: str) -> None:
    page.goto(url + "/inloggen")
    page.get_by_label("E-mailadres").fill(email)
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    expect(page.get_by_role("button", name="Uitloggen")).to_be_visible()


def _download(page: Page, link: str) -> tuple[str, bytes]:
    with page.expect_download() as info:
        page.get_by_role("link", name=link, exact=True).click()
    download = info.value
    assert download.failure() is None
    with open(download.path(), "rb") as handle:
        return download.suggested_filename, handle.read()


def _sheet(body: bytes) -> list[list[object]]:
    sheet = load_workbook(io.BytesIO(body)).active
    return [[cell.value for cell in line] for line in sheet.iter_rows()]


def test_a_coordinator_reminds_the_unanswered_and_downloads_the_scores(
    page: Page,
    browser: Browser,
    mail_server,  # noqa: F811
    mailbox,
    db,
    season,
):
    base = mail_server.url
    _sign_in(page, base, "coordinator-a@example.org")

    # --- reminders, from the start page to the open round's dashboard ---------------------------
    page.get_by_role("link", name="Respons per sector · Regio A").click()
    expect(
        page.get_by_role("heading", name="Herinner wie nog niet heeft gereageerd")
    ).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Herinneringen nu versturen").click()
    expect(page.get_by_text("2 herinneringen zijn verstuurd.")).to_be_visible()
    expect(
        page.get_by_text(
            "1 persoon kreeg het afgelopen etmaal al een mail en is niet opnieuw herinnerd."
        )
    ).to_be_visible()
    messages = mailbox.wait_for(2)
    page.wait_for_timeout(300)  # nothing else is on its way
    assert sorted(m["To"] for m in mailbox.messages) == ["anna@example.org", "bob@example.org"]
    for message in messages:
        assert "Herinnering" in message["Subject"]
        name = message["To"].split("@")[0]
        # The reminder carries the person's own link, the one of the invitation.
        assert link_in(message) == f"{base}/i/{season[name][1]}"
    reminded = {
        i.email.split("@")[0]
        for i in db.exec(select(Invitation).where(Invitation.reminded_at.is_not(None)))  # type: ignore[union-attr]
    }
    assert reminded == {"anna", "bob"}

    # The link in the mail works: Bob continues his draft.
    respondent = browser.new_context(locale="nl-NL").new_page()
    respondent.goto(link_in(mailbox.to("bob@example.org")[0]))
    expect(respondent.get_by_role("button", name="Verder waar je was gebleven")).to_be_visible()
    respondent.context.close()

    # A second click (or a colleague's) floods nobody.
    page.get_by_role("button", name="Herinneringen nu versturen").click()
    expect(
        page.get_by_text(
            "3 personen kregen het afgelopen etmaal al een mail en zijn niet opnieuw herinnerd."
        )
    ).to_be_visible()
    page.wait_for_timeout(300)
    assert len(mailbox.messages) == 2

    # --- downloads, from the start page to the last closed round's results ----------------------
    page.get_by_role("link", name=re.compile("^Selfscan")).click()  # the start page
    page.get_by_role("link", name="Resultaten van Ronde 0 · Regio A").click()
    expect(page.get_by_role("heading", name="Downloaden")).to_be_visible()
    assert_accessible(page)

    name, body = _download(page, "Scores (Excel)")
    assert name == "scores-ronde-0-regio-a.xlsx"
    values = _sheet(body)
    assert values[0] == DUTCH_HEADER
    rows = values[1:]
    assert rows, "the region's figures are in the workbook"
    assert {r[0] for r in rows} == {"Ronde 0"} and {r[1] for r in rows} == {"Regio A"}
    assert {r[2] for r in rows} == {"alle sectoren", "gemeente"}  # po and vo are hidden (rule 5)
    assert {r[3] for r in rows} == DUTCH_PRINCIPLES
    assert rows[0][:6] == ["Ronde 0", "Regio A", "alle sectoren", "Het kind centraal", 6, 3.83]
    cells = {c for line in values for c in line if isinstance(c, str)}
    assert not cells & KEYS, cells & KEYS

    # The CSV is DESIGN's scores export for other systems: its columns and keys, the same rows.
    name, body = _download(page, "Scores (CSV)")
    assert name == "scores-ronde-0-regio-a.csv"
    table = list(csv.reader(io.StringIO(body.decode("utf-8"))))
    assert table[0] == ["round", "region", "sector", "principle", "n", "mean", "sd", "min", "max"]
    assert table[1][:6] == ["ronde-0", "regio-a", "all", "kind-centraal", "6", "3.83"]
    assert len(table) == len(values)

    # In English, the workbook speaks English.
    page.get_by_role("button", name="English").click()
    expect(page.get_by_role("heading", name="Download")).to_be_visible()
    _, body = _download(page, "Scores (Excel)")
    english = _sheet(body)
    assert english[0][:4] == ["Round", "Region", "Sector", "Principle"]
    assert english[1][:4] == ["Ronde 0", "Regio A", "all sectors", "The child at the centre"]
    assert not {c for line in english for c in line if isinstance(c, str)} & KEYS
