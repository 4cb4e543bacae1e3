"""Retention: `selfscan purge` removes personal data of rounds closed longer ago than
SELFSCAN_RETENTION_DAYS, keeps the figures, and does nothing more when run again."""

from __future__ import annotations

from datetime import timedelta

import pytest
from privacy_support import answer_and_submit
from sqlmodel import select

from selfscan.core.scoring import PROGRAMME
from selfscan.models import Invitation, PendingUpload, Response, User
from selfscan.models.types import utcnow
from selfscan.services import privacy, scores, uploads
from selfscan.services.coordinators import deactivate

DAYS = 30


@pytest.fixture
def rounds(world, make, engine):
    """Region A in three rounds: one that closed just outside the retention window, one just
    inside it, and the open one; each with three submitted responses and one silent invitation."""
    now = utcnow()
    long_ago = now - timedelta(days=DAYS * 3)
    outside = make.round("ronde-oud", (world["region_a"],), opens_at=long_ago, title="Oud")
    inside = make.round("ronde-recent", (world["region_a"],), opens_at=long_ago, title="Recent")
    invited: dict[str, list[int]] = {}
    for label, round_ in (("outside", outside), ("inside", inside), ("open", world["round"])):
        invited[label] = []
        for n in range(3):
            invitation, _ = make.invitation(round_, world["org_a"], name=f"Persoon {label} {n}")
            answer_and_submit(engine, invitation.id, 2 + n)
            invited[label].append(invitation.id)
        silent, _ = make.invitation(round_, world["org_a"], name=f"Stil {label}")
        invited[label].append(silent.id)
    # Answered while open; now close them just outside and just inside the window.
    outside.closes_at = now - timedelta(days=DAYS, minutes=5)
    inside.closes_at = now - timedelta(days=DAYS) + timedelta(minutes=5)
    make.db.add_all([outside, inside])
    make.db.commit()
    return {"outside": outside, "inside": inside, "open": world["round"], "ids": invited}


def _people(db, ids):
    rows = db.exec(select(Invitation).where(Invitation.id.in_(ids))).all()
    return {(row.name, row.email) for row in rows}, len(rows)


def test_purge_erases_people_of_rounds_closed_before_the_window_only(
    runner, app, rounds, db, world
):
    app.config["RETENTION_DAYS"] = DAYS
    k = app.config["MIN_GROUP_SIZE"]
    figures = {
        key: scores.round_figures(db, rounds[key], k, viewer=PROGRAMME)
        for key in ("outside", "inside")
    }
    participation = scores.participation(db, rounds["outside"], world["region_a"].id)

    result = runner.invoke(args=["purge"])
    assert result.exit_code == 0, result.output
    assert "4 invitation(s)" in result.output

    people, count = _people(db, rounds["ids"]["outside"])
    assert count == 4  # the rows stay: participation of the old round is unchanged
    assert all(name == "" and email.endswith("@erased.invalid") for name, email in people)
    assert len({email for _, email in people}) == 4
    for key in ("inside", "open"):
        people, _ = _people(db, rounds["ids"][key])
        assert all(name.startswith(("Persoon", "Stil")) for name, _ in people), key
        assert not any(email.endswith("@erased.invalid") for _, email in people), key
    for key, before in figures.items():
        assert scores.round_figures(db, rounds[key], k, viewer=PROGRAMME) == before
    assert scores.participation(db, rounds["outside"], world["region_a"].id) == participation
    # The responses keep their invitation (now nameless), so nothing changed for them.
    assert len(db.exec(select(Response).where(Response.status == "submitted")).all()) == 9


def test_running_purge_twice_is_harmless(runner, app, rounds, db):
    app.config["RETENTION_DAYS"] = DAYS
    assert runner.invoke(args=["purge"]).exit_code == 0
    after_first = _people(db, rounds["ids"]["outside"])
    second = runner.invoke(args=["purge"])
    assert second.exit_code == 0
    assert "0 invitation(s)" in second.output
    assert _people(db, rounds["ids"]["outside"]) == after_first


def test_the_days_option_overrides_the_setting(runner, app, rounds, db):
    app.config["RETENTION_DAYS"] = 10_000
    assert "0 invitation(s)" in runner.invoke(args=["purge"]).output
    result = runner.invoke(args=["purge", "--days", str(DAYS - 1)])
    assert "8 invitation(s)" in result.output
    assert runner.invoke(args=["purge", "--days", "-1"]).exit_code != 0


def test_purge_deletes_deactivated_accounts_unused_for_the_whole_window(db, world, make):
    now = utcnow()
    old = make.user("oud@example.org", regions=(world["region_a"],))
    recent = make.user("recent@example.org", regions=(world["region_a"],))
    active = make.user("actief@example.org", regions=(world["region_a"],))
    for user, last_login in ((old, now - timedelta(days=DAYS + 1)), (recent, now)):
        user.created_at = now - timedelta(days=DAYS + 2)
        user.last_login_at = last_login
        deactivate(db, user)
        db.add(user)
    active.created_at = now - timedelta(days=DAYS + 2)
    db.add(active)
    db.commit()
    assert privacy.purge(db, retention_days=DAYS).accounts == 1
    db.commit()
    left = set(db.exec(select(User.email)).all())
    assert "oud@example.org" not in left
    assert {"recent@example.org", "actief@example.org", world["programme"].email} <= left
    assert privacy.purge(db, retention_days=DAYS).accounts == 0


def _kept_uploads(db, round_, ages: dict[int, float]) -> dict[int, str]:
    """Responses files previewed by each account (by id) that many hours ago and never
    confirmed; their tokens. (Kept first, aged afterwards: keeping a file drops the others
    older than a day.)"""
    tokens = {
        account_id: uploads.keep(
            db,
            account_id=account_id,
            round_=round_,
            filename="antwoorden.csv",
            content="region,organisation,sector\nregio-a,School A,po\n",
        )
        for account_id in ages
    }
    for account_id, hours in ages.items():
        upload = db.exec(select(PendingUpload).where(PendingUpload.account_id == account_id)).one()
        upload.created_at = utcnow() - timedelta(hours=hours)
        db.add(upload)
    db.commit()
    return tokens


def test_purge_deletes_uploads_previewed_more_than_a_day_ago_whatever_the_retention(
    runner, app, db, world, make
):
    app.config["RETENTION_DAYS"] = 10_000  # a day is the limit for previews, not the retention
    late = make.user("laat@example.org", programme=True)
    tokens = _kept_uploads(db, world["round"], {world["programme"].id: 25, late.id: 23})

    result = runner.invoke(args=["purge"])
    assert result.exit_code == 0, result.output
    assert "1 unconfirmed upload(s)" in result.output
    db.expire_all()
    left = db.exec(select(PendingUpload)).all()
    assert [upload.account_id for upload in left] == [late.id]
    assert uploads.find(db, tokens[late.id], late.id) is not None  # still confirmable

    again = runner.invoke(args=["purge"])
    assert "0 unconfirmed upload(s)" in again.output
    assert len(db.exec(select(PendingUpload)).all()) == 1


def test_purge_counts_the_old_upload_of_an_account_it_deletes(db, world, make):
    now = utcnow()
    gone = make.user("weg@example.org", regions=(world["region_a"],))
    _kept_uploads(db, world["round"], {gone.id: 24 * (DAYS + 1)})
    gone.created_at = now - timedelta(days=DAYS + 2)
    deactivate(db, gone)
    db.add(gone)
    db.commit()
    result = privacy.purge(db, retention_days=DAYS)
    db.commit()
    assert (result.accounts, result.uploads) == (1, 1)
    assert db.exec(select(PendingUpload)).all() == []
