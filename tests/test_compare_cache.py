"""The compare page's content is kept between requests (selfscan.infra.pagecache), and a kept page
always equals what rendering it from the database gives: every change of data, sharing or rights
between two requests shows on the next page, and nobody sees a page kept for other rights."""

from __future__ import annotations

import re
from datetime import timedelta
from urllib.parse import urlencode

import pytest
from sqlalchemy import event
from sqlmodel import select
from test_exchange import import_rows, row
from test_overview import make_rounds
from test_page_cache import rendered_afresh, round_closed_now, view

from conftest import login
from selfscan.models import CoordinatorRegion, Region, RoundRegion
from selfscan.models.types import utcnow
from selfscan.services import regions, rounds

DEFAULT = "/vergelijken"
CHOICE = "/vergelijken?" + urlencode(
    [("round", "ronde-0"), ("round", "ronde-1")]
    + [("region", key) for key in ("regio-a", "regio-b", "regio-c", "regio-d")]
    + [("sector", "all"), ("sector", "po"), ("pooled", "y")]
)
# What coordinator a may choose: own region a (b, c and d are private).
OWN = "/vergelijken?" + urlencode(
    [
        ("round", "ronde-0"),
        ("round", "ronde-1"),
        ("region", "regio-a"),
        ("sector", "all"),
        ("sector", "po"),
        ("pooled", "y"),
    ]
)
# Region b in round 1: two responses, below k = 3, hidden; a third makes it shown.
B_THIRD = [row("regio-b", "School B", "po", "5")]


@pytest.fixture
def compared(make, db, world, client):
    """Rounds 0 and 1 closed with responses in regions a-d (b hidden in round 1), round 2
    planned; the programme team signed in."""
    make_rounds(make, db, world)
    login(client, world["programme"])
    return world


def _kept_then_changed(app, client, db, url: str, change) -> tuple[str, str]:  # type: ignore[no-untyped-def]
    before = view(client, url)
    assert view(client, url) == before  # kept
    change()
    db.commit()
    after = view(client, url)
    assert after == rendered_afresh(client, app, url)
    return before, after


@pytest.mark.parametrize("url", [DEFAULT, CHOICE])
def test_a_response_in_a_released_round_shows_at_once(url, app, client, db, compared):
    # The default choice is round 1 and the first three regions (a, b, c): b shown after this.
    before, after = _kept_then_changed(
        app, client, db, url, lambda: import_rows(db, compared["round"], B_THIRD, k=1)
    )
    assert "Regio B · Ronde 1" in not_shown(before)
    assert "Regio B · Ronde 1" not in not_shown(after)


def not_shown(page: str) -> str:
    """The page's list of chosen combinations that show nothing."""
    found = re.search(r"<p>Niet getoond[^<]*</p>", page)
    return found.group(0) if found else ""


def test_a_region_renamed_shows_at_once(app, client, db, compared):
    before, after = _kept_then_changed(
        app,
        client,
        db,
        CHOICE,
        lambda: regions.update_region(
            db, compared["region_a"], name="Regio Anders", sharing="private"
        ),
    )
    assert "Regio Anders" not in before
    assert "Regio Anders" in after


def test_a_round_retitled_shows_at_once(app, client, db, compared):
    round_ = compared["round"]
    before, after = _kept_then_changed(
        app,
        client,
        db,
        CHOICE,
        lambda: rounds.update_round(
            db, round_, title="Najaar", opens_at=round_.opens_at, closes_at=round_.closes_at
        ),
    )
    assert "Najaar" in after and "Najaar" not in before


def test_a_round_that_closes_by_the_clock_becomes_a_choice(app, client, db, compared, make):
    later = make.round(
        "ronde-3",
        (compared["region_a"],),
        opens_at=utcnow() - timedelta(days=1),
        closes_at=utcnow() + timedelta(days=1),
        title="Ronde 3",
    )
    before = view(client, DEFAULT)
    assert "Ronde 3" not in before  # open: no figures yet (rule 8)
    round_closed_now(db, later)
    after = view(client, DEFAULT)
    assert "Ronde 3" in after
    assert after == rendered_afresh(client, app, DEFAULT)


def test_sharing_by_name_shows_to_a_coordinator_at_once(app, db, compared):
    coordinator = app.test_client()
    login(coordinator, compared["coordinator_a"])
    with_c = OWN + "&region=regio-c"
    before = view(coordinator, DEFAULT)
    assert "Regio C" not in before  # private: only inside all regions
    assert coordinator.get(with_c).status_code == 400  # not a choice
    regions.update_region(db, _region(db, "regio-c"), name="Regio C", sharing="named")
    db.commit()
    shared = view(coordinator, DEFAULT)
    assert "Regio C" in shared
    assert shared == rendered_afresh(coordinator, app, DEFAULT)
    assert "Regio C · Ronde 1" in view(coordinator, with_c)
    regions.update_region(db, _region(db, "regio-c"), name="Regio C", sharing="private")
    db.commit()
    assert "Regio C" not in view(coordinator, DEFAULT)
    assert coordinator.get(with_c).status_code == 400


def _region(db, key: str) -> Region:  # type: ignore[no-untyped-def]
    return db.exec(select(Region).where(Region.key == key)).one()


def test_nobody_sees_a_page_kept_for_other_rights(app, db, compared):
    programme, coordinator_a, coordinator_b = (app.test_client() for _ in range(3))
    login(programme, compared["programme"])
    login(coordinator_a, compared["coordinator_a"])
    login(coordinator_b, compared["coordinator_b"])
    for_programme = view(programme, CHOICE)
    assert "Regio C · Ronde 1" in for_programme and "Regio D · Ronde 1" in for_programme
    # The programme team's choice asked by a coordinator: regions they may not see by name.
    assert coordinator_a.get(CHOICE).status_code == 400
    # Coordinator a's own choice: the programme team's page lists every region to choose from,
    # the coordinator's only their own.
    own_programme, own_a = view(programme, OWN), view(coordinator_a, OWN)
    assert "Regio D" in own_programme
    assert "Regio A · Ronde 1" in own_a
    for name in ("Regio B", "Regio C", "Regio D"):
        assert name not in own_a
    assert own_a == rendered_afresh(coordinator_a, app, OWN)
    assert coordinator_b.get(OWN).status_code == 400  # region a is not b's to see
    assert "Regio A" not in view(coordinator_b, DEFAULT)
    assert view(programme, OWN) == own_programme


def test_a_coordinator_given_a_region_sees_it_at_once(app, db, compared):
    coordinator = app.test_client()
    login(coordinator, compared["coordinator_a"])
    assert "Regio D" not in view(coordinator, DEFAULT)
    region_d = _region(db, "regio-d")
    db.add(CoordinatorRegion(user_id=compared["coordinator_a"].id, region_id=region_d.id))
    db.commit()
    after = view(coordinator, DEFAULT)
    assert "Regio D" in after
    assert after == rendered_afresh(coordinator, app, DEFAULT)
    db.delete(db.get(CoordinatorRegion, (compared["coordinator_a"].id, region_d.id)))
    db.commit()
    assert "Regio D" not in view(coordinator, DEFAULT)


def test_a_region_added_to_a_round_is_a_coordinators_choice_at_once(app, db, compared, make):
    # A round in which only region b took part is no choice for coordinator a, until a joins.
    only_b = make.round(
        "ronde-b",
        (compared["region_b"],),
        opens_at=utcnow() - timedelta(days=120),
        closes_at=utcnow() - timedelta(days=110),
        title="Ronde B",
    )
    coordinator = app.test_client()
    login(coordinator, compared["coordinator_a"])
    assert "Ronde B" not in view(coordinator, DEFAULT)
    db.add(RoundRegion(round_id=only_b.id, region_id=compared["region_a"].id))
    db.commit()
    assert "Ronde B" in view(coordinator, DEFAULT)


def test_each_language_has_its_own_kept_page(client, compared):
    dutch = view(client, CHOICE)
    client.post("/taal", data={"lang": "en", "next": CHOICE})
    english = view(client, CHOICE)
    assert "Compare regions, rounds and sectors" in english
    assert dutch != english


def test_a_wrong_choice_is_sent_back_and_never_kept(app, client, db, compared):
    wrong = "/vergelijken?round=ronde-9&region=regio-a"
    for _ in range(2):
        answer = client.get(wrong)
        assert answer.status_code == 400
    assert client.get("/vergelijken?region=regio-a").status_code == 400  # no round
    assert view(client, CHOICE) == rendered_afresh(client, app, CHOICE)


def test_a_kept_page_is_two_statements(app, client, db, compared):
    statements: list[str] = []
    event.listen(
        app.extensions["selfscan.engine"],
        "before_cursor_execute",
        lambda conn, cursor, sql, *a: statements.append(sql),
    )
    view(client, CHOICE)
    first = len(statements)
    statements.clear()
    view(client, CHOICE)
    kept = [sql for sql in statements if not sql.startswith("BEGIN")]  # SQLite's own BEGIN
    # The session's account with its regions, and the stamp.
    assert len(kept) == 2 < first, kept
