"""The programme team's pages: rounds, regions and coordinator accounts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

import pytest
from smtp_mailbox import text_of
from sqlmodel import select

from conftest import login
from selfscan.models import CoordinatorRegion, Region, Round, RoundRegion, User
from selfscan.models.types import utcnow


@pytest.fixture
def app(mail_app):
    return mail_app


@pytest.fixture
def programme(client, world):
    login(client, world["programme"])
    return client


def _round_form(world, make, **overrides):
    version = make.questionnaire()
    form = {
        "key": "najaar-2026",
        "title": "Najaar 2026",
        "questionnaire": str(version.id),
        "opens_at": "2026-09-01T09:00",
        "closes_at": "2026-10-01T17:00",
        "regions": [str(world["region_a"].id), str(world["region_b"].id)],
    }
    form.update(overrides)
    return form


PROGRAMME_PAGES = [
    ("get", "/programma/rondes"),
    ("get", "/programma/rondes/nieuw"),
    ("get", "/programma/rondes/ronde-1"),
    ("get", "/programma/regios/nieuw"),
    ("get", "/programma/regios/regio-a/bewerken"),
    ("get", "/programma/coordinatoren"),
    ("get", "/programma/coordinatoren/nieuw"),
    ("post", "/programma/rondes/nieuw"),
    ("post", "/programma/regios/nieuw"),
    ("post", "/programma/coordinatoren/nieuw"),
]


@pytest.mark.parametrize(("method", "url"), PROGRAMME_PAGES)
def test_coordinators_cannot_reach_programme_pages(client, world, method, url):
    login(client, world["coordinator_a"])
    assert getattr(client, method)(url).status_code == 403


@pytest.mark.parametrize(("method", "url"), PROGRAMME_PAGES)
def test_the_programme_team_reaches_its_pages(programme, method, url):
    if method == "get":
        assert programme.get(url).status_code == 200


def test_anonymous_visitors_are_sent_to_sign_in(client, world):
    response = client.get("/programma/rondes")
    assert response.status_code == 302
    assert urlsplit(response.headers["Location"]).path == "/inloggen"


# --- rounds --------------------------------------------------------------------------------------


def test_create_a_round_in_dutch_time(programme, world, make, db):
    response = programme.post("/programma/rondes/nieuw", data=_round_form(world, make))
    assert response.status_code == 302
    round_ = db.exec(select(Round).where(Round.key == "najaar-2026")).one()
    assert round_.title == "Najaar 2026"
    assert round_.opens_at == datetime(2026, 9, 1, 7, 0, tzinfo=UTC)  # 09:00 summer time
    regions = set(db.exec(select(RoundRegion.region_id).where(RoundRegion.round_id == round_.id)))
    assert regions == {world["region_a"].id, world["region_b"].id}


@pytest.mark.parametrize(
    "overrides",
    [
        {"closes_at": "2026-08-01T17:00"},  # closes before it opens
        {"key": "ronde-1"},  # key taken
        {"key": "Not A Key"},
        {"regions": []},
        {"title": ""},
        {"opens_at": "yesterday"},
        {"questionnaire": "999999"},
    ],
)
def test_a_bad_round_is_refused_and_nothing_is_stored(programme, world, make, db, overrides):
    before = len(db.exec(select(Round)).all())
    response = programme.post("/programma/rondes/nieuw", data=_round_form(world, make, **overrides))
    assert response.status_code == 400
    assert len(db.exec(select(Round)).all()) == before


def test_changing_dates_changes_the_state(programme, world, db):
    round_ = world["round"]
    future = (utcnow() + timedelta(days=30)).astimezone().strftime("%Y-%m-%dT%H:%M")
    later = (utcnow() + timedelta(days=60)).astimezone().strftime("%Y-%m-%dT%H:%M")
    response = programme.post(
        "/programma/rondes/ronde-1",
        data={"title": "Ronde één", "opens_at": future, "closes_at": later},
    )
    assert response.status_code == 302
    db.refresh(round_)
    assert round_.title == "Ronde één"
    assert round_.state().value == "planned"
    bad = programme.post(
        "/programma/rondes/ronde-1",
        data={"title": "X", "opens_at": later, "closes_at": future},
    )
    assert bad.status_code == 400
    db.refresh(round_)
    assert round_.title == "Ronde één"


def test_an_unknown_round_is_a_404(programme):
    assert programme.get("/programma/rondes/bestaat-niet").status_code == 404


# --- regions -------------------------------------------------------------------------------------


def test_create_and_edit_a_region(programme, world, db):
    response = programme.post(
        "/programma/regios/nieuw", data={"key": "twente", "name": "Twente", "sharing": "named"}
    )
    assert response.status_code == 302
    region = db.exec(select(Region).where(Region.key == "twente")).one()
    assert region.sharing == "named"
    response = programme.post(
        "/programma/regios/twente/bewerken", data={"name": "Regio Twente", "sharing": "private"}
    )
    assert response.status_code == 302
    db.refresh(region)
    assert (region.name, region.sharing) == ("Regio Twente", "private")


def test_a_new_region_needs_no_key_up_front(programme, world, db):
    """Issue 16: like a round, a region gets its key from its name; the form asks the name
    first and folds the key away."""
    page = programme.get("/programma/regios/nieuw").get_data(as_text=True)
    assert page.index('name="name"') < page.index('name="key"')
    assert '<details class="more"' in page
    response = programme.post(
        "/programma/regios/nieuw", data={"name": "Regio Zuid-Oost Brabant", "sharing": "private"}
    )
    assert response.status_code == 302
    region = db.exec(select(Region).where(Region.name == "Regio Zuid-Oost Brabant")).one()
    assert region.key == "regio-zuid-oost-brabant"


def test_a_name_without_letters_asks_for_a_key(programme, world, db):
    before = len(db.exec(select(Region)).all())
    response = programme.post("/programma/regios/nieuw", data={"name": "!", "sharing": "private"})
    assert response.status_code == 400
    assert '<details class="more" open>' in response.get_data(as_text=True)
    assert len(db.exec(select(Region)).all()) == before


@pytest.mark.parametrize(
    "form",
    [
        {"key": "regio-a", "name": "Nieuw", "sharing": "private"},  # key taken
        {"key": "nieuw", "name": "Regio A", "sharing": "private"},  # name taken
        {"key": "nieuw", "name": "Nieuw", "sharing": "everyone"},  # unknown sharing
        {"key": "X", "name": "Nieuw", "sharing": "private"},
        {"name": "Regio-A", "sharing": "private"},  # its key, made from the name, is taken
    ],
)
def test_a_bad_region_is_refused(programme, world, db, form):
    before = len(db.exec(select(Region)).all())
    assert programme.post("/programma/regios/nieuw", data=form).status_code == 400
    assert len(db.exec(select(Region)).all()) == before


def test_renaming_a_region_to_another_regions_name_is_refused(programme, world, db):
    response = programme.post(
        "/programma/regios/regio-a/bewerken", data={"name": "Regio B", "sharing": "private"}
    )
    assert response.status_code == 400
    db.refresh(world["region_a"])
    assert world["region_a"].name == "Regio A"


# --- coordinators --------------------------------------------------------------------------------


def _set_password_path(message) -> str:
    for word in text_of(message).split():
        if "/wachtwoord/" in word:
            return urlsplit(word).path
    raise AssertionError(text_of(message))


def test_invite_a_coordinator_who_then_chooses_a_password(app, programme, world, mailbox, db):
    response = programme.post(
        "/programma/coordinatoren/nieuw",
        data={
            "name": "Nieuwe Coördinator",
            "email": "Nieuw@Example.org",
            "regions": [str(world["region_b"].id)],
        },
    )
    assert response.status_code == 302
    user = db.exec(select(User).where(User.email == "nieuw@example.org")).one()
    assert user.password_hash is None and not user.is_programme
    assigned = db.exec(
        select(CoordinatorRegion.region_id).where(CoordinatorRegion.user_id == user.id)
    )
    assert list(assigned) == [world["region_b"].id]

    [message] = mailbox.wait_for(1)
    assert message["To"] == "nieuw@example.org"
    assert "Regio B" in text_of(message)
    newcomer = app.test_client()
    path = _set_password_path(message)
    assert newcomer.get(path).status_code == 200
    password = "mijn eigen wachtwoord"
    assert newcomer.post(path, data={"password": password, "confirm": password}).status_code == 302
    assert login(newcomer, "nieuw@example.org", password).status_code == 302
    assert newcomer.get("/regio/regio-b/").status_code == 200
    assert newcomer.get("/regio/regio-a/").status_code == 403
    assert newcomer.get(path).status_code == 404  # the invitation link was used


def test_an_existing_address_is_refused(programme, world, mailbox, db):
    response = programme.post(
        "/programma/coordinatoren/nieuw",
        data={
            "name": "X",
            "email": "coordinator-b@example.org",
            "regions": [str(world["region_a"].id)],
        },
    )
    assert response.status_code == 400
    assert mailbox.messages == []


def test_a_coordinator_needs_a_region(programme, world, db):
    response = programme.post(
        "/programma/coordinatoren/nieuw", data={"name": "X", "email": "x@example.org"}
    )
    assert response.status_code == 400
    assert db.exec(select(User).where(User.email == "x@example.org")).first() is None


def test_assign_regions(programme, world, db):
    user = world["coordinator_a"]
    response = programme.post(
        f"/programma/coordinatoren/{user.id}",
        data={"regions": [str(world["region_a"].id), str(world["region_b"].id)]},
    )
    assert response.status_code == 302
    assigned = set(
        db.exec(select(CoordinatorRegion.region_id).where(CoordinatorRegion.user_id == user.id))
    )
    assert assigned == {world["region_a"].id, world["region_b"].id}


def test_deactivation_ends_the_coordinators_sessions_at_once(app, programme, world, db):
    user = world["coordinator_a"]
    coordinator = app.test_client()
    login(coordinator, user)
    assert coordinator.get("/regio/regio-a/").status_code == 200

    assert programme.post(f"/programma/coordinatoren/{user.id}/deactiveren").status_code == 302
    db.refresh(user)
    assert user.is_active is False
    assert coordinator.get("/regio/regio-a/").status_code == 302  # back to sign-in
    assert login(coordinator, user).status_code == 400

    assert programme.post(f"/programma/coordinatoren/{user.id}/activeren").status_code == 302
    assert login(coordinator, user).status_code == 302


def test_programme_accounts_are_not_managed_as_coordinators(programme, world):
    assert programme.get(f"/programma/coordinatoren/{world['programme'].id}").status_code == 404
    response = programme.post(f"/programma/coordinatoren/{world['programme'].id}/deactiveren")
    assert response.status_code == 404


def test_deactivating_needs_a_csrf_token(programme, world, db):
    user = world["coordinator_a"]
    response = programme.post(f"/programma/coordinatoren/{user.id}/deactiveren", csrf=False)
    assert response.status_code == 400
    db.refresh(user)
    assert user.is_active is True
