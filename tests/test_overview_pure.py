"""The overview's pure functions: plain data in, plain data out, no app."""

from __future__ import annotations

import pytest

from selfscan.core import overview
from selfscan.core.overview import RegionRef, RoundRef
from selfscan.core.scoring import ALL, OTHER, Group, Stats, shown_groups

A = RegionRef(1, "regio-a", "Regio A")
B = RegionRef(2, "regio-b", "Regio B")


def group(responses: int, *scores: float, principle: str = "kind-centraal") -> Group:
    return Group(responses, {principle: Stats.of(scores)})


@pytest.mark.parametrize(
    ("mean", "level"),
    [
        (None, None),
        (1.0, 1),
        (2.24, 1),
        (2.25, 2),
        (2.97, 4),  # the 2,97 and 3,37 were one shade; 3,37 and 3,43 two
        (3.37, 6),
        (3.43, 6),
        (3.75, 8),
        (5.0, 8),
    ],
)
def test_heat_levels_are_quarter_points_around_the_middle(mean, level):
    assert overview.heat_level(mean, (1, 5)) == level


def test_heat_bands_name_their_ranges():
    bands = overview.heat_bands((1, 5))
    assert bands[0] == (1, None, 2.25)
    assert bands[3] == (4, 2.75, 3.0)
    assert bands[-1] == (8, 3.75, None)


def test_a_hidden_region_has_no_numbers_at_all():
    shown = {A.id: {ALL: group(3, 2, 3, 4)}}
    rows = overview.region_means([A, B], shown, ["kind-centraal"])
    assert rows[0] == overview.RegionMeans(A, 3, (3.0,))
    assert rows[1] == overview.RegionMeans(B, None, (None,))


def test_changes_need_both_rounds_shown():
    now = {A.id: {ALL: group(3, 4, 4, 4)}, B.id: {ALL: group(3, 2, 2, 2)}}
    before = {A.id: {ALL: group(3, 3, 3, 3)}}
    rows = overview.region_changes([A, B], now, before, ["kind-centraal"])
    assert rows[0].changes == (1.0,) and rows[0].any
    assert rows[1].changes == (None,) and not rows[1].any


def test_missing_sectors_look_the_same_whether_silent_or_hidden():
    # po 3, gemeente 3, vo 1 -> vo's pool is too small, so po (smallest, first) is hidden too.
    sectors = {"po": Group(3), "gemeente": Group(3), "vo": Group(1)}
    shown = shown_groups(sectors, 3)
    assert set(shown) == {ALL, "gemeente"}
    rows = overview.participation(
        [A],
        invited={A.id: {"po": 4, "gemeente": 4, "vo": 2}},
        submitted={A.id: {"po": 3, "gemeente": 3, "vo": 1}},
        partner_sectors={A.id: ["po", "gemeente", "vo", "ouders"]},
        shown={A.id: shown},
        k=3,
    )
    assert rows[0].invited == 10 and rows[0].submitted == 7
    assert rows[0].rate == pytest.approx(0.7)
    assert rows[0].missing == ("po", "vo", "ouders")  # in sector-list order


def test_sectors_in_a_shown_pool_are_not_missing():
    sectors = {"po": Group(3), "vo": Group(1), "so": Group(2)}
    shown = shown_groups(sectors, 3)
    assert OTHER in shown
    assert overview.voiced_sectors({"po": 3, "vo": 1, "so": 2}, shown, 3) == {"po", "vo", "so"}


def test_no_invitations_means_no_rate():
    rows = overview.participation([A], {}, {}, {}, {}, 3)
    assert rows[0].rate is None and rows[0].missing == ()


def test_trend_and_its_chart_leave_gaps_where_the_pool_is_hidden():
    rounds = [RoundRef(1, "r1", "R1"), RoundRef(2, "r2", "R2")]
    points = overview.trend(rounds, [{ALL: group(4, 2, 3, 3, 4)}, {}], ["kind-centraal"])
    assert points[0].means == (3.0,) and points[0].responses == 4
    assert points[1].means == (None,) and points[1].responses is None
    spec = overview.trend_chart(points, ["Het kind centraal"], title="t", axis_title="y")
    trace = spec["data"][0]
    assert trace["type"] == "scatter" and trace["x"] == ["R1", "R2"] and trace["y"] == [3.0, None]
    assert trace["connectgaps"] is False


def test_agendas_count_every_status_in_order():
    rows = overview.agendas(
        [A, B], {A.id: {"done": 2, "open": 1}}, {A.id: ["samen-beter", "kind-centraal"]}
    )
    assert rows[0].actions == (1, 0, 2) and rows[0].total == 3
    assert rows[0].focus == ("kind-centraal", "samen-beter")
    assert rows[1].actions == (0, 0, 0) and rows[1].focus == ()


def test_download_rows_round_to_two_decimals_and_name_the_pool_all():
    rows = [
        overview.RegionMeans(A, 3, (10 / 3,)),
        overview.RegionMeans(None, 3, (10 / 3,)),
    ]
    header, cells = overview.heatmap_table("r1", rows, ["kind-centraal"])
    assert header == ["round", "region", "region_name", "n", "kind-centraal"]
    assert cells == [["r1", "regio-a", "Regio A", 3, 3.33], ["r1", "all", "", 3, 3.33]]
