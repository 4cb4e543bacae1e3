"""The own profile after submitting: own principle scores (rule 3) at once; beside them the
region's figures once the round has closed (rule 8), where the others reach k."""

from __future__ import annotations

import math
import re
from html import unescape
from xml.etree import ElementTree

import pytest
from respondent_support import (
    PRINCIPLES,
    answer_all,
    current_revision,
    enter,
    item_keys,
    page_form,
)

from conftest import close_round

SVG = "{http://www.w3.org/2000/svg}"


def _submit_with(app, db, make, world, pages, name):
    """Invite someone in region A, answer the given pages, submit; returns their client."""
    invitation, token = make.invitation(world["round"], world["org_a"], name=name)
    client = app.test_client()
    enter(client, token)
    for principle, values in pages.items():
        assert client.post(f"/vragenlijst/{principle}", data=page_form(values)).status_code == 302
    revision = current_revision(db, invitation.id)
    client.post("/vragenlijst/versturen", data={"revision": str(revision)})
    return client


def _radar(html: str) -> ElementTree.Element:
    """The profile's radar chart, parsed as the SVG (XML) it is."""
    start = html.index('<svg xmlns="http://www.w3.org/2000/svg" class="radar"')
    svg = html[start : html.index("</svg>", start) + len("</svg>")]
    return ElementTree.fromstring(svg)  # noqa: S314 (our own page, not untrusted input)


def _traces(html: str) -> list[dict[str, int]]:
    """Per line in the radar: how many lines, closed shapes and markers it has."""
    svg = _radar(html)
    return [
        {
            "closed": len(g.findall(f"{SVG}polygon")),
            "open": len(g.findall(f"{SVG}polyline")),
            "markers": len(g.findall(f"{SVG}path")),
        }
        for g in svg.iter(f"{SVG}g")
        if "radar__trace" in g.get("class", "").split()
    ]


def _legend(html: str) -> list[str]:
    body = html.split('<ul class="radar-legend"', 1)[1].split(">", 1)[1].split("</ul>", 1)[0]
    return [unescape(re.sub(r"<[^>]+>", "", item).strip()) for item in body.split("</li>")[:-1]]


def _table(html: str) -> dict[str, list[str]]:
    """Principle label -> the cells of its row in the profile table."""
    body = html.split('id="profile-table"', 1)[1].split("</table>", 1)[0]
    rows = {}
    for row in re.findall(r"<tr>(.*?)</tr>", body, re.S):
        header = re.search(r'<th scope="row">(.*?)</th>', row, re.S)
        if header:
            rows[unescape(header.group(1).strip())] = [
                unescape(c.strip()) for c in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
            ]
    return rows


@pytest.fixture
def spec(make):
    return make.questionnaire_spec()


def test_own_scores_follow_rule_3_and_the_region_waits_for_k(app, db, make, world, spec):
    kc = item_keys(spec, "kind-centraal")
    ga = item_keys(spec, "geintegreerd-aanbod")
    pages = {
        # 6 items: 2, 3, 4 and three "don't know" -> 3 valid of 6 is enough: mean 3.00
        "kind-centraal": {kc[0]: 2, kc[1]: 3, kc[2]: 4, kc[3]: "nvt", kc[4]: "nvt", kc[5]: "nvt"},
        # only 2 of 6 valid -> no score
        "geintegreerd-aanbod": {ga[0]: 5, ga[1]: 5},
    }
    client = _submit_with(app, db, make, world, pages, "Eerste")
    html = client.get("/vragenlijst/profiel").get_data(as_text=True)
    assert "je antwoorden zijn ontvangen" in html.lower()
    table = _table(html)
    assert table["Het kind centraal"] == ["3,00"]
    assert table["Samenwerken aan een geïntegreerd aanbod"] == ["–"]
    assert "De cijfers van je regio verschijnen hier nadat de ronde sluit" in html
    assert "Gemiddelde van je regio" not in html
    # One line: a score on one principle only is a lone marker, no line (no score, no point).
    assert _legend(html) == ["Jouw scores"]
    assert _traces(html) == [{"closed": 0, "open": 0, "markers": 1}]


def test_the_region_figures_appear_after_the_close_with_the_same_numbers_in_the_table(
    app, db, make, world, spec
):
    def all_pages(value):
        return {p: dict.fromkeys(item_keys(spec, p), value) for p in PRINCIPLES}

    for value, name in ((2, "Een"), (3, "Twee"), (4, "Drie")):
        _submit_with(app, db, make, world, all_pages(value), name)
    # A draft in the region and a submission in region B never count (rules 1 and 4).
    _draft, draft_token = make.invitation(world["round"], world["org_a"], name="Concept")
    draft = app.test_client()
    enter(draft, draft_token)
    draft.post(
        "/vragenlijst/kind-centraal",
        data=page_form(dict.fromkeys(item_keys(spec, "kind-centraal"), 1)),
    )
    fourth = _submit_with(app, db, make, world, all_pages(5), "Vier")
    # While the round is open: only their own scores (rule 8), though four have submitted.
    html = fourth.get("/vragenlijst/profiel").get_data(as_text=True)
    assert _table(html)["Het kind centraal"] == ["5,00"]
    assert "3,50" not in html and "Gemiddelde van je regio" not in html
    close_round(db, world["round"])
    html = fourth.get("/vragenlijst/profiel").get_data(as_text=True)
    table = _table(html)
    # Own 5.00; region mean of 2, 3, 4 and 5 = 3.50, n = 4 (three others: k = 3).
    assert table["Het kind centraal"] == ["5,00", "3,50", "4"]
    assert table["Samen steeds beter worden"] == ["5,00", "3,50", "4"]
    assert "4 mensen, jij meegerekend" in html
    assert _legend(html) == ["Jouw scores", "Gemiddelde van je regio"]
    assert _traces(html) == [{"closed": 1, "open": 0, "markers": 5}] * 2
    # Drawn where the table says: 5 on the outer ring, 3.5 (of 0 to 5) seven tenths out.
    svg = _radar(html)
    spoke = svg.find(f"{SVG}g[@class='radar__grid']/{SVG}line")
    centre = float(spoke.get("x1")), float(spoke.get("y1"))
    outer = math.dist(centre, (float(spoke.get("x2")), float(spoke.get("y2"))))
    own, region = (
        [
            tuple(map(float, pair.split(",")))
            for pair in g.find(f"{SVG}polygon").get("points").split()
        ]
        for g in svg.iter(f"{SVG}g")
        if "radar__trace" in g.get("class", "").split()
    )
    # (the points are written to a tenth of a unit)
    assert [math.dist(centre, p) / outer * 5 for p in own] == pytest.approx([5.0] * 5, abs=0.01)
    assert [math.dist(centre, p) / outer * 5 for p in region] == pytest.approx([3.5] * 5, abs=0.01)


def test_the_region_stays_hidden_where_the_others_are_fewer_than_k(app, db, make, world, spec):
    def all_pages(value):
        return {p: dict.fromkeys(item_keys(spec, p), value) for p in PRINCIPLES}

    for value, name in ((2, "Een"), (3, "Twee")):
        _submit_with(app, db, make, world, all_pages(value), name)
    third = _submit_with(app, db, make, world, all_pages(5), "Drie")
    close_round(db, world["round"])
    html = third.get("/vragenlijst/profiel").get_data(as_text=True)
    # The region has 3 responses, but without this person's own score two are left: the
    # average of 2, 3 and 5 would give away theirs (2 and 3 together).
    assert "3,33" not in html and "Gemiddelde van je regio" not in html
    assert "te weinig partners in je regio gereageerd" in html


def test_after_the_close_the_link_opens_the_profile_of_those_who_submitted(
    app, db, make, world, spec
):
    done, done_token = make.invitation(world["round"], world["org_a"], name="Klaar")
    client = app.test_client()
    enter(client, done_token)
    answer_all(client, spec)
    client.post("/vragenlijst/versturen", data={"revision": str(current_revision(db, done.id))})
    _late, late_token = make.invitation(world["round"], world["org_a"], name="Te laat")
    close_round(db, world["round"])
    again = app.test_client()
    assert again.get(f"/i/{done_token}").headers["Location"] == "/vragenlijst"
    assert again.get("/vragenlijst").headers["Location"] == "/vragenlijst/profiel"
    assert again.get("/vragenlijst/profiel").status_code == 200
    # Read-only: nothing can be answered or submitted any more.
    assert again.post("/vragenlijst/starten").headers["Location"] == "/vragenlijst/profiel"
    late = app.test_client()
    assert late.get(f"/i/{late_token}").status_code == 404  # the round is over for them


def test_the_profile_shows_numbers_in_english_with_a_decimal_point(app, db, make, world, spec):
    client = _submit_with(
        app,
        db,
        make,
        world,
        {"samen-beter": dict.fromkeys(item_keys(spec, "samen-beter"), 4)},
        "En",
    )
    with client.session_transaction() as session:
        session["lang"] = "en"
    table = _table(client.get("/vragenlijst/profiel").get_data(as_text=True))
    assert table["Getting better together, continuously"] == ["4.00"]
    assert table["The child at the centre"] == ["–"]


def test_the_profile_needs_a_submission(client, make, world):
    _invitation, token = make.invitation(world["round"], world["org_a"])
    enter(client, token)
    assert client.get("/vragenlijst/profiel").headers["Location"] == "/vragenlijst"


def test_the_profile_page_draws_its_chart_without_a_chart_library(app, db, make, world, spec):
    client = _submit_with(app, db, make, world, {}, "Leeg")
    html = client.get("/vragenlijst/profiel").get_data(as_text=True)
    assert "plotly" not in html.lower()
    assert "<script>" not in html and "style=" not in html
    svg = _radar(html)
    assert svg.get("role") == "img"
    assert svg.find(f"{SVG}title").text == (
        "Radardiagram van de scores per principe; de tabel hieronder bevat dezelfde getallen."
    )
    # Nothing answered: no line, no marker, but the five principles around the grid.
    assert _traces(html) == [{"closed": 0, "open": 0, "markers": 0}]
    labels = [" ".join(t.itertext()) for t in svg.find(f"{SVG}g[@class='radar__labels']")]
    assert labels[0] == "Het kind centraal"
    assert len(labels) == 5
