"""Professionals beside parents and young people across all regions (the programme team's
page): each perspective pools exactly the regions' shown perspective groups (rule 5 for
perspectives), of at least three regions (rule 6); a region whose parents could be worked out
counts for no perspective."""

from __future__ import annotations

import csv
import io

import pytest
from sqlmodel import select
from test_exchange import import_rows, row

from conftest import close_round, login
from selfscan.models import RoundRegion
from selfscan.services.scores import all_perspectives

PAGE = "/programma/overzicht/ronde-1/perspectieven"


@pytest.fixture
def heard(db, make, world):
    """Regions a, b and c: three professionals (po) and three parents each; region d: three
    professionals and two parents, too few to show them apart."""
    for key, name in (("regio-c", "Regio C"), ("regio-d", "Regio D")):
        region = make.region(key, name)
        db.add(RoundRegion(round_id=world["round"].id, region_id=region.id))
    db.commit()
    rows = []
    for region, professional, parent in (
        ("regio-a", "4", "2"),
        ("regio-b", "4", "2"),
        ("regio-c", "5", "1"),
    ):
        rows += [row(region, "School", "po", professional)] * 3
        rows += [row(region, "Ouderraad", "ouders", parent)] * 3
    rows += [row("regio-d", "School", "po", "1")] * 3 + [
        row("regio-d", "Ouders", "ouders", "3")
    ] * 2
    import_rows(db, world["round"], rows)
    close_round(db, world["round"])
    return world["round"]


def test_each_perspective_pools_the_shown_groups_of_the_regions(db, world, heard):
    regions, pooled = all_perspectives(db, heard, 3)
    assert len(db.exec(select(RoundRegion.region_id)).all()) == 4
    assert len(regions) == 3  # region d counts for no perspective
    # By hand: professionals (4·3 + 4·3 + 5·3) / 9 = 4.33, parents (2·3 + 2·3 + 1·3) / 9 = 1.67.
    assert round(pooled["professional"].figures("kind-centraal").mean, 2) == 4.33
    assert round(pooled["parent"].figures("samen-beter").mean, 2) == 1.67
    assert pooled["parent"].figures("samen-beter").n == 9
    assert "young" not in pooled


def test_nothing_before_the_round_closes(db, world):
    assert all_perspectives(db, world["round"], 3) == ({}, {})


def test_the_page_and_its_download_for_the_programme_team_only(client, db, world, heard):
    login(client, world["coordinator_a"])
    assert client.get(PAGE).status_code == 403
    assert client.get(PAGE + ".csv").status_code == 403
    client.post("/uitloggen")
    login(client, world["programme"])
    page = client.get(PAGE)
    assert page.status_code == 200
    table = page.text.split('id="perspectives"', 1)[1].split("</table>", 1)[0]
    assert "4,33" in table and "1,67" in table and "3,00" not in table  # not region d's parents
    rows = list(csv.reader(io.StringIO(client.get(PAGE + ".csv").text)))
    assert rows[0][:4] == ["round", "region", "perspective", "principle"]
    assert ["ronde-1", "all", "parent", "samen-beter", "9", "1.67"] in [r[:6] for r in rows]
    assert not any(r[1] == "regio-d" for r in rows)
    overview = client.get("/programma/overzicht/ronde-1").text
    assert 'href="/programma/overzicht/ronde-1/perspectieven"' in overview
