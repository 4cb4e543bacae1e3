"""Issue 16: destructive actions ask first, and a revoked invitation can be restored or the
person invited again."""

from __future__ import annotations

import re

import pytest
from smtp_mailbox import link_in
from sqlmodel import select

from conftest import close_round, login
from selfscan.models import Action, Invitation
from selfscan.services import agenda
from selfscan.services import invitations as invitation_service

INVITATIONS = "/regio/regio-a/rondes/ronde-1/uitnodigingen"
AGENDA = "/regio/regio-a/rondes/ronde-1/leeragenda"


@pytest.fixture
def app(mail_app):
    return mail_app


@pytest.fixture
def coordinator(client, world):
    login(client, world["coordinator_a"])
    return client


def test_revoking_asks_first_and_the_list_links_to_the_question(coordinator, world, make, db):
    invitation, _ = make.invitation(world["round"], world["org_a"], name="Piet Jansen")
    listing = coordinator.get(INVITATIONS).get_data(as_text=True)
    # "Intrekken" is a link to a question, not a button that revokes at once.
    assert f'href="{INVITATIONS}/{invitation.id}/intrekken"' in listing
    question = coordinator.get(f"{INVITATIONS}/{invitation.id}/intrekken")
    assert question.status_code == 200
    page = question.get_data(as_text=True)
    assert "De uitnodiging van Piet Jansen intrekken?" in page
    assert "Herstellen" in page  # it says how to undo it
    db.refresh(invitation)
    assert invitation.revoked_at is None  # asking changed nothing
    assert coordinator.post(f"{INVITATIONS}/{invitation.id}/intrekken").status_code == 302
    db.refresh(invitation)
    assert invitation.revoked_at is not None


def test_a_revoked_invitation_can_be_restored_with_a_new_link(
    app, coordinator, world, make, db, mailbox
):
    invitation, old_token = make.invitation(world["round"], world["org_a"])
    assert coordinator.post(f"{INVITATIONS}/{invitation.id}/intrekken").status_code == 302
    listing = coordinator.get(INVITATIONS).get_data(as_text=True)
    assert f'action="{INVITATIONS}/{invitation.id}/herstellen"' in listing
    assert coordinator.post(f"{INVITATIONS}/{invitation.id}/herstellen").status_code == 302
    db.refresh(invitation)
    assert invitation.revoked_at is None
    [message] = mailbox.wait_for(1)
    new_token = link_in(message).rsplit("/", 1)[1]
    assert app.test_client().get(f"/i/{new_token}").status_code == 302
    assert app.test_client().get(f"/i/{old_token}").status_code == 404
    # Restoring one that is not revoked is refused.
    assert coordinator.post(f"{INVITATIONS}/{invitation.id}/herstellen").status_code == 400


def test_a_revoked_person_can_be_invited_again(coordinator, world, make, db, mailbox):
    invitation, _ = make.invitation(world["round"], world["org_a"], email="piet@example.org")
    assert coordinator.post(f"{INVITATIONS}/{invitation.id}/intrekken").status_code == 302
    response = coordinator.post(
        f"{INVITATIONS}/een",
        data={"name": "Piet", "email": "piet@example.org", "organisation": world["org_a"].id},
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    [again] = db.exec(select(Invitation).where(Invitation.email == "piet@example.org")).all()
    assert again.revoked_at is None
    assert again.name == "Piet"
    assert len(mailbox.wait_for(1)) == 1


def test_a_pasted_list_invites_a_revoked_person_again_and_says_so(
    app, coordinator, world, make, db, mailbox
):
    piet, old_token = make.invitation(
        world["round"], world["org_a"], email="piet@example.org", name="P. Jansen"
    )
    assert coordinator.post(f"{INVITATIONS}/{piet.id}/intrekken").status_code == 302
    text = "Piet Jansen;PIET@example.org;School A\nAnna de Vries;anna@example.org;School A\n"
    response = coordinator.post(f"{INVITATIONS}/lijst", data={"people": text})
    assert response.status_code == 302, response.get_data(as_text=True)
    # Restored, not refused and not invited twice: one invitation per person, both working.
    invitations = db.exec(select(Invitation).order_by(Invitation.email)).all()
    assert [(i.email, i.name, i.revoked_at) for i in invitations] == [
        ("anna@example.org", "Anna de Vries", None),
        ("piet@example.org", "Piet Jansen", None),
    ]
    assert invitations[1].id == piet.id
    messages = {m["To"]: m for m in mailbox.wait_for(2)}
    assert set(messages) == {"anna@example.org", "piet@example.org"}
    new_token = link_in(messages["piet@example.org"]).rsplit("/", 1)[1]
    assert new_token != old_token
    assert app.test_client().get(f"/i/{new_token}").status_code == 302
    assert app.test_client().get(f"/i/{old_token}").status_code == 404  # revoked for a reason
    page = coordinator.get(INVITATIONS).get_data(as_text=True)
    assert "2 uitnodigingen zijn verstuurd." in page
    assert (
        "1 persoon op de lijst had een ingetrokken uitnodiging; die is hersteld met een nieuwe "
        "link: piet@example.org." in page
    )
    assert "al uitgenodigd" not in page


def test_a_list_still_refuses_people_invited_and_not_revoked(coordinator, world, make, db):
    make.invitation(world["round"], world["org_a"], email="piet@example.org")
    revoked, _ = make.invitation(world["round"], world["org_a"], email="ria@example.org")
    assert coordinator.post(f"{INVITATIONS}/{revoked.id}/intrekken").status_code == 302
    text = "Piet;piet@example.org;School A\nRia;ria@example.org;School A\n"
    response = coordinator.post(f"{INVITATIONS}/lijst", data={"people": text})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Regel 1: piet@example.org is al uitgenodigd voor deze ronde." in page
    assert "Regel 2:" not in page
    db.refresh(revoked)
    assert revoked.revoked_at is not None  # a refused list changes nothing, not even a restore


def test_a_revoked_invitation_of_another_region_is_not_restored(coordinator, world, make, db):
    theirs, _ = make.invitation(world["round"], world["org_b"], email="bob@example.org")
    invitation_service.revoke(db, theirs)
    db.commit()
    listed = coordinator.post(
        f"{INVITATIONS}/lijst", data={"people": "Bob;bob@example.org;School A"}
    )
    assert listed.status_code == 400
    assert "Regel 1: bob@example.org is al uitgenodigd" in listed.get_data(as_text=True)
    single = coordinator.post(
        f"{INVITATIONS}/een",
        data={"name": "Bob", "email": "bob@example.org", "organisation": world["org_a"].id},
    )
    assert single.status_code == 400
    db.refresh(theirs)
    assert theirs.revoked_at is not None and theirs.region_id == world["region_b"].id


def test_a_closed_round_cannot_restore(coordinator, world, make, db):
    invitation, _ = make.invitation(world["round"], world["org_a"])
    assert coordinator.post(f"{INVITATIONS}/{invitation.id}/intrekken").status_code == 302
    close_round(db, world["round"])
    assert coordinator.post(f"{INVITATIONS}/{invitation.id}/herstellen").status_code == 400
    db.refresh(invitation)
    assert invitation.revoked_at is not None


def test_removing_an_action_asks_first(coordinator, world, db):
    action = agenda.add_action(
        db,
        region=world["region_a"],
        round_=world["round"],
        principle="kind-centraal",
        title="Ouderpanel",
    )
    db.commit()
    listing = coordinator.get(AGENDA).get_data(as_text=True)
    assert f'href="{AGENDA}/acties/{action.id}/verwijderen"' in listing
    question = coordinator.get(f"{AGENDA}/acties/{action.id}/verwijderen")
    assert question.status_code == 200
    assert "De actie ‘Ouderpanel’ verwijderen?" in question.get_data(as_text=True)
    assert db.exec(select(Action)).all() != []
    assert coordinator.post(f"{AGENDA}/acties/{action.id}/verwijderen").status_code == 302
    assert db.exec(select(Action)).all() == []


# --- a refused list says every mistake, where the coordinator is --------------------------------


def test_a_refused_list_names_every_error_of_every_line(coordinator, world, db):
    text = ";not-an-address;Unknown school\nAnna;anna@example.org;School A\nBob;bob@;School A\n"
    response = coordinator.post(f"{INVITATIONS}/lijst", data={"people": text})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    errors = re.search(r'<div class="error-summary" id="list-errors".*?</div>', page, re.S)
    assert errors, "the list's errors have an anchor to land on"
    listed = re.findall(r"<li>(.*?)</li>", errors.group(0))
    assert listed == [
        "Regel 1: de naam ontbreekt of is langer dan 120 tekens.",
        "Regel 1: ‘not-an-address’ is geen geldig e-mailadres.",
        "Regel 1: deze regio heeft geen organisatie met de naam ‘Unknown school’; voeg die eerst toe.",
        "Regel 3: ‘bob@’ is geen geldig e-mailadres.",
    ]
    # The refused form sends the browser back to the list's errors, not to the top.
    assert 'uitnodigingen/lijst#list-errors"' in page
    assert db.exec(select(Invitation)).all() == []


def test_the_invite_forms_come_before_the_people_and_the_summary_has_no_loose_dot(
    coordinator, world, make, db
):
    invitation, _ = make.invitation(world["round"], world["org_a"])
    make.invitation(world["round"], world["org_a"])
    assert coordinator.post(f"{INVITATIONS}/{invitation.id}/intrekken").status_code == 302
    page = coordinator.get(INVITATIONS).get_data(as_text=True)
    assert page.index('id="one-heading"') < page.index('id="people-heading"')
    assert page.index('id="list-heading"') < page.index('id="people-heading"')
    summary = re.search(r'<h2 id="people-heading">.*?<p>(.*?)</p>', page, re.S).group(1)
    assert summary.strip() == "niet verstuurd: 1 · ingetrokken: 1"
