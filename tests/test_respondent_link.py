"""Personal links: exchanged once for a session, one page for every link that does not work,
rate-limited guessing, resuming on another device, and the loader's checks on every request."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from respondent_support import enter, page_form, response_of, stored
from sqlmodel import select

from conftest import login, make_app
from selfscan.models import Response
from selfscan.models.types import utcnow
from selfscan.services.invitations import revoke


@pytest.fixture
def invited(world, make):
    return make.invitation(world["round"], world["org_a"], name="Ria Respondent")


def _invalid_page(response) -> str:
    # The language switch carries a per-session CSRF token and the page's own address.
    text = re.sub(r'name="csrf_token" value="[^"]+"', "", response.get_data(as_text=True))
    return re.sub(r'name="next" value="[^"]+"', "", text)


def test_first_visit_exchanges_the_token_for_a_session_and_drops_it_from_the_address(
    client, invited
):
    invitation, token = invited
    response = client.get(f"/i/{token}")
    assert response.status_code == 302
    assert response.headers["Location"] == "/vragenlijst"
    assert token not in response.headers["Location"]
    assert response.headers["Referrer-Policy"] == "no-referrer"
    with client.session_transaction() as session:
        assert session["invitation_id"] == invitation.id
    page = client.get("/vragenlijst")
    assert page.status_code == 200
    assert "Ria Respondent" in page.get_data(as_text=True)
    assert token not in page.get_data(as_text=True)


def test_opening_a_link_ends_whatever_session_was_there_before(client, world, invited):
    _invitation, token = invited
    login(client, world["coordinator_a"])
    with client.session_transaction() as session:
        session["lang"] = "en"
        session["left-over"] = "x"
    client.get(f"/i/{token}")
    with client.session_transaction() as session:
        assert "left-over" not in session
        assert "_user_id" not in session
        assert session["lang"] == "en"  # the language is the person's choice, not a secret
    assert client.get("/").status_code == 302  # no longer signed in


def test_unknown_revoked_and_expired_links_get_one_page_that_does_not_say_which(
    app, world, make, db
):
    revoked_invitation, revoked_token = make.invitation(world["round"], world["org_a"])
    revoke(db, revoked_invitation)
    db.commit()
    region = world["region_a"]
    closed = make.round(
        "ronde-0",
        (region,),
        opens_at=utcnow() - timedelta(days=60),
        closes_at=utcnow() - timedelta(days=30),
        title="Ronde 0",
    )
    _, expired_token = make.invitation(closed, world["org_a"])
    pages = []
    for token in ("x" * 32, revoked_token, expired_token):
        response = app.test_client().get(f"/i/{token}")
        assert response.status_code == 404
        pages.append(_invalid_page(response))
    assert pages[0] == pages[1] == pages[2]
    assert "Deze link werkt niet" in pages[0]
    for word in ("ingetrokken", "verlopen", "gesloten", "onbekend"):
        assert word not in pages[0].lower()


def test_a_planned_round_gets_a_clear_page_and_stores_nothing(client, world, make, db):
    planned = make.round(
        "ronde-2",
        (world["region_a"],),
        opens_at=utcnow() + timedelta(days=3),
        closes_at=utcnow() + timedelta(days=30),
        title="Ronde 2",
    )
    invitation, token = make.invitation(planned, world["org_a"])
    assert client.get(f"/i/{token}").status_code == 302
    page = client.get("/vragenlijst")
    assert page.status_code == 403
    assert "nog niet geopend" in page.get_data(as_text=True)
    assert client.post("/vragenlijst/starten").status_code == 403
    assert client.post("/vragenlijst/kind-centraal", data=page_form({"kc-1": 3})).status_code == 403
    assert response_of(db, invitation.id) is None


def test_respondent_pages_need_an_opened_link(client, world):
    for path in (
        "/vragenlijst",
        "/vragenlijst/kind-centraal",
        "/vragenlijst/controleren",
        "/vragenlijst/profiel",
        "/vragenlijst/opgeslagen",
    ):
        assert client.get(path).status_code == 403
    assert client.post("/vragenlijst/versturen", data={"revision": "0"}).status_code == 403


def test_a_link_revoked_while_answering_stops_working_on_the_next_request(client, invited, db):
    invitation, token = invited
    enter(client, token)
    revoke(db, invitation)
    db.commit()
    response = client.post("/vragenlijst/kind-centraal", data=page_form({"kc-1": 4}))
    assert response.status_code == 403
    assert "Deze link werkt niet" in response.get_data(as_text=True)
    assert stored(db, invitation.id) == {}
    # ... and the session is gone, so the next page is refused by the policy itself.
    assert client.get("/vragenlijst").status_code == 403


def test_a_round_closing_while_answering_refuses_answers_and_says_so(client, world, invited, db):
    invitation, token = invited
    enter(client, token)
    round_ = world["round"]
    round_.closes_at = utcnow() - timedelta(seconds=1)
    db.add(round_)
    db.commit()
    response = client.post("/vragenlijst/kind-centraal", data=page_form({"kc-1": 4}))
    assert response.status_code == 403
    assert "gesloten" in response.get_data(as_text=True)
    assert stored(db, invitation.id) == {}
    # The link itself no longer works either.
    assert client.get(f"/i/{token}").status_code == 404


def test_opening_the_link_on_another_device_resumes_the_same_response(app, invited, db):
    invitation, token = invited
    laptop, phone = app.test_client(), app.test_client()
    enter(laptop, token)
    laptop.post("/vragenlijst/kind-centraal", data=page_form({"kc-1": 2, "kc-2": "nvt"}))
    enter(phone, token)
    phone.post("/vragenlijst/geintegreerd-aanbod", data=page_form({"ga-1": 5}))
    responses = db.exec(select(Response).where(Response.invitation_id == invitation.id)).all()
    assert len(responses) == 1
    assert stored(db, invitation.id) == {
        "kc-1": (2, False, False),
        "kc-2": (None, True, False),
        "ga-1": (5, False, False),
    }
    page = phone.get("/vragenlijst/kind-centraal").get_data(as_text=True)
    assert re.search(r'value="2"\s+checked', page)


def test_guessing_links_is_rate_limited_but_a_working_link_is_not(
    engine, database_url, world, make
):
    app = make_app(database_url, RATELIMIT_ENABLED=True)
    try:
        _invitation, token = make.invitation(world["round"], world["org_a"])
        client = app.test_client()
        for _ in range(15):  # opening a working link again and again costs nothing
            assert client.get(f"/i/{token}").status_code == 302
        codes = [client.get(f"/i/guess-{n:04d}").status_code for n in range(31)]
        assert codes[:30] == [404] * 30
        assert codes[30] == 429
        # Once the address is limited, a working link still opens: it is not a guess, and
        # others behind the same address (a school) must not be locked out.
        assert client.get(f"/i/{token}").status_code == 302
    finally:
        app.extensions["selfscan.engine"].dispose()
