"""Chart specifications: plain, JSON-ready data that matches the numbers given."""

from __future__ import annotations

import json

from selfscan.charts import DASHES, MARKERS, PALETTE, Series, radar, style, wrap

AXES = ["A", "B", "C"]


def test_radar_closes_each_line_and_rounds_like_the_table():
    spec = radar([Series("Regio", [3.14159, None, 4.0])], AXES, title="T")
    (trace,) = spec["data"]
    assert trace["type"] == "scatterpolar"
    assert trace["r"] == [3.14, None, 4.0, 3.14]
    assert trace["theta"] == ["A", "B", "C", "A"]
    assert trace["visible"] is True
    assert json.loads(json.dumps(spec)) == spec  # plain data only


def test_overlays_start_in_the_legend_only():
    spec = radar([Series("a", [1, 2, 3]), Series("b", [2, 2, 2], visible=False)], AXES, title="T")
    assert [t["visible"] for t in spec["data"]] == [True, "legendonly"]


def test_every_trace_differs_in_colour_dash_and_marker():
    styles = [style(i) for i in range(len(DASHES))]
    assert len({s["line"]["color"] for s in styles}) == len(styles)
    assert len({s["line"]["dash"] for s in styles}) == len(styles)
    assert len({s["marker"]["symbol"] for s in styles}) == len(styles)
    assert "#F0E442" not in PALETTE  # Okabe-Ito yellow is too light on white
    assert len(MARKERS) >= len(DASHES)


def test_number_separators_follow_the_language():
    assert radar([], AXES, title="T", locale="nl")["layout"]["separators"] == ",."
    assert radar([], AXES, title="T", locale="en")["layout"]["separators"] == ".,"


def test_wrap_breaks_long_labels():
    assert wrap("Inclusief, passend en zo nabij mogelijk", 22) == (
        "Inclusief, passend en<br>zo nabij mogelijk"
    )
    assert wrap("Kort") == "Kort"
