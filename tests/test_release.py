"""Figures are released when a round closes (DESIGN rule 8): the programme team may close a round
early, after a confirmation; a closed round keeps its dates; before the close a coordinator
reminds those who have not answered from the participation page."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from smtp_mailbox import text_of
from test_exchange import ROWS, import_rows

from conftest import close_round, login
from selfscan.forms import to_local
from selfscan.models import Invitation, Round
from selfscan.models.types import utcnow

DASHBOARD = "/regio/regio-a/resultaten/ronde-1"
CLOSE = "/programma/rondes/ronde-1/sluiten"


@pytest.fixture
def app(mail_app):
    return mail_app


def test_the_programme_team_closes_a_round_early_after_a_confirmation(client, db, world):
    import_rows(db, world["round"], ROWS)
    login(client, world["programme"])
    page = client.get(CLOSE)
    assert page.status_code == 200
    assert "Ronde 1 nu sluiten?" in page.text
    assert "geeft de cijfers vrij" in page.text and "kan niet ongedaan worden gemaakt" in page.text
    assert world["round"].figures_released() is False  # looking is not closing
    answer = client.post(CLOSE)
    assert answer.headers["Location"] == "/programma/overzicht/ronde-1"
    round_ = db.get(Round, world["round"].id)
    db.refresh(round_)
    assert round_.figures_released()
    assert utcnow() - round_.closes_at < timedelta(minutes=1)
    assert "3,83" in client.get(DASHBOARD).text  # the figures are there at once
    # A closed round cannot be closed again.
    assert client.post(CLOSE).headers["Location"] == "/programma/rondes/ronde-1"


def test_only_the_programme_team_closes_a_round(client, db, world):
    login(client, world["coordinator_a"])
    assert client.get(CLOSE).status_code == 403
    assert client.post(CLOSE).status_code == 403
    db.refresh(world["round"])
    assert not world["round"].figures_released()


def _dates(round_: Round, **changes) -> dict[str, str]:
    form = {
        "title": round_.title,
        "opens_at": to_local(round_.opens_at).strftime("%Y-%m-%dT%H:%M"),
        "closes_at": to_local(round_.closes_at).strftime("%Y-%m-%dT%H:%M"),
    }
    return {**form, **changes}


def test_a_closed_round_keeps_its_dates_but_not_its_title(client, db, world):
    close_round(db, world["round"])
    login(client, world["programme"])
    later = to_local(utcnow() + timedelta(days=10)).strftime("%Y-%m-%dT%H:%M")
    answer = client.post("/programma/rondes/ronde-1", data=_dates(world["round"], closes_at=later))
    assert answer.status_code == 400
    assert "de datums kunnen niet meer veranderen" in answer.text
    db.refresh(world["round"])
    assert world["round"].figures_released()  # not opened again for one more response
    answer = client.post("/programma/rondes/ronde-1", data=_dates(world["round"], title="Voorjaar"))
    assert answer.status_code == 302
    db.refresh(world["round"])
    assert world["round"].title == "Voorjaar"


def test_a_closing_moment_in_the_past_goes_through_the_confirmation(client, db, world):
    login(client, world["programme"])
    past = to_local(utcnow() - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
    answer = client.post("/programma/rondes/ronde-1", data=_dates(world["round"], closes_at=past))
    assert answer.status_code == 400
    assert "Deze ronde nu sluiten" in answer.text
    db.refresh(world["round"])
    assert not world["round"].figures_released()


# --- reminding from the participation page -------------------------------------------------------


def _mailed(db, invitation: Invitation, days_ago: float) -> None:
    invitation.sent_at = utcnow() - timedelta(days=days_ago)
    db.add(invitation)
    db.commit()


def test_remind_those_who_have_not_answered(client, db, make, world, mailbox):
    waiting, _ = make.invitation(world["round"], world["org_a"], email="wacht@example.org")
    fresh, _ = make.invitation(world["round"], world["org_a"], email="vers@example.org")
    elsewhere, _ = make.invitation(world["round"], world["org_b"], email="elders@example.org")
    for invitation, days in ((waiting, 3), (fresh, 0.1), (elsewhere, 3)):
        _mailed(db, invitation, days)
    login(client, world["coordinator_a"])
    page = client.get(DASHBOARD).text
    assert "Herinneringen nu versturen" in page
    answer = client.post("/regio/regio-a/rondes/ronde-1/herinneren")
    assert answer.headers["Location"] == DASHBOARD
    [message] = mailbox.wait_for(1)
    assert message["To"] == "wacht@example.org"
    assert "Herinnering" in message["Subject"]
    assert "/i/" in text_of(message)
    notices = client.get(DASHBOARD).text
    assert "1 herinnering is verstuurd." in notices
    assert "1 persoon kreeg het afgelopen etmaal al een mail" in notices
    db.refresh(waiting)
    assert waiting.reminded_at is not None
    # A second click sends nothing: everyone had a mail within the day.
    client.post("/regio/regio-a/rondes/ronde-1/herinneren")
    time.sleep(0.3)
    assert len(mailbox.messages) == 1


def test_no_reminders_once_the_round_has_closed(client, db, make, world, mailbox):
    waiting, _ = make.invitation(world["round"], world["org_a"])
    _mailed(db, waiting, 3)
    close_round(db, world["round"])
    login(client, world["coordinator_a"])
    assert "Herinneringen nu versturen" not in client.get(DASHBOARD).text
    assert client.post("/regio/regio-a/rondes/ronde-1/herinneren").status_code == 400
    time.sleep(0.3)
    assert mailbox.messages == []
