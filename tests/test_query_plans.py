"""Lookups the respondent's pages and the invitations page make on every request use an index,
also where most responses have no invitation and the statistics say so (SQLite's ANALYZE)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import event, insert, text
from sqlalchemy.pool import NullPool
from sqlmodel import Session

from selfscan.infra.db import make_engine
from selfscan.models import Response
from selfscan.models.types import utcnow
from selfscan.respondent.context import _RESPONDENT
from selfscan.services import freshness
from selfscan.services.invitations import invitations_of_round


def imported(world) -> dict[str, object]:
    """A submitted response of region a's school, as an import adds it (no invitation)."""
    return {
        "round_id": world["round"].id,
        "region_id": world["region_a"].id,
        "organisation_id": world["org_a"].id,
        "sector": "po",
        "status": "submitted",
        "source": "import",
    }


@pytest.fixture
def many_unlinked_responses(db, world, make):
    """An invitation, one linked response, and 300 imported ones without an invitation."""
    if db.get_bind().dialect.name != "sqlite":
        pytest.skip("SQLite's planner and statistics; PostgreSQL keeps NULLs out of its estimates")
    invitation, _ = make.invitation(world["round"], world["org_a"])
    row = {**imported(world), "submitted_at": utcnow()}
    db.execute(insert(Response), [row] * 300)
    db.execute(insert(Response), [{**row, "source": "web", "invitation_id": invitation.id}])
    db.execute(text("ANALYZE"))
    yield invitation
    db.execute(text("DELETE FROM sqlite_stat1"))  # the next tests plan without them


def plan(db, statement) -> list[str]:
    compiled = statement.compile(db.get_bind())
    rows = db.connection().exec_driver_sql(
        f"EXPLAIN QUERY PLAN {compiled}",
        tuple(compiled.params.get(p) for p in compiled.positiontup),
    )
    return [detail for *_, detail in rows]


def test_the_respondent_is_loaded_without_reading_every_response(db, many_unlinked_responses):
    steps = plan(db, _RESPONDENT.params(id=many_unlinked_responses.id))
    assert not [s for s in steps if s.startswith("SCAN response")], steps
    assert any("response USING INDEX ix_response_invitation_linked" in s for s in steps), steps


def test_the_invitations_page_finds_responses_through_the_index(db, world, many_unlinked_responses):
    captured: list[str] = []

    def keep(conn, cursor, statement, parameters, context, executemany) -> None:  # type: ignore[no-untyped-def]
        if "FROM invitation" in statement and "response" in statement:
            captured.extend(
                d
                for *_, d in cursor.connection.execute(
                    f"EXPLAIN QUERY PLAN {statement}", parameters
                )
            )

    engine = db.get_bind().engine
    event.listen(engine, "before_cursor_execute", keep)
    try:
        found = invitations_of_round(db, world["round"], world["region_a"].id)
    finally:
        event.remove(engine, "before_cursor_execute", keep)
    assert [status for _, _, status in found] == ["submitted"]
    assert captured and not [s for s in captured if s.startswith("SCAN response")], captured


def test_postgresql_plans_each_freshness_stamp_once(engine, world):
    """A kept page costs its stamp: prepared (psycopg prepares a statement from its fifth
    execution on), each stamp must be planned once for all values (a generic plan), not anew on
    every request, which cost the compare page's stamp 0.75 ms of the database's CPU."""
    if engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL's plan cache")
    now = utcnow()
    # Enough submitted responses, known to the planner, for plans to differ in cost.
    row = imported(world)
    with engine.begin() as connection:
        connection.execute(
            insert(Response),
            [{**row, "submitted_at": now - timedelta(minutes=n)} for n in range(5000)],
        )
        connection.exec_driver_sql("ANALYZE response")
    stamps = {
        "region": lambda s: freshness.region_stamp(s, world["round"], world["region_a"], now),
        "overview": lambda s: freshness.overview_stamp(s, world["round"], now),
        "path": lambda s: freshness.path_stamp(s, world["region_a"], now),
        "round figures": lambda s: freshness.round_figures_stamp(s, world["round"], now),
        "compare": lambda s: freshness.compare_stamp(s, now),
    }
    # A connection of its own: the pool's have prepared the statements of earlier tests.
    fresh = make_engine(engine.url.render_as_string(hide_password=False), poolclass=NullPool)
    with fresh.connect() as connection, Session(bind=connection) as session:
        for stamp in stamps.values():
            for _ in range(12):
                stamp(session)
        planned = connection.exec_driver_sql(
            "SELECT statement, generic_plans, custom_plans FROM pg_prepared_statements"
            " WHERE statement LIKE 'SELECT%%'"
        ).all()
    fresh.dispose()
    # The stamps are the only statements this connection read with.
    assert len(planned) == len(stamps), [p.statement[:80] for p in planned]
    for statement, generic, custom in planned:
        assert generic > 0 and custom <= 5, (statement[:200], generic, custom)
