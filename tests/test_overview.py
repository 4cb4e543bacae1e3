"""The programme team's overview: access, hand-computed numbers, hidden groups, downloads."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import timedelta
from xml.etree import ElementTree

import pytest
from openpyxl import load_workbook
from sqlmodel import select
from test_exchange import import_rows, row

from conftest import close_round, login
from selfscan.models import Round, RoundRegion
from selfscan.models.types import utcnow
from selfscan.services import agenda
from selfscan.services.agenda import ReflectionInput

# Round 1 (the open round of `world`). Region a: po 3, gemeente 3, vo 1: vo alone in `other` is
# hidden, and so is po (the smallest remaining sector, first on a tie). All sectors, worked by
# hand in test_exchange: kind-centraal 23/6 = 3.83 (n 6), the other principles 22/7 = 3.14.
# Region b: two responses (scores 1 and 2, mean 1.50), below k = 3: hidden entirely.
ROUND_1 = [
    row("regio-a", "School A", "po", "4"),
    row("regio-a", "School A", "po", "5"),
    row("regio-a", "School 2", "po", "3"),
    row("regio-a", "Gemeente X", "gemeente", "2"),
    row("regio-a", "Gemeente X", "gemeente", "4"),
    row("regio-a", "Gemeente X", "gemeente", "3", kc=["5", "5", "5", "nvt", "NVT", ""]),
    row("regio-a", "VO school", "vo", "1", kc=["1", "nvt", "nvt", "nvt", "nvt", ""]),
    row("regio-b", "School B", "po", "1"),
    row("regio-b", "School B", "po", "2"),
]
# Regions c and d, so that all regions pool at least three shown regions (rule 6): in round 1
# c three times 2 and d three times 5. All regions: kind-centraal (23 + 6 + 15) / (6 + 3 + 3)
# = 44/12 = 3.67, the other principles (22 + 6 + 15) / (7 + 3 + 3) = 43/13 = 3.31; 13 responses.
ROUND_1_CD = [
    *[row("regio-c", "School C", "po", "2") for _ in range(3)],
    *[row("regio-d", "School D", "po", "5") for _ in range(3)],
]
# Round 0, the round before: region a three times 3 (mean 3.00), region b three times 4 (4.00),
# c three times 5 and d three times 1. All regions: 39/12 = 3.25.
ROUND_0 = [
    *[row("regio-a", "School A", "po", "3") for _ in range(3)],
    *[row("regio-b", "School B", "po", "4") for _ in range(3)],
]
ROUND_0_CD = [
    *[row("regio-c", "School C", "po", "5") for _ in range(3)],
    *[row("regio-d", "School D", "po", "1") for _ in range(3)],
]
HIDDEN = "1,50"  # region b's mean in round 1, which must never be shown
PRINCIPLES = (
    "kind-centraal",
    "geintegreerd-aanbod",
    "inclusief-nabij",
    "partnerschap-regie",
    "samen-beter",
)


@pytest.fixture
def rounds(make, db, world):
    """Round 0 and round 1 (closed) with responses in regions a-d, and a planned round 2."""
    return make_rounds(make, db, world)


def make_rounds(make, db, world):
    now = utcnow()
    regions = (
        world["region_a"],
        world["region_b"],
        make.region("regio-c", "Regio C"),
        make.region("regio-d", "Regio D"),
    )
    db.add_all(RoundRegion(round_id=world["round"].id, region_id=r.id) for r in regions[2:])
    db.commit()
    round_0 = make.round(
        "ronde-0",
        regions,
        title="Ronde 0",
        opens_at=now - timedelta(days=200),
        closes_at=now - timedelta(days=150),
    )
    make.round(
        "ronde-2",
        regions,
        title="Ronde 2",
        opens_at=now + timedelta(days=100),
        closes_at=now + timedelta(days=130),
    )
    import_rows(db, round_0, ROUND_0 + ROUND_0_CD)
    import_rows(db, world["round"], ROUND_1 + ROUND_1_CD)
    close_round(db, world["round"])
    return round_0, world["round"]


def test_only_the_programme_team_reaches_the_overview(client, world, rounds):
    urls = ["/programma/overzicht", "/programma/overzicht/ronde-1"]
    urls += [f"/programma/overzicht/ronde-1/heatmap.{fmt}" for fmt in ("csv", "xlsx")]
    for url in urls:
        assert client.get(url).status_code == 302  # to the sign-in page
    login(client, world["coordinator_a"])
    for url in urls:
        assert client.get(url).status_code == 403
    client.post("/uitloggen")
    login(client, world["programme"])
    for url in urls:
        assert client.get(url).status_code == 200


def test_unknown_round_table_or_format_is_not_found(client, world, rounds):
    login(client, world["programme"])
    assert client.get("/programma/overzicht/ronde-9").status_code == 404
    assert client.get("/programma/overzicht/ronde-9/heatmap.csv").status_code == 404
    assert client.get("/programma/overzicht/ronde-1/answers.csv").status_code == 404
    assert client.get("/programma/overzicht/ronde-1/heatmap.pdf").status_code == 404


def test_without_an_opened_round_the_page_says_so(client, world, db):
    login(client, world["programme"])
    for round_ in db.exec(select(Round)):
        round_.opens_at = utcnow() + timedelta(days=30)
        round_.closes_at = utcnow() + timedelta(days=60)
        db.add(round_)
    db.commit()
    response = client.get("/programma/overzicht")
    assert response.status_code == 200
    assert "programme.overview_download" not in response.text
    assert "/programma/overzicht/ronde-1/" not in response.text


def test_the_default_round_is_the_latest_that_opened(client, world, rounds):
    login(client, world["programme"])
    page = client.get("/programma/overzicht").text
    assert "/programma/overzicht/ronde-1/heatmap.csv" in page  # not the planned ronde-2


def download(client, table: str, round_key: str = "ronde-1") -> list[list[str]]:
    response = client.get(f"/programma/overzicht/{round_key}/{table}.csv")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert f"overzicht-{round_key}-{table}.csv" in response.headers["Content-Disposition"]
    return list(csv.reader(io.StringIO(response.text)))


def test_heatmap_numbers_are_the_hand_computed_ones(client, world, rounds):
    login(client, world["programme"])
    assert download(client, "heatmap") == [
        ["round", "region", "region_name", "n", *PRINCIPLES],
        ["ronde-1", "regio-a", "Regio A", "7", "3.83", "3.14", "3.14", "3.14", "3.14"],
        # Region b is hidden: no count, no means, as if nobody had responded.
        ["ronde-1", "regio-b", "Regio B", "", "", "", "", "", ""],
        ["ronde-1", "regio-c", "Regio C", "3", "2.00", "2.00", "2.00", "2.00", "2.00"],
        ["ronde-1", "regio-d", "Regio D", "3", "5.00", "5.00", "5.00", "5.00", "5.00"],
        # All regions pools only the shown regions a, c and d (rule 6).
        ["ronde-1", "all", "", "13", "3.67", "3.31", "3.31", "3.31", "3.31"],
    ]
    page = client.get("/programma/overzicht/ronde-1").text
    assert "3,83" in page and "3,14" in page
    assert HIDDEN not in page


def test_changes_only_where_both_rounds_are_shown(client, world, rounds):
    login(client, world["programme"])
    assert download(client, "changes") == [
        ["round", "previous_round", "region", "region_name", *PRINCIPLES],
        # 3.83 - 3.00 and 3.14 - 3.00.
        ["ronde-1", "ronde-0", "regio-a", "Regio A", "0.83", "0.14", "0.14", "0.14", "0.14"],
        # Shown in round 0 (4.00) but hidden in round 1: no change (rule 7).
        ["ronde-1", "ronde-0", "regio-b", "Regio B", "", "", "", "", ""],
        ["ronde-1", "ronde-0", "regio-c", "Regio C", "-3.00", "-3.00", "-3.00", "-3.00", "-3.00"],
        ["ronde-1", "ronde-0", "regio-d", "Regio D", "4.00", "4.00", "4.00", "4.00", "4.00"],
        # All regions: round 0 pools a-d (3.25), round 1 a, c and d: 3.67 - 3.25, 3.31 - 3.25.
        ["ronde-1", "ronde-0", "all", "", "0.42", "0.06", "0.06", "0.06", "0.06"],
    ]
    page = client.get("/programma/overzicht/ronde-1").text
    assert "+0,83" in page and "-3,00" in page


def test_the_first_round_has_no_changes(client, world, rounds):
    login(client, world["programme"])
    rows = download(client, "changes", "ronde-0")
    assert rows[1][1] == ""  # no previous round
    assert all(cell == "" for r in rows[1:] for cell in r[4:])


def test_participation_and_missing_sectors(client, make, db, world, rounds):
    region_a, region_b = world["region_a"], world["region_b"]
    make.organisation(region_b, "Ouderraad B", "ouders")
    for _ in range(9):
        make.invitation(world["round"], world["org_a"])
    revoked, _ = make.invitation(world["round"], world["org_a"])
    revoked.revoked_at = utcnow()
    db.add(revoked)
    db.commit()
    make.invitation(world["round"], world["org_b"])
    login(client, world["programme"])
    assert download(client, "participation") == [
        [
            "round",
            "region",
            "region_name",
            "invited",
            "submitted",
            "response_rate_percent",
            "missing_sectors",
        ],
        # Asked: po 9 open invitations (the revoked one does not count) and 3 imported po
        # responses, which may be from those 9: 9; gemeente 3 and vo 1 imported responses,
        # nobody invited in the app: 3 + 1. 7 of 13.
        # po is hidden by the extra suppression and vo's pool is too small: only gemeente shows.
        ["ronde-1", "regio-a", "Regio A", "13", "7", "53.85", "po vo"],
        # Region b: 1 open po invitation and 2 imported po responses: 2 asked, never 200 %.
        # Region b is hidden, and its parents' organisation did not respond.
        ["ronde-1", "regio-b", "Regio B", "2", "2", "100.00", "po ouders"],
        ["ronde-1", "regio-c", "Regio C", "3", "3", "100.00", ""],
        ["ronde-1", "regio-d", "Regio D", "3", "3", "100.00", ""],
    ]
    assert region_a.id != region_b.id


def test_trend_pools_shown_groups_over_the_opened_rounds(client, world, rounds):
    login(client, world["programme"])
    assert download(client, "trend") == [
        ["round", "round_title", "n", *PRINCIPLES],
        ["ronde-0", "Ronde 0", "12", "3.25", "3.25", "3.25", "3.25", "3.25"],
        ["ronde-1", "Ronde 1", "13", "3.67", "3.31", "3.31", "3.31", "3.31"],
    ]
    page = client.get("/programma/overzicht/ronde-1").text
    spec = json.loads(re.search(r"data-chart='([^']*)'", page).group(1))
    assert spec["data"][0]["name"] == "Het kind centraal"
    assert spec["data"][0]["x"] == ["Ronde 0", "Ronde 1"]
    assert spec["data"][0]["y"] == [3.25, 3.67]
    assert spec["data"][1]["y"] == [3.25, 3.31]
    assert 1.5 not in [y for trace in spec["data"] for y in trace["y"]]


def _trend_drawing(page: str) -> ElementTree.Element:
    found = re.search(r'<svg[^>]*class="trend".*?</svg>', page, re.S)
    assert found, "the overview draws the trend on the server"
    return ElementTree.fromstring(found.group(0))  # noqa: S314 (our own page)


def test_the_trend_is_drawn_on_the_server_with_the_tables_numbers(client, db, world, rounds):
    round_0 = db.exec(select(Round).where(Round.key == "ronde-0")).one()
    round_0.title = '<b>Ronde</b> "0"'
    db.commit()
    login(client, world["programme"])
    page = client.get("/programma/overzicht/ronde-1").text
    drawing = _trend_drawing(page)
    ns = {"svg": "http://www.w3.org/2000/svg"}
    assert drawing.get("role") == "img"
    title = drawing.find("svg:title", ns).text
    assert title == drawing.get("aria-label") and "de tabel hieronder" in title
    hovers = [marker.find("svg:title", ns).text for marker in drawing.iterfind(".//svg:path", ns)]
    # The same figures as the table (and the CSV above): one line per principle, two rounds.
    assert hovers[:2] == [
        'Het kind centraal, <b>Ronde</b> "0": 3,25',
        "Het kind centraal, Ronde 1: 3,67",
    ]
    assert len(hovers) == 10 and all(h.endswith(("3,25", "3,31", "3,67")) for h in hovers)
    assert HIDDEN not in "".join(drawing.itertext())
    assert '<b>Ronde</b> "0"' in "".join(drawing.itertext())  # escaped: shown as typed
    table = page[page.index('id="trend-table-caption"') :]
    assert "3,25" in table and "3,67" in table
    # The legend names each line with its key; the picture sits before its table.
    legend = re.search(r'<ul class="line-legend".*?</ul>', page, re.S).group(0)
    assert legend.count('class="line-key"') == 5 and "Samen steeds beter worden" in legend
    assert page.index('class="trend"') < page.index('id="trend-table-caption"')


def test_without_a_released_round_the_trend_says_so_instead_of_empty_axes(client, world):
    login(client, world["programme"])
    page = client.get("/programma/overzicht/ronde-1").text
    assert 'class="trend"' not in page
    assert "de grafiek begint zodra de eerste ronde sluit" in page


def test_agendas_at_a_glance(client, db, world, rounds):
    region_a, region_b, round_ = world["region_a"], world["region_b"], world["round"]
    for status in ("open", "open", "done"):
        agenda.add_action(
            db, region=region_a, round_=round_, principle="kind-centraal", title="x", status=status
        )
    agenda.add_action(
        db, region=region_b, round_=round_, principle="samen-beter", title="y", status="in_progress"
    )
    agenda.save_reflections(
        db,
        region=region_a,
        round_=round_,
        entries={
            "kind-centraal": ReflectionInput("Ouders eerder betrekken", True),
            "samen-beter": ReflectionInput("", True),
        },
    )
    db.commit()
    login(client, world["programme"])
    assert download(client, "agendas") == [
        ["round", "region", "region_name", "open", "in_progress", "done", "focus_principles"],
        ["ronde-1", "regio-a", "Regio A", "2", "0", "1", "kind-centraal samen-beter"],
        ["ronde-1", "regio-b", "Regio B", "0", "1", "0", ""],
        ["ronde-1", "regio-c", "Regio C", "0", "0", "0", ""],
        ["ronde-1", "regio-d", "Regio D", "0", "0", "0", ""],
    ]


def test_downloads_neutralise_formulas(client, make, db, world, rounds):
    region = world["region_b"]
    region.name = '=HYPERLINK("http://evil.example","klik")'
    db.add(region)
    db.commit()
    login(client, world["programme"])
    names = {r[1]: r[2] for r in download(client, "heatmap")}
    assert names["regio-b"] == "'" + region.name
    response = client.get("/programma/overzicht/ronde-1/participation.xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.data)).active
    cells = {cell.value: cell for cells in sheet.iter_rows() for cell in cells}
    assert "'" + region.name in cells
    assert cells["'" + region.name].data_type == "s"
    assert not any(isinstance(v, str) and v.startswith("=") for v in cells)
    assert cells[7].data_type == "n"  # region a's responses: numbers stay numbers


def test_xlsx_downloads_hold_the_same_numbers(client, world, rounds):
    login(client, world["programme"])
    response = client.get("/programma/overzicht/ronde-1/heatmap.xlsx")
    sheet = load_workbook(io.BytesIO(response.data)).active
    values = [[cell.value for cell in r] for r in sheet.iter_rows()]
    # Excel is for people: Dutch headers and names (the CSV keeps the keys, for systems).
    assert values[0][:4] == ["Meetronde", "Regio", "n", "Het kind centraal"]
    assert values[1] == ["Ronde 1", "Regio A", 7, 3.83, 3.14, 3.14, 3.14, 3.14]
    assert values[2][2:] == [None] * 6
    assert response.headers["Content-Disposition"].endswith('"overzicht-ronde-1-gemiddelden.xlsx"')


def test_the_overview_speaks_english_too(client, world, rounds):
    login(client, world["programme"])
    client.post("/taal", data={"lang": "en", "next": "/"})
    page = client.get("/programma/overzicht/ronde-1").text
    assert "Overview of Ronde 1" in page
    assert "Mean score per region and principle" in page
    assert "3.83" in page and HIDDEN.replace(",", ".") not in page


def test_an_open_round_shows_who_responded_and_no_figures(client, make, db, world):
    region_c, region_d = make.region("regio-c", "Regio C"), make.region("regio-d", "Regio D")
    db.add_all(
        RoundRegion(round_id=world["round"].id, region_id=r.id) for r in (region_c, region_d)
    )
    db.commit()
    import_rows(db, world["round"], ROUND_1 + ROUND_1_CD)  # the round stays open
    login(client, world["programme"])
    page = client.get("/programma/overzicht/ronde-1").text
    assert "De cijfers van deze ronde worden vrijgegeven als de ronde sluit" in page
    for figure in ("3,83", "3,14", "3,67", "3,31", "2,00", "5,00"):
        assert figure not in page
    assert "/programma/rondes/ronde-1/sluiten" in page
    # Participation is shown: who was asked and who responded.
    assert download(client, "participation")[1][:5] == ["ronde-1", "regio-a", "Regio A", "7", "7"]
    for table in ("heatmap", "changes"):
        response = client.get(f"/programma/overzicht/ronde-1/{table}.csv")
        assert response.status_code == 302
        assert response.headers["Location"].endswith("/programma/overzicht/ronde-1")
    assert [r[2:] for r in download(client, "trend")[1:]] == []  # no released round yet


def test_changes_are_coloured_by_direction_with_their_sign(client, world, rounds):
    login(client, world["programme"])
    page = client.get("/programma/overzicht/ronde-1").text
    cells = re.findall(r'<td class="num([^"]*)">([^<]*)</td>', page)
    signed = [(kind.strip(), text) for kind, text in cells if text[:1] in "+-"]
    assert signed, "the overview shows changes"
    for kind, text in signed:
        if text.startswith("+") and text != "+0,00":
            assert kind == "change--up", text
        elif text.startswith("-") and text != "-0,00":
            assert kind == "change--down", text


def test_compare_and_the_scores_export_are_reachable_from_the_top(client, world, rounds):
    """Issue 16: the programme team's compare page and the scores export of all regions were
    reachable only through a region's dashboard."""
    login(client, world["programme"])
    page = client.get("/programma/overzicht/ronde-1").text
    contents = page[page.index('class="overview-contents"') : page.index('id="heatmap-heading"')]
    # The first three regions with figures (Regio B has too few responses) and all regions.
    assert (
        "/vergelijken?round=ronde-1&amp;region=regio-a&amp;region=regio-c&amp;region=regio-d"
        "&amp;sector=all&amp;pooled=y"
    ) in contents
    assert "/vergelijken/ronde-1/scores.csv" in contents
    assert "/vergelijken/ronde-1/scores.xlsx" in contents
    assert client.get("/vergelijken/ronde-1/scores.csv").status_code == 200


def test_an_open_rounds_overview_offers_no_figures_to_compare_or_export(client, make, db, world):
    login(client, world["programme"])
    page = client.get("/programma/overzicht/ronde-1").text
    assert "/vergelijken" not in page
