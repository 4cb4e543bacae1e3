"""Chart specifications as plain data: what plotly.js draws in the browser (`data`, `layout`,
`config`), built from numbers and labels only, without plotly's Python objects.

A plain dict costs microseconds where a `plotly.graph_objects` figure costs milliseconds, and
the page needs only JSON. Colours come from the Okabe-Ito palette (distinguishable for
colour-blind readers); every trace also has its own dash style and marker symbol, so the
legend still reads when printed in black and white.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

# Okabe & Ito (2008), without yellow, which is too light on white.
PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000")
DASHES = ("solid", "dash", "dot", "dashdot", "longdash", "longdashdot")
MARKERS = ("circle", "square", "diamond", "triangle-up", "x", "cross", "star", "hexagon")


def plain(text: str) -> str:
    """Text that plotly.js shows as typed. It reads names, titles and tick labels as its own
    kind of HTML (`<b>`, `<i>`, `<a href>`, `<br>`…) and turns entities back into characters,
    so escaping `&`, `<` and `>` shows a region called "<b>A</b>" as exactly that."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


@dataclass(frozen=True)
class Series:
    """One line on a radar: a name and a value per axis (None where nothing may be shown)."""

    name: str
    values: Sequence[float | None]
    visible: bool = True


def style(index: int) -> dict[str, object]:
    """Colour, dash and marker of the index-th trace; combinations repeat only after 42."""
    return {
        "line": {"color": PALETTE[index % len(PALETTE)], "dash": DASHES[index % len(DASHES)]},
        "marker": {
            "color": PALETTE[index % len(PALETTE)],
            "symbol": MARKERS[index % len(MARKERS)],
            "size": 8,
        },
    }


def radar(
    series: Sequence[Series],
    axes: Sequence[str],
    *,
    title: str,
    scale: tuple[int, int] = (1, 5),
    locale: str = "nl",
    narrow_axes: Sequence[str] | None = None,
) -> dict[str, object]:
    """A radar (scatterpolar) chart: one closed line per series over the given axes.

    Values are rounded to two decimals, as in the table beside the chart. A series hidden at
    first (`visible=False`) stays in the legend, where it can be switched on. Names and the
    title are plain text (`plain`); `axes` may hold plotly's <br> (`wrap`), nothing else.
    The title is the caption's, outside the plot (`title` is kept for the callers' sake).
    `narrow_axes`, shorter labels (as `axes`), are what static/js/charts.js puts on the axes
    of a narrow plot: around a radar on a phone the full names leave it a hundred pixels wide.

    What every line shares (the axes, the hover text, the kind of line) is sent once, as
    `trace`, and static/js/charts.js merges it into each of `data`; the colours are
    the layout's `colorway`, which plotly gives the traces in turn. A trace is then its name,
    values, visibility, dash and marker: a comparison of 180 lines was 118 KB of JSON with
    everything in every trace.
    """

    theta = [*axes, axes[0]] if axes else []
    data = []
    for index, item in enumerate(series):
        values = [None if v is None else round(v, 2) for v in item.values]
        data.append(
            {
                "name": plain(item.name),
                "r": [*values, values[0]] if values else [],
                "visible": True if item.visible else "legendonly",
                "line": {"dash": DASHES[index % len(DASHES)]},
                "marker": {"symbol": MARKERS[index % len(MARKERS)]},
            }
        )
    shared = {
        "type": "scatterpolar",
        "theta": theta,
        "mode": "lines+markers",
        "connectgaps": False,
        "hovertemplate": "%{theta}: %{r:.2f}<extra>%{fullData.name}</extra>",
        "marker": {"size": 8},
    }
    low, high = scale
    # The axis runs over the questionnaire's scale (1 to 5), not from 0: from 0, every region
    # bunches between 3 and 4. No title inside the plot (the figure's caption says it, and a
    # title collided with the top axis label) and no legend (the switches above the chart
    # name every line, and the table below holds the numbers).
    layout = {
        "polar": {
            "radialaxis": {"range": [low, high], "dtick": 1, "angle": 90, "tickangle": 90},
            "angularaxis": {"direction": "clockwise", "rotation": 90},
        },
        "colorway": list(PALETTE),
        "showlegend": False,
        "margin": {"t": 40, "b": 40, "l": 70, "r": 70},
        "separators": ",." if locale == "nl" else ".,",
        "font": {"family": "system-ui, sans-serif", "size": 13},
    }
    config = {"displaylogo": False, "responsive": True, "modeBarButtonsToRemove": ["lasso2d"]}
    spec: dict[str, object] = {"data": data, "trace": shared, "layout": layout, "config": config}
    if narrow_axes is not None:
        spec["narrow"] = {"theta": [*narrow_axes, narrow_axes[0]] if narrow_axes else []}
    return spec


def wrap_lines(label: str, width: int = 22) -> list[str]:
    """A long label broken into lines of at most `width` characters (a longer word stays whole)."""
    lines: list[str] = []
    for word in label.split():
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines


def wrap(label: str, width: int = 22) -> str:
    """A long axis label broken into lines (plotly's <br>) so that it fits a narrow screen;
    the words themselves are plain text."""
    return "<br>".join(plain(line) for line in wrap_lines(label, width))


# --- a radar drawn on the server ----------------------------------------------------------------
# For pages that must stay light (the respondent's own profile): an SVG with the same look as the
# plotly radar, without a chart library. Only numbers and coordinates are computed here; the
# template writes the SVG, so every label is escaped by Jinja like any other text.

MARKER_SHAPES = ("circle", "square", "diamond", "triangle")
LABEL_FONT_SIZE = 16.0  # in the drawing's units: .radar's font-size in respondent.css
CHAR_WIDTH = 0.6 * LABEL_FONT_SIZE  # a generous average width of a character, for the layout


@dataclass(frozen=True)
class AxisLabel:
    """An axis's label: where it starts, how it is anchored, and its wrapped lines."""

    x: float
    y: float
    anchor: str
    lines: tuple[str, ...]


@dataclass(frozen=True)
class Marker:
    x: float
    y: float
    shape: str
    path: str


@dataclass(frozen=True)
class Trace:
    """One series: its unbroken runs of points (a closed polygon when nothing is missing)."""

    name: str
    index: int
    closed: bool
    runs: tuple[str, ...]
    markers: tuple[Marker, ...]
    key: str  # the marker in the legend's 36 by 14 key


@dataclass(frozen=True)
class Ring:
    value: int
    points: str
    label_x: float
    label_y: float


@dataclass(frozen=True)
class RadarDrawing:
    width: int
    height: int
    line_height: float
    centre: tuple[float, float]
    rings: tuple[Ring, ...]
    spokes: tuple[tuple[float, float], ...]
    labels: tuple[AxisLabel, ...]
    traces: tuple[Trace, ...]


def _marker_path(shape: str, x: float, y: float, size: float = 4.5) -> str:
    if shape == "square":
        return f"M{x - size:.1f} {y - size:.1f}h{2 * size:.1f}v{2 * size:.1f}h{-2 * size:.1f}Z"
    if shape == "diamond":
        d = size * 1.35
        return f"M{x:.1f} {y - d:.1f}L{x + d:.1f} {y:.1f}L{x:.1f} {y + d:.1f}L{x - d:.1f} {y:.1f}Z"
    if shape == "triangle":
        d = size * 1.3
        return f"M{x:.1f} {y - d:.1f}L{x + d:.1f} {y + d * 0.8:.1f}L{x - d:.1f} {y + d * 0.8:.1f}Z"
    return (
        f"M{x - size:.1f} {y:.1f}a{size:.1f} {size:.1f} 0 1 0 {2 * size:.1f} 0"
        f"a{size:.1f} {size:.1f} 0 1 0 {-2 * size:.1f} 0Z"
    )


def _runs(coords: Sequence[tuple[float, float] | None]) -> list[list[tuple[float, float]]]:
    """The unbroken runs of present points, going round: a run may pass the first axis."""
    if None not in coords:
        return [list(coords)]  # type: ignore[arg-type]
    start = list(coords).index(None) + 1
    runs: list[list[tuple[float, float]]] = [[]]
    for step in range(len(coords)):
        coord = coords[(start + step) % len(coords)]
        if coord is None:
            runs.append([])
        else:
            runs[-1].append(coord)
    return [run for run in runs if run]


def radar_drawing(
    series: Sequence[Series],
    axes: Sequence[str],
    *,
    scale: tuple[int, int] = (1, 5),
    radius: float = 95.0,
    label_width: int = 13,
    from_lowest: bool = False,
) -> RadarDrawing:
    """The geometry of a radar chart: the first axis at the top, the others clockwise.

    The centre is one below the lowest score, so that the lowest score is a ring and not a
    point; with `from_lowest` (the results pages, as `radar`) it is the lowest score itself,
    which spreads the scores that matter over the whole radius. A missing value (None) breaks
    its line there, as `connectgaps=False` does; its neighbours keep their markers.
    """
    low, high = scale
    origin = low if from_lowest else (low - 1 if low > 0 else low)
    count = len(axes)
    line_height, gap = LABEL_FONT_SIZE * 1.2, 10.0

    def angle(i: int) -> float:
        return -math.pi / 2 + 2 * math.pi * i / count

    # The labels first, around a centre at (0, 0): where each starts and the box it fills.
    placed = []
    left, top, right, bottom = -radius, -radius, radius, radius
    for i, label in enumerate(axes):
        lines = tuple(wrap_lines(label, label_width))
        cos, sin = math.cos(angle(i)), math.sin(angle(i))
        x, y = (radius + gap) * cos, (radius + gap) * sin
        anchor = "middle" if abs(cos) < 0.2 else ("start" if cos > 0 else "end")
        block = len(lines) * line_height
        if sin < -0.5:  # above the circle: the last line sits on the point
            y -= block - line_height * 0.75
        elif sin > 0.5:  # below: the first line hangs from it
            y += line_height * 0.75
        else:  # beside: centred on it
            y -= block / 2 - line_height * 0.75
        text_width = max(len(line) for line in lines) * CHAR_WIDTH
        x0 = x - {"start": 0, "middle": text_width / 2, "end": text_width}[anchor]
        left, right = min(left, x0), max(right, x0 + text_width)
        top = min(top, y - LABEL_FONT_SIZE)
        bottom = max(bottom, y + (len(lines) - 1) * line_height + LABEL_FONT_SIZE * 0.3)
        placed.append((x, y, anchor, lines))
    margin = 4.0
    cx, cy = margin - left, margin - top
    width, height = round(right - left + 2 * margin), round(bottom - top + 2 * margin)
    labels = [AxisLabel(round(cx + x, 1), round(cy + y, 1), a, lines) for x, y, a, lines in placed]

    def point(i: int, value: float) -> tuple[float, float]:
        r = radius * (value - origin) / (high - origin)
        return cx + r * math.cos(angle(i)), cy + r * math.sin(angle(i))

    def points(coords: Sequence[tuple[float, float]]) -> str:
        return " ".join(f"{x:.1f},{y:.1f}" for x, y in coords)

    rings = []
    for value in range(low if origin < low else low + 1, high + 1):
        ring = [point(i, value) for i in range(count)]
        label_x, label_y = point(0, value)  # the value beside the first spoke, just inside
        rings.append(Ring(value, points(ring), label_x + 4, label_y + 12))
    spokes = tuple(point(i, high) for i in range(count))

    traces = []
    for index, item in enumerate(series):
        shape = MARKER_SHAPES[index % len(MARKER_SHAPES)]
        key = _marker_path(shape, 18, 7, 4)
        values = list(item.values)
        coords = [None if v is None else point(i, v) for i, v in enumerate(values)]
        markers = tuple(
            Marker(round(c[0], 1), round(c[1], 1), shape, _marker_path(shape, *c))
            for c in coords
            if c is not None
        )
        closed = bool(coords) and None not in coords
        runs = _runs(coords)
        traces.append(
            Trace(
                item.name,
                index,
                closed,
                tuple(points(run) for run in runs if len(run) > 1),  # type: ignore[arg-type]
                markers,
                key,
            )
        )
    return RadarDrawing(
        width, height, line_height, (cx, cy), tuple(rings), spokes, tuple(labels), tuple(traces)
    )


# --- a dot strip drawn on the server ------------------------------------------------------------
# "With other eyes" at a glance: for one principle, one dot per sector on the scale's line, and
# the region's mean marked, so the gap between sectors is seen without reading a table. The
# function returns the SVG itself (escaped here, as the core has no template engine), so that a
# page, a report or a print can place it as it is; the caller puts the table with the same
# numbers beside it.


def _number(value: float, decimal: str) -> str:
    return f"{value:.2f}".replace(".", decimal)


# The names' font size is .dot-strip's in charts.css; a generous average width of a character in
# it (DejaVu Sans, Debian's default, is wider than most), for the layout.
NAME_CHAR_WIDTH = 0.62 * 14


def dot_strip_svg(
    dots: Sequence[tuple[str, float]],
    mean: float | None,
    *,
    title: str,
    mean_label: str,
    scale: tuple[int, int] = (1, 5),
    decimal: str = ",",
    width: int = 460,
    label_width: int = 170,
) -> str:
    """An SVG dot strip: a row per (name, value) with its dot on the scale, the mean as a
    dashed line across the rows. Values off the scale are drawn at its end; None is left out by
    the caller (a hidden group has no dot). `title` names the picture for assistive technology
    (role img); names and labels are escaped. Colours are attributes as well as classes, so that
    the drawing keeps them where no stylesheet reaches it (the report's PDF)."""
    low, high = scale
    top, bottom, right, line = 26, 30, 16, 16
    names = [wrap_lines(name, int((label_width - 10) // NAME_CHAR_WIDTH)) for name, _ in dots]
    # A word longer than a line stays whole: the names' column grows to hold it, the scale
    # gives up the room (the ends of "samenwerkingsverband" were cut off at the left edge).
    longest = max((len(text) for lines in names for text in lines), default=0)
    label_width = max(label_width, int(longest * NAME_CHAR_WIDTH) + 12)
    heights = [max(26, line * len(lines) + 10) for lines in names]
    rows_end = top + sum(heights) if dots else top + 26
    height = rows_end + bottom
    span = width - label_width - right

    def x(value: float) -> float:
        clamped = min(max(value, low), high)
        return label_width + span * (clamped - low) / (high - low)

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="dot-strip" viewBox="0 0 {width} {height}"'
        f' role="img" aria-label="{escape(title)}" focusable="false">',
        f"<title>{escape(title)}</title>",
    ]
    axis_y = rows_end + 4
    for value in range(low, high + 1):
        tx = x(value)
        parts.append(
            f'<line class="dot-strip__grid" stroke="#d5dbe1" x1="{tx:.1f}" y1="{top - 6}"'
            f' x2="{tx:.1f}" y2="{axis_y}"/>'
        )
        parts.append(
            f'<text class="dot-strip__tick" fill="#4a5360" font-size="12" x="{tx:.1f}" y="{axis_y + 16}" text-anchor="middle">'
            f"{value}</text>"
        )
    # The mean first, so that the dots and their values (with a white halo) lie on top of it.
    if mean is not None:
        mx = x(mean)
        parts.append(
            f'<line class="dot-strip__mean" stroke="#D55E00" stroke-width="2"'
            f' stroke-dasharray="5 3" x1="{mx:.1f}" y1="{top - 8}" x2="{mx:.1f}" y2="{axis_y}"/>'
        )
        parts.append(
            f'<text class="dot-strip__mean-label" fill="#a94400" font-size="12" font-weight="600"'
            f' x="{mx:.1f}" y="{top - 12}" text-anchor="middle">'
            f"{escape(mean_label)} {_number(mean, decimal)}</text>"
        )
    y0 = top
    for (_name, value), lines, row in zip(dots, names, heights, strict=True):
        cy = y0 + row / 2
        y0 += row
        first = cy + 5 - line * (len(lines) - 1) / 2
        tspans = "".join(
            f'<tspan x="{label_width - 10}" y="{first + line * i:.1f}">{escape(text)}</tspan>'
            for i, text in enumerate(lines)
        )
        parts.append(
            f'<text class="dot-strip__name" fill="#1b1f24" text-anchor="end">{tspans}</text>'
        )
        parts.append(
            f'<line class="dot-strip__row" stroke="#e6eaee" x1="{label_width}" y1="{cy:.1f}"'
            f' x2="{label_width + span}" y2="{cy:.1f}"/>'
        )
        parts.append(
            f'<circle class="dot-strip__dot" fill="#0072B2" stroke="#ffffff" cx="{x(value):.1f}"'
            f' cy="{cy:.1f}" r="7"/>'
        )
        near_end = value > high - 0.6
        parts.append(
            f'<text class="dot-strip__value" fill="#4a5360" font-size="12" stroke="#ffffff"'
            f' stroke-width="3" paint-order="stroke" x="{x(value) + (-12 if near_end else 12):.1f}"'
            f' y="{cy + 5:.1f}" text-anchor="{"end" if near_end else "start"}">'
            f"{_number(value, decimal)}</text>"
        )
    parts.append("</svg>")
    return "".join(parts)


# --- a line chart over the rounds drawn on the server -------------------------------------------
# The programme overview's trend: one line per principle over the rounds, on the scale's range,
# with a gap where a round's figure is hidden. Like the dot strip it returns the SVG itself, every
# text escaped; the caller places the legend (`line_key_svg`) and the table with the same numbers
# beside it. Colours and line styles are SVG attributes (see templates/_radar_svg.html), so the
# picture is the same without the page's stylesheet and on paper.

LINE_DASHES = ("none", "7 4", "2 3", "10 3 2 3", "12 3 3 3 3 3", "4 4", "1 4")
LINE_SHAPES = ("circle", "square", "diamond", "triangle", "triangle-down")


def _shape_path(shape: str, x: float, y: float, size: float = 4.5) -> str:
    if shape == "triangle-down":
        d = size * 1.3
        return f"M{x:.1f} {y + d:.1f}L{x + d:.1f} {y - d * 0.8:.1f}L{x - d:.1f} {y - d * 0.8:.1f}Z"
    return _marker_path(shape, x, y, size)


def _line_style(index: int) -> tuple[str, str, str]:
    """Colour, dash pattern and marker shape of the index-th line."""
    return (
        PALETTE[index % len(PALETTE)],
        LINE_DASHES[index % len(LINE_DASHES)],
        LINE_SHAPES[index % len(LINE_SHAPES)],
    )


def line_key_svg(index: int) -> str:
    """The legend's key of the index-th line of `trend_svg`: its colour, dash and marker."""
    colour, dash, shape = _line_style(index)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="line-key" viewBox="0 0 36 14" width="36"'
        f' height="14" focusable="false" aria-hidden="true" stroke="{colour}" fill="{colour}">'
        f'<line x1="2" y1="7" x2="34" y2="7" stroke-width="2.5" stroke-dasharray="{dash}"/>'
        f'<path d="{_shape_path(shape, 18, 7, 4)}" stroke="none"/></svg>'
    )


def trend_svg(
    rounds: Sequence[str],
    series: Sequence[Series],
    *,
    title: str,
    axis_title: str,
    scale: tuple[int, int] = (1, 5),
    decimal: str = ",",
    width: int = 360,
) -> str:
    """An SVG line chart: the rounds (oldest first) across, the scale up, one line per series
    with a value per round (None breaks the line there; a lone value is a marker). Values off
    the scale are drawn at its end. `title` names the picture for assistive technology (role
    img); round titles, names and titles are escaped."""
    low, high = scale
    left, right, top, plot_height, font, line = 46, 10, 14, 190, 15, 17
    step = (width - left - right) / max(len(rounds), 1)
    labels = [wrap_lines(name, max(6, int(step / (0.55 * font)))) or [""] for name in rounds]
    label_lines = max((len(lines) for lines in labels), default=1)
    axis_y = top + plot_height
    height = axis_y + 10 + label_lines * line + 8

    def x(index: int) -> float:
        return left + step * (index + 0.5)

    def y(value: float) -> float:
        clamped = min(max(value, low), high)
        return top + plot_height * (high - clamped) / (high - low)

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="trend" viewBox="0 0 {width} {height}"'
        f' role="img" aria-label="{escape(title)}" focusable="false" font-size="{font}">',
        f"<title>{escape(title)}</title>",
        '<g class="trend__grid" stroke="#d5dbe1" stroke-width="1">',
    ]
    for value in range(low, high + 1):
        parts.append(
            f'<line x1="{left}" y1="{y(value):.1f}" x2="{width - right}" y2="{y(value):.1f}"/>'
        )
    parts.append("</g>")
    parts.append('<g class="trend__ticks" fill="#555555" text-anchor="end">')
    for value in range(low, high + 1):
        parts.append(f'<text x="{left - 8}" y="{y(value) + 5:.1f}">{value}</text>')
    parts.append("</g>")
    middle = top + plot_height / 2
    parts.append(
        f'<text class="trend__axis-title" fill="#555555" x="14" y="{middle:.1f}"'
        f' transform="rotate(-90 14 {middle:.1f})" text-anchor="middle">{escape(axis_title)}</text>'
    )
    parts.append('<g class="trend__rounds" fill="#1b1b1b" text-anchor="middle">')
    for index, lines in enumerate(labels):
        tspans = "".join(
            f'<tspan x="{x(index):.1f}" y="{axis_y + 10 + line * (i + 0.75):.1f}">{escape(t)}</tspan>'
            for i, t in enumerate(lines)
        )
        parts.append(f"<text>{tspans}</text>")
    parts.append("</g>")
    for index, item in enumerate(series):
        colour, dash, shape = _line_style(index)
        coords = [
            None if value is None else (x(i), y(value)) for i, value in enumerate(item.values)
        ]
        parts.append(
            f'<g class="trend__line trend__line--{index % len(PALETTE)}" stroke="{colour}"'
            f' fill="{colour}" stroke-width="2.5" stroke-dasharray="{dash}">'
        )
        run: list[tuple[float, float]] = []
        for coord in [*coords, None]:
            if coord is not None:
                run.append(coord)
                continue
            if len(run) > 1:
                points = " ".join(f"{px:.1f},{py:.1f}" for px, py in run)
                parts.append(f'<polyline points="{points}" fill="none"/>')
            run = []
        for i, (coord, value) in enumerate(zip(coords, item.values, strict=True)):
            if coord is None or value is None:
                continue
            hover = f"{item.name}, {rounds[i]}: {_number(value, decimal)}"
            parts.append(
                f'<path class="trend__marker" d="{_shape_path(shape, *coord)}" stroke="none">'
                f"<title>{escape(hover)}</title></path>"
            )
        parts.append("</g>")
    parts.append("</svg>")
    return "".join(parts)
