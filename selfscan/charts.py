"""Chart specifications as plain data: what plotly.js draws in the browser (`data`, `layout`,
`config`), built from numbers and labels only, without plotly's Python objects.

A plain dict costs microseconds where a `plotly.graph_objects` figure costs milliseconds, and
the page needs only JSON. Colours come from the Okabe-Ito palette (distinguishable for
colour-blind readers); every trace also has its own dash style and marker symbol, so the
legend still reads when printed in black and white.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

# Okabe & Ito (2008), without yellow, which is too light on white.
PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000")
DASHES = ("solid", "dash", "dot", "dashdot", "longdash", "longdashdot")
MARKERS = ("circle", "square", "diamond", "triangle-up", "x", "cross", "star", "hexagon")


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
) -> dict[str, object]:
    """A radar (scatterpolar) chart: one closed line per series over the given axes.

    Values are rounded to two decimals, as in the table beside the chart. A series hidden at
    first (`visible=False`) stays in the legend, where it can be switched on.
    """
    theta = [*axes, axes[0]] if axes else []
    data = []
    for index, item in enumerate(series):
        values = [None if v is None else round(v, 2) for v in item.values]
        data.append(
            {
                "type": "scatterpolar",
                "name": item.name,
                "r": [*values, values[0]] if values else [],
                "theta": theta,
                "mode": "lines+markers",
                "connectgaps": False,
                "visible": True if item.visible else "legendonly",
                "hovertemplate": "%{theta}: %{r:.2f}<extra>%{fullData.name}</extra>",
                **style(index),
            }
        )
    low, high = scale
    layout = {
        "title": {"text": title},
        "polar": {
            "radialaxis": {"range": [low - 1 if low > 0 else low, high], "dtick": 1},
            "angularaxis": {"direction": "clockwise", "rotation": 90},
        },
        "legend": {"orientation": "h", "y": -0.15},
        "margin": {"t": 50, "b": 30, "l": 40, "r": 40},
        "separators": ",." if locale == "nl" else ".,",
        "font": {"family": "system-ui, sans-serif", "size": 13},
    }
    config = {"displaylogo": False, "responsive": True, "modeBarButtonsToRemove": ["lasso2d"]}
    return {"data": data, "layout": layout, "config": config}


def wrap(label: str, width: int = 22) -> str:
    """A long axis label broken into lines (plotly's <br>) so that it fits a narrow screen."""
    lines: list[str] = []
    for word in label.split():
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return "<br>".join(lines)
