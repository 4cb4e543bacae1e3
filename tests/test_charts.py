"""Chart specifications: plain, JSON-ready data that matches the numbers given."""

from __future__ import annotations

import json
import math
from xml.etree import ElementTree

import pytest
from test_dashboard import expand

from selfscan.core import charts
from selfscan.core.charts import DASHES, MARKERS, PALETTE, Series, radar, style, wrap

AXES = ["A", "B", "C"]


def test_radar_closes_each_line_and_rounds_like_the_table():
    spec = radar([Series("Regio", [3.14159, None, 4.0])], AXES, title="T")
    (trace,) = expand(spec)
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


def test_what_the_lines_share_is_sent_once():
    """A comparison of many lines sends the axes, the hover text and the kind of line once:
    each trace holds only its name, values, visibility, dash and marker; plotly's colorway
    gives the colours in turn (as `style` does for the overview's trend)."""
    many = [Series(f"Regio {n}", [3.0, 3.5, 4.0]) for n in range(9)]
    spec = radar(many, AXES, title="T")
    for index, own in enumerate(spec["data"]):
        assert set(own) == {"name", "r", "visible", "line", "marker"}
        assert own["line"] == {"dash": DASHES[index % len(DASHES)]}
        assert own["marker"] == {"symbol": MARKERS[index % len(MARKERS)]}
    assert spec["layout"]["colorway"] == list(PALETTE)
    traces = expand(spec)
    assert {t["theta"] == ["A", "B", "C", "A"] for t in traces} == {True}
    assert {t["marker"]["size"] for t in traces} == {8}  # the shared size kept beside the symbol
    assert {t["mode"] for t in traces} == {"lines+markers"}
    assert [t["marker"]["symbol"] for t in traces][:3] == ["circle", "square", "diamond"]


def test_number_separators_follow_the_language():
    assert radar([], AXES, title="T", locale="nl")["layout"]["separators"] == ",."
    assert radar([], AXES, title="T", locale="en")["layout"]["separators"] == ".,"


def test_wrap_breaks_long_labels():
    assert wrap("Inclusief, passend en zo nabij mogelijk", 22) == (
        "Inclusief, passend en<br>zo nabij mogelijk"
    )
    assert wrap("Kort") == "Kort"


MARKED = '<b>Vet</b> & <a href="https://example.org/">klik</a> <br> &amp;'


def _plotly_shows(text: str) -> str:
    """What plotly.js displays for a text: its entities turned back into characters (the
    tags it would render are what the test looks for: there must be none)."""
    import html

    assert "<" not in text.replace("<br>", ""), f"plotly would read markup in {text!r}"
    return html.unescape(text)


def test_chart_text_is_plain_text():
    """Names, titles and round titles reach plotly escaped: it shows them as typed."""
    from selfscan.core.overview import TrendPoint, trend_chart

    spec = radar([Series(MARKED, [1, 2, 3])], [wrap(MARKED)], title=MARKED)
    (trace,) = expand(spec)
    assert _plotly_shows(trace["name"]) == MARKED
    assert "title" not in spec["layout"]  # the caption outside the plot says it
    assert _plotly_shows(trace["theta"][0].replace("<br>", " ")) == MARKED

    class Round:
        title = MARKED

    trend = trend_chart(
        [TrendPoint(Round(), 3, (3.0,))],  # type: ignore[arg-type]
        [MARKED],
        title=MARKED,
        axis_title=MARKED,
    )
    (line,) = trend["data"]
    assert [_plotly_shows(x) for x in line["x"]] == [MARKED]
    assert _plotly_shows(line["name"]) == MARKED
    assert _plotly_shows(trend["layout"]["title"]["text"]) == MARKED
    assert _plotly_shows(trend["layout"]["yaxis"]["title"]["text"]) == MARKED


# --- the radar drawn on the server (the respondent's profile) ------------------------------------

PRINCIPLE_LABELS = [
    "Het kind centraal",
    "Samenwerken aan een geïntegreerd aanbod",
    "Drie",
    "Vier",
    "Vijf",
]


def _xy(points: str) -> list[tuple[float, float]]:
    return [tuple(float(c) for c in pair.split(",")) for pair in points.split()]


def test_the_drawing_puts_the_first_axis_on_top_and_scores_on_their_rings():
    drawing = charts.radar_drawing(
        [charts.Series("Ik", [5, 5, 5, 5, 1])], PRINCIPLE_LABELS, scale=(1, 5)
    )
    cx, cy = drawing.centre
    rings = {ring.value: _xy(ring.points) for ring in drawing.rings}
    assert sorted(rings) == [1, 2, 3, 4, 5]
    outer = rings[5]
    # The first axis points straight up; the second lies clockwise, to the right.
    assert outer[0][0] == pytest.approx(cx, abs=0.1) and outer[0][1] < cy
    assert outer[1][0] > cx
    # The centre is one below the scale, so 1 is a ring a fifth of the way out, not the centre.
    assert math.dist((cx, cy), rings[1][0]) == pytest.approx(
        math.dist((cx, cy), outer[0]) / 5, 0.01
    )
    (trace,) = drawing.traces
    assert trace.closed
    assert _xy(trace.runs[0])[:4] == outer[:4]
    assert _xy(trace.runs[0])[4] == rings[1][4]
    assert len(trace.markers) == 5


def test_a_missing_score_breaks_the_line_but_keeps_the_other_markers():
    drawing = charts.radar_drawing(
        [
            charts.Series("Ik", [3, None, 4, 4, 2]),
            charts.Series("Alleen", [3, None, None, None, None]),
        ],
        PRINCIPLE_LABELS,
    )
    broken, lonely = drawing.traces
    assert not broken.closed
    # One run goes round from the third axis past the first: 3 -> 4 -> 5 -> 1, four points.
    assert [len(_xy(run)) for run in broken.runs] == [4]
    assert len(broken.markers) == 4
    # A single score has no line, only its marker.
    assert lonely.runs == () and len(lonely.markers) == 1


def test_every_series_has_its_own_marker_shape_and_labels_fit_the_drawing():
    drawing = charts.radar_drawing(
        [charts.Series(name, [3, 3, 3, 3, 3]) for name in "abc"], PRINCIPLE_LABELS, label_width=13
    )
    shapes = [trace.markers[0].shape for trace in drawing.traces]
    assert len(set(shapes)) == 3
    long_label = drawing.labels[1]
    assert long_label.lines == ("Samenwerken", "aan een", "geïntegreerd", "aanbod")
    assert long_label.anchor == "start"  # right of the circle, the text runs to the right
    for label in drawing.labels:
        longest = max(len(line) for line in label.lines) * charts.CHAR_WIDTH
        if label.anchor == "start":
            assert label.x + longest <= drawing.width
        elif label.anchor == "end":
            assert label.x - longest >= 0
        # From the first line's ascenders to the last line's descenders.
        assert label.y - charts.LABEL_FONT_SIZE >= 0
        last = label.y + drawing.line_height * (len(label.lines) - 1)
        assert last + charts.LABEL_FONT_SIZE * 0.3 <= drawing.height


def test_a_dot_strip_puts_one_dot_per_sector_on_the_scale_and_marks_the_mean():
    from selfscan.core.charts import dot_strip_svg

    svg = dot_strip_svg(
        [("primair onderwijs", 1.0), ("<b>gemeente</b>", 5.0), ("ouders", 3.0)],
        3.0,
        title="Het kind centraal: per sector",
        mean_label="regio",
    )
    root = ElementTree.fromstring(svg)  # noqa: S314 (our own output)
    ns = {"svg": "http://www.w3.org/2000/svg"}
    dots = root.findall("svg:circle", ns)
    assert len(dots) == 3
    xs = [float(d.get("cx")) for d in dots]
    assert xs[0] < xs[2] < xs[1]  # 1 left, 3 in the middle, 5 right
    assert xs[2] == pytest.approx((xs[0] + xs[1]) / 2)
    [mean] = [
        line for line in root.findall("svg:line", ns) if line.get("class") == "dot-strip__mean"
    ]
    assert float(mean.get("x1")) == pytest.approx(xs[2])
    texts = "".join(root.itertext())
    assert "<b>gemeente</b>" in texts  # escaped: shown as typed, not markup
    assert "regio 3,00" in texts and "5,00" in texts
    assert root.get("role") == "img" and root.get("aria-label") == "Het kind centraal: per sector"


def test_a_dot_strip_keeps_every_name_inside_the_picture():
    """Issue 16, seen at 1280 px: "samenwerkingsverband", one word longer than a line of the
    names' column, ran past the left edge and lost its first letter."""
    from selfscan.core.charts import NAME_CHAR_WIDTH, dot_strip_svg

    names = ["samenwerkingsverband passend onderwijs", "jeugdgezondheidszorg (GGD)", "po"]
    svg = dot_strip_svg([(n, 3.0) for n in names], 3.0, title="T", mean_label="regio")
    root = ElementTree.fromstring(svg)  # noqa: S314 (our own output)
    ns = {"svg": "http://www.w3.org/2000/svg"}
    lines = [
        span
        for text in root.findall("svg:text", ns)
        if text.get("class") == "dot-strip__name"
        for span in text.findall("svg:tspan", ns)
    ]
    assert [s.text for s in lines][:2] == ["samenwerkingsverband", "passend onderwijs"]
    for span in lines:  # anchored at their end: their start is that far to the left
        assert float(span.get("x")) - len(span.text) * NAME_CHAR_WIDTH >= 0, span.text
    width = float(root.get("viewBox").split()[2])
    dots = [float(d.get("cx")) for d in root.findall("svg:circle", ns)]
    assert all(float(lines[0].get("x")) < x < width for x in dots)  # right of the names
    # A value beside the mean's dashed line stays legible: it has a white halo.
    value = next(t for t in root.findall("svg:text", ns) if t.get("class") == "dot-strip__value")
    assert (value.get("stroke"), value.get("paint-order")) == ("#ffffff", "stroke")
    order = [element.get("class") for element in root]
    assert order.index("dot-strip__mean") < order.index("dot-strip__value")  # the line below


def test_a_dot_strip_without_a_mean_and_with_values_off_the_scale():
    from selfscan.core.charts import dot_strip_svg

    svg = dot_strip_svg([("a", 0.2), ("b", 9.0)], None, title="T", mean_label="m", decimal=".")
    root = ElementTree.fromstring(svg)  # noqa: S314 (our own output)
    ns = {"svg": "http://www.w3.org/2000/svg"}
    xs = [float(d.get("cx")) for d in root.findall("svg:circle", ns)]
    ticks = [t for t in root.findall("svg:text", ns) if t.get("class") == "dot-strip__tick"]
    assert xs == [float(ticks[0].get("x")), float(ticks[-1].get("x"))]  # clamped to 1 and 5
    assert "9.00" in "".join(root.itertext())
    assert not [x for x in root.findall("svg:line", ns) if x.get("class") == "dot-strip__mean"]


# --- the trend over the rounds, drawn on the server ----------------------------------------------

SVG = {"svg": "http://www.w3.org/2000/svg"}


def _markers(root: ElementTree.Element) -> list[str]:
    """The hover text of every marker."""
    return [
        marker.find("svg:title", SVG).text
        for line in root.findall("svg:g", SVG)
        if (line.get("class") or "").startswith("trend__line ")
        for marker in line.findall("svg:path", SVG)
    ]


def test_the_trend_draws_a_line_per_principle_over_the_rounds():
    from selfscan.core.charts import trend_svg

    svg = trend_svg(
        ["Ronde 0", "Ronde 1", "Ronde 2"],
        [Series("Het kind centraal", [3.25, 3.67, 5.0]), Series("Samen beter", [1.0, 3.31, None])],
        title="Lijngrafiek",
        axis_title="Gemiddelde score",
    )
    root = ElementTree.fromstring(svg)  # noqa: S314 (our own output)
    assert root.get("role") == "img" and root.get("aria-label") == "Lijngrafiek"
    assert root.find("svg:title", SVG).text == "Lijngrafiek"
    lines = [g for g in root.findall("svg:g", SVG) if "trend__line " in (g.get("class") or "")]
    assert len(lines) == 2
    # Each line its own colour and dash, as the legend's keys.
    assert len({(g.get("stroke"), g.get("stroke-dasharray")) for g in lines}) == 2
    assert lines[0].get("stroke") in charts.line_key_svg(0)
    assert sorted(_markers(root)) == [
        "Het kind centraal, Ronde 0: 3,25",
        "Het kind centraal, Ronde 1: 3,67",
        "Het kind centraal, Ronde 2: 5,00",
        "Samen beter, Ronde 0: 1,00",
        "Samen beter, Ronde 1: 3,31",
    ]
    ticks = {
        t.text: float(t.get("y")) - 5  # a tick's text sits 5 below its grid line
        for g in root.findall("svg:g", SVG)
        if g.get("class") == "trend__ticks"
        for t in g.findall("svg:text", SVG)
    }
    assert list(ticks) == ["1", "2", "3", "4", "5"]
    [first] = lines[0].findall("svg:polyline", SVG)
    points = [tuple(map(float, p.split(","))) for p in first.get("points").split()]
    # Up is higher, on the scale's own range; the rounds run left to right, oldest first.
    for (_x, y), value in zip(points, (3.25, 3.67, 5.0), strict=True):
        assert y == pytest.approx(ticks["1"] + (ticks["5"] - ticks["1"]) * (value - 1) / 4, abs=0.1)
    assert points[0][0] < points[1][0] < points[2][0]
    # The hidden figure breaks the second line: it runs from round 0 to 1 only.
    [polyline] = lines[1].findall("svg:polyline", SVG)
    assert len(polyline.get("points").split()) == 2


def test_the_trend_escapes_every_text_and_keeps_lone_values_as_markers():
    from selfscan.core.charts import trend_svg

    svg = trend_svg(
        [MARKED, "Ronde <2>"],
        [Series("<i>kind</i>", [None, 3.0]), Series('a "b"', [2.5, None])],
        title='<script>alert("t")</script>',
        axis_title="<b>score</b>",
        decimal=".",
    )
    root = ElementTree.fromstring(svg)  # noqa: S314 (our own output): it parses, so no raw markup
    texts = "".join(root.itertext())
    for raw in (MARKED, "Ronde <2>", "<b>score</b>", '<script>alert("t")</script>'):
        assert raw in texts  # shown as typed
    assert root.findall(".//svg:a", SVG) == [] and root.findall(".//svg:script", SVG) == []
    assert root.findall(".//svg:b", SVG) == [] and root.findall(".//svg:i", SVG) == []
    assert set(_markers(root)) == {"<i>kind</i>, Ronde <2>: 3.00", f'a "b", {MARKED}: 2.50'}
    assert root.findall(".//svg:polyline", SVG) == []  # no two neighbours on either line


def test_a_radar_carries_short_axis_names_for_a_narrow_plot():
    spec = radar([Series("Regio", [3, 4, 5])], AXES, title="T", narrow_axes=["a", "b<br>c", "d"])
    assert spec["narrow"] == {"theta": ["a", "b<br>c", "d", "a"]}  # closed, as the lines
    assert "narrow" not in radar([], AXES, title="T")
    assert json.loads(json.dumps(spec)) == spec
