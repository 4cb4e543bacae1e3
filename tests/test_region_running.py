"""A coordinator's pages for running a round: organisations, invitations, the learning agenda;
each reachable only for the coordinator's own regions (and the programme team)."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from smtp_mailbox import link_in, text_of
from sqlmodel import select

from conftest import login
from selfscan.models import Action, Invitation, Organisation, Reflection, Response
from selfscan.models.types import utcnow
from selfscan.services.invitations import hash_token


@pytest.fixture
def app(mail_app):
    return mail_app


@pytest.fixture
def coordinator(client, world):
    login(client, world["coordinator_a"])
    return client


INVITATIONS = "/regio/regio-a/rondes/ronde-1/uitnodigingen"
AGENDA = "/regio/regio-a/rondes/ronde-1/leeragenda"


def _invitations(db, **where):
    query = select(Invitation)
    for key, value in where.items():
        query = query.where(getattr(Invitation, key) == value)
    return db.exec(query.order_by(Invitation.id)).all()


# --- access --------------------------------------------------------------------------------------

REGION_PAGES = [
    ("get", "/regio/{r}/organisaties"),
    ("post", "/regio/{r}/organisaties"),
    ("get", "/regio/{r}/rondes/ronde-1/uitnodigingen"),
    ("post", "/regio/{r}/rondes/ronde-1/uitnodigingen/een"),
    ("post", "/regio/{r}/rondes/ronde-1/uitnodigingen/lijst"),
    ("get", "/regio/{r}/rondes/ronde-1/leeragenda"),
    ("post", "/regio/{r}/rondes/ronde-1/leeragenda"),
    ("post", "/regio/{r}/rondes/ronde-1/leeragenda/acties"),
]


@pytest.mark.parametrize(("method", "url"), REGION_PAGES)
def test_a_coordinator_never_reaches_another_regions_pages(coordinator, world, db, method, url):
    before = (len(_invitations(db)), len(db.exec(select(Organisation)).all()))
    response = getattr(coordinator, method)(url.format(r="regio-b"), data={"name": "X"})
    assert response.status_code == 403
    assert (len(_invitations(db)), len(db.exec(select(Organisation)).all())) == before


@pytest.mark.parametrize(("method", "url"), [p for p in REGION_PAGES if p[0] == "get"])
def test_own_region_and_programme_team_reach_the_pages(client, app, world, method, url):
    login(client, world["coordinator_a"])
    assert client.get(url.format(r="regio-a")).status_code == 200
    team = app.test_client()
    login(team, world["programme"])
    assert team.get(url.format(r="regio-b")).status_code == 200


def test_objects_of_another_region_are_404_even_through_an_own_region_url(
    coordinator, world, make, db
):
    invitation_b, _ = make.invitation(world["round"], world["org_b"])
    urls = [
        f"/regio/regio-a/organisaties/{world['org_b'].id}",
        f"{INVITATIONS}/{invitation_b.id}/intrekken",
        f"{INVITATIONS}/{invitation_b.id}/opnieuw",
    ]
    assert coordinator.get(urls[0]).status_code == 404
    assert coordinator.post(urls[1]).status_code == 404
    assert coordinator.post(urls[2]).status_code == 404
    db.refresh(invitation_b)
    assert invitation_b.revoked_at is None


def test_a_round_the_region_does_not_take_part_in_is_404(coordinator, world, make):
    make.round("ronde-2", (world["region_b"],))
    assert coordinator.get("/regio/regio-a/rondes/ronde-2/uitnodigingen").status_code == 404
    assert coordinator.get("/regio/regio-a/rondes/ronde-2/leeragenda").status_code == 404


# --- organisations -------------------------------------------------------------------------------


def test_add_and_edit_an_organisation(coordinator, world, db):
    response = coordinator.post(
        "/regio/regio-a/organisaties", data={"name": "Oudervereniging", "sector": "ouders"}
    )
    assert response.status_code == 302
    organisation = db.exec(select(Organisation).where(Organisation.name == "Oudervereniging")).one()
    assert (organisation.region_id, organisation.sector) == (world["region_a"].id, "ouders")
    response = coordinator.post(
        f"/regio/regio-a/organisaties/{organisation.id}",
        data={"name": "Ouderraad", "sector": "overig"},
    )
    assert response.status_code == 302
    db.refresh(organisation)
    assert (organisation.name, organisation.sector) == ("Ouderraad", "overig")


@pytest.mark.parametrize(
    "form",
    [
        {"name": "School A", "sector": "po"},  # name taken in the region
        {"name": "", "sector": "po"},
        {"name": "Nieuw", "sector": "nope"},
    ],
)
def test_a_bad_organisation_is_refused(coordinator, world, db, form):
    before = len(db.exec(select(Organisation)).all())
    assert coordinator.post("/regio/regio-a/organisaties", data=form).status_code == 400
    assert len(db.exec(select(Organisation)).all()) == before


def test_the_same_name_may_exist_in_another_region(coordinator, world, db):
    response = coordinator.post(
        "/regio/regio-a/organisaties", data={"name": "School B", "sector": "vo"}
    )
    assert response.status_code == 302


# --- invitations ---------------------------------------------------------------------------------


def test_invite_one_person_mails_a_working_personal_link(coordinator, world, mailbox, db):
    response = coordinator.post(
        f"{INVITATIONS}/een",
        data={
            "name": "Anna de Vries",
            "email": "Anna@Example.org",
            "organisation": world["org_a"].id,
        },
    )
    assert response.status_code == 302
    [invitation] = _invitations(db)
    assert invitation.email == "anna@example.org"
    assert invitation.sent_at is not None
    [message] = mailbox.wait_for(1)
    assert message["To"] == "anna@example.org"
    link = link_in(message)
    assert link.startswith("https://selfscan.example.org/i/")
    assert hash_token(link.rsplit("/", 1)[1]) == invitation.token_hash
    assert "School A" in text_of(message)


def test_invite_one_refuses_a_duplicate_and_another_regions_organisation(
    coordinator, world, make, db, mailbox
):
    make.invitation(world["round"], world["org_a"], email="anna@example.org")
    duplicate = coordinator.post(
        f"{INVITATIONS}/een",
        data={"name": "Anna", "email": "ANNA@example.org", "organisation": world["org_a"].id},
    )
    assert duplicate.status_code == 400
    foreign = coordinator.post(
        f"{INVITATIONS}/een",
        data={"name": "Bob", "email": "bob@example.org", "organisation": world["org_b"].id},
    )
    assert foreign.status_code == 400
    assert len(_invitations(db)) == 1
    assert mailbox.messages == []


GOOD_LIST = "naam;e-mail;organisatie\nAnna de Vries;anna@example.org;School A\n\nBob Bakker;bob@example.org;school a\n"


def test_a_clean_list_invites_everyone_and_mails_each(coordinator, world, mailbox, db):
    response = coordinator.post(f"{INVITATIONS}/lijst", data={"people": GOOD_LIST})
    assert response.status_code == 302
    assert [i.email for i in _invitations(db)] == ["anna@example.org", "bob@example.org"]
    assert all(i.sent_at for i in _invitations(db))
    messages = mailbox.wait_for(2)
    assert {m["To"] for m in messages} == {"anna@example.org", "bob@example.org"}


def test_a_list_can_be_uploaded_as_a_file(coordinator, world, mailbox, db):
    upload = (io.BytesIO(("\ufeff" + GOOD_LIST).encode("utf-8")), "lijst.csv")
    response = coordinator.post(
        f"{INVITATIONS}/lijst",
        data={"people": "", "file": upload},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    assert len(_invitations(db)) == 2


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Anna;anna@example.org;School A\nBob;not-an-address;School A",
            ["Regel 2:", "geen geldig e-mailadres"],
        ),
        ("Anna;anna@example.org;School A\nBob;bob@example.org;School B", ["Regel 2:", "School B"]),
        ("Anna;anna@example.org;School A\nBob;bob@example.org", ["Regel 2:", "2 velden"]),
        (
            "Anna;anna@example.org;School A\n;bob@example.org;School A",
            ["Regel 2:", "naam ontbreekt"],
        ),
        (
            "Anna;anna@example.org;School A\nBob;bob@example.org;School A\nAnna 2;ANNA@example.org;School A",
            ["Regel 3:", "hetzelfde e-mailadres als regel 1"],
        ),
    ],
)
def test_a_bad_line_is_reported_by_number_and_nothing_is_stored(
    coordinator, world, mailbox, db, text, expected
):
    response = coordinator.post(f"{INVITATIONS}/lijst", data={"people": text})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    for fragment in expected:
        assert fragment in page
    assert _invitations(db) == []
    assert mailbox.messages == []


def test_people_already_invited_are_recognised(coordinator, world, make, db, mailbox):
    make.invitation(world["round"], world["org_a"], email="bob@example.org")
    response = coordinator.post(f"{INVITATIONS}/lijst", data={"people": GOOD_LIST})
    assert response.status_code == 400
    assert "Regel 4:" in response.get_data(as_text=True)
    assert len(_invitations(db)) == 1


def test_an_upload_that_is_not_utf8_is_refused(coordinator, world, db):
    upload = (io.BytesIO("Anna;anna@example.org;Schöol A".encode("latin-1")), "lijst.csv")
    response = coordinator.post(
        f"{INVITATIONS}/lijst", data={"file": upload}, content_type="multipart/form-data"
    )
    assert response.status_code == 400
    assert _invitations(db) == []


def test_an_empty_list_is_refused(coordinator, world, db):
    assert coordinator.post(f"{INVITATIONS}/lijst", data={"people": "  \n"}).status_code == 400


def test_a_closed_round_takes_no_new_invitations(coordinator, world, db):
    round_ = world["round"]
    round_.opens_at, round_.closes_at = utcnow() - timedelta(days=20), utcnow() - timedelta(days=1)
    db.add(round_)
    db.commit()
    assert coordinator.post(f"{INVITATIONS}/lijst", data={"people": GOOD_LIST}).status_code == 400
    assert _invitations(db) == []


def test_statuses_are_shown_without_answers(coordinator, world, make, db):
    sent, _ = make.invitation(world["round"], world["org_a"], name="Sent Person")
    opened, _ = make.invitation(world["round"], world["org_a"], name="Opened Person")
    draft, _ = make.invitation(world["round"], world["org_a"], name="Draft Person")
    done, _ = make.invitation(world["round"], world["org_a"], name="Done Person")
    now = utcnow()
    for invitation in (sent, opened, draft, done):
        invitation.sent_at = now
    opened.opened_at = draft.opened_at = done.opened_at = now
    db.add_all([sent, opened, draft, done])
    db.commit()
    for invitation, status in ((draft, "draft"), (done, "submitted")):
        db.add(
            Response(
                invitation_id=invitation.id,
                round_id=invitation.round_id,
                region_id=invitation.region_id,
                organisation_id=invitation.organisation_id,
                sector="po",
                status=status,
                submitted_at=now if status == "submitted" else None,
            )
        )
    db.commit()
    page = coordinator.get(INVITATIONS).get_data(as_text=True)
    for status in ("sent", "opened", "in_progress", "submitted"):
        assert f'data-status="{status}"' in page


def test_resend_mails_the_same_link_so_the_first_mail_keeps_working(
    app, coordinator, world, make, db, mailbox
):
    invitation, token = make.invitation(world["round"], world["org_a"], email="c@example.org")
    response = coordinator.post(f"{INVITATIONS}/{invitation.id}/opnieuw")
    assert response.status_code == 302
    [message] = mailbox.wait_for(1)
    assert link_in(message).rsplit("/", 1)[1] == token
    db.refresh(invitation)
    assert invitation.token_hash == hash_token(token)
    assert invitation.sent_at is not None
    assert app.test_client().get(f"/i/{token}").status_code == 302  # the first link still opens


def test_resend_of_a_link_made_under_another_key_gives_a_new_link(
    app, coordinator, world, make, db, mailbox
):
    from selfscan.services.invitations import new_link

    invitation, _ = make.invitation(world["round"], world["org_a"], email="d@example.org")
    link, old_token = new_link("a key the app no longer has")
    invitation.link_nonce, invitation.token_hash = link["link_nonce"], link["token_hash"]
    db.add(invitation)
    db.commit()
    assert coordinator.post(f"{INVITATIONS}/{invitation.id}/opnieuw").status_code == 302
    [message] = mailbox.wait_for(1)
    new_token = link_in(message).rsplit("/", 1)[1]
    assert new_token != old_token
    assert app.test_client().get(f"/i/{new_token}").status_code == 302
    assert app.test_client().get(f"/i/{old_token}").status_code == 404


def test_revoke_ends_the_link_and_a_revoked_invitation_is_not_resent(
    coordinator, world, make, db, mailbox
):
    invitation, _ = make.invitation(world["round"], world["org_a"])
    assert coordinator.post(f"{INVITATIONS}/{invitation.id}/intrekken").status_code == 302
    db.refresh(invitation)
    assert invitation.revoked_at is not None
    assert coordinator.post(f"{INVITATIONS}/{invitation.id}/opnieuw").status_code == 400
    assert mailbox.messages == []


def test_per_sector_counts_and_the_missing_parents_warning(coordinator, world, make, db):
    parents = make.organisation(world["region_a"], "Ouderraad", "ouders")
    make.invitation(world["round"], parents)
    for _ in range(3):
        db.add(
            Response(
                round_id=world["round"].id,
                region_id=world["region_a"].id,
                organisation_id=world["org_a"].id,
                sector="po",
                status="submitted",
                source="import",
                submitted_at=utcnow(),
            )
        )
    db.commit()
    page = coordinator.get(INVITATIONS).get_data(as_text=True)
    assert "Nog geen stem van ouders." in page
    assert "Te weinig antwoorden" not in page  # po has 3 = k responses


# --- learning agenda -----------------------------------------------------------------------------


def _reflections(**focus_and_texts):
    form = {}
    for key in (
        "kind_centraal",
        "geintegreerd_aanbod",
        "inclusief_nabij",
        "partnerschap_regie",
        "samen_beter",
    ):
        form[f"text_{key}"] = focus_and_texts.get(f"text_{key}", "")
        if focus_and_texts.get(f"focus_{key}"):
            form[f"focus_{key}"] = "y"
    return form


def test_reflections_and_focus_principles_are_saved(coordinator, world, db):
    form = _reflections(
        text_kind_centraal="Ouders missen aan tafel.",
        focus_kind_centraal=True,
        focus_samen_beter=True,
    )
    assert coordinator.post(AGENDA, data=form).status_code == 302
    rows = {r.principle: r for r in db.exec(select(Reflection))}
    assert (
        rows["kind-centraal"].text == "Ouders missen aan tafel." and rows["kind-centraal"].is_focus
    )
    assert rows["samen-beter"].is_focus and rows["samen-beter"].text == ""
    assert set(rows) == {"kind-centraal", "samen-beter"}
    # Saving again without a text or focus removes the reflection.
    form = _reflections(text_kind_centraal="Bijgewerkt", focus_kind_centraal=True)
    assert coordinator.post(AGENDA, data=form).status_code == 302
    rows = {r.principle: r for r in db.exec(select(Reflection))}
    assert set(rows) == {"kind-centraal"} and rows["kind-centraal"].text == "Bijgewerkt"


@pytest.mark.parametrize(
    "form",
    [
        _reflections(text_kind_centraal="Geen focus gekozen"),
        _reflections(
            focus_kind_centraal=True,
            focus_samen_beter=True,
            focus_inclusief_nabij=True,
            focus_partnerschap_regie=True,
        ),
        _reflections(text_kind_centraal="x" * 2001, focus_kind_centraal=True),
    ],
)
def test_one_to_three_focus_principles_and_short_reflections(coordinator, world, db, form):
    assert coordinator.post(AGENDA, data=form).status_code == 400
    assert db.exec(select(Reflection)).all() == []


def test_actions_are_added_edited_and_removed(coordinator, world, db):
    response = coordinator.post(
        f"{AGENDA}/acties",
        data={
            "principle": "kind-centraal",
            "title": "Ouderpanel opzetten",
            "owner": "Gemeente",
            "due_date": "2026-12-01",
            "status": "open",
        },
    )
    assert response.status_code == 302
    action = db.exec(select(Action)).one()
    assert (action.title, action.owner, str(action.due_date)) == (
        "Ouderpanel opzetten",
        "Gemeente",
        "2026-12-01",
    )
    response = coordinator.post(
        f"{AGENDA}/acties/{action.id}",
        data={
            "principle": "kind-centraal",
            "title": "Ouderpanel",
            "owner": "",
            "due_date": "",
            "status": "done",
        },
    )
    assert response.status_code == 302
    db.refresh(action)
    assert (action.status, action.due_date) == ("done", None)
    assert coordinator.post(f"{AGENDA}/acties/{action.id}/verwijderen").status_code == 302
    assert db.exec(select(Action)).all() == []


@pytest.mark.parametrize(
    "form",
    [
        {"principle": "kind-centraal", "title": "", "status": "open"},
        {"principle": "onbekend", "title": "X", "status": "open"},
        {"principle": "kind-centraal", "title": "X", "status": "klaar"},
        {"principle": "kind-centraal", "title": "X", "status": "open", "due_date": "morgen"},
    ],
)
def test_a_bad_action_is_refused(coordinator, world, db, form):
    assert coordinator.post(f"{AGENDA}/acties", data=form).status_code == 400
    assert db.exec(select(Action)).all() == []


def test_another_regions_action_is_404(coordinator, world, app, db):
    team = app.test_client()
    login(team, world["programme"])
    response = team.post(
        "/regio/regio-b/rondes/ronde-1/leeragenda/acties",
        data={"principle": "kind-centraal", "title": "B's action", "status": "open"},
    )
    assert response.status_code == 302  # the programme team may edit every agenda
    action = db.exec(select(Action)).one()
    assert coordinator.get(f"{AGENDA}/acties/{action.id}").status_code == 404
    assert coordinator.post(f"{AGENDA}/acties/{action.id}/verwijderen").status_code == 404
    assert db.exec(select(Action)).one().id == action.id
