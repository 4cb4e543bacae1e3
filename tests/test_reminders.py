"""`selfscan send-reminders`: who is reminded, when, and that a second run sends nothing twice."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from smtp_mailbox import free_port, link_in, text_of
from sqlmodel import select

from conftest import make_app
from selfscan.models import Invitation, Response
from selfscan.models.types import utcnow
from selfscan.services.invitations import hash_token


@pytest.fixture
def app(mail_app):
    return mail_app


def _run(app):
    return app.test_cli_runner().invoke(args=["send-reminders"])


def _sent(db, invitation, days_ago: float) -> Invitation:
    invitation.sent_at = utcnow() - timedelta(days=days_ago)
    db.add(invitation)
    db.commit()
    return invitation


def _quiet(mailbox, expected: int) -> None:
    time.sleep(0.3)
    assert len(mailbox.messages) == expected


def test_an_unfinished_invitation_is_reminded_once_per_interval(app, world, make, db, mailbox):
    invitation, old_token = make.invitation(world["round"], world["org_a"], email="a@example.org")
    _sent(db, invitation, days_ago=8)

    result = _run(app)
    assert result.exit_code == 0, result.output
    [message] = mailbox.wait_for(1)
    assert message["To"] == "a@example.org"
    assert "Herinnering" in message["Subject"]
    # The reminder carries the same personal link as the invitation, so both mails work.
    assert link_in(message).rsplit("/", 1)[1] == old_token
    db.refresh(invitation)
    assert invitation.token_hash == hash_token(old_token)
    assert invitation.reminded_at is not None and invitation.final_reminder_at is None

    assert _run(app).exit_code == 0
    _quiet(mailbox, 1)


def test_nobody_is_reminded_before_the_interval(app, world, make, db, mailbox):
    invitation, _ = make.invitation(world["round"], world["org_a"])
    _sent(db, invitation, days_ago=6)
    assert _run(app).exit_code == 0
    _quiet(mailbox, 0)


def test_the_interval_is_configurable(app, world, make, db, mailbox):
    app.config["REMINDER_DAYS"] = 3
    invitation, _ = make.invitation(world["round"], world["org_a"])
    _sent(db, invitation, days_ago=4)
    assert _run(app).exit_code == 0
    mailbox.wait_for(1)


def test_submitted_revoked_unsent_and_draft_invitations(app, world, make, db, mailbox):
    submitted, _ = make.invitation(world["round"], world["org_a"], email="done@example.org")
    revoked, _ = make.invitation(world["round"], world["org_a"], email="revoked@example.org")
    make.invitation(world["round"], world["org_a"], email="unsent@example.org")  # never sent
    draft, _ = make.invitation(world["round"], world["org_a"], email="draft@example.org")
    for invitation in (submitted, revoked, draft):
        _sent(db, invitation, days_ago=10)
    revoked.revoked_at = utcnow()
    db.add(revoked)
    for invitation, status in ((submitted, "submitted"), (draft, "draft")):
        db.add(
            Response(
                invitation_id=invitation.id,
                round_id=invitation.round_id,
                region_id=invitation.region_id,
                organisation_id=invitation.organisation_id,
                sector="po",
                status=status,
                submitted_at=utcnow() if status == "submitted" else None,
            )
        )
    db.commit()
    assert _run(app).exit_code == 0
    [message] = mailbox.wait_for(1)
    assert message["To"] == "draft@example.org"  # in progress: reminded
    _quiet(mailbox, 1)


@pytest.mark.parametrize("when", ["planned", "closed"])
def test_rounds_that_are_not_open_send_nothing(app, world, make, db, mailbox, when):
    round_ = world["round"]
    if when == "planned":
        round_.opens_at, round_.closes_at = (
            utcnow() + timedelta(days=1),
            utcnow() + timedelta(days=9),
        )
    else:
        round_.opens_at, round_.closes_at = (
            utcnow() - timedelta(days=30),
            utcnow() - timedelta(days=1),
        )
    db.add(round_)
    db.commit()
    invitation, _ = make.invitation(round_, world["org_a"])
    _sent(db, invitation, days_ago=20)
    assert _run(app).exit_code == 0
    _quiet(mailbox, 0)


def test_a_final_reminder_shortly_before_closing_only_once(app, world, make, db, mailbox):
    round_ = world["round"]
    round_.closes_at = utcnow() + timedelta(days=1)
    db.add(round_)
    db.commit()
    invitation, _ = make.invitation(round_, world["org_a"], email="late@example.org")
    _sent(db, invitation, days_ago=3)

    assert _run(app).exit_code == 0
    [message] = mailbox.wait_for(1)
    assert "Laatste herinnering" in message["Subject"]
    assert "sluit op" in text_of(message)
    db.refresh(invitation)
    assert invitation.final_reminder_at is not None

    assert _run(app).exit_code == 0
    _quiet(mailbox, 1)


def test_an_undelivered_reminder_changes_nothing_and_fails_the_run(
    engine, database_url, world, make, db
):
    invitation, token = make.invitation(world["round"], world["org_a"])
    _sent(db, invitation, days_ago=8)
    app = make_app(database_url, MAIL_HOST="127.0.0.1", MAIL_PORT=free_port(), MAIL_STARTTLS=False)
    result = _run(app)
    assert result.exit_code != 0
    db.refresh(invitation)
    assert invitation.reminded_at is None
    assert invitation.token_hash == hash_token(token)
    app.extensions["selfscan.engine"].dispose()


def test_the_reminder_count_is_reported(app, world, make, db, mailbox):
    for i in range(2):
        invitation, _ = make.invitation(world["round"], world["org_a"], email=f"p{i}@example.org")
        _sent(db, invitation, days_ago=9)
    result = _run(app)
    assert "Sent 2 reminder(s)" in result.output
    assert len(db.exec(select(Invitation).where(Invitation.reminded_at.is_not(None))).all()) == 2
