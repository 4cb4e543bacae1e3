"""Every GET route: changes nothing, sends the security headers, and survives hostile queries.

About `invitation.opened_at`: it is the first-visit record a coordinator sees as "opened". It
is written when the person presses "Start" (a POST), not when the link is exchanged for a
session (a GET), so even that GET leaves the database exactly as it was; the walk checks it.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

import pytest
from flask import Flask
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from werkzeug.routing import Rule

from security.conftest import changed_tables, reset_token, sign_in_as, snapshot
from selfscan import create_app
from selfscan.access import POLICY, Access
from selfscan.models import Job


def _get_rules() -> list[Rule]:
    app = create_app({"TESTING": True, "DATABASE_URL": "sqlite://"})
    return sorted(
        (r for r in app.url_map.iter_rules() if "GET" in (r.methods or set())),
        key=lambda r: (r.endpoint, r.rule),
    )


GET_RULES = _get_rules()
OVERRIDES = {
    "programme.questionnaire_preview": {"key": "zelfscan-mao"},
    "respondent.principle": {"key": "kind-centraal"},
}


def path_of(app: Flask, rule: Rule, scene: dict[str, Any]) -> str:
    values = {
        "region": scene["region_a"].key,
        "region_key": scene["region_a"].key,
        "round": scene["round"].key,
        "round_key": scene["round"].key,
        "organisation_id": scene["org_a"].id,
        "invitation_id": scene["invitation_a"].id,
        "action_id": scene["action_a"].id,
        "topic_id": scene["topic_a"].id,
        "ambition_id": scene["ambition_a"].id,
        "agreement_id": scene["agreement_a"].id,
        "partnership_id": scene["partnership_a"].id,
        "job_id": scene["job"].id if "job" in scene else 999_999,  # none made: a 404
        "user_id": scene["coordinator_a"].id,
        "token_id": scene["api_token_ids"]["coordinator_a"],
        "token": scene["token_a"],
        "filename": "css/selfscan.css",
        "version": 1,
        "principle": "kind-centraal",
        "table": "heatmap",
        "fmt": "csv",
        **OVERRIDES.get(rule.endpoint, {}),
    }
    if rule.endpoint == "account.set_password":
        values["token"] = reset_token(app, scene)
    with app.test_request_context():
        return app.url_for(rule.endpoint, **{k: values[k] for k in rule.arguments})


def owner_of(rule: Rule) -> str:
    """The identity that the route is meant for."""
    return {
        Access.PUBLIC: "anonymous",
        Access.RESPONDENT: "respondent_a",
        Access.SIGNED_IN: "coordinator_a",
        Access.REGION: "coordinator_a",
        Access.PROGRAMME: "programme",
        Access.API: "coordinator_a",
        Access.API_REGION: "coordinator_a",
        Access.API_NAMED_REGION: "coordinator_a",
    }[POLICY[rule.endpoint]]


@pytest.mark.parametrize("identity", ["anonymous", "respondent_a", "coordinator_a", "programme"])
def test_no_get_route_changes_the_database(app: Flask, engine, scene, db, identity):
    client = app.test_client()
    sign_in_as(client, identity, scene, db)
    for rule in GET_RULES:
        path = path_of(app, rule, scene)
        before = snapshot(engine)
        response = client.get(path)
        assert response.status_code < 500, f"{identity}: GET {path}"
        assert changed_tables(before, snapshot(engine)) == [], f"{identity}: GET {path} wrote"
        if rule.endpoint == "respondent.open_link":  # back to the identity for the next route
            sign_in_as(client, identity, scene, db)


def test_the_walk_would_see_a_write(app: Flask, engine, scene, db):
    """The snapshot notices the smallest change, such as a first-visit moment."""
    from selfscan.models.types import utcnow

    before = snapshot(engine)
    scene["invitation_a"].opened_at = utcnow()
    db.add(scene["invitation_a"])
    db.commit()
    # The invitation, and the marks the database's triggers set for the round's invitations and
    # for the region's rows.
    assert sorted(changed_tables(before, snapshot(engine))) == [
        "change_mark",
        "invitation",
        "region_mark",
    ]


CSP_REQUIRED = (
    "default-src 'self'",
    "script-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
)


def test_every_page_sends_a_strict_csp_and_the_other_headers(app: Flask, scene, db, tmp_path):
    # A region reports' ZIP a worker made, so that its download answers too.
    (tmp_path / "scene.zip").write_bytes(b"PK\x05\x06" + bytes(18))
    app.config["REPORTS_FOLDER"] = str(tmp_path)
    job = Job(kind="report_bundle", round_id=scene["round"].id, status="done", result="scene.zip")
    db.add(job)
    db.commit()
    scene = {**scene, "job": job}
    for rule in GET_RULES:
        client = app.test_client()
        sign_in_as(client, owner_of(rule), scene, db)
        path = path_of(app, rule, scene)
        response = client.get(path)
        assert response.status_code in (200, 302), f"GET {path}: {response.status_code}"
        headers = response.headers
        csp = headers.get("Content-Security-Policy", "")
        directives = [d.strip() for d in csp.split(";")]
        for required in CSP_REQUIRED:
            assert required in directives, f"{path}: CSP lacks {required}"
        assert "unsafe-inline" not in csp and "unsafe-eval" not in csp, path
        script = next(d for d in directives if d.startswith("script-src"))
        assert script == "script-src 'self'", path
        assert headers.get("X-Content-Type-Options") == "nosniff", path
        assert headers.get("Referrer-Policy") == "no-referrer", path
        assert headers.get("X-Frame-Options") == "DENY", path
        if rule.endpoint != "static":
            assert "no-store" in headers.get("Cache-Control", ""), path


def test_hsts_and_secure_cookies_in_the_production_configuration(
    engine, database_url, scene, tmp_path
):
    from conftest import PASSWORD, make_app

    app = make_app(database_url, SESSION_COOKIE_SECURE=True, MAIL_FOLDER=str(tmp_path))
    try:
        client = app.test_client()
        response = client.post(
            "/inloggen", data={"email": scene["coordinator_a"].email, "password": PASSWORD}
        )
        assert response.status_code == 302
        cookie = response.headers["Set-Cookie"]
        assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie
        hsts = response.headers.get("Strict-Transport-Security", "")
        assert "max-age=" in hsts and int(hsts.split("max-age=")[1].split(";")[0]) >= 31536000
    finally:
        app.extensions["selfscan.engine"].dispose()


def test_the_default_configuration_is_the_production_one(monkeypatch):
    monkeypatch.delenv("SELFSCAN_SECURE_COOKIES", raising=False)
    import importlib

    import selfscan.infra.config

    config = importlib.reload(selfscan.infra.config).Config
    try:
        assert config.SESSION_COOKIE_SECURE is True
        assert config.SESSION_COOKIE_HTTPONLY is True
        assert config.SESSION_COOKIE_SAMESITE in ("Lax", "Strict")
    finally:
        importlib.reload(selfscan.infra.config)


# --- oversized requests ------------------------------------------------------------------------

BIG = 3 * 1024 * 1024  # above the default SELFSCAN_MAX_UPLOAD_BYTES of 2 MiB


@pytest.mark.parametrize(
    ("identity", "path", "field"),
    [
        ("anonymous", "/inloggen", "password"),
        ("coordinator_a", "/regio/regio-a/organisaties", "name"),
        ("coordinator_a", "/regio/regio-a/rondes/ronde-1/uitnodigingen/lijst", "people"),
        ("coordinator_a", "/regio/regio-a/rondes/ronde-1/uitnodigingen/lijst", "file"),
        ("respondent_a", "/vragenlijst/kind-centraal/automatisch-opslaan", "comment"),
    ],
)
def test_oversized_requests_get_413_and_change_nothing(
    app: Flask, engine, scene, db, identity, path, field
):
    import io

    client = app.test_client()
    sign_in_as(client, identity, scene, db)
    value: Any = "x" * BIG
    if field == "file":
        value = (io.BytesIO(b"Naam;naam@example.org;School A\n" * (BIG // 30)), "lijst.csv")
    before = snapshot(engine)
    response = client.post(path, data={field: value}, content_type="multipart/form-data")
    assert response.status_code == 413
    assert changed_tables(before, snapshot(engine)) == []


# --- hostile query parameters ------------------------------------------------------------------

PARAMETER_NAMES = st.sampled_from(
    ["round", "region", "sector", "pooled", "next", "lang", "page", "principle", "fmt", "q", "a[]"]
)
HOSTILE_TEXT = st.one_of(
    st.text(max_size=40),
    st.sampled_from(
        [
            "",
            "0",
            "-1",
            "9" * 30,
            "%00",
            "\x00",
            "../../etc/passwd",
            "<script>",
            "{{7*7}}",
            "' OR 1=1 --",
        ]
    ),
)
QUERIES = st.lists(
    st.tuples(st.one_of(PARAMETER_NAMES, st.text(max_size=10)), HOSTILE_TEXT), max_size=6
)


@pytest.mark.parametrize("rule", GET_RULES, ids=lambda r: f"{r.endpoint} {r.rule}")
def test_hostile_query_parameters_never_give_a_server_error(app: Flask, scene, db, rule: Rule):
    client = app.test_client()
    sign_in_as(client, owner_of(rule), scene, db)
    path = path_of(app, rule, scene)

    @settings(
        max_examples=20,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(QUERIES)
    def check(query: list[tuple[str, str]]) -> None:
        url = f"{path}?{urlencode(query)}"
        response = client.get(url)
        assert response.status_code < 500, f"GET {url} gave {response.status_code}"
        if rule.endpoint == "respondent.open_link":
            sign_in_as(client, owner_of(rule), scene, db)

    check()
