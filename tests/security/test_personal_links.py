"""One personal link per invitation: the invitation, "Send again" and every reminder carry the
same link, so a partner who finds an earlier mail can still use it. Only "New link" (for a
link that reached someone else) and revoking end a link; README.md and SECURITY.md say so."""

from __future__ import annotations

from datetime import timedelta

import pytest
from smtp_mailbox import link_in
from sqlmodel import select

from conftest import login
from selfscan.infra.config import PROJECT_ROOT
from selfscan.models import Invitation, Response
from selfscan.models.types import utcnow
from selfscan.services.invitations import hash_token

INVITATIONS = "/regio/regio-a/rondes/ronde-1/uitnodigingen"


@pytest.fixture
def app(mail_app):
    return mail_app


@pytest.fixture
def coordinator(client, world):
    login(client, world["coordinator_a"])
    return client


def token_in(message) -> str:  # type: ignore[no-untyped-def]
    return link_in(message).rsplit("/", 1)[1]


def test_the_invitation_send_again_and_reminders_all_carry_one_link(
    app, coordinator, world, db, mailbox
):
    coordinator.post(
        f"{INVITATIONS}/een",
        data={"name": "Anna", "email": "anna@example.org", "organisation": world["org_a"].id},
    )
    [invitation_mail] = mailbox.wait_for(1)
    first = token_in(invitation_mail)
    invitation = db.exec(select(Invitation).where(Invitation.email == "anna@example.org")).one()
    assert coordinator.post(f"{INVITATIONS}/{invitation.id}/opnieuw").status_code == 302
    invitation.sent_at = utcnow() - timedelta(days=30)
    db.add(invitation)
    db.commit()
    assert app.test_cli_runner().invoke(args=["send-reminders"]).exit_code == 0
    mails = mailbox.wait_for(3)
    assert [token_in(m) for m in mails] == [first] * 3
    # The first mail's link opens, also after the others were sent.
    assert app.test_client().get(f"/i/{first}").status_code == 302


def test_new_link_mails_a_new_link_and_the_earlier_one_stops_working(
    app, coordinator, world, make, db, mailbox
):
    invitation, old = make.invitation(world["round"], world["org_a"], email="b@example.org")
    person = app.test_client()
    assert person.get(f"/i/{old}").status_code == 302
    assert person.post("/vragenlijst/starten").status_code == 302

    response = coordinator.post(f"{INVITATIONS}/{invitation.id}/nieuwe-link")
    assert response.status_code == 302
    page = coordinator.get(response.headers["Location"]).get_data(as_text=True)
    assert "de eerdere link werkt niet meer" in page
    [message] = mailbox.wait_for(1)
    new = token_in(message)
    assert new != old
    db.refresh(invitation)
    assert invitation.token_hash == hash_token(new)
    assert app.test_client().get(f"/i/{old}").status_code == 404
    # The new link goes on where the person was: the answers belong to the invitation.
    assert app.test_client().get(f"/i/{new}").status_code == 302
    assert len(db.exec(select(Response).where(Response.invitation_id == invitation.id)).all()) == 1


@pytest.mark.parametrize("state", ["revoked", "submitted"])
def test_no_new_link_for_a_revoked_or_submitted_invitation(
    coordinator, world, make, db, mailbox, state
):
    invitation, token = make.invitation(world["round"], world["org_a"])
    if state == "revoked":
        invitation.revoked_at = utcnow()
        db.add(invitation)
    else:
        db.add(
            Response(
                invitation_id=invitation.id,
                round_id=world["round"].id,
                region_id=world["region_a"].id,
                organisation_id=world["org_a"].id,
                sector="po",
                status="submitted",
                submitted_at=utcnow(),
            )
        )
    db.commit()
    assert coordinator.post(f"{INVITATIONS}/{invitation.id}/nieuwe-link").status_code == 400
    db.refresh(invitation)
    assert invitation.token_hash == hash_token(token)
    assert mailbox.messages == []


def test_the_invitations_page_says_what_each_action_does_to_the_link(coordinator, world, make):
    make.invitation(world["round"], world["org_a"])
    page = coordinator.get(INVITATIONS).get_data(as_text=True)
    assert "Opnieuw sturen" in page and "Nieuwe link" in page
    assert "mailt dezelfde persoonlijke link" in page
    assert "de eerdere link werkt dan niet meer" in page


def test_readme_and_security_md_say_what_the_code_does():
    readme = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    security = (PROJECT_ROOT / "SECURITY.md").read_text(encoding="utf-8")
    for text in (readme, security):
        assert "makes the person's earlier link stop working" not in text
        assert "replaces the token" not in text
        assert "the old link stops working" not in text
    assert "carries the same personal link" in readme
    assert "New link" in readme and "New link" in security
