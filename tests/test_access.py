"""Every route in the URL map, requested by every kind of person, answers as POLICY says.

A new route that is not in POLICY fails here, so no page can forget its access rule.
"""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from werkzeug.routing import Rule

from conftest import api_headers
from selfscan import create_app
from selfscan.access import POLICY, Access

IDENTITIES = ("anonymous", "respondent_a", "coordinator_a", "coordinator_b", "programme")


def _rules() -> list[Rule]:
    app = create_app({"TESTING": True, "DATABASE_URL": "sqlite://"})
    return sorted(app.url_map.iter_rules(), key=lambda r: (r.endpoint, r.rule))


RULES = _rules()


def test_every_endpoint_has_a_rule_and_every_rule_an_endpoint():
    endpoints = {rule.endpoint for rule in RULES}
    assert sorted(endpoints - POLICY.keys()) == [], "add these endpoints to POLICY"
    assert sorted(POLICY.keys() - endpoints) == [], "POLICY names endpoints that do not exist"


REGION_RULES = (Access.REGION, Access.API_REGION, Access.API_NAMED_REGION)


def test_region_rules_name_the_region_in_the_url():
    for rule in RULES:
        if POLICY.get(rule.endpoint) in REGION_RULES:
            assert "region" in rule.arguments, f"{rule.rule} is region-scoped but has no <region>"


def expected_allowed(access: Access, identity: str, url_region: str | None) -> bool:
    if access is Access.PUBLIC:
        return True
    if access is Access.RESPONDENT:
        return identity == "respondent_a"
    if identity in ("anonymous", "respondent_a"):
        return False
    if access in (Access.SIGNED_IN, Access.API) or identity == "programme":
        return True
    # Both regions of the cast share privately: seeing one by name is coordinating it.
    if access in REGION_RULES:
        return (identity, url_region) in {("coordinator_a", "a"), ("coordinator_b", "b")}
    return False  # PROGRAMME


def url_values(rule: Rule, world: dict[str, Any], side: str) -> dict[str, Any]:
    """Values for the rule's arguments, taken from region A's or region B's objects."""
    region = world[f"region_{side}"]
    known: dict[str, Any] = {
        "region": region.key,
        "round": world["round"].key,
        "round_key": world["round"].key,
        "region_key": region.key,
        "token": "x" * 32,
        "filename": "css/selfscan.css",
        "key": "zelfscan-mao",
        "version": 1,
        "organisation_id": world[f"org_{side}"].id,
        "invitation_id": world[f"invitation_{side}"].id,
        "user_id": world[f"coordinator_{side}"].id,
        "principle": "kind-centraal",
        "step": 1,
        "action_id": 1,
        "topic_id": 1,
        "ambition_id": 1,
        "agreement_id": 1,
        "token_id": 1,
        "partnership_id": 1,
        "job_id": 1,
        "fmt": "csv",
        "format": "csv",
        "table": "heatmap",
    }
    missing = [
        arg for arg in rule.arguments if arg not in known and arg not in (rule.defaults or {})
    ]
    assert not missing, f"teach test_access.url_values the argument(s) {missing} of {rule.rule}"
    return {arg: known[arg] for arg in rule.arguments if arg in known}


def sign_in_as(client: Any, identity: str, world: dict[str, Any], db: Any) -> None:
    """Put the identity's session in place the way the app's own sign-in does."""
    with client.session_transaction() as session:
        if identity == "respondent_a":
            session["invitation_id"] = world["invitation_a"].id
        elif identity != "anonymous":
            user = world[identity]
            db.refresh(user)
            session["_user_id"] = user.get_id()
            session["_fresh"] = True
    api_headers(client, world, identity)


def is_denied(response: Any) -> bool:
    if response.status_code in (401, 403):
        return True
    # The guard sends a person who is not signed in to the sign-in page with ?next=.
    return response.status_code in (302, 303) and "/inloggen?next=" in response.headers.get(
        "Location", ""
    )


def route_cases() -> list[Any]:
    cases = []
    for rule in RULES:
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            for side in ("a", "b") if "region" in rule.arguments else ("a",):
                cases.append(pytest.param(rule, method, side, id=f"{method} {rule.rule} [{side}]"))
    return cases


@pytest.fixture
def cast(world, make):
    invitation_a, _ = make.invitation(world["round"], world["org_a"])
    invitation_b, _ = make.invitation(world["round"], world["org_b"])
    return {**world, "invitation_a": invitation_a, "invitation_b": invitation_b}


@pytest.mark.parametrize(("rule", "method", "side"), route_cases())
def test_route_answers_each_identity_as_the_policy_says(app: Flask, cast, db, rule, method, side):
    access = POLICY[rule.endpoint]
    with app.test_request_context():
        path = app.url_for(rule.endpoint, **url_values(rule, cast, side))
    for identity in IDENTITIES:
        client = app.test_client()
        sign_in_as(client, identity, cast, db)
        response = client.open(path, method=method, data={})
        allowed = expected_allowed(access, identity, side)
        assert response.status_code != 500, f"{identity}: {method} {path} gave 500"
        if allowed:
            assert not is_denied(response), (
                f"{identity} was refused {method} {path} ({response.status_code})"
            )
        else:
            assert is_denied(response), (
                f"{identity} reached {method} {path} ({response.status_code})"
            )


def test_a_route_missing_from_the_policy_is_refused_to_everyone(app: Flask, world, db):
    app.add_url_rule("/forgotten", "forgotten", lambda: "secret")
    client = app.test_client()
    sign_in_as(client, "programme", world, db)
    assert client.get("/forgotten").status_code == 403


AUDIENCES = {
    "programme.": {Access.PROGRAMME},
    "region.": {Access.REGION},
    "api.": {Access.API, Access.API_REGION, Access.API_NAMED_REGION},
    # The link itself and the page for a dead link are public; everything after is not.
    "respondent.": {Access.RESPONDENT, Access.PUBLIC},
}


def test_each_blueprint_keeps_its_audience():
    """The table cannot quietly open a programme or region page to a wider audience."""
    for endpoint, access in POLICY.items():
        for prefix, allowed in AUDIENCES.items():
            if endpoint.startswith(prefix):
                assert access in allowed, f"{endpoint} is {access}, expected one of {allowed}"
    public_respondent = sorted(
        e for e, a in POLICY.items() if e.startswith("respondent.") and a is Access.PUBLIC
    )
    assert len(public_respondent) <= 3, f"too many public respondent pages: {public_respondent}"
