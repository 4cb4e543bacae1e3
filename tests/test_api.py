"""The read-only API: the same figures as the pages and downloads, under the same rules, for
the person behind a personal API token; the tokens themselves; the OpenAPI description."""

from __future__ import annotations

import csv
import gzip
import hashlib
import io
import json
import re
from typing import Any

import pytest
from flask import Flask
from openapi_spec_validator import validate
from sqlalchemy import select as sa_select
from sqlmodel import select
from test_overview import make_rounds

from conftest import close_round, login
from selfscan.api.schemas import FiguresSchema
from selfscan.models import ApiToken, Region, Response, Round, metadata
from selfscan.models.types import utcnow
from selfscan.services import agenda, api_tokens
from selfscan.services.agenda import ReflectionInput


@pytest.fixture
def rounds(make, db, world):
    """Rounds 0 and 1 closed with responses in regions a-d (tests/test_overview.py: in round 1
    region a's po and vo groups are hidden, region b is hidden entirely), round 2 planned."""
    return make_rounds(make, db, world)


def program(app: Flask, token: str | None, **headers: str) -> Any:
    """A client as a BI tool is one: a token in every request, no session."""
    client = app.test_client()
    if token is not None:
        client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {token}"
    for name, value in headers.items():
        client.environ_base[f"HTTP_{name.upper()}"] = value
    return client


def get_json(client: Any, url: str, status: int = 200) -> Any:
    response = client.get(url)
    assert response.status_code == status, (url, response.status_code, response.get_data())
    assert response.mimetype == "application/json"
    return response.get_json()


def as_csv_rows(figures: list[dict[str, Any]], group: str = "sector") -> list[list[str]]:
    """The API's rows written as the CSV download writes its cells."""

    def cell(value: Any) -> str:
        if value is None:
            return ""
        return f"{value:.2f}" if isinstance(value, float) else str(value)

    columns = ["round", "region", group, "principle", "n", "mean", "sd", "min", "max"]
    return [[cell(f[c]) for c in columns] for f in figures]


def download(client: Any, url: str) -> list[list[str]]:
    response = client.get(url)
    assert response.status_code == 200, url
    return list(csv.reader(io.StringIO(response.get_data(as_text=True))))[1:]


# --- the figures: exactly those of the pages' downloads ----------------------------------------


def test_the_programme_teams_figures_are_the_scores_download(app, client, world, rounds):
    api = get_json(program(app, world["api_tokens"]["programme"]), "/api/v1/rounds/ronde-1/figures")
    assert api["released"] is True and api["min_group_size"] == 3
    login(client, world["programme"])
    assert as_csv_rows(api["figures"]) == download(client, "/vergelijken/ronde-1/scores.csv")
    shown = {(f["region"], f["sector"]) for f in api["figures"]}
    # Region a's po and vo are hidden (rule 5), region b entirely (below k), and so are they
    # through the API; region a's all-sectors kind-centraal is 23/6 (worked by hand).
    assert ("regio-a", "gemeente") in shown and ("regio-a", "po") not in shown
    assert ("regio-a", "vo") not in shown and ("regio-a", "other") not in shown
    assert not any(region == "regio-b" for region, _ in shown)
    (kc,) = [
        f
        for f in api["figures"]
        if (f["region"], f["sector"], f["principle"]) == ("regio-a", "all", "kind-centraal")
    ]
    assert (kc["n"], kc["mean"]) == (6, round(23 / 6, 2))


def test_a_coordinators_figures_are_their_regions_download(app, client, world, rounds):
    token = world["api_tokens"]["coordinator_a"]
    own = get_json(program(app, token), "/api/v1/regions/regio-a/rounds/ronde-1/figures")
    whole = get_json(program(app, token), "/api/v1/rounds/ronde-1/figures")
    login(client, world["coordinator_a"])
    csv_rows = download(client, "/regio/regio-a/resultaten/ronde-1/scores.csv")
    assert as_csv_rows(own["figures"]) == [r for r in csv_rows if r[1] == "regio-a"]
    # The whole round: their region and all regions, as their download and the compare page
    # show them; nothing of the private regions b, c and d by name.
    assert as_csv_rows(whole["figures"]) == csv_rows
    assert {f["region"] for f in whole["figures"]} == {"regio-a", "all"}


def test_the_round_figures_are_the_schemas_dump_and_kept_only_while_nothing_changed(
    app, db, world, rounds
):
    client = program(app, world["api_tokens"]["coordinator_a"])
    url = "/api/v1/rounds/ronde-1/figures"
    first = get_json(client, url)
    # What marshmallow gives for the same figures, field by field.
    with app.test_request_context():
        from selfscan.api.views import _released
        from selfscan.core.scoring import Viewer
        from selfscan.infra.db import get_session
        from selfscan.services import exchange, scores

        session = get_session()
        round_ = session.exec(select(Round).where(Round.key == "ronde-1")).one()
        figures = scores.round_figures(
            session, round_, 3, viewer=Viewer(frozenset({world["region_a"].id}))
        )
        rows = exchange.score_rows(
            "ronde-1", {"regio-a": figures.regions[world["region_a"].id]}, figures.pooled
        )
        expected = FiguresSchema().dump(_released(round_, rows, exchange.SCORE_COLUMNS))
    assert first == json.loads(json.dumps(expected))
    assert get_json(client, url) == first  # kept: the same
    # Region b shares by name: coordinator a now sees it, so kept figures are not used.
    earlier = "/api/v1/rounds/ronde-0/figures"
    assert "regio-b" not in {f["region"] for f in get_json(client, earlier)["figures"]}
    region_b = db.exec(select(Region).where(Region.key == "regio-b")).one()
    region_b.sharing = "named"
    db.add(region_b)
    db.commit()
    assert "regio-b" in {f["region"] for f in get_json(client, earlier)["figures"]}
    # One of region a's responses goes (as a test may do it; never the app): new figures.
    gone = db.exec(
        select(Response).where(
            Response.round_id == round_.id,
            Response.region_id == world["region_a"].id,
            Response.sector == "gemeente",
        )
    ).first()
    db.delete(gone)
    db.commit()

    def total_n(found: dict[str, Any]) -> int:
        return next(
            f["n"]
            for f in found["figures"]
            if (f["region"], f["sector"], f["principle"]) == ("regio-a", "all", "kind-centraal")
        )

    assert total_n(get_json(client, url)) == total_n(first) - 1


def test_the_round_figures_are_gzipped_for_a_client_that_accepts_it(app, world, rounds):
    url = "/api/v1/rounds/ronde-1/figures"
    token = world["api_tokens"]["programme"]
    plain = program(app, token).get(url)
    assert plain.content_encoding is None and "Accept-Encoding" in plain.vary
    # As requests and curl --compressed ask: the same JSON, gzipped, first made and then kept.
    for _ in range(2):
        packed = program(app, token, accept_encoding="gzip, deflate").get(url)
        assert packed.status_code == 200 and packed.mimetype == "application/json"
        assert packed.content_encoding == "gzip" and "Accept-Encoding" in packed.vary
        assert len(packed.get_data()) < len(plain.get_data())
        assert json.loads(gzip.decompress(packed.get_data())) == plain.get_json()
    # A client that refuses gzip gets it unpacked.
    refused = program(app, token, accept_encoding="gzip;q=0, identity").get(url)
    assert refused.content_encoding is None and refused.get_data() == plain.get_data()


def test_a_coordinator_cannot_read_another_private_region(app, db, world, rounds):
    client = program(app, world["api_tokens"]["coordinator_a"])
    assert [r["key"] for r in get_json(client, "/api/v1/regions")] == ["regio-a"]
    for what in ("figures", "participation", "agenda"):
        answer = get_json(client, f"/api/v1/regions/regio-b/rounds/ronde-1/{what}", 403)
        assert answer["code"] == 403 and answer["message"]
    # Once region b shares by name, its figures are theirs to see, as on the compare page; its
    # participation and agenda stay region b's own.
    region_b = db.exec(select(Region).where(Region.key == "regio-b")).one()
    region_b.sharing = "named"
    db.add(region_b)
    db.commit()
    assert [r["key"] for r in get_json(client, "/api/v1/regions")] == ["regio-a", "regio-b"]
    figures = get_json(client, "/api/v1/regions/regio-b/rounds/ronde-0/figures")["figures"]
    assert {f["region"] for f in figures} == {"regio-b"} and figures
    get_json(client, "/api/v1/regions/regio-b/rounds/ronde-1/participation", 403)
    get_json(client, "/api/v1/regions/regio-b/rounds/ronde-1/agenda", 403)


def test_rounds_list_the_callers_regions_and_an_unseen_round_is_not_found(app, make, world, rounds):
    make.round("ronde-c", (make.region("regio-e", "Regio E"),), title="Alleen E")
    mine = get_json(program(app, world["api_tokens"]["coordinator_a"]), "/api/v1/rounds")
    assert [r["key"] for r in mine] == ["ronde-2", "ronde-1", "ronde-0"]
    assert {tuple(r["regions"]) for r in mine} == {("regio-a",)}
    assert [(r["state"], r["figures_released"]) for r in mine] == [
        ("planned", False),
        ("closed", True),
        ("closed", True),
    ]
    every = get_json(program(app, world["api_tokens"]["programme"]), "/api/v1/rounds")
    assert "ronde-c" in [r["key"] for r in every]
    client = program(app, world["api_tokens"]["coordinator_a"])
    get_json(client, "/api/v1/rounds/ronde-c/figures", 404)
    get_json(client, "/api/v1/rounds/no-such-round/figures", 404)
    get_json(client, "/api/v1/regions/regio-a/rounds/ronde-c/figures", 404)


def test_an_open_round_gives_participation_but_no_figures(app, make, db, world):
    for _ in range(3):
        make.invitation(world["round"], world["org_a"])
    client = program(app, world["api_tokens"]["coordinator_a"])
    figures = get_json(client, "/api/v1/regions/regio-a/rounds/ronde-1/figures")
    assert (figures["released"], figures["figures"]) == (False, [])
    for url in ("/api/v1/rounds/ronde-1/figures", "/api/v1/rounds/ronde-1/perspectives"):
        programme = get_json(program(app, world["api_tokens"]["programme"]), url)
        assert (programme["released"], programme["figures"]) == (False, [])
    participation = get_json(client, "/api/v1/regions/regio-a/rounds/ronde-1/participation")
    assert participation["state"] == "open"
    assert (participation["invited"], participation["responded"]) == (3, 0)
    assert participation["sectors"] == [{"sector": "po", "invited": 3, "responded": 0}]


def test_perspectives_are_the_programme_download(app, client, world, rounds):
    api = get_json(
        program(app, world["api_tokens"]["programme"]), "/api/v1/rounds/ronde-1/perspectives"
    )
    login(client, world["programme"])
    expected = download(client, "/programma/overzicht/ronde-1/perspectieven.csv")
    assert as_csv_rows(api["figures"], "perspective") == expected


def test_the_learning_agenda_is_the_regions(app, db, world):
    region_a, round_ = world["region_a"], world["round"]
    agenda.add_action(
        db, region=region_a, round_=round_, principle="samen-beter", title="Samen leren"
    )
    agenda.save_reflections(
        db,
        region=region_a,
        round_=round_,
        entries={"kind-centraal": ReflectionInput(text="Ouders aan tafel", is_focus=True)},
    )
    db.commit()
    answer = get_json(
        program(app, world["api_tokens"]["coordinator_a"]),
        "/api/v1/regions/regio-a/rounds/ronde-1/agenda",
    )
    assert answer["reflections"] == [
        {"principle": "kind-centraal", "text": "Ouders aan tafel", "focus": True}
    ]
    assert [(a["principle"], a["title"], a["status"]) for a in answer["actions"]] == [
        ("samen-beter", "Samen leren", "open")
    ]


# --- the tokens ---------------------------------------------------------------------------------

TOKEN_SHOWN = re.compile(r'value="(sst_[A-Za-z0-9_-]{43})"')


def test_a_token_is_made_shown_once_stored_hashed_and_revoked(app, client, db, engine, world):
    login(client, world["coordinator_a"])
    page = client.post("/api-tokens", data={"name": "Power BI"})
    assert page.status_code == 200
    (token,) = set(TOKEN_SHOWN.findall(page.get_data(as_text=True)))
    # Shown once: the list shows its first characters only.
    listed = client.get("/api-tokens").get_data(as_text=True)
    assert token not in listed and token[:10] in listed and "Power BI" in listed
    # Not in the database in clear, in any column of any table; its SHA-256 is.
    with engine.connect() as connection:
        for table in metadata.sorted_tables:
            for row in connection.execute(sa_select(table)):
                assert not any(token in str(value) for value in row), table.name
    row = db.exec(select(ApiToken).where(ApiToken.name == "Power BI")).one()
    assert row.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert row.prefix == token[:10] and row.last_used_at is None and row.revoked_at is None
    # It gives the person's own rights, and its use is noted.
    api = program(app, token)
    assert [r["key"] for r in get_json(api, "/api/v1/regions")] == ["regio-a"]
    assert db.exec(select(ApiToken).where(ApiToken.id == row.id)).one().last_used_at is not None
    # Revoked: it stops working at once, and stays listed as revoked.
    assert client.post(f"/api-tokens/{row.id}/intrekken").status_code == 302
    assert get_json(api, "/api/v1/regions", 401)["code"] == 401
    assert db.exec(select(ApiToken).where(ApiToken.id == row.id)).one().revoked_at is not None


def test_a_token_needs_a_name_and_another_persons_token_cannot_be_revoked(app, client, db, world):
    login(client, world["coordinator_a"])
    refused = client.post("/api-tokens", data={"name": " "})
    assert refused.status_code == 400 and not TOKEN_SHOWN.search(refused.get_data(as_text=True))
    theirs, _ = api_tokens.create(db, world["coordinator_b"], "B's")
    db.commit()
    assert client.post(f"/api-tokens/{theirs.id}/intrekken").status_code == 404
    assert db.exec(select(ApiToken).where(ApiToken.id == theirs.id)).one().revoked_at is None
    assert client.post(f"/api-tokens/{theirs.id}/intrekken", csrf=False).status_code == 400


def test_without_a_working_token_the_answer_is_401_whatever_the_session(app, client, db, world):
    login(client, world["programme"])  # a session cookie is not a token
    answer = client.get("/api/v1/rounds")
    assert answer.status_code == 401 and answer.headers["WWW-Authenticate"].startswith("Bearer")
    assert "Authorization: Bearer" in answer.get_json()["message"]
    for header in ("", "Bearer", "Bearer ", "Basic abc", "Bearer sst_" + "x" * 43, "Bearer x\x01"):
        assert program(app, None, authorization=header).get("/api/v1/rounds").status_code == 401
    assert program(app, "sst_" + "y" * 10_000).get("/api/v1/rounds").status_code == 401
    # A deactivated account's token stops working.
    user = world["coordinator_a"]
    user.is_active = False
    db.add(user)
    db.commit()
    get_json(program(app, world["api_tokens"]["coordinator_a"]), "/api/v1/rounds", 401)


def test_errors_are_json_in_english_or_dutch(app, world):
    english = get_json(program(app, None), "/api/v1/rounds", 401)
    dutch = get_json(program(app, None, accept_language="nl"), "/api/v1/rounds", 401)
    assert english["message"] != dutch["message"] and "token" in dutch["message"]
    missing = get_json(program(app, world["api_tokens"]["programme"]), "/api/v1/nothing", 404)
    assert missing == {
        "code": 404,
        "status": "Not Found",
        "message": "Nothing is known at this address, or it is not yours to see.",
    }


def test_a_session_is_neither_read_nor_written_by_the_api(app, client, world):
    login(client, world["coordinator_a"])
    client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {world['api_tokens']['programme']}"
    # The token's rights, not the session's: the programme team's regions.
    assert len(get_json(client, "/api/v1/regions")) == 2
    assert "Set-Cookie" not in client.get("/api/v1/regions").headers


# --- the OpenAPI description ----------------------------------------------------------------------


def test_the_openapi_description_is_valid_and_lists_every_api_route(app):
    answer = app.test_client().get("/api/v1/openapi.json")
    assert answer.status_code == 200
    document = answer.get_json()
    validate(document)
    routes = {
        re.sub(r"<(?:[a-z]+:)?(\w+)>", r"{\1}", rule.rule)
        for rule in app.url_map.iter_rules()
        if rule.endpoint.startswith("api.")
    }
    assert set(document["paths"]) == routes and len(routes) == 7
    for path, operations in document["paths"].items():
        assert set(operations) - {"parameters"} == {"get"}, path
        assert operations["get"]["security"] == [{"personalToken": []}], path
        assert {"200", "401", "429"} <= set(operations["get"]["responses"]), path
    assert document["components"]["securitySchemes"]["personalToken"]["scheme"] == "bearer"


def test_no_documentation_page_loads_scripts_from_elsewhere(app):
    rules = {rule.rule for rule in app.url_map.iter_rules() if rule.rule.startswith("/api/")}
    assert not any(word in r for r in rules for word in ("swagger", "redoc", "rapidoc"))


def test_closing_the_round_releases_its_figures_through_the_api(app, db, world, make):
    client = program(app, world["api_tokens"]["programme"])
    assert get_json(client, "/api/v1/rounds/ronde-1/figures")["released"] is False
    close_round(db, world["round"])
    answer = get_json(client, "/api/v1/rounds/ronde-1/figures")
    assert answer["released"] is True and answer["closes_at"] <= utcnow().isoformat()


def test_the_demo_prints_a_working_token_of_a_coordinator(app, runner, db):
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    (token,) = re.findall(r"Authorization: Bearer (sst_[\w-]{43})", result.output)
    client = program(app, token)
    regions = get_json(client, "/api/v1/regions")
    # Regio Twente's coordinator: their own region and those that share by name.
    assert [(r["key"], r["coordinated"]) for r in regions if r["coordinated"]] == [("twente", True)]
    assert "zuid-limburg" not in {r["key"] for r in regions}  # private
    figures = get_json(client, "/api/v1/regions/twente/rounds/demo-najaar/figures")
    assert figures["released"] is True and figures["figures"]
    assert db.exec(select(ApiToken)).one().token_hash == hashlib.sha256(token.encode()).hexdigest()


def test_a_coordinator_of_no_region_sees_nothing_even_of_regions_sharing_by_name(
    app, make, db, world, rounds
):
    world["region_b"].sharing = "named"
    db.add(world["region_b"])
    db.commit()
    nobody = make.user("nobody@example.org", name="Zonder regio")
    _row, token = api_tokens.create(db, nobody, "leeg")
    db.commit()
    client = program(app, token)
    assert get_json(client, "/api/v1/regions") == get_json(client, "/api/v1/rounds") == []
    get_json(client, "/api/v1/rounds/ronde-1/figures", 404)
    get_json(client, "/api/v1/regions/regio-b/rounds/ronde-0/figures", 403)
