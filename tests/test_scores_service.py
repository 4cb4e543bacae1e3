"""The SQL side of the scores: rules 1-3 applied in the database, per region and sector."""

from __future__ import annotations

import pytest
from sqlalchemy import insert
from sqlmodel import select

from selfscan.models import Answer, Item, Response
from selfscan.models.types import utcnow
from selfscan.services.scores import sector_groups, statement_figures


def respond(db, world, values: dict[str, int | None], *, submitted=True, dont_know=()):
    """A response of School A (po, region a) with the given item values."""
    org = world["org_a"]
    response = Response(
        round_id=world["round"].id,
        region_id=org.region_id,
        organisation_id=org.id,
        sector=org.sector,
        status="submitted" if submitted else "draft",
        submitted_at=utcnow() if submitted else None,
    )
    db.add(response)
    db.flush()
    version = world["round"].questionnaire_version_id
    items = {
        i.key: i.id for i in db.exec(select(Item).where(Item.questionnaire_version_id == version))
    }
    rows = [
        {"response_id": response.id, "item_id": items[k], "value": v, "dont_know": False}
        for k, v in values.items()
    ] + [
        {"response_id": response.id, "item_id": items[k], "value": None, "dont_know": True}
        for k in dont_know
    ]
    db.execute(insert(Answer), rows)
    db.commit()
    return response


def test_only_submitted_responses_count(db, world):
    respond(db, world, {f"kc-{i}": 4 for i in range(1, 7)})
    respond(db, world, {f"kc-{i}": 1 for i in range(1, 7)}, submitted=False)  # a draft
    group = sector_groups(db, world["round"])[world["region_a"].id]["po"]
    assert group.responses == 1
    assert group.figures("kind-centraal").mean == 4


def test_valid_answers_and_the_half_rule_in_sql(db, world):
    # kc: 5, 3 and 0 (off the scale, as a database could hold): 2 valid of 6 < 3: no score.
    # ga: 2, 4, 3 with three "don't know": 3 valid of 6: score 3.
    respond(
        db,
        world,
        {"kc-1": 5, "kc-2": 3, "kc-3": 0, "ga-1": 2, "ga-2": 4, "ga-3": 3},
        dont_know=("ga-4", "ga-5", "ga-6"),
    )
    group = sector_groups(db, world["round"])[world["region_a"].id]["po"]
    assert group.responses == 1
    assert group.figures("kind-centraal").n == 0
    assert group.figures("geintegreerd-aanbod").mean == 3
    assert group.figures("inclusief-nabij").n == 0


def test_statement_figures_count_dont_know_and_leave_it_out_of_the_mean(db, world):
    respond(db, world, {"kc-1": 2})
    respond(db, world, {"kc-1": 5})
    respond(db, world, {}, dont_know=("kc-1",))
    found = statement_figures(db, world["round"], world["region_a"].id)
    kc1 = found.sectors["po"].figures("kc-1")
    assert found.sectors["po"].responses == 3
    assert (kc1.n, found.dont_know["kc-1"]) == (2, 1)
    assert kc1.mean == pytest.approx(3.5)
    assert [i.key for i in found.items][:2] == ["kc-1", "kc-2"]  # every statement, in order


def test_a_region_is_only_aggregated_when_asked(db, world):
    respond(db, world, {f"kc-{i}": 4 for i in range(1, 7)})
    assert sector_groups(db, world["round"], [world["region_b"].id]) == {}
