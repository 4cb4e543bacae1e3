"""Regions' paths over the years (the learning network): per closed round the region's mean per
principle (rules 5, 5b: hidden stays hidden), its agreed positions and the sectors that
answered; a page and a download for the region's coordinator, all regions for the programme
team; rounds still open or planned are not on the path (rule 8)."""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook
from test_overview import HIDDEN, make_rounds

from conftest import login
from selfscan.models import AgreedPosition, Ambition
from selfscan.services.paths import all_paths, region_path

REGION_PATH = "/regio/regio-a/pad"
ALL_PATHS = "/programma/paden"


@pytest.fixture
def rounds(make, db, world):
    """The overview's rounds: 0 and 1 closed with responses in regions a-d, 2 planned."""
    return make_rounds(make, db, world)


def _agree(db, round_, region, principle: str, tenths: int) -> None:
    db.add(
        AgreedPosition(
            round_id=round_.id, region_id=region.id, principle=principle, score_tenths=tenths
        )
    )
    db.commit()


def test_a_regions_path_holds_its_closed_rounds_with_shown_means_and_sectors(db, world, rounds):
    _, round_1 = rounds
    _agree(db, round_1, world["region_a"], "kind-centraal", 35)
    db.add(
        Ambition(
            region_id=world["region_a"].id,
            round_id=round_1.id,
            principle="samen-beter",
            target_tenths=42,
        )
    )
    db.commit()
    path = region_path(db, world["region_a"], k=3)
    # Round 2 is planned: not on the path. Oldest first.
    assert [step.round.key for step in path.steps] == ["ronde-0", "ronde-1"]
    first, second = path.steps
    assert {p: round(m, 2) for p, m in first.means.items()} == dict.fromkeys(first.means, 3.0)
    assert len(first.means) == 5
    # Hand-computed in test_exchange: kind-centraal 23/6, the others 22/7.
    assert round(second.means["kind-centraal"], 2) == 3.83
    assert round(second.means["samen-beter"], 2) == 3.14
    assert second.agreed == {"kind-centraal": 3.5} and first.agreed == {}
    assert second.ambitions == {"samen-beter": 4.2} and first.ambitions == {}
    assert (first.sectors_heard, first.sectors_asked) == (1, 1)
    assert (second.sectors_heard, second.sectors_asked) == (3, 3)


def test_a_hidden_round_is_on_the_path_without_means(db, world, rounds):
    # Region b: three responses in round 0 (shown), two in round 1 (hidden, rule 5).
    path = region_path(db, world["region_b"], k=3)
    assert [bool(step.means) for step in path.steps] == [True, False]
    assert path.steps[1].sectors_heard == 1


def test_all_paths_equal_each_regions_own_path(db, world, rounds):
    for found in all_paths(db, k=3):
        own = region_path(db, found.region, k=3)
        assert found.steps == own.steps, found.region.key


def test_the_coordinator_reads_their_regions_path_and_no_other(client, db, world, rounds):
    db.add(
        Ambition(
            region_id=world["region_a"].id,
            round_id=rounds[1].id,
            principle="partnerschap-regie",
            target_tenths=38,
        )
    )
    db.commit()
    login(client, world["coordinator_a"])
    page = client.get(REGION_PATH)
    assert page.status_code == 200
    text = page.text
    table = text.split('id="path"', 1)[1].split("</table>", 1)[0]
    assert "Ronde 0" in table and "Ronde 1" in table and "Ronde 2" not in table
    assert "3,83" in table and "3,14" in table and "3 van 3" in table
    assert "ambitie 3,8" in table
    assert '<svg xmlns="http://www.w3.org/2000/svg" class="trend"' in text
    assert client.get("/regio/regio-b/pad").status_code == 403
    assert client.get("/regio/regio-b/pad.csv").status_code == 403
    assert client.get(ALL_PATHS).status_code == 403
    assert 'href="/regio/regio-a/pad"' in client.get("/regio/regio-a/").text


def test_the_region_download_has_keys_in_csv_and_words_in_excel(client, db, world, rounds):
    _, round_1 = rounds
    _agree(db, round_1, world["region_a"], "samen-beter", 40)
    db.add(
        Ambition(
            region_id=world["region_a"].id,
            round_id=round_1.id,
            principle="kind-centraal",
            target_tenths=40,
        )
    )
    db.commit()
    login(client, world["coordinator_a"])
    answer = client.get(REGION_PATH + ".csv")
    assert answer.status_code == 200 and answer.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(answer.text)))
    assert rows[0] == [
        "region",
        "round",
        "principle",
        "mean",
        "agreed",
        "ambition",
        "sectors_asked",
        "sectors_heard",
    ]
    assert ["regio-a", "ronde-1", "samen-beter", "3.14", "4.00", "", "3", "3"] in rows
    assert ["regio-a", "ronde-1", "kind-centraal", "3.83", "", "4.00", "3", "3"] in rows
    assert len(rows) == 1 + 2 * 5
    workbook = load_workbook(io.BytesIO(client.get(REGION_PATH + ".xlsx").data))
    sheet = [list(r) for r in workbook.active.iter_rows(values_only=True)]
    assert sheet[0] == [
        "Regio",
        "Meetronde",
        "Principe",
        "Gemiddelde",
        "Afgesproken",
        "Ambitie",
        "Gevraagde sectoren",
        "Sectoren die antwoordden",
    ]
    assert ["Regio A", "Ronde 1", "Samen steeds beter worden", 3.14, 4.0, None, 3, 3] in sheet
    assert client.get(REGION_PATH + ".pdf").status_code == 404


def test_the_programme_team_reads_every_path_and_never_a_hidden_mean(client, db, world, rounds):
    login(client, world["programme"])
    page = client.get(ALL_PATHS)
    assert page.status_code == 200
    for key in ("regio-a", "regio-b", "regio-c", "regio-d"):
        assert f'id="path-table-{key}"' in page.text
    assert HIDDEN not in page.text
    rows = list(csv.reader(io.StringIO(client.get(ALL_PATHS + ".csv").text)))
    b_round_1 = [r for r in rows if r[:2] == ["regio-b", "ronde-1"]]
    assert len(b_round_1) == 5 and all(r[3] == "" for r in b_round_1)
    assert all(r[1] != "ronde-2" for r in rows[1:])
    # The coordinator's own page and the programme team's reach the same region's path.
    assert client.get(REGION_PATH).status_code == 200
    assert 'href="/programma/paden"' in client.get("/programma/overzicht/ronde-1").text


def test_before_any_round_closes_the_path_is_empty(client, db, world):
    login(client, world["coordinator_a"])
    page = client.get(REGION_PATH)
    assert page.status_code == 200
    assert "De regio heeft nog geen afgesloten ronde" in page.text
    assert 'class="trend"' not in page.text


def test_the_path_reads_all_rounds_at_once_the_same_as_round_by_round(db, world, rounds, make):
    """Issue 18 (ten years): a path of twenty rounds must not run three queries per round; the
    batched reads give exactly what the one-round functions give."""
    from datetime import timedelta

    from sqlalchemy import event

    from selfscan.models.types import utcnow
    from selfscan.services.participation import (
        asked_and_submitted,
        asked_and_submitted_by_round,
    )
    from selfscan.services.scores import region_figures, region_figures_by_round

    region = world["region_a"]
    statements: list[str] = []
    engine = db.get_bind()
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(engine, "before_cursor_execute", listener)
    try:
        region_path(db, region, k=3)  # the figures summed once and kept
        statements.clear()
        region_path(db, region, k=3)
        with_two = len(statements)
        now = utcnow()
        for n in range(3, 6):  # three more closed rounds, without responses
            make.round(
                f"ronde-{n}",
                (region,),
                title=f"Ronde {n}",
                opens_at=now - timedelta(days=400 + 10 * n),
                closes_at=now - timedelta(days=395 + 10 * n),
            )
        region_path(db, region, k=3)
        statements.clear()
        path = region_path(db, region, k=3)
        assert len(path.steps) == 5
        assert len(statements) == with_two
    finally:
        event.remove(engine, "before_cursor_execute", listener)
    all_rounds = [step.round for step in path.steps]
    figures = region_figures_by_round(db, all_rounds, region.id, 3)
    asked = asked_and_submitted_by_round(db, [r.id for r in all_rounds], region.id)
    for round_ in all_rounds:
        assert figures.get(round_.id, {}) == region_figures(db, round_, region.id, 3)
        assert asked[round_.id] == asked_and_submitted(db, round_, region.id)
    assert any(figures.values())  # rounds 0 and 1 have shown figures
    every = asked_and_submitted_by_round(db, [r.id for r in all_rounds])
    for round_ in all_rounds:
        assert every[round_.id] == asked_and_submitted(db, round_)
