"""Privacy rights: the programme team exports and erases a person; coordinators cannot;
erasure keeps the anonymous answers in every figure."""

from __future__ import annotations

import json

import pytest
from privacy_support import answer_and_submit
from sqlmodel import func, select

from conftest import close_round, login
from selfscan.core.scoring import PROGRAMME
from selfscan.models import (
    Answer,
    Invitation,
    PrincipleComment,
    Response,
    User,
)
from selfscan.services import api_tokens, privacy, scores

EMAIL = "ria.respondent@example.org"


@pytest.fixture
def person(world, make, engine):
    """Ria: invited in region A (submitted, with a comment) and three colleagues who submitted."""
    invitation, _ = make.invitation(world["round"], world["org_a"], email=EMAIL, name="Ria Smit")
    response_id = answer_and_submit(engine, invitation.id, 5, comment="Mijn naam is Ria")
    for n in range(3):
        other, _ = make.invitation(world["round"], world["org_a"], name=f"Collega {n}")
        answer_and_submit(engine, other.id, 2 + n)
    return {"invitation": invitation, "response_id": response_id}


def test_the_export_holds_invitations_response_answers_comments_and_flags(
    client, world, person, db
):
    login(client, world["programme"])
    reply = client.post("/programma/privacy/export", data={"email": EMAIL.upper()})
    assert reply.status_code == 200
    assert reply.mimetype == "application/json"
    assert "attachment" in reply.headers["Content-Disposition"]
    assert reply.headers["Cache-Control"] == "no-store"
    record = json.loads(reply.get_data(as_text=True))
    assert record["email"] == EMAIL
    assert record["account"] is None
    [invitation] = record["invitations"]
    assert invitation["name"] == "Ria Smit"
    assert invitation["round"]["key"] == "ronde-1"
    assert invitation["region"] == {"key": "regio-a", "name": "Regio A"}
    assert invitation["organisation"] == {"name": "School A", "sector": "po"}
    response = invitation["response"]
    assert response["status"] == "submitted"
    stored = db.exec(
        select(func.count()).select_from(Answer).where(Answer.response_id == person["response_id"])
    ).one()
    assert len(response["answers"]) == stored > 0
    assert {a["value"] for a in response["answers"]} == {5}
    assert sum(a["discuss"] for a in response["answers"]) == 5  # one flag per principle
    assert set(response["comments"].values()) == {"Mijn naam is Ria"}
    assert len(response["comments"]) == 5


def test_the_export_includes_an_account_with_the_same_address(client, world, make, db):
    ria = make.user(EMAIL, regions=(world["region_b"],), name="Ria als coördinator")
    _row, token = api_tokens.create(db, ria, "Power BI")
    db.commit()
    login(client, world["programme"])
    record = client.post("/programma/privacy/export", data={"email": EMAIL}).json
    assert record["invitations"] == []
    assert record["account"]["name"] == "Ria als coördinator"
    assert record["account"]["role"] == "coordinator"
    assert record["account"]["regions"] == [{"key": "regio-b", "name": "Regio B"}]
    assert "password_hash" not in json.dumps(record)
    # Her API token's name and moments, never the token (which is not stored) or its hash.
    assert [t["name"] for t in record["account"]["api_tokens"]] == ["Power BI"]
    assert record["account"]["api_tokens"][0]["begins_with"] == token[:10]
    assert token not in json.dumps(record) and "token_hash" not in json.dumps(record)


def test_the_lookup_page_shows_what_is_stored_without_changing_it(client, world, person, db):
    login(client, world["programme"])
    assert client.get("/programma/privacy").status_code == 200
    page = client.post("/programma/privacy", data={"email": EMAIL})
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "Ria Smit" in text
    assert "School A" in text
    assert db.exec(select(Invitation).where(Invitation.email == EMAIL)).first() is not None


@pytest.mark.parametrize("email", ["", "not-an-address", "a@" + "b" * 300 + ".nl"])
def test_a_bad_address_gets_a_message_and_400(client, world, email):
    login(client, world["programme"])
    for url in ("/programma/privacy", "/programma/privacy/export", "/programma/privacy/wissen"):
        reply = client.post(url, data={"email": email, "confirm": "y"})
        assert reply.status_code == 400, url
        assert "field__error" in reply.get_data(as_text=True)


def test_erasure_removes_name_address_and_invitation_and_keeps_the_figures(
    client, world, person, db, app
):
    round_ = world["round"]
    k = app.config["MIN_GROUP_SIZE"]
    close_round(db, round_)
    before = scores.round_figures(db, round_, k, viewer=PROGRAMME)
    assert before.regions  # four submitted responses in region A: shown
    login(client, world["programme"])
    reply = client.post("/programma/privacy/wissen", data={"email": EMAIL, "confirm": "y"})
    assert reply.status_code == 302
    assert db.exec(select(Invitation).where(Invitation.email == EMAIL)).all() == []
    kept = db.exec(select(Response).where(Response.id == person["response_id"])).one()
    assert kept.invitation_id is None
    assert kept.status == "submitted"
    assert scores.round_figures(db, round_, k, viewer=PROGRAMME) == before
    # Nothing left under the address: the export is empty.
    record = client.post("/programma/privacy/export", data={"email": EMAIL}).json
    assert record["invitations"] == [] and record["account"] is None


def test_erasure_needs_the_confirmation(client, world, person, db):
    login(client, world["programme"])
    reply = client.post("/programma/privacy/wissen", data={"email": EMAIL})
    assert reply.status_code == 400
    assert "field__error" in reply.get_data(as_text=True)
    assert db.exec(select(Invitation).where(Invitation.email == EMAIL)).first() is not None


def test_erasure_needs_a_csrf_token(client, world, person, db):
    login(client, world["programme"])
    reply = client.post(
        "/programma/privacy/wissen", data={"email": EMAIL, "confirm": "y"}, csrf=False
    )
    assert reply.status_code == 400
    assert db.exec(select(Invitation).where(Invitation.email == EMAIL)).first() is not None


def test_erasure_removes_a_coordinator_account_but_not_a_programme_account(client, world, make, db):
    coordinator = make.user(EMAIL, regions=(world["region_a"],))
    login(client, world["programme"])
    assert (
        client.post("/programma/privacy/wissen", data={"email": EMAIL, "confirm": "y"}).status_code
        == 302
    )
    assert db.exec(select(User).where(User.id == coordinator.id)).first() is None
    other = world["programme"].email
    reply = client.post("/programma/privacy/wissen", data={"email": other, "confirm": "y"})
    assert reply.status_code == 400
    assert db.exec(select(User).where(User.email == other)).first() is not None


@pytest.mark.parametrize("who", ["coordinator_a", "coordinator_b"])
@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("GET", "/programma/privacy"),
        ("POST", "/programma/privacy"),
        ("POST", "/programma/privacy/export"),
        ("POST", "/programma/privacy/wissen"),
    ],
)
def test_coordinators_can_neither_export_nor_erase(client, world, person, db, who, method, url):
    login(client, world[who])
    reply = client.open(url, method=method, data={"email": EMAIL, "confirm": "y"})
    assert reply.status_code == 403
    assert "Ria Smit" not in reply.get_data(as_text=True)
    assert db.exec(select(Invitation).where(Invitation.email == EMAIL)).first() is not None


def test_the_privacy_page_is_in_the_programme_nav_only(client, world):
    login(client, world["programme"])
    assert 'href="/programma/privacy"' in client.get("/").get_data(as_text=True)
    other = client.application.test_client()
    login(other, world["coordinator_a"])
    assert 'href="/programma/privacy"' not in other.get("/").get_data(as_text=True)


def test_erase_person_service_counts_what_it_removed(db, world, person):
    result = privacy.erase_person(db, EMAIL)
    db.commit()
    assert result == privacy.Erasure(invitations=1, responses_kept=1, account=False)
    assert privacy.erase_person(db, EMAIL) == privacy.Erasure(0, 0, False)
    # The comment stays with the anonymous response (it is shown only without a name).
    assert (
        db.exec(
            select(func.count())
            .select_from(PrincipleComment)
            .where(PrincipleComment.response_id == person["response_id"])
        ).one()
        == 5
    )


def test_the_cli_exports_and_erases_a_person(runner, world, person, db, tmp_path):
    output = tmp_path / "ria.json"
    result = runner.invoke(args=["privacy", "export", EMAIL, "--output", str(output)])
    assert result.exit_code == 0, result.output
    assert json.loads(output.read_text())["invitations"][0]["name"] == "Ria Smit"
    refused = runner.invoke(args=["privacy", "erase", EMAIL], input="n\n")
    assert refused.exit_code != 0
    assert db.exec(select(Invitation).where(Invitation.email == EMAIL)).first() is not None
    result = runner.invoke(args=["privacy", "erase", EMAIL, "--yes"])
    assert result.exit_code == 0, result.output
    assert "1 invitation(s)" in result.output
    assert db.exec(select(Invitation).where(Invitation.email == EMAIL)).first() is None
    programme = runner.invoke(args=["privacy", "erase", world["programme"].email, "--yes"])
    assert programme.exit_code != 0
