"""Lookups the respondent's pages and the invitations page make on every request use an index,
also where most responses have no invitation and the statistics say so (SQLite's ANALYZE)."""

from __future__ import annotations

import pytest
from sqlalchemy import event, insert, text

from selfscan.models import Response
from selfscan.models.types import utcnow
from selfscan.respondent.context import _RESPONDENT
from selfscan.services.invitations import invitations_of_round


@pytest.fixture
def many_unlinked_responses(db, world, make):
    """An invitation, one linked response, and 300 imported ones without an invitation."""
    if db.get_bind().dialect.name != "sqlite":
        pytest.skip("SQLite's planner and statistics; PostgreSQL keeps NULLs out of its estimates")
    invitation, _ = make.invitation(world["round"], world["org_a"])
    row = {
        "round_id": world["round"].id,
        "region_id": world["region_a"].id,
        "organisation_id": world["org_a"].id,
        "sector": "po",
        "status": "submitted",
        "source": "import",
        "submitted_at": utcnow(),
    }
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
