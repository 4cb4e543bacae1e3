"""The own profile after submitting: own principle scores (rule 3) beside the region's round
figures, which appear only once the region reaches k submitted responses."""

from __future__ import annotations

import json
import re
from html import unescape

import pytest
from respondent_support import PRINCIPLES, current_revision, enter, item_keys, page_form


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
    assert "zodra genoeg partners hebben gereageerd (minstens 3)" in html
    assert "Gemiddelde van je regio" not in html
    figure = json.loads(unescape(re.search(r"data-figure='([^']*)'", html).group(1)))
    assert [trace["name"] for trace in figure["data"]] == ["Jouw scores"]
    assert figure["data"][0]["r"][:2] == [3.0, None]


def test_the_region_figures_appear_at_k_with_the_same_numbers_in_the_table(
    app, db, make, world, spec
):
    def all_pages(value):
        return {p: dict.fromkeys(item_keys(spec, p), value) for p in PRINCIPLES}

    _submit_with(app, db, make, world, all_pages(2), "Een")
    _submit_with(app, db, make, world, all_pages(3), "Twee")
    # A draft in the region and a submission in region B never count (rules 1 and 4).
    _draft, draft_token = make.invitation(world["round"], world["org_a"], name="Concept")
    draft = app.test_client()
    enter(draft, draft_token)
    draft.post(
        "/vragenlijst/kind-centraal",
        data=page_form(dict.fromkeys(item_keys(spec, "kind-centraal"), 1)),
    )
    third = _submit_with(app, db, make, world, all_pages(5), "Drie")
    html = third.get("/vragenlijst/profiel").get_data(as_text=True)
    table = _table(html)
    # Own 5.00; region mean of 2, 3 and 5 = 3.33, n = 3.
    assert table["Het kind centraal"] == ["5,00", "3,33", "3"]
    assert table["Samen steeds beter worden"] == ["5,00", "3,33", "3"]
    assert "3 mensen, jij meegerekend" in html
    figure = json.loads(unescape(re.search(r"data-figure='([^']*)'", html).group(1)))
    assert [trace["name"] for trace in figure["data"]] == ["Jouw scores", "Gemiddelde van je regio"]
    assert figure["data"][1]["r"][0] == 3.33


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


def test_the_profile_page_loads_plotly_csp_clean(app, db, make, world, spec):
    client = _submit_with(app, db, make, world, {}, "Leeg")
    html = client.get("/vragenlijst/profiel").get_data(as_text=True)
    link = html.index('id="plotly.js-style-global" class="no-inline-styles"')
    assert link < html.index("vendor/plotly-selfscan.min.js")
    assert "<script>" not in html and "style=" not in html
