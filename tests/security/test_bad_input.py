"""The attacks of issue 20 one by one: each got a 500 before; now a clear 4xx, in the person's
language, and nothing changed. (test_hostile_input.py walks every route with such values.)"""

from __future__ import annotations

import json
from typing import Any

import pytest
from flask import Flask

from security.conftest import WRITES, changed_tables, prepare, sign_in_as, snapshot
from selfscan.infra.request_checks import MAX_ID

HUGE = 10**30


@pytest.mark.parametrize(
    "path",
    [
        "/regio/regio-a/organisaties/{huge}",
        "/regio/regio-a/rondes/ronde-1/leeragenda/acties/{huge}",
        "/programma/coordinatoren/{huge}",
        "/programma/vragenlijsten/zelfscan-mao/{huge}",
        "/regio/regio-a/organisaties/{max_plus_one}",
    ],
)
def test_an_integer_beyond_the_database_in_the_url_is_not_found(app: Flask, scene, db, path):
    client = app.test_client()
    sign_in_as(client, "programme", scene, db)
    response = client.get(path.format(huge=HUGE, max_plus_one=MAX_ID + 1))
    assert response.status_code == 404


def test_the_largest_id_a_column_holds_still_reaches_the_loader(app: Flask, scene, db):
    client = app.test_client()
    sign_in_as(client, "programme", scene, db)
    assert client.get(f"/regio/regio-a/organisaties/{MAX_ID}").status_code == 404
    organisation = scene["org_a"].id
    assert client.get(f"/regio/regio-a/organisaties/{organisation}").status_code == 200


@pytest.mark.parametrize(
    ("identity", "path", "body"),
    [
        ("anonymous", "/inloggen", "x"),
        ("anonymous", "/inloggen", ["a", "b"]),
        ("anonymous", "/inloggen", {"email": {"a": 1}, "password": 5}),
        ("anonymous", "/inloggen", {"email": "coordinator-a@example.org", "password": "x"}),
        ("anonymous", "/wachtwoord-vergeten", 12),
        ("programme", "/programma/privacy", None),
        ("respondent_a", "/vragenlijst/kind-centraal/automatisch-opslaan", {"comment": [1]}),
    ],
)
def test_a_json_body_of_any_shape_is_refused_with_415(
    app: Flask, engine, scene, db, identity, path, body: Any
):
    client = app.test_client()
    sign_in_as(client, identity, scene, db)
    if identity == "respondent_a":
        client.post("/vragenlijst/starten")
    before = snapshot(engine)
    response = client.post(
        path,
        data=json.dumps(body),
        content_type="application/json",
        headers={"X-CSRFToken": client.csrf_token(), "Accept-Language": "nl"},
    )
    assert response.status_code == 415
    assert "neemt een formulier aan, geen JSON" in response.get_data(as_text=True)
    assert changed_tables(before, snapshot(engine)) == []


def test_deeply_nested_json_is_refused_before_it_is_parsed(app: Flask, scene, db):
    client = app.test_client()
    response = client.post(
        "/inloggen",
        data=b"[" * 100_000 + b"]" * 100_000,
        content_type="application/json",
        headers={"X-CSRFToken": client.csrf_token(), "Accept": "application/json"},
    )
    assert response.status_code == 415
    assert "JSON" in response.get_json()["message"]


def test_a_round_opening_in_year_one_is_refused_with_a_message(app: Flask, engine, scene, db):
    client = app.test_client()
    prepare("programme.new_round", client, scene, db)
    form = WRITES["programme.new_round"][2](app, scene)
    before = snapshot(engine)
    response = client.post(
        "/programma/rondes/nieuw",
        data={**form, "opens_at": "0001-01-01T00:00"},
        headers={"Accept-Language": "nl"},
    )
    assert response.status_code == 400
    assert "Vul een datum in tussen 2000 en 2199." in response.get_data(as_text=True)
    assert changed_tables(before, snapshot(engine)) == []


@pytest.mark.parametrize("moment", ["9999-12-31T23:59", "1999-12-31T23:59"])
def test_a_round_closing_outside_the_years_is_refused(app: Flask, engine, scene, db, moment):
    client = app.test_client()
    prepare("programme.edit_round", client, scene, db)
    form = WRITES["programme.edit_round"][2](app, scene)
    before = snapshot(engine)
    response = client.post("/programma/rondes/ronde-1", data={**form, "closes_at": moment})
    assert response.status_code == 400
    assert changed_tables(before, snapshot(engine)) == []


@pytest.mark.parametrize("revision", [str(HUGE), str(2**63), str(MAX_ID + 1)])
def test_a_submit_with_a_revision_beyond_any_column_is_refused(
    app: Flask, engine, writes_scene, db, revision
):
    client = app.test_client()
    prepare("respondent.submit", client, writes_scene, db)
    before = snapshot(engine)
    response = client.post("/vragenlijst/versturen", data={"revision": revision})
    assert response.status_code == 400
    assert changed_tables(before, snapshot(engine)) == []


@pytest.mark.parametrize(
    ("endpoint", "field"),
    [
        ("region.organisations", "name"),
        ("region.edit_organisation", "name"),
        ("region.add_action", "title"),
        ("respondent.autosave", "comment"),
        ("programme.new_region", "name"),
        ("account.login", "email"),
    ],
)
def test_a_nul_character_is_refused_with_a_message_and_nothing_is_stored(
    app: Flask, engine, writes_scene, db, endpoint, field
):
    client = app.test_client()
    prepare(endpoint, client, writes_scene, db)
    _identity, values, form = WRITES[endpoint]
    with app.test_request_context():
        path = app.url_for(endpoint, **values(writes_scene))
    data = form(app, writes_scene)
    before = snapshot(engine)
    response = client.post(
        path, data={**data, field: "School\x00 A"}, headers={"Accept-Language": "nl"}
    )
    assert response.status_code == 400
    if endpoint != "respondent.autosave":  # the autosave answers in JSON for its script
        assert "bevat het NUL-teken" in response.get_data(as_text=True)
    assert changed_tables(before, snapshot(engine)) == []


def test_a_nul_character_in_the_address_or_query_is_refused(app: Flask, scene, db):
    client = app.test_client()
    sign_in_as(client, "coordinator_a", scene, db)
    assert client.get("/regio/regio-a%00/").status_code == 400
    assert client.get("/vergelijken?round=ronde-1%00").status_code == 400


def test_a_file_sent_to_a_form_without_one_is_refused(app: Flask, engine, writes_scene, db):
    import io

    client = app.test_client()
    prepare("region.organisations", client, writes_scene, db)
    before = snapshot(engine)
    response = client.post(
        "/regio/regio-a/organisaties",
        data={"name": (io.BytesIO(b"School"), "naam.txt"), "sector": "po"},
        content_type="multipart/form-data",
    )
    assert response.status_code == 400
    assert changed_tables(before, snapshot(engine)) == []


@pytest.mark.parametrize("value", ["", " "])
def test_an_empty_answer_sent_by_hand_counts_as_no_answer(app: Flask, writes_scene, db, value):
    client = app.test_client()
    prepare("respondent.autosave", client, writes_scene, db)
    response = client.post(
        "/vragenlijst/kind-centraal/automatisch-opslaan",
        data={"item-kc-1": value, "item-kc-2": "3"},
    )
    assert response.status_code == 200
    assert response.get_json()["answered"] == 1
