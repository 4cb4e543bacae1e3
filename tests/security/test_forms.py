"""Every write route: refused without a CSRF token, and deaf to fields its form does not declare.

WRITES (conftest) holds a valid form for each POST route; a route added without one fails
`test_every_post_route_has_a_valid_form_here`, so neither check can be skipped by accident.
"""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask

from security.conftest import (
    NO_DATABASE_WRITE,
    WRITES,
    changed_tables,
    prepare,
    rows_as_dicts,
    snapshot,
)
from selfscan import create_app
from selfscan.models import metadata


def _post_endpoints() -> set[str]:
    app = create_app({"TESTING": True, "DATABASE_URL": "sqlite://"})
    return {r.endpoint for r in app.url_map.iter_rules() if "POST" in (r.methods or set())}


def test_every_post_route_has_a_valid_form_here():
    assert sorted(_post_endpoints() - WRITES.keys()) == [], "add the route to WRITES"
    assert sorted(WRITES.keys() - _post_endpoints()) == []


def _request(app: Flask, endpoint: str, scene: dict[str, Any], db: Any) -> tuple[Any, str, dict]:
    client = app.test_client()
    prepare(endpoint, client, scene, db)
    _identity, values, form = WRITES[endpoint]
    with app.test_request_context():
        path = app.url_for(endpoint, **values(scene))
    return client, path, form(app, scene)


@pytest.mark.parametrize("endpoint", sorted(WRITES))
def test_a_write_without_csrf_token_is_refused_and_changes_nothing(
    app, engine, writes_scene, db, endpoint
):
    client, path, data = _request(app, endpoint, writes_scene, db)
    before = snapshot(engine)
    response = client.post(path, data=data, csrf=False)
    assert response.status_code == 400, f"{path} without CSRF token: {response.status_code}"
    assert changed_tables(before, snapshot(engine)) == []
    if endpoint == "main.set_language":
        with client.session_transaction() as session:
            assert session.get("lang") != "en"


# Fields no form declares, with values an attacker would like to see stored. A route whose form
# declares one of these names (organisations have a sector, actions a status) is not sent it.
def _extras(scene: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": "987654",
        "region_id": str(scene["region_b"].id),
        "round_id": str(scene["round_2"].id),
        "organisation_id": str(scene["org_b"].id),
        "invitation_id": str(scene["invitation_b"].id),
        "user_id": str(scene["coordinator_b"].id),
        "is_programme": "y",
        "is_active": "",
        "session_epoch": "77",
        "status": "submitted",
        "source": "import",
        "sector": "gemeente",
        "sharing": "named",
        "revision": "55",
        "token_hash": "0" * 64,
        "password_hash": "plain",
        "submitted_at": "2020-01-01T00:00",
    }


# A principle page refuses the whole page when it holds a field it does not know (a statement of
# another page could otherwise be slipped in): stricter than ignoring, and nothing is stored.
REFUSES_UNKNOWN_FIELDS = {"respondent.principle", "respondent.autosave"}

# Values the valid form itself stores: submitting makes a response "submitted", the programme
# team's form assigns coordinator A to region B on purpose, and an import stores submitted
# responses from the kept file (whose rows name region A's School A, sector po).
LEGITIMATE = {
    "respondent.submit": {"status"},
    "programme.coordinator": {"region_id"},
    "programme.import_confirm": {"status", "source"},
}


def _comparable(value: Any) -> Any:
    return value if not isinstance(value, bool) else ("y" if value else "")


@pytest.mark.parametrize("endpoint", sorted(WRITES))
def test_fields_a_form_does_not_declare_are_ignored(app, engine, writes_scene, db, endpoint):
    client, path, data = _request(app, endpoint, writes_scene, db)
    extras = {k: v for k, v in _extras(writes_scene).items() if k not in data}
    before = {t: {repr(r) for r in rows} for t, rows in _dict_snapshot(engine).items()}
    response = client.post(path, data={**data, **extras})
    after = _dict_snapshot(engine)
    if endpoint in REFUSES_UNKNOWN_FIELDS:
        assert response.status_code == 400, f"{path}: {response.status_code}"
        assert all(len(after[t]) == len(before[t]) for t in after)
        assert not any(repr(r) not in before[t] for t, rows in after.items() for r in rows)
        return
    assert response.status_code in (200, 302), f"{path}: {response.status_code}"
    new_rows = {t: [r for r in rows if repr(r) not in before[t]] for t, rows in after.items()}
    if endpoint not in NO_DATABASE_WRITE:
        removed = any(len(after[t]) < len(before[t]) for t in after)
        assert any(new_rows.values()) or removed, (
            f"the valid form of {path} changed nothing: fix WRITES"
        )
    for table, rows in new_rows.items():
        for row in rows:
            for name, value in extras.items():
                if name in LEGITIMATE.get(endpoint, ()):
                    continue
                if name == "is_active" and table == "account":
                    assert row[name] or endpoint == "programme.deactivate_coordinator"
                elif name in row and row[name] is not None:
                    assert str(_comparable(row[name])) != value, (
                        f"{path}: {table}.{name} took the undeclared field's value {value!r}"
                    )
    accounts = {r["email"]: r for r in after["account"]}
    assert not any(r["is_programme"] for e, r in accounts.items() if e != "programme@example.org")


def _dict_snapshot(engine: Any) -> dict[str, list[dict[str, Any]]]:
    return {t.name: rows_as_dicts(engine, t.name) for t in metadata.sorted_tables}
