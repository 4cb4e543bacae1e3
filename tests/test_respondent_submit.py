"""Submitting exactly once: double clicks, replayed forms, two tabs, two devices and concurrent
requests give one submission of one version of the answers, and every path says "received"."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from respondent_support import (
    answer_all,
    comments,
    current_revision,
    enter,
    page_form,
    response_of,
    stored,
)
from sqlmodel import select

from selfscan.models import Response
from selfscan.models.types import utcnow

RECEIVED = "je antwoorden zijn ontvangen"


@pytest.fixture
def invited(world, make):
    return make.invitation(world["round"], world["org_a"], name="Ria Respondent")


@pytest.fixture
def answering(client, invited):
    invitation, token = invited
    enter(client, token)
    return invitation


def _submit(client, revision):
    return client.post("/vragenlijst/versturen", data={"revision": str(revision)})


def test_submitting_the_reviewed_version_submits_and_shows_received(client, answering, db, make):
    answer_all(client, make.questionnaire_spec())
    revision = current_revision(db, answering.id)
    response = _submit(client, revision)
    assert response.status_code == 302
    assert response.headers["Location"] == "/vragenlijst/profiel"
    row = response_of(db, answering.id)
    assert row.status == "submitted"
    assert row.submitted_at is not None
    assert row.revision == revision + 1
    assert RECEIVED in client.get("/vragenlijst/profiel").get_data(as_text=True).lower()


def test_a_double_click_or_replayed_form_finds_it_received_and_changes_nothing(
    client, answering, db
):
    client.post("/vragenlijst/kind-centraal", data=page_form({"kc-1": 4}))
    revision = current_revision(db, answering.id)
    _submit(client, revision)
    first = response_of(db, answering.id)
    again = _submit(client, revision)
    assert again.headers["Location"] == "/vragenlijst/profiel"
    assert RECEIVED in client.get(again.headers["Location"]).get_data(as_text=True).lower()
    later = response_of(db, answering.id)
    assert (later.submitted_at, later.revision) == (first.submitted_at, first.revision)


def test_after_submitting_answers_are_read_only(client, answering, db):
    client.post("/vragenlijst/kind-centraal", data=page_form({"kc-1": 4}))
    _submit(client, current_revision(db, answering.id))
    revision = current_revision(db, answering.id)
    replay = client.post("/vragenlijst/kind-centraal", data=page_form({"kc-1": 1, "kc-2": 2}))
    assert replay.headers["Location"] == "/vragenlijst/profiel"
    autosave = client.post(
        "/vragenlijst/kind-centraal/automatisch-opslaan",
        data=page_form({"kc-1": 1}),
        headers={"Accept": "application/json"},
    )
    assert autosave.status_code == 409
    assert stored(db, answering.id) == {"kc-1": (4, False, False)}
    assert current_revision(db, answering.id) == revision
    page = client.get("/vragenlijst/kind-centraal").get_data(as_text=True)
    assert "disabled" in page
    assert 'action="/vragenlijst/kind-centraal"' not in page
    assert client.get("/vragenlijst/controleren").headers["Location"] == "/vragenlijst/profiel"
    assert client.get("/vragenlijst").headers["Location"] == "/vragenlijst/profiel"


def test_autosave_after_submission_elsewhere_is_refused(app, invited, db):
    invitation, token = invited
    tab_a, tab_b = app.test_client(), app.test_client()
    enter(tab_a, token)
    enter(tab_b, token)
    tab_a.post("/vragenlijst/kind-centraal", data=page_form({"kc-1": 4}))
    _submit(tab_a, current_revision(db, invitation.id))
    response = tab_b.post(
        "/vragenlijst/kind-centraal/automatisch-opslaan",
        data=page_form({"kc-1": 1}),
        headers={"Accept": "application/json"},
    )
    assert response.status_code == 409
    assert response.json["saved"] is False
    assert stored(db, invitation.id) == {"kc-1": (4, False, False)}


def test_answers_changed_in_another_tab_after_review_are_not_submitted_unseen(app, invited, db):
    invitation, token = invited
    tab_a, tab_b = app.test_client(), app.test_client()
    enter(tab_a, token)
    enter(tab_b, token)
    tab_a.post("/vragenlijst/kind-centraal", data=page_form({"kc-1": 4}))
    reviewed = current_revision(db, invitation.id)  # tab A opens the review page
    tab_b.post("/vragenlijst/kind-centraal", data=page_form({"kc-1": 1}))
    response = _submit(tab_a, reviewed)
    assert response.headers["Location"] == "/vragenlijst/controleren"
    assert response_of(db, invitation.id).status == "draft"
    assert "in een ander venster gewijzigd" in tab_a.get("/vragenlijst/controleren").get_data(
        as_text=True
    )
    # Submitting what is now shown works, from either tab.
    assert (
        _submit(tab_a, current_revision(db, invitation.id)).headers["Location"].endswith("/profiel")
    )
    assert response_of(db, invitation.id).status == "submitted"
    assert stored(db, invitation.id) == {"kc-1": (1, False, False)}
    assert _submit(tab_b, reviewed).headers["Location"] == "/vragenlijst/profiel"


@pytest.mark.parametrize("revision", ["", "abc", "-1"])
def test_a_tampered_submit_form_is_refused_and_submits_nothing(client, answering, db, revision):
    response = client.post("/vragenlijst/versturen", data={"revision": revision})
    assert response.status_code == 400
    assert response_of(db, answering.id).status == "draft"


def test_a_submit_without_csrf_token_is_refused(client, answering, db):
    response = client.post(
        "/vragenlijst/versturen",
        data={"revision": str(current_revision(db, answering.id))},
        csrf=False,
    )
    assert response.status_code == 400
    assert response_of(db, answering.id).status == "draft"


def test_no_submission_after_the_round_closed_whatever_the_browser_sends(
    client, answering, db, world
):
    revision = current_revision(db, answering.id)
    round_ = world["round"]
    round_.closes_at = utcnow() - timedelta(minutes=1)
    db.add(round_)
    db.commit()
    response = _submit(client, revision)
    assert response.status_code == 403
    assert response_of(db, answering.id).status == "draft"


def test_concurrent_submits_from_many_devices_submit_exactly_once(app, invited, db):
    invitation, token = invited
    clients = [app.test_client() for _ in range(6)]
    for c in clients:
        enter(c, token)
    clients[0].post("/vragenlijst/kind-centraal", data=page_form({"kc-1": 5}))
    revision = current_revision(db, invitation.id)
    barrier = threading.Barrier(len(clients))
    results: list[str] = []

    def go(c) -> None:
        barrier.wait(timeout=30)
        results.append(_submit(c, revision).headers.get("Location", "error"))

    threads = [threading.Thread(target=go, args=(c,)) for c in clients]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert results == ["/vragenlijst/profiel"] * len(clients)
    rows = db.exec(select(Response).where(Response.invitation_id == invitation.id)).all()
    assert len(rows) == 1
    assert rows[0].status == "submitted"
    assert rows[0].revision == revision + 1  # moved forward by exactly one submission


def test_concurrent_saves_and_a_submit_never_mix_versions(app, invited, db):
    invitation, token = invited
    submitter, savers = app.test_client(), [app.test_client() for _ in range(4)]
    for c in (submitter, *savers):
        enter(c, token)
    submitter.post("/vragenlijst/kind-centraal", data=page_form({"kc-1": 5}))
    revision = current_revision(db, invitation.id)
    barrier = threading.Barrier(1 + len(savers))
    codes: list[int] = []

    def save(c, value) -> None:
        barrier.wait(timeout=30)
        codes.append(
            c.post("/vragenlijst/kind-centraal", data=page_form({"kc-1": value})).status_code
        )

    def submit() -> None:
        barrier.wait(timeout=30)
        codes.append(_submit(submitter, revision).status_code)

    threads = [threading.Thread(target=submit)] + [
        threading.Thread(target=save, args=(c, n)) for n, c in enumerate(savers, start=1)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert codes.count(302) == len(codes)
    row = response_of(db, invitation.id)
    if row.status == "submitted":
        # The submit won the race: it holds exactly the reviewed answer, and every save after
        # it was refused.
        assert stored(db, invitation.id) == {"kc-1": (5, False, False)}
    else:
        # A save came first, so the reviewed version was out of date and nothing was submitted.
        assert row.revision > revision


def test_concurrent_saves_of_one_page_from_several_devices_all_succeed(app, invited, db):
    invitation, token = invited
    devices = [app.test_client() for _ in range(5)]
    for device in devices:
        enter(device, token)
    barrier = threading.Barrier(len(devices))
    codes: list[int] = []

    def save(device, value) -> None:
        barrier.wait(timeout=30)
        form = page_form({"kc-1": value, "kc-2": value}, discuss=["kc-3"], comment=f"v{value}")
        codes.append(device.post("/vragenlijst/kind-centraal", data=form).status_code)

    threads = [
        threading.Thread(target=save, args=(device, n)) for n, device in enumerate(devices, start=1)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert codes == [302] * len(devices)
    answers = stored(db, invitation.id)
    # One whole page of one device: never answers of one device mixed with another's.
    value = answers["kc-1"][0]
    assert answers == {
        "kc-1": (value, False, False),
        "kc-2": (value, False, False),
        "kc-3": (None, False, True),
    }
    assert comments(db, invitation.id) == {"kind-centraal": f"v{value}"}
