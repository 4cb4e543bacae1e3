"""Results pages are kept between requests (selfscan.infra.pagecache), and a kept page always equals
what rendering it from the database gives: every kind of change a page shows makes it render
again. The changes go through the services the app itself uses."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta

import pytest
from sqlalchemy import event, text, update
from sqlmodel import Session, select
from test_exchange import ROWS, import_rows, row

from conftest import close_round, login
from selfscan.infra import pagecache
from selfscan.models import (
    Action,
    ChangeMark,
    Invitation,
    PrincipleComment,
    Region,
    RegionMark,
    Response,
    Round,
    RoundRegion,
)
from selfscan.models.changes import MARKED, REGION_MARKED
from selfscan.models.types import utcnow
from selfscan.services import agenda, ambitions, privacy, regions, responses, rounds
from selfscan.services.agenda import ReflectionInput
from selfscan.services.invitations import create_invitation, revoke

DASHBOARD = "/regio/regio-a/resultaten/ronde-1"
OVERVIEW = "/programma/overzicht/ronde-1"
B_SHOWN = [row("regio-b", "School B", "po", "5")]  # region b from 2 to 3 responses: shown
C_AND_D = [row("regio-c", "School C", "po", "2")] * 3 + [row("regio-d", "School D", "po", "4")] * 3


def main(page: str) -> str:
    """The page's content, without its CSRF tokens, which are fresh on every request."""
    found = re.search(r"<main.*?</main>", page, re.S)
    assert found is not None
    return re.sub(r'name="csrf_token" value="[^"]*"', 'name="csrf_token"', found.group(0))


def view(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return main(response.get_data(as_text=True))


def rendered_afresh(client, app, url: str) -> str:
    """The page as rendered from the database, with nothing kept."""
    pagecache._caches.pop(app.extensions["selfscan.engine"], None)
    return view(client, url)


@pytest.fixture
def results(db, make, world, client):
    """Round 1, closed: regions a, c and d shown (so all regions are too), b hidden; an earlier
    round with an agenda; the programme team signed in."""
    earlier = make.round(
        "ronde-0",
        (world["region_a"], world["region_b"]),
        opens_at=utcnow() - timedelta(days=200),
        closes_at=utcnow() - timedelta(days=150),
        title="Ronde 0",
    )
    more = (make.region("regio-c", "Regio C"), make.region("regio-d", "Regio D"))
    db.add_all(RoundRegion(round_id=world["round"].id, region_id=r.id) for r in more)
    db.commit()
    import_rows(db, world["round"], ROWS + C_AND_D)
    close_round(db, world["round"])
    action = agenda.add_action(
        db,
        region=world["region_a"],
        round_=earlier,
        principle="kind-centraal",
        title="Samen kijken",
    )
    agreement = ambitions.add_agreement(
        db, region=world["region_a"], entry=ambitions.AgreementInput("Elk kind een plek")
    )
    invited = {**world, "earlier": earlier, "action": action, "agreement": agreement}
    # More open invitations in po than imported po responses (3), so that each one counts.
    for n in range(4):
        _invite(db, invited, f"bestaand-{n}@example.org")
    db.commit()
    login(client, world["programme"])
    return invited


def _invite(db, w, email: str = "nieuw@example.org") -> None:
    create_invitation(
        db,
        round_=w["round"],
        organisation=w["org_a"],
        name="Partner",
        email=email,
        secret="x",
    )


def _revoke(db, w) -> None:
    revoke(db, db.exec(select(Invitation)).first())


def _erase(db, w) -> None:
    privacy.erase_person(db, "bestaand-0@example.org")


def _comment(db, w) -> None:
    response = db.exec(select(Response).where(Response.region_id == w["region_a"].id)).first()
    db.add(PrincipleComment(response_id=response.id, principle="samen-beter", text="Nieuw inzicht"))


def _reflect(db, w) -> None:
    agenda.save_reflections(
        db,
        region=w["region_a"],
        round_=w["earlier"],
        entries={"kind-centraal": ReflectionInput("Hier letten we op", True)},
    )


def _round_title(db, w) -> None:
    earlier = w["earlier"]
    rounds.update_round(
        db, earlier, title="Voorjaar", opens_at=earlier.opens_at, closes_at=earlier.closes_at
    )


# The round's figures are released: an import may change them only by k responses per group
# it changes (rule 8). These imports pass k = 1 to that check: what is tested here is only
# that a kept page follows every change.
CHANGES: dict[str, Callable] = {
    "a response in the region": lambda db, w: import_rows(
        db, w["round"], [row("regio-a", "School A", "po", "2")], k=1
    ),
    "a response in another region (the all-regions line)": lambda db, w: import_rows(
        db, w["round"], B_SHOWN, k=1
    ),
    "a comment": _comment,
    "an invitation": _invite,
    "a revoked invitation": _revoke,
    "an erased invitee": _erase,
    "an organisation's sector": lambda db, w: regions.update_organisation(
        db, w["org_a"], name="School A", sector="vo"
    ),
    "the region's name": lambda db, w: regions.update_region(
        db, w["region_a"], name="Regio Anders", sharing="private"
    ),
    "an earlier round's title": _round_title,
    "the earlier round's action": lambda db, w: agenda.update_action(
        db,
        w["action"],
        principle="kind-centraal",
        title="Samen verder kijken",
        owner="Gemeente",
        due_date=None,
        status="done",
    ),
    "a new action": lambda db, w: agenda.add_action(
        db, region=w["region_a"], round_=w["earlier"], principle="samen-beter", title="Nieuw"
    ),
    "a removed action": lambda db, w: agenda.delete_action(db, w["action"]),
    "a reflection": _reflect,
    "an ambition": lambda db, w: ambitions.add_ambition(
        db, region=w["region_a"], round_=w["round"], principle="samen-beter", target=4.5
    ),
    "a result agreement": lambda db, w: ambitions.add_agreement(
        db, region=w["region_a"], entry=ambitions.AgreementInput("Minder thuiszitters")
    ),
    "a changed result agreement": lambda db, w: ambitions.update_agreement(
        db, w["agreement"], ambitions.AgreementInput("Elk kind een plek", lead_sector="gemeente")
    ),
    "how an agreement stands": lambda db, w: ambitions.save_progress(
        db,
        region=w["region_a"],
        round_=w["round"],
        entries={w["agreement"].id: ambitions.ProgressInput("behind", "Te weinig plekken")},
    ),
}


def follows(change: str, url: str, app, client, db, world) -> None:  # type: ignore[no-untyped-def]
    """The page at `url` is kept until `change` is made, then shows it as rendering it afresh
    from the database does."""
    shows(url, change, lambda: CHANGES[change](db, world), app, client, db)


def shows(url: str, change: str, make, app, client, db) -> None:  # type: ignore[no-untyped-def]
    """The page at `url` is kept until `make()` makes `change`, then shows it as rendering it
    afresh from the database does."""
    before = view(client, url)
    assert view(client, url) == before  # kept
    make()
    db.commit()
    after = view(client, url)
    assert after != before, f"{url} did not show {change}"
    assert after == rendered_afresh(client, app, url)


@pytest.mark.parametrize("change", CHANGES, ids=list(CHANGES))
def test_the_kept_dashboard_follows_every_change(change, app, client, db, results):
    follows(change, DASHBOARD, app, client, db, results)


OVERVIEW_CHANGES = [
    "a response in the region",
    "an organisation's sector",
    "a response in another region (the all-regions line)",
    "an invitation",
    "a revoked invitation",
    "an erased invitee",
    "the region's name",
    "a new action",
    "a reflection",
    "an ambition",
    "a result agreement",
    "how an agreement stands",
]


@pytest.mark.parametrize("change", OVERVIEW_CHANGES)
def test_the_kept_overview_follows_every_change(change, app, client, db, results, make):
    if change == "a reflection":  # the overview shows this round's focus principles
        results = {**results, "earlier": results["round"]}
    if change == "a new action":
        results = {**results, "earlier": results["round"]}
    follows(change, OVERVIEW, app, client, db, results)


def test_the_overview_follows_the_clock_to_a_round_that_opens(app, client, db, results, make):
    later = make.round(
        "ronde-2",
        (results["region_a"],),
        opens_at=utcnow() + timedelta(days=30),
        closes_at=utcnow() + timedelta(days=60),
        title="Ronde 2",
    )
    before = view(client, OVERVIEW)
    assert "Ronde 2" not in before  # not opened: not in the trend
    rounds_opened_now(db, later)
    after = view(client, OVERVIEW)
    assert "Ronde 2" in after
    assert after == rendered_afresh(client, app, OVERVIEW)


# Changes made with plain SQL, as a database administrator or a bulk load would: no
# `updated_at` moves, only the database's own change marks do (migration 0018's triggers).
PLAIN_SQL_CHANGES = {
    "an organisation's sector": "UPDATE organisation SET sector = 'vo' WHERE name = 'School A'",
    "an invitation moved to another region": "UPDATE invitation SET"
    " region_id = (SELECT region_id FROM organisation WHERE name = 'Opvang C'),"
    " organisation_id = (SELECT id FROM organisation WHERE name = 'Opvang C')"
    " WHERE email = 'bestaand-1@example.org'",
    "an action's status": "UPDATE action SET status = 'done' WHERE title = 'Nu'",
    "an invitation removed": "DELETE FROM invitation WHERE email = 'bestaand-2@example.org'",
}


@pytest.mark.parametrize("change", PLAIN_SQL_CHANGES)
def test_the_kept_overview_follows_a_change_in_plain_sql(change, app, client, db, results, make):
    region_c = db.exec(select(Region).where(Region.key == "regio-c")).one()
    make.organisation(region_c, "Opvang C", "kinderopvang")
    agenda.add_action(
        db, region=results["region_a"], round_=results["round"], principle="samen-beter", title="Nu"
    )
    db.commit()
    statement = text(PLAIN_SQL_CHANGES[change])
    shows(OVERVIEW, change, lambda: db.execute(statement), app, client, db)


# Changes to a region's rows made with plain SQL: only the region's mark moves (migration 0020).
DASHBOARD_PLAIN_SQL_CHANGES = {
    "a comment edited (a name taken out)": "UPDATE principle_comment SET text = 'Zonder naam'",
    "an invitation revoked": "UPDATE invitation SET revoked_at = CURRENT_TIMESTAMP"
    " WHERE email = 'bestaand-1@example.org'",
    "an organisation's sector": "UPDATE organisation SET sector = 'vo' WHERE name = 'School A'",
    "the earlier round's action done": "UPDATE action SET status = 'done'"
    " WHERE title = 'Samen kijken'",
}


@pytest.mark.parametrize("change", DASHBOARD_PLAIN_SQL_CHANGES)
def test_the_kept_dashboard_follows_a_change_in_plain_sql(change, app, client, db, results):
    _comment(db, results)
    db.commit()
    assert "Nieuw inzicht" in view(client, DASHBOARD)
    statement = text(DASHBOARD_PLAIN_SQL_CHANGES[change])
    shows(DASHBOARD, change, lambda: db.execute(statement), app, client, db)


def region_marks(db) -> dict[int, int]:
    db.expire_all()
    return {m.region_id: m.mark for m in db.exec(select(RegionMark))}


def test_the_region_marks_are_per_region_and_drawn_anew(db, results):
    a, b = results["region_a"].id, results["region_b"].id
    before = region_marks(db)
    assert {a, b} <= before.keys()  # their imported responses, region a's action
    db.execute(update(Action).where(Action.region_id == a).values(status="done"))
    db.commit()
    after = region_marks(db)
    assert after[a] != before[a]
    assert {r: m for r, m in after.items() if r != a} == {r: m for r, m in before.items() if r != a}
    # A row moved from one region to another marks both.
    db.execute(update(Action).where(Action.region_id == a).values(region_id=b))
    db.commit()
    moved = region_marks(db)
    assert moved[a] != after[a] and moved[b] != after[b]


def test_a_draft_leaves_its_region_mark_alone_until_submitted(db, engine, make, world):
    invitation, _ = make.invitation(world["round"], world["org_a"])
    region = world["region_a"].id
    with Session(engine) as session:  # a transaction of its own, as a request has
        response = responses.start(session, session.get(Invitation, invitation.id))
        session.commit()
        response_id = response.id
    started = region_marks(db).get(region)  # the invitation's first visit marked it
    # A draft's autosaves: its revision moves, its comment is written, changed and removed.
    db.execute(text("UPDATE response SET revision = revision + 1"))
    db.add(PrincipleComment(response_id=response_id, principle="samen-beter", text="Concept"))
    db.commit()
    db.execute(text("UPDATE principle_comment SET text = 'Concept 2'"))
    db.execute(text("DELETE FROM principle_comment"))
    db.commit()
    assert region_marks(db).get(region) == started
    db.execute(text("UPDATE response SET status = 'submitted', submitted_at = updated_at"))
    db.commit()
    submitted = region_marks(db)[region]
    assert submitted != started
    # A comment on a submitted response marks it, and so does the response removed.
    db.add(PrincipleComment(response_id=response_id, principle="samen-beter", text="Later"))
    db.commit()
    commented = region_marks(db)[region]
    assert commented != submitted
    db.execute(text("DELETE FROM response"))
    db.commit()
    assert region_marks(db)[region] != commented


def test_the_change_marks_are_per_table_and_round_and_drawn_anew(db, results, make):
    def marks() -> dict[tuple[str, int], int]:
        return {(m.topic, m.round_id): m.mark for m in db.exec(select(ChangeMark))}

    this, earlier = results["round"].id, results["earlier"].id
    before = marks()
    assert {("invitation", this), ("action", earlier), ("organisation", 0)} <= before.keys()
    db.execute(update(Invitation).where(Invitation.round_id == this).values(revoked_at=utcnow()))
    db.commit()
    after = marks()
    assert after[("invitation", this)] != before[("invitation", this)]
    assert {k: v for k, v in after.items() if k != ("invitation", this)} == {
        k: v for k, v in before.items() if k != ("invitation", this)
    }
    # Rows moved from one round to another mark both rounds.
    db.execute(update(Action).where(Action.round_id == earlier).values(round_id=this))
    db.commit()
    moved = marks()
    assert moved[("action", earlier)] != after[("action", earlier)]
    assert moved[("action", this)] != after.get(("action", this))


def rounds_opened_now(db, round_: Round) -> None:
    """Move a round's window so it is open now, without `updated_at` moving: as if the clock
    had passed its opening moment."""
    db.execute(
        update(Round)
        .where(Round.id == round_.id)
        .values(
            opens_at=utcnow() - timedelta(days=1),
            closes_at=utcnow() + timedelta(days=1),
            updated_at=Round.updated_at,
        )
    )
    db.commit()


@pytest.mark.parametrize("viewer", ["programme", "coordinator_a"])
def test_a_kept_page_is_one_statement_instead_of_twenty(viewer, app, db, results):
    client = app.test_client()
    login(client, results[viewer])  # a coordinator's regions in sight are read with the account
    statements: list[str] = []
    event.listen(
        app.extensions["selfscan.engine"],
        "before_cursor_execute",
        lambda conn, cursor, sql, *a: statements.append(sql),
    )
    view(client, DASHBOARD)
    first = len(statements)
    statements.clear()
    view(client, DASHBOARD)
    kept = [sql for sql in statements if not sql.startswith("BEGIN")]  # SQLite's own BEGIN
    # The kept view: the session's account with its regions, the region and round, the stamp.
    assert len(kept) == 3 < first, kept
    assert not any("principle_comment.text" in sql for sql in statements)


def test_each_language_has_its_own_kept_page(client, results):
    dutch = view(client, DASHBOARD)
    client.post("/taal", data={"lang": "en", "next": DASHBOARD})
    english = view(client, DASHBOARD)
    assert "Resultaten van Ronde 1" in dutch
    assert "Results of Ronde 1" in english


def test_a_coordinator_and_the_programme_team_get_the_same_content(app, results, db):
    # The content holds nothing of the person: who may see it is decided before it is read.
    # Here both see the same all-regions line: of regions a, c and d, coordinator a cannot see
    # c and d by name, two regions (rule 6).
    programme, coordinator = app.test_client(), app.test_client()
    login(programme, results["programme"])
    login(coordinator, results["coordinator_a"])
    assert view(programme, DASHBOARD) == view(coordinator, DASHBOARD)
    assert "Alle regio" in view(coordinator, DASHBOARD)
    assert coordinator.get("/regio/regio-b/resultaten/ronde-1").status_code == 403


def test_each_viewer_gets_the_all_regions_line_they_may_see(app, results, db):
    # Region c shares by name: all regions minus a and c would be region d, which coordinator
    # a may not see (rule 6). The programme team's kept page must never reach them.
    regions.update_region(db, db.get(Region, 3), name="Regio C", sharing="named")
    db.commit()
    programme, coordinator = app.test_client(), app.test_client()
    login(programme, results["programme"])
    login(coordinator, results["coordinator_a"])
    assert "Alle regio" in view(programme, DASHBOARD)
    assert "Alle regio" not in view(coordinator, DASHBOARD)
    assert view(coordinator, DASHBOARD) == rendered_afresh(coordinator, app, DASHBOARD)
    # Private again: two unseen regions, and the line returns for them.
    regions.update_region(db, db.get(Region, 3), name="Regio C", sharing="private")
    db.commit()
    assert "Alle regio" in view(coordinator, DASHBOARD)


# --- before the round closes ---------------------------------------------------------------------


@pytest.fixture
def open_round(db, world, client):
    """Round 1, open, with responses; the programme team signed in."""
    import_rows(db, world["round"], ROWS)
    # More open invitations in po than imported po responses (3), so that each one counts.
    for n in range(4):
        _invite(db, world, f"bestaand-{n}@example.org")
    db.commit()
    login(client, world["programme"])
    return world


PARTICIPATION_CHANGES: dict[str, Callable] = {
    "a response in the region": lambda db, w: import_rows(
        db, w["round"], [row("regio-a", "School A", "po", "2")]
    ),
    "an invitation": _invite,
    "a revoked invitation": _revoke,
    "an organisation's sector": CHANGES["an organisation's sector"],
}


@pytest.mark.parametrize("change", PARTICIPATION_CHANGES, ids=list(PARTICIPATION_CHANGES))
def test_the_kept_participation_page_follows_every_change(change, app, client, db, open_round):
    before = view(client, DASHBOARD)
    assert view(client, DASHBOARD) == before  # kept
    assert "data-chart" not in before
    PARTICIPATION_CHANGES[change](db, open_round)
    db.commit()
    after = view(client, DASHBOARD)
    assert after != before, f"the participation page did not show {change}"
    assert after == rendered_afresh(client, app, DASHBOARD)


def test_a_round_that_closes_by_the_clock_releases_its_figures_at_once(app, client, db, open_round):
    before = view(client, DASHBOARD)
    overview = view(client, OVERVIEW)
    assert "data-chart" not in before and "3,83" not in before and "3,83" not in overview
    round_closed_now(db, open_round["round"])
    after = view(client, DASHBOARD)
    assert "data-chart" in after and "3,83" in after
    assert after == rendered_afresh(client, app, DASHBOARD)
    assert "3,83" in view(client, OVERVIEW)


def round_closed_now(db, round_: Round) -> None:
    """Move a round's closing moment to just now, without `updated_at` moving: as if the clock
    had passed it."""
    db.execute(
        update(Round)
        .where(Round.id == round_.id)
        .values(closes_at=utcnow() - timedelta(seconds=1), updated_at=Round.updated_at)
    )
    db.commit()


PATH = "/regio/regio-a/pad"
PATH_CHANGES = [
    "a response in the region",
    "the region's name",
    "an earlier round's title",
    "an ambition",
]


@pytest.mark.parametrize("change", PATH_CHANGES)
def test_the_kept_path_follows_every_change(change, app, client, db, results):
    follows(change, PATH, app, client, db, results)


def test_the_kept_path_follows_a_round_that_closes_by_the_clock(app, client, db, results, make):
    later = make.round("ronde-2", (results["region_a"],), title="Ronde 2")
    import_rows(db, later, [row("regio-a", "School A", "po", v) for v in ("1", "2", "3")])
    before = view(client, PATH)
    assert "Ronde 2" not in before  # open: not on the path (rule 8)
    close_round(db, later)
    after = view(client, PATH)
    assert "Ronde 2" in after
    assert after == rendered_afresh(client, app, PATH)


def test_responses_mark_their_round_only_when_submitted(db, engine, make, world):
    def mark() -> int | None:
        found = db.exec(
            select(ChangeMark.mark).where(
                ChangeMark.topic == "response", ChangeMark.round_id == world["round"].id
            )
        )
        return found.first()

    invitation, _ = make.invitation(world["round"], world["org_a"])
    with Session(engine) as session:  # a transaction of its own, as a request has
        responses.start(session, session.get(Invitation, invitation.id))
        session.commit()
    # A draft and its autosaves (each moves the row's revision) leave the round's mark alone.
    db.execute(text("UPDATE response SET revision = revision + 1"))
    db.commit()
    assert mark() is None
    db.execute(text("UPDATE response SET status = 'submitted', submitted_at = updated_at"))
    db.commit()
    submitted = mark()
    assert submitted is not None
    # A submitted response that changes (an erased invitee, an import) or goes moves it again.
    db.execute(text("UPDATE response SET invitation_id = NULL"))
    db.commit()
    assert mark() not in (None, submitted)
    changed = mark()
    db.execute(text("DELETE FROM response"))
    db.commit()
    assert mark() not in (None, changed)


@pytest.mark.parametrize(
    ("prefix", "tables"), [("change_mark", list(MARKED)), ("region_mark", REGION_MARKED)]
)
def test_every_marked_table_has_its_triggers(engine, prefix, tables):
    with engine.connect() as connection:
        if connection.dialect.name == "postgresql":
            query = f"SELECT tgname FROM pg_trigger WHERE tgname LIKE '{prefix}_%%'"
        else:
            query = "SELECT name FROM sqlite_master WHERE type = 'trigger'"
        triggers = set(connection.exec_driver_sql(query).scalars())
    expected = {
        f"{prefix}_{table}_{operation}"
        for table in tables
        for operation in ("insert", "update", "delete")
    }
    assert expected <= triggers, expected - triggers
