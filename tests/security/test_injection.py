"""A corpus of XSS, template- and formula-injection payloads, typed into every field a person
can fill in, stays inert everywhere it comes out: pages, chart data, e-mails, exports and error
messages. (tests/browser/test_security_pages.py opens the same pages in Chromium.)

Each payload goes, through the app's own forms where there is one, into: a region's name, a
round's title, a coordinator's name, organisation names (by form and by the import file), a
person's name (one invitation and a list), a respondent's comment, a reflection, an action's
title and owner; and into a list with bad lines, whose error messages quote them.
"""

from __future__ import annotations

import csv
import io
import json
from email import message_from_bytes, policy
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from markupsafe import escape
from openpyxl import load_workbook
from privacy_support import answer_and_submit
from sqlmodel import Session

from conftest import close_round
from security.conftest import WRITES, sign_in_as
from selfscan.core.charts import plain
from selfscan.services import exchange

PAYLOADS = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "'><svg onload=alert(1)>",
    "</script><script>alert(1)</script>",
    "{{7*7}}",
    "{{7*7777}}",
    "{%print 7*7777%}",
    "${7*7777}",
    "javascript:alert(1)",
    "=cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "\u202egnp.exe\u202c <b>vet</b> \u200b",
]
EVALUATED = "54439"  # 7*7777: what a template engine would make of the template payloads
DANGEROUS = set("<>\"'")


class Attributes(HTMLParser):
    """Collects the values of data-chart and data-figure attributes."""

    def __init__(self) -> None:
        super().__init__()
        self.charts: list[Any] = []
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in ("data-chart", "data-figure") and value:
                self.charts.append(json.loads(value))
            if name in ("href", "src", "action", "formaction") and value:
                self.hrefs.append(value.strip().lower())


def assert_inert(page: str, payload: str, where: str) -> Attributes:
    """The payload cannot run here: escaped in HTML, never evaluated, never a link target."""
    if DANGEROUS & set(payload):
        assert payload not in page, f"{where}: the payload stands unescaped in the page"
    assert EVALUATED not in page, f"{where}: a template payload was evaluated"
    parsed = Attributes()
    parsed.feed(page)
    assert not any(h.startswith(("javascript:", "data:text")) for h in parsed.hrefs), where
    for spec in parsed.charts:  # valid JSON, and what it carries is plain text
        assert EVALUATED not in json.dumps(spec)
    return parsed


def shown(page: str, payload: str) -> bool:
    return str(escape(payload)) in page or payload in page


def _import_file(app: Flask, make: Any, payload: str) -> str:
    items = [i.key for i in make.items(make.questionnaire())]
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["region", "organisation", "sector", *items])
    for _ in range(2):
        writer.writerow(["regio-a", payload, "po", *(["4"] * len(items))])
    return out.getvalue()


@pytest.fixture
def planted(app: Flask, engine, scene, make, db: Session, tmp_path: Path, request) -> dict:
    """Type the payload into every field, through the app's forms as a person would."""
    payload: str = request.param
    programme, coordinator = app.test_client(), app.test_client()
    sign_in_as(programme, "programme", scene, db)
    sign_in_as(coordinator, "coordinator_a", scene, db)
    ok = (200, 302)
    # The import file (a CLI command) creates an organisation named by the payload.
    report = exchange.import_responses(
        db, scene["round"], io.StringIO(_import_file(app, make, payload)), k=3
    )
    db.commit()
    assert report.responses == 2
    posts = [
        (programme, "/programma/regios/regio-a/bewerken", {"name": payload, "sharing": "named"}),
        (
            programme,
            "/programma/rondes/ronde-1",
            {**WRITES["programme.edit_round"][2](app, scene), "title": payload},
        ),
        (
            programme,
            "/programma/coordinatoren/nieuw",
            {"name": payload, "email": "xss@example.org", "regions": [scene["region_a"].id]},
        ),
        (coordinator, "/regio/regio-a/organisaties", {"name": f"{payload} 2", "sector": "vo"}),
        (
            coordinator,
            "/regio/regio-a/rondes/ronde-1/uitnodigingen/een",
            {"name": payload, "email": "een@example.org", "organisation": scene["org_a"].id},
        ),
        (
            coordinator,
            "/regio/regio-a/rondes/ronde-1/uitnodigingen/lijst",
            {
                "file": (
                    io.BytesIO(
                        _list_line([f"{payload} lijst", "lijst@example.org", payload]).encode()
                    ),
                    "lijst.csv",
                )
            },
        ),
        (
            coordinator,
            "/regio/regio-a/rondes/ronde-1/leeragenda",
            {"text_kind_centraal": payload, "focus_kind_centraal": "y"},
        ),
        (
            coordinator,
            "/regio/regio-a/rondes/ronde-1/leeragenda/acties",
            {
                "principle": "kind-centraal",
                "title": payload,
                "owner": payload[:120],
                "status": "open",
            },
        ),
    ]
    for client, path, data in posts:
        response = client.post(path, data=data)
        assert response.status_code in ok, f"{path}: {response.status_code}"
    respondent = app.test_client()
    respondent.get(f"/i/{scene['token_a']}")
    respondent.post("/vragenlijst/starten")
    comment = {"item-kc-1": "4", "comment": payload, "action": "next"}
    assert respondent.post("/vragenlijst/kind-centraal", data=comment).status_code == 302
    answer_and_submit(engine, scene["invitation_a"].id, comment=payload)
    close_round(db, scene["round"])  # the results pages show figures from now on (rule 8)
    return {
        "payload": payload,
        "programme": programme,
        "coordinator": coordinator,
        "respondent": respondent,
        "mail": tmp_path / "mail",
        "scene": scene,
    }


def _list_line(fields: list[str]) -> str:
    out = io.StringIO()
    csv.writer(out, delimiter=";").writerow(fields)
    return out.getvalue()


def _pages(planted: dict) -> list[tuple[Any, str]]:
    scene = planted["scene"]
    action_id = scene["action_a"].id
    coordinator_pages = [
        "/",
        "/regio/regio-a/",
        "/regio/regio-a/organisaties",
        f"/regio/regio-a/organisaties/{scene['org_a'].id}",
        "/regio/regio-a/rondes/ronde-1/uitnodigingen",
        "/regio/regio-a/rondes/ronde-1/leeragenda",
        f"/regio/regio-a/rondes/ronde-1/leeragenda/acties/{action_id}",
        "/regio/regio-a/resultaten/ronde-1",
        "/vergelijken",
        "/vergelijken?round=ronde-1&region=regio-a&sector=all&pooled=y",
    ]
    programme_pages = [
        "/",
        "/programma/regios",
        "/programma/regios/regio-a/bewerken",
        "/programma/rondes",
        "/programma/rondes/ronde-1",
        "/programma/coordinatoren",
        "/programma/overzicht/ronde-1",
        "/vergelijken?round=ronde-1&region=regio-a&sector=all&pooled=y",
    ]
    respondent_pages = ["/vragenlijst/profiel", "/vragenlijst/kind-centraal"]
    return (
        [(planted["coordinator"], p) for p in coordinator_pages]
        + [(planted["programme"], p) for p in programme_pages]
        + [(planted["respondent"], p) for p in respondent_pages]
    )


planted_with = pytest.mark.parametrize("planted", PAYLOADS, indirect=True, ids=range(len(PAYLOADS)))


@planted_with
def test_a_payload_is_inert_everywhere_it_comes_out(planted):
    """One setup per payload (it is the slow part), then every place it comes out."""
    pages_and_charts(planted)
    privacy_lookup_and_export(planted)
    error_messages(planted)
    mails(planted)
    exports(planted)


def test_the_check_catches_an_unescaped_or_evaluated_payload():
    for page in ("<p><script>alert(1)</script></p>", "<p>54439</p>", '<a href="javascript:x">'):
        with pytest.raises(AssertionError):
            assert_inert(page, "<script>alert(1)</script>", "a broken page")


def pages_and_charts(planted: dict) -> None:
    payload = planted["payload"]
    seen_in_pages, seen_in_charts = set(), False
    for client, path in _pages(planted):
        response = client.get(path)
        assert response.status_code == 200, f"GET {path}: {response.status_code}"
        page = response.get_data(as_text=True)
        parsed = assert_inert(page, payload, path)
        if shown(page, payload):
            seen_in_pages.add(path)
        # In chart data as plotly's plain text: escaped, so that it shows as typed.
        if any(plain(payload) in json.dumps(spec, ensure_ascii=False) for spec in parsed.charts):
            seen_in_charts = True
    # The payload did arrive where people read it, as text.
    for path in (
        "/regio/regio-a/organisaties",
        "/regio/regio-a/rondes/ronde-1/uitnodigingen",
        "/regio/regio-a/rondes/ronde-1/leeragenda",
        "/regio/regio-a/resultaten/ronde-1",
        "/programma/coordinatoren",
        "/programma/overzicht/ronde-1",
        "/vragenlijst/kind-centraal",
    ):
        assert path in seen_in_pages, f"the payload is not shown on {path}"
    assert seen_in_charts, "the payload (region name or round title) is not in any chart's data"


def privacy_lookup_and_export(planted: dict) -> None:
    programme = planted["programme"]
    email = planted["scene"]["invitation_a"].email
    page = programme.post("/programma/privacy", data={"email": email}).get_data(as_text=True)
    assert_inert(page, planted["payload"], "privacy lookup")
    assert shown(page, planted["payload"])
    export = programme.post("/programma/privacy/export", data={"email": email})
    assert export.mimetype == "application/json"
    assert export.headers["Content-Disposition"].startswith("attachment")
    assert planted["payload"] in json.dumps(json.loads(export.data), ensure_ascii=False)


def error_messages(planted: dict) -> None:
    payload = planted["payload"]
    coordinator = planted["coordinator"]
    bad_list = _list_line([payload, f"geen-adres {payload}", f"Onbekend {payload}"])
    response = coordinator.post(
        "/regio/regio-a/rondes/ronde-1/uitnodigingen/lijst", data={"people": bad_list}
    )
    assert response.status_code == 400
    assert_inert(response.get_data(as_text=True), payload, "list errors")
    response = coordinator.get("/vergelijken", query_string={"round": payload, "region": payload})
    assert response.status_code == 400
    assert_inert(response.get_data(as_text=True), payload, "compare errors")
    response = planted["respondent"].get(f"/vragenlijst/{payload.replace('/', '')}")
    assert response.status_code == 404
    assert_inert(response.get_data(as_text=True), payload, "404 page")


def mails(planted: dict) -> None:
    payload = planted["payload"]
    files = sorted(planted["mail"].glob("*.eml"))
    assert len(files) >= 3, files  # one invitation, the list's invitation, the account's
    quoted = 0
    for path in files:
        message = message_from_bytes(path.read_bytes(), policy=policy.default)
        html = message.get_body(preferencelist=("html",)).get_content()
        text = message.get_body(preferencelist=("plain",)).get_content()
        assert_inert(html, payload, f"mail {message['Subject']}")
        if payload in text:
            quoted += 1
            assert str(escape(payload)) in html or payload in html
        assert EVALUATED not in text
    assert quoted >= 2, "the person's and the coordinator's names should be in their mails"


def exports(planted: dict) -> None:
    payload = planted["payload"]
    programme = planted["programme"]
    formula = payload.startswith(exchange.FORMULA_STARTS)
    for table in ("heatmap", "participation", "agendas"):
        body = programme.get(f"/programma/overzicht/ronde-1/{table}.csv").get_data(as_text=True)
        cells = [cell for row in csv.reader(io.StringIO(body)) for cell in row]
        assert payload not in cells if formula else payload in cells, table
        if formula:
            assert "'" + payload in cells, table
        workbook = load_workbook(
            io.BytesIO(programme.get(f"/programma/overzicht/ronde-1/{table}.xlsx").data)
        )
        values = [c for row in workbook.active.iter_rows() for c in row if c.value is not None]
        for cell in values:
            assert cell.data_type != "f", f"{table}.xlsx has a formula: {cell.value!r}"
        texts = [c.value for c in values]
        assert ("'" + payload if formula else payload) in texts, table
