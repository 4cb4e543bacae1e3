"""Spearheads and conditions across regions: a tag's score per response over its statements
(rules 2, 3), its groups under rules 5, 5b and 6 as a principle's; checked against a
computation from the file's rows, without SQL; a page and a download for the programme team."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from test_exchange import ITEM_KEYS
from test_overview import ROUND_1, ROUND_1_CD, make_rounds

from conftest import login
from selfscan.core.questionnaire import parse
from selfscan.core.scoring import ALL, PROGRAMME
from selfscan.services.tags import round_tag_figures

QUESTIONNAIRE = Path(__file__).resolve().parent.parent / "questionnaires" / "zelfscan-mao-v1.toml"
PAGE = "/programma/overzicht/ronde-1/speerpunten"


@pytest.fixture
def rounds(make, db, world):
    return make_rounds(make, db, world)


def tags_of_items() -> dict[str, tuple[str, ...]]:
    questionnaire = parse(QUESTIONNAIRE.read_bytes(), QUESTIONNAIRE.name)
    return {item.key: item.tags for item in questionnaire.items}


def expected(rows, tags, k=3) -> dict[str, dict[str, tuple[int, float]]]:
    """Per region (and "all") and tag: (n, mean) of the tag scores, by hand: a response's score
    is the mean of its valid answers on the tag's statements when at least half are valid;
    a region below k responses is hidden; all regions pool the shown regions."""
    statements = {
        t: [key for key, found in tags.items() if t in found]
        for t in {t for f in tags.values() for t in f}
    }
    scores: dict[str, dict[str, list[float]]] = {}
    responses: dict[str, int] = {}
    for region, _organisation, _sector, *cells in rows:
        answers = dict(zip(ITEM_KEYS, cells, strict=True))
        responses[region] = responses.get(region, 0) + 1
        for tag, keys in statements.items():
            valid = [int(answers[key]) for key in keys if answers[key].isdigit()]
            if 2 * len(valid) >= len(keys):
                scores.setdefault(region, {}).setdefault(tag, []).append(sum(valid) / len(valid))
    found: dict[str, dict[str, tuple[int, float]]] = {}
    pooled: dict[str, list[float]] = {}
    for region, by_tag in scores.items():
        if responses[region] < k:
            continue
        for tag, values in by_tag.items():
            if len(values) >= k:
                found.setdefault(region, {})[tag] = (len(values), sum(values) / len(values))
                pooled.setdefault(tag, []).extend(values)
    found[ALL] = {t: (len(v), sum(v) / len(v)) for t, v in pooled.items()}
    return found


def test_tag_figures_equal_a_computation_by_hand(db, world, rounds):
    _, round_1 = rounds
    tags = tags_of_items()
    figures = round_tag_figures(db, round_1, tags, 3, viewer=PROGRAMME)
    want = expected(ROUND_1 + ROUND_1_CD, tags)

    def measured(group) -> dict[str, tuple[int, float]]:
        return {t: (s.n, round(group.figures(t).mean, 6)) for t, s in group.stats.items()}

    got = {ALL: measured(figures.pooled[ALL])}
    got["regio-a"] = measured(figures.regions[world["region_a"].id][ALL])
    rounded = {r: {t: (n, round(m, 6)) for t, (n, m) in by.items()} for r, by in want.items()}
    assert world["region_b"].id not in figures.regions  # two responses: hidden (rule 5)
    assert got["regio-a"] == rounded["regio-a"]
    assert got[ALL] == rounded[ALL]
    assert len(got[ALL]) == len({t for found in tags.values() for t in found})


def test_nothing_before_the_round_closes(db, world):
    figures = round_tag_figures(db, world["round"], tags_of_items(), 3, viewer=PROGRAMME)
    assert figures.regions == {} and figures.pooled == {}


def test_the_page_and_download_for_the_programme_team_only(client, db, world, rounds):
    login(client, world["coordinator_a"])
    assert client.get(PAGE).status_code == 403
    assert client.get(PAGE + ".csv").status_code == 403
    client.post("/uitloggen")
    login(client, world["programme"])
    page = client.get(PAGE)
    assert page.status_code == 200
    want = expected(ROUND_1 + ROUND_1_CD, tags_of_items())
    n, mean = want[ALL]["lerende-netwerken"]
    row = page.text.split("Goed toegeruste lerende netwerken", 1)[1].split("</tr>", 1)[0]
    assert f"{mean:.2f}".replace(".", ",") in row and f">{n}<" in row
    assert "1,50" not in page.text  # region b's hidden mean
    rows = list(csv.reader(io.StringIO(client.get(PAGE + ".csv").text)))
    assert rows[0] == ["round", "region", "sector", "tag", "n", "mean", "sd", "min", "max"]
    pooled = [r for r in rows if r[1] == "all" and r[2] == "all" and r[3] == "lerende-netwerken"]
    assert pooled and pooled[0][4:6] == [str(n), f"{mean:.2f}"]
    assert not any(r[1] == "regio-b" for r in rows)
    assert client.get(PAGE + ".json").status_code == 404
    assert (
        'href="/programma/overzicht/ronde-1/speerpunten"'
        in client.get("/programma/overzicht/ronde-1").text
    )
