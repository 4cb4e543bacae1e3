"""Region A's addresses with another party's IDs in them reach nothing and change nothing.

tests/test_access.py checks the policy (region B's URL refused to coordinator A). Here the URL
names region A, which coordinator A may reach, and one other part names an object of region B,
or a round region A does not take part in: the loaders must answer 404, for coordinator A and
for the programme team alike, and a write must leave the database as it was.
"""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from werkzeug.routing import Rule

from conftest import close_round
from security.conftest import WRITES, changed_tables, sign_in_as, snapshot
from selfscan import create_app
from selfscan.access import POLICY, Access

# The region's pages, and the API's answers about one region (with the identity's token).
REGION_RULES = (Access.REGION, Access.API_REGION, Access.API_NAMED_REGION)


def _region_rules() -> list[Rule]:
    app = create_app({"TESTING": True, "DATABASE_URL": "sqlite://"})
    return sorted(
        (r for r in app.url_map.iter_rules() if POLICY[r.endpoint] in REGION_RULES),
        key=lambda r: r.rule,
    )


OBJECT_ARGS = {
    "round",
    "round_key",
    "organisation_id",
    "invitation_id",
    "action_id",
    "topic_id",
    "ambition_id",
    "agreement_id",
    "partnership_id",
}
RULES = [r for r in _region_rules() if r.arguments & OBJECT_ARGS]


def own_values(scene: dict[str, Any]) -> dict[str, Any]:
    return {
        "region": scene["region_a"].key,
        "round": scene["round"].key,
        "round_key": scene["round"].key,
        "organisation_id": scene["org_a"].id,
        "invitation_id": scene["invitation_a"].id,
        "action_id": scene["action_a"].id,
        "topic_id": scene["topic_a"].id,
        "ambition_id": scene["ambition_a"].id,
        "agreement_id": scene["agreement_a"].id,
        "partnership_id": scene["partnership_a"].id,
        "fmt": "csv",
    }


def foreign_values(scene: dict[str, Any]) -> dict[str, list[Any]]:
    """For each URL part: values that belong to region B, or a round region A is not in."""
    round_2 = scene["round_2"].key
    return {
        "round": [round_2, "no-such-round"],
        "round_key": [round_2, "no-such-round"],
        "organisation_id": [scene["org_b"].id, 999_999],
        "invitation_id": [scene["invitation_b"].id, scene["invitation_b2"].id],
        "action_id": [scene["action_b"].id, scene["action_b2"].id],
        "topic_id": [scene["topic_b"].id, scene["topic_b2"].id],
        "ambition_id": [scene["ambition_b"].id, 999_999],
        "agreement_id": [scene["agreement_b"].id, 999_999],
        # a pair of B and E, which region A is not in
        "partnership_id": [scene["partnership_b"].id, 999_999],
    }


def mixed_values(rule: Rule, scene: dict[str, Any]) -> list[dict[str, Any]]:
    """Region A's URL with one part (or, for a round, also its objects) from elsewhere."""
    own, foreign = own_values(scene), foreign_values(scene)
    cases = []
    for arg in sorted(rule.arguments & OBJECT_ARGS):
        for value in foreign[arg]:
            cases.append({**own, arg: value})
    if {"round_key", "action_id"} <= rule.arguments:  # B's action in the round A is not in
        cases.append({**own, "round_key": scene["round_2"].key, "action_id": scene["action_b2"].id})
    if {"round_key", "topic_id"} <= rule.arguments:
        cases.append({**own, "round_key": scene["round_2"].key, "topic_id": scene["topic_b2"].id})
    if {"round_key", "invitation_id"} <= rule.arguments:
        cases.append(
            {**own, "round_key": scene["round_2"].key, "invitation_id": scene["invitation_b2"].id}
        )
    return [{k: v for k, v in case.items() if k in rule.arguments} for case in cases]


# Downloads of figures while the round is open lead to the page that says when they come.
FIGURES_AFTER_CLOSE = {
    endpoint: "/regio/regio-a/resultaten/ronde-1"
    for endpoint in (
        "region.scores_download",
        "region.report",
        "region.report_pdf",
        "region.conversation_agenda",
        "region.conversation_agenda_pdf",
    )
}


@pytest.mark.parametrize("identity", ["coordinator_a", "programme"])
@pytest.mark.parametrize("rule", RULES, ids=lambda r: f"{r.endpoint} {r.rule}")
def test_region_a_url_with_another_partys_ids_is_404_and_changes_nothing(
    app: Flask, engine, scene, db, rule: Rule, identity: str
):
    client = app.test_client()
    sign_in_as(client, identity, scene, db)
    form = WRITES[rule.endpoint][2](app, scene) if rule.endpoint in WRITES else {}
    before = snapshot(engine)
    for values in mixed_values(rule, scene):
        with app.test_request_context():
            path = app.url_for(rule.endpoint, **values)
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            response = client.open(path, method=method, data=form if method == "POST" else None)
            assert response.status_code in (403, 404), (
                f"{identity}: {method} {path} answered {response.status_code}"
            )
    assert changed_tables(before, snapshot(engine)) == []
    # The same route with region A's own IDs does work, so the 404s above are not by accident.
    if "GET" in (rule.methods or set()):
        with app.test_request_context():
            own = app.url_for(
                rule.endpoint, **{k: v for k, v in own_values(scene).items() if k in rule.arguments}
            )
        response = client.get(own)
        if rule.endpoint in FIGURES_AFTER_CLOSE:  # the round is open: to its own page (rule 8)
            assert response.headers.get("Location") == FIGURES_AFTER_CLOSE[rule.endpoint], own
        else:
            assert response.status_code == 200, own


def test_an_invitation_for_another_regions_organisation_is_refused(app, engine, scene, db):
    client = app.test_client()
    sign_in_as(client, "coordinator_a", scene, db)
    before = snapshot(engine)
    response = client.post(
        "/regio/regio-a/rondes/ronde-1/uitnodigingen/een",
        data={"name": "Indringer", "email": "x@example.org", "organisation": scene["org_b"].id},
    )
    assert response.status_code == 400
    assert changed_tables(before, snapshot(engine)) == []


def test_a_list_naming_another_regions_organisation_is_refused(app, engine, scene, db):
    client = app.test_client()
    sign_in_as(client, "coordinator_a", scene, db)
    before = snapshot(engine)
    response = client.post(
        "/regio/regio-a/rondes/ronde-1/uitnodigingen/lijst",
        data={"people": "Goed;goed@example.org;School A\nFout;fout@example.org;School B"},
    )
    assert response.status_code == 400
    assert changed_tables(before, snapshot(engine)) == []


def test_compare_does_not_show_a_private_region_to_another_coordinator(app, scene, db):
    close_round(db, scene["round"])
    client = app.test_client()
    sign_in_as(client, "coordinator_a", scene, db)
    response = client.get("/vergelijken?round=ronde-1&region=regio-b&sector=all")
    assert response.status_code == 400
    assert "Regio B" not in response.get_data(as_text=True)
    sign_in_as(client, "coordinator_b", scene, db)
    assert client.get("/vergelijken?round=ronde-1&region=regio-b&sector=all").status_code == 200


def test_a_new_round_cannot_be_bound_to_an_unknown_region_or_questionnaire(app, engine, scene, db):
    client = app.test_client()
    sign_in_as(client, "programme", scene, db)
    form = WRITES["programme.new_round"][2](app, scene)
    before = snapshot(engine)
    for bad in ({"regions": [999_999]}, {"questionnaire": 999_999}):
        response = client.post("/programma/rondes/nieuw", data={**form, **bad})
        assert response.status_code == 400, bad
    assert changed_tables(before, snapshot(engine)) == []
