"""Every route of the URL map, sent hostile values in each URL part, query parameter, form field
and body: never a server error, and a refused request changes nothing.

The values are what an attacker (or a broken client) sends first: integers beyond any
database's range and below zero, NUL characters, 100 KB of text, several values where one is
expected, a file where text is expected, JSON of every shape (with a valid CSRF token, so the
JSON itself is what the app reads), malformed JSON and bytes that are not UTF-8, and dates at
the ends of the calendar. The routes come from the app's URL map, so a new route is walked too.
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote, urlencode

import pytest
from flask import Flask
from werkzeug.routing import Rule

from security.conftest import (
    WRITES,
    changed_tables,
    prepare,
    sign_in_as,
    snapshot,
)
from security.test_get_routes import owner_of
from selfscan import create_app

HUGE = 10**30
INTEGERS = [str(HUGE), str(2**31), str(2**63), str(2**64), "-1", "-" + str(HUGE), "0", "1e400"]
DATES = [
    "0001-01-01T00:00",
    "9999-12-31T23:59",
    "0000-00-00T00:00",
    "2026-02-30T12:00",
    "0001-01-01",
    "9999-12-31",
    "10000-01-01",
    "-0001-01-01",
]
TEXTS = [
    "\x00",
    "a\x00b",
    "x" * 100_000,
    "",
    " ",
    "%00",
    "../../../etc/passwd",
    "<b>x</b>",
    "\u202e\ufeff",
    "NaN",
    "1.5",
    "true",
]
HOSTILE = [*INTEGERS, *DATES, *TEXTS]
# Values that a URL part can carry (the 100 KB string is a query value and a form field; as a
# path segment it only makes the request line long).
PATH_VALUES = [*INTEGERS, "\x00", "a\x00b", "x" * 10_000, "%", "..", "<b>", "\u202e"]

JSON_BODIES: list[bytes] = [
    json.dumps(value).encode()
    for value in (
        "x",
        0,
        HUGE,
        -1.5,
        True,
        None,
        [],
        ["x"],
        [{"email": "a"}],
        {},
        {"email": {"nested": ["x"]}},
        {"email": ["a@example.org", "b@example.org"]},
        {"email": 1, "password": None, "name": True, "revision": HUGE},
        {"email": "a\x00b@example.org", "name": "a\x00b"},
        {"revision": str(HUGE), "opens_at": "0001-01-01T00:00"},
    )
] + [b"{", b"\xff\xfe", b"[" * 100_000 + b"]" * 100_000, b'{"a": ' + b"1" * 5000 + b"}"]

# Query parameters the app reads, and any others: the walk sends all of them at once.
QUERY_NAMES = ["next", "v", "round", "region", "sector", "pooled", "lang", "fmt", "page", "id"]


def _rules() -> list[Rule]:
    app = create_app({"TESTING": True, "DATABASE_URL": "sqlite://"})
    return sorted(app.url_map.iter_rules(), key=lambda r: (r.endpoint, r.rule))


RULES = _rules()
ARGUMENT = re.compile(r"<(?:(?P<converter>[a-z]+)(?:\([^)]*\))?:)?(?P<name>\w+)>")


def valid_values(app: Flask, scene: dict[str, Any], endpoint: str) -> dict[str, Any]:
    """URL values that reach the route's view for its owner."""
    values = WRITES[endpoint][1](scene) if endpoint in WRITES else {}
    return {
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
        "job_id": 999_999,  # no ZIP made: the download answers 404
        "user_id": scene["coordinator_a"].id,
        "token_id": scene["api_token_ids"]["coordinator_a"],
        "token": scene["token_a"],
        "filename": "css/selfscan.css",
        "version": 1,
        "key": "zelfscan-mao" if endpoint.startswith("programme.") else "kind-centraal",
        "principle": "kind-centraal",
        "table": "heatmap",
        "fmt": "csv",
        **values,
    }


def build(rule: Rule, values: dict[str, Any]) -> str:
    """The rule's path with each part filled in, percent-encoded as a client would send it."""
    return ARGUMENT.sub(lambda m: quote(str(values[m["name"]]), safe=""), rule.rule)


def methods_of(rule: Rule) -> list[str]:
    return sorted((rule.methods or set()) - {"HEAD", "OPTIONS"})


def requests_for(
    app: Flask, rule: Rule, scene: dict[str, Any], method: str
) -> Iterator[tuple[str, dict[str, Any]]]:
    """(description, keyword arguments for client.open) for every hostile request."""
    values = valid_values(app, scene, rule.endpoint)
    path = build(rule, values)
    form: dict[str, Any] = WRITES[rule.endpoint][2](app, scene) if method == "POST" else {}
    for name in rule.arguments:
        for value in PATH_VALUES:
            yield f"{name}={value[:20]!r}", {"path": build(rule, {**values, name: value})}
    for value in HOSTILE:
        query = urlencode([(name, value) for name in QUERY_NAMES] + [("a[]", value)] * 2)
        yield f"query={value[:20]!r}", {"path": f"{path}?{query}"}
    if method != "POST":
        return
    for field in [*form, "csrf_token"]:
        for value in HOSTILE:
            yield f"{field}={value[:20]!r}", {"path": path, "data": {**form, field: value}}
        # Two values where one is expected, and a file where text is expected.
        yield f"{field} twice", {"path": path, "data": {**form, field: ["a", "b"]}}
        yield (
            f"{field} as a file",
            {"path": path, "data": {**form, field: (io.BytesIO(b"\x00\xff" * 10), "a\x00.csv")}},
        )
    for body in JSON_BODIES:
        yield (
            f"JSON {body[:30]!r}",
            {"path": path, "data": body, "content_type": "application/json", "json_csrf": True},
        )
    yield "form body not UTF-8", {"path": path, "data": urlencode(form).encode() + b"&name=%FF%FE"}


CASES = [(rule, method) for rule in RULES for method in methods_of(rule)]


@pytest.mark.parametrize(
    ("rule", "method"), CASES, ids=[f"{m} {r.rule} ({r.endpoint})" for r, m in CASES]
)
def test_hostile_values_never_give_a_server_error_and_refusals_change_nothing(
    app: Flask, engine, writes_scene, db, rule: Rule, method: str
):
    identity = WRITES[rule.endpoint][0] if rule.endpoint in WRITES else owner_of(rule)
    failures = []
    for description, kwargs in requests_for(app, rule, writes_scene, method):
        client = app.test_client()
        if method == "POST" and rule.endpoint in WRITES:
            prepare(rule.endpoint, client, writes_scene, db)
        else:
            sign_in_as(client, identity, writes_scene, db)
        headers = {}
        if kwargs.pop("json_csrf", False):
            headers["X-CSRFToken"] = client.csrf_token()
        before = snapshot(engine)
        response = client.open(method=method, headers=headers, **kwargs)
        if response.status_code >= 500:
            failures.append(f"{description}: {response.status_code}")
        elif 400 <= response.status_code < 500 and (
            changed := changed_tables(before, snapshot(engine))
        ):
            failures.append(
                f"{description}: refused with {response.status_code} but wrote {changed}"
            )
    assert failures == [], f"{method} {rule.rule}: " + "; ".join(failures)


def test_no_nul_character_is_ever_stored(app: Flask, engine, writes_scene, db):
    """Every form field of every write route sent with a NUL: nothing of it reaches a table."""
    for endpoint, (_identity, values, form) in WRITES.items():
        data = form(app, writes_scene)
        for field, value in data.items():
            if not isinstance(value, str):
                continue
            client = app.test_client()
            prepare(endpoint, client, writes_scene, db)
            with app.test_request_context():
                path = app.url_for(endpoint, **values(writes_scene))
            client.post(path, data={**data, field: value + "\x00evil"})
    stored = [
        (table, row)
        for table, rows in snapshot(engine).items()
        for row in rows
        if any(isinstance(v, str) and "\x00" in v for v in row)
    ]
    assert stored == []
