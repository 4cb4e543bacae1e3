"""The region's dashboard, the downloads and the compare page: who sees which figures."""

from __future__ import annotations

import csv
import html
import io
import json
import re
from datetime import timedelta

import pytest
from openpyxl import load_workbook
from sqlmodel import select
from test_exchange import EXPECTED, ROWS, import_rows, row

from conftest import close_round, login
from selfscan.models import Answer, Item, PrincipleComment, Response
from selfscan.models.types import utcnow

DASHBOARD = "/regio/{region}/resultaten/ronde-1"
B_SHOWN = [row("regio-b", "School B", "po", "5")] * 3


def expand(spec: dict) -> list[dict]:
    """The traces of a chart's spec as static/js/charts.js hands them to plotly.js: what they
    share (`trace`) merged into each, one level deep (`line` and `marker` are partly shared)."""
    shared = spec.get("trace") or {}
    traces = []
    for own in spec["data"]:
        trace = {**shared, **own}
        for key, value in shared.items():
            if isinstance(value, dict) and isinstance(own.get(key), dict):
                trace[key] = {**value, **own[key]}
        traces.append(trace)
    return traces


def chart_data(page: str) -> list[dict]:
    """The traces of the page's radars, as plotly.js gets them in the browser."""
    found = re.findall(r"data-chart='([^']*)'", page)
    return [trace for spec in found for trace in expand(json.loads(html.unescape(spec)))]


def comment(db, response: Response, text: str, principle: str = "kind-centraal") -> None:
    db.add(PrincipleComment(response_id=response.id, principle=principle, text=text))
    db.commit()


def test_coordinator_sees_the_shown_groups_of_their_region(client, db, world):
    import_rows(db, world["round"], ROWS)
    close_round(db, world["round"])
    login(client, world["coordinator_a"])
    page = client.get(DASHBOARD.format(region="regio-a"))
    assert page.status_code == 200
    traces = chart_data(page.get_data(as_text=True))
    # Shown: all and gemeente (po and vo are hidden by rule 5); no all-regions pool, which
    # needs at least three regions (rule 6).
    assert [t["name"] for t in traces] == ["alle sectoren", "gemeente"]
    assert traces[0]["r"] == [3.83, 3.14, 3.14, 3.14, 3.14, 3.83]
    assert traces[1]["r"] == [3.67, 3.0, 3.0, 3.0, 3.0, 3.67]
    assert [t["visible"] for t in traces] == [True, "legendonly"]


def test_hidden_groups_never_reach_the_chart_data(client, db, world):
    import_rows(db, world["round"], ROWS)
    close_round(db, world["round"])
    login(client, world["programme"])
    page = client.get(DASHBOARD.format(region="regio-b"))  # region b: 2 responses, below k
    assert page.status_code == 200
    assert chart_data(page.get_data(as_text=True)) == []
    assert "data-chart" not in page.get_data(as_text=True)


def test_comments_and_statements_only_where_the_region_reaches_k(client, db, world):
    import_rows(db, world["round"], ROWS)
    close_round(db, world["round"])
    responses = db.exec(select(Response).order_by(Response.id)).all()
    comment(db, responses[0], "Geheim uit regio A")
    comment(db, responses[-1], "Geheim uit regio B")
    item = db.exec(
        select(Item).where(
            Item.key == "kc-2",
            Item.questionnaire_version_id == world["round"].questionnaire_version_id,
        )
    ).one()
    for response in responses[:3]:
        answer = db.get(Answer, (response.id, item.id))
        answer.discuss = True
    db.commit()
    login(client, world["programme"])
    page_a = client.get(DASHBOARD.format(region="regio-a")).get_data(as_text=True)
    page_b = client.get(DASHBOARD.format(region="regio-b")).get_data(as_text=True)
    assert "Geheim uit regio A" in page_a
    assert "Geheim uit regio B" not in page_a + page_b
    assert "Ouders denken mee over de afspraken" in page_a  # kc-2, flagged 3 times
    assert "Ouders denken mee over de afspraken" not in page_b


def test_coordinator_of_a_cannot_open_region_b(client, db, world):
    import_rows(db, world["round"], ROWS + B_SHOWN)
    close_round(db, world["round"])
    login(client, world["coordinator_a"])
    assert client.get(DASHBOARD.format(region="regio-b")).status_code == 403
    assert client.get(DASHBOARD.format(region="regio-b") + "/scores.csv").status_code == 403


def test_a_round_the_region_does_not_take_part_in_is_not_found(client, make, world):
    make.round("ronde-2", (world["region_b"],), title="Ronde 2")
    login(client, world["coordinator_a"])
    assert client.get("/regio/regio-a/resultaten/ronde-2").status_code == 404
    assert client.get("/regio/regio-a/resultaten/ronde-1/scores.pdf").status_code == 404


def test_region_download_has_the_region_and_all_regions_rows_only(client, db, make, world):
    region_c = make.region("regio-c", "Regio C")
    make.organisation(region_c, "School C", "po")
    round_ = make.round("ronde-2", (world["region_a"], world["region_b"], region_c))
    c_shown = [row("regio-c", "School C", "po", "1")] * 3
    import_rows(db, round_, ROWS + B_SHOWN + c_shown)
    close_round(db, round_)
    login(client, world["coordinator_a"])
    answer = client.get("/regio/regio-a/resultaten/ronde-2/scores.csv")
    assert answer.status_code == 200
    assert answer.headers["Content-Disposition"].startswith("attachment")
    rows = list(csv.reader(io.StringIO(answer.get_data(as_text=True))))
    assert {r[1] for r in rows[1:]} == {"regio-a", "all"}
    region_a = [[r[0].replace("ronde-1", "ronde-2"), *r[1:]] for r in EXPECTED[1:]]
    assert rows[1 : 1 + len(region_a)] == region_a
    # Region b now has 2 + 3 po responses, all 5: shown; region c 3 po of 1. All regions
    # pools the three: kc (23 + 5 x 5 + 3 x 1) / 14 = 3.64. Coordinator a sees neither b nor
    # c by name, so two unseen regions are in the pool (rule 6).
    pooled_all = [r for r in rows if r[1] == "all" and r[2] == "all"]
    assert pooled_all[0][4:6] == ["14", "3.64"]

    workbook = client.get("/regio/regio-a/resultaten/ronde-2/scores.xlsx")
    sheet = load_workbook(io.BytesIO(workbook.data)).active
    values = [[c.value for c in line] for line in sheet.iter_rows()]
    assert len(values) == len(rows)
    # Excel is for people: Dutch headers, names instead of keys (the CSV keeps the keys).
    assert values[0] == [
        "Meetronde",
        "Regio",
        "Sector",
        "Principe",
        "n",
        "Gemiddelde",
        "Standaarddeviatie",
        "Laagste",
        "Hoogste",
    ]
    assert {v[1] for v in values[1:]} == {"Regio A", "Alle regio's"}
    assert values[1][1:4] == ["Regio A", "alle sectoren", "Het kind centraal"]
    assert values[1][0] != "ronde-2"  # the round by its title
    assert values[1][5] == 3.83


def test_the_all_regions_rows_need_three_regions(client, db, world):
    import_rows(db, world["round"], ROWS + B_SHOWN)
    close_round(db, world["round"])
    login(client, world["coordinator_a"])
    rows = list(
        csv.reader(io.StringIO(client.get(DASHBOARD.format(region="regio-a") + "/scores.csv").text))
    )
    # Region a and b are both shown, but all regions minus a would be b (rule 6).
    assert {r[1] for r in rows[1:]} == {"regio-a"}


def test_programme_download_has_every_region(client, db, world):
    import_rows(db, world["round"], ROWS + B_SHOWN)
    close_round(db, world["round"])
    login(client, world["coordinator_a"])
    assert client.get("/vergelijken/ronde-1/scores.csv").status_code == 403
    client = client.application.test_client()
    login(client, world["programme"])
    answer = client.get("/vergelijken/ronde-1/scores.csv")
    rows = list(csv.reader(io.StringIO(answer.get_data(as_text=True))))
    assert {r[1] for r in rows[1:]} == {"regio-a", "regio-b"}  # two regions: no pool (rule 6)


@pytest.mark.parametrize(("sharing", "status"), [("private", 400), ("named", 200)])
def test_compare_shows_other_regions_only_when_they_share(client, db, world, sharing, status):
    world["region_b"].sharing = sharing
    db.add(world["region_b"])
    db.commit()
    import_rows(db, world["round"], ROWS + B_SHOWN)
    close_round(db, world["round"])
    login(client, world["coordinator_a"])
    query = "?round=ronde-1&region=regio-a&region=regio-b&sector=all&pooled=y"
    page = client.get("/vergelijken" + query)
    assert page.status_code == status
    names = [t["name"] for t in chart_data(page.get_data(as_text=True))]
    if sharing == "named":
        assert names == ["Regio A · Ronde 1", "Regio B · Ronde 1"]  # no pool of two regions
    else:
        assert names == []


def test_compare_without_a_choice_shows_the_own_region(client, db, world):
    import_rows(db, world["round"], ROWS + B_SHOWN)
    close_round(db, world["round"])
    login(client, world["coordinator_a"])
    page = client.get("/vergelijken")
    assert page.status_code == 200
    names = [t["name"] for t in chart_data(page.get_data(as_text=True))]
    assert names == ["Regio A · Ronde 1"]  # all regions would be region b (rule 6)
    assert "Regio B" not in page.get_data(as_text=True)


def test_compare_by_sector_leaves_out_hidden_groups(client, db, world):
    import_rows(db, world["round"], ROWS + B_SHOWN)
    close_round(db, world["round"])
    login(client, world["programme"])
    page = client.get("/vergelijken?round=ronde-1&region=regio-a&region=regio-b&sector=po")
    names = [t["name"] for t in chart_data(page.get_data(as_text=True))]
    assert names == ["Regio B · Ronde 1 · primair onderwijs"]  # region a's po is hidden


def test_earlier_rounds_and_changes_in_words(client, make, db, world):
    earlier = make.round(
        "ronde-0",
        (world["region_a"],),
        opens_at=utcnow() - timedelta(days=200),
        closes_at=utcnow() - timedelta(days=150),
        title="Ronde 0",
    )
    # Ronde 0: three gemeente responses of 2 on everything: all 2.00. Ronde 1: ROWS, where
    # kc is 3.83 (+1.83) and the other principles 3.14 (+1.14).
    import_rows(db, earlier, [row("regio-a", "Gemeente X", "gemeente", "2")] * 3)
    import_rows(db, world["round"], ROWS)
    close_round(db, world["round"])
    login(client, world["coordinator_a"])
    page = client.get(DASHBOARD.format(region="regio-a")).get_data(as_text=True)
    traces = chart_data(page)
    assert [t["name"] for t in traces] == ["alle sectoren", "gemeente", "Ronde 0"]
    assert traces[2]["r"] == [2.0] * 6
    assert "Het kind centraal: de gemiddelde score is sinds Ronde 0 1,83 gestegen." in page
    # Sector differences in words: gemeente is the only shown sector, so none.
    assert "Er kunnen minder dan twee sectorgroepen worden getoond" in page


def test_sector_differences_in_words(client, db, world):
    rows = [row("regio-a", "School A", "po", "4")] * 3 + [
        row("regio-a", "Ouderplatform", "ouders", "4", kc=["2", "3", "3", "2", "3", "3"])
    ] * 3
    import_rows(db, world["round"], rows)
    close_round(db, world["round"])
    login(client, world["coordinator_a"])
    page = client.get(DASHBOARD.format(region="regio-a")).get_data(as_text=True)
    # ouders kc: (2+3+3+2+3+3)/6 = 2.67; po kc 4: 1.33 lower.
    assert (
        "Het kind centraal: de gemiddelde score van ouders en jongeren ligt 1,33 lager dan die"
        " van primair onderwijs." in page
    )


def test_compare_overlays_several_sectors_and_rounds(client, db, make, world):
    earlier = make.round(
        "ronde-0",
        (world["region_a"],),
        opens_at=utcnow() - timedelta(days=200),
        closes_at=utcnow() - timedelta(days=150),
        title="Ronde 0",
    )
    import_rows(db, earlier, [row("regio-a", "Gemeente X", "gemeente", "2")] * 3)
    import_rows(db, world["round"], ROWS)
    close_round(db, world["round"])
    login(client, world["coordinator_a"])
    query = "?round=ronde-0&round=ronde-1&region=regio-a&sector=all&sector=gemeente&sector=po"
    page = client.get("/vergelijken" + query)
    assert page.status_code == 200
    assert [t["name"] for t in chart_data(page.get_data(as_text=True))] == [
        "Regio A · Ronde 0",
        "Regio A · Ronde 0 · gemeente",
        "Regio A · Ronde 1",
        "Regio A · Ronde 1 · gemeente",
    ]


def test_compare_rejects_unknown_choices(client, world):
    login(client, world["coordinator_a"])
    assert client.get("/vergelijken?round=ronde-9").status_code == 400
    assert client.get("/vergelijken?round=ronde-1&sector=bakkerij").status_code == 400
    assert client.get("/vergelijken?region=regio-a").status_code == 400  # no round chosen
