"""The programme team's overview, its pure layer: plain data in, plain data out (the views are
selfscan.programme.overview, the counts in SQL selfscan.services.overview_counts).

The views count and sum up in SQL and pass the shown
groups of selfscan.core.scoring in; this module turns them into the overview's tables, their
download rows and the trend chart's specification. Nothing here can see a group that rule 5 hid:
a region missing from `shown` looks exactly like a region without responses.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from selfscan.core.charts import plain, style
from selfscan.core.scoring import ALL, OTHER, Group, change
from selfscan.core.vocabulary import ACTION_STATUS_KEYS, PRINCIPLE_KEYS, SECTOR_KEYS

Cell = str | int | float | None
Shown = Mapping[str, Group]  # one region's shown groups in one round (scoring.shown_groups)
HEAT_LEVELS = 8
HEAT_STEP = 0.25


@dataclass(frozen=True)
class RegionRef:
    id: int
    key: str
    name: str


@dataclass(frozen=True)
class RoundRef:
    id: int
    key: str
    title: str


# --- the heatmap: regions x principles ----------------------------------------------------------


@dataclass(frozen=True)
class RegionMeans:
    """One heatmap row: the region's submitted responses and mean per principle, or nothing."""

    region: RegionRef | None  # None for the all-regions row
    responses: int | None
    means: tuple[float | None, ...]


def heat_level(value: float | None, scale: tuple[int, int] = (1, 5)) -> int | None:
    """The colour band (1 to HEAT_LEVELS, low to high) of a mean.

    Region means lie close together, mostly within a point of the scale's middle: bands a
    quarter point wide over the middle two points (2 to 4 on a 1-5 scale) tell those apart,
    where five bands over the whole scale showed five regions in two shades. Means below or
    above that range take the outer bands."""
    if value is None:
        return None
    return min(HEAT_LEVELS, max(1, math.floor((value - _heat_start(scale)) / HEAT_STEP) + 1))


def _heat_start(scale: tuple[int, int]) -> float:
    low, high = scale
    return (low + high) / 2 - HEAT_STEP * HEAT_LEVELS / 2


def heat_bands(scale: tuple[int, int] = (1, 5)) -> list[tuple[int, float | None, float | None]]:
    """The bands of `heat_level` with their ranges (None: open towards the scale's end)."""
    start = _heat_start(scale)
    bands: list[tuple[int, float | None, float | None]] = []
    for level in range(1, HEAT_LEVELS + 1):
        lower = start + (level - 1) * HEAT_STEP
        bands.append(
            (
                level,
                None if level == 1 else lower,
                None if level == HEAT_LEVELS else lower + HEAT_STEP,
            )
        )
    return bands


def region_means(
    regions: Sequence[RegionRef],
    shown: Mapping[int, Shown],
    principles: Sequence[str] = PRINCIPLE_KEYS,
) -> list[RegionMeans]:
    """Per region of the round its all-sectors means; a hidden region has no numbers at all."""
    rows = []
    for region in regions:
        total = shown.get(region.id, {}).get(ALL)
        if total is None:
            rows.append(RegionMeans(region, None, tuple(None for _ in principles)))
        else:
            rows.append(RegionMeans(region, total.responses, tuple(total.means(principles))))
    return rows


def pooled_means(pooled: Shown, principles: Sequence[str] = PRINCIPLE_KEYS) -> RegionMeans:
    """The all-regions row (rule 6): the pool of the shown region totals, when it reaches k."""
    total = pooled.get(ALL)
    if total is None:
        return RegionMeans(None, None, tuple(None for _ in principles))
    return RegionMeans(None, total.responses, tuple(total.means(principles)))


# --- changes since the previous round -----------------------------------------------------------


@dataclass(frozen=True)
class RegionChanges:
    region: RegionRef | None  # None for all regions
    changes: tuple[float | None, ...]

    @property
    def any(self) -> bool:
        return any(c is not None for c in self.changes)


def _changes(now: Group | None, before: Group | None, principles: Sequence[str]) -> tuple:
    if now is None or before is None:
        return tuple(None for _ in principles)
    return tuple(change(before.figures(p), now.figures(p)) for p in principles)


def region_changes(
    regions: Sequence[RegionRef],
    now: Mapping[int, Shown],
    before: Mapping[int, Shown],
    principles: Sequence[str] = PRINCIPLE_KEYS,
) -> list[RegionChanges]:
    """Per region the change of each principle's mean (rule 7: only where both are shown)."""
    return [
        RegionChanges(
            region,
            _changes(
                now.get(region.id, {}).get(ALL), before.get(region.id, {}).get(ALL), principles
            ),
        )
        for region in regions
    ]


def pooled_changes(
    now: Shown, before: Shown, principles: Sequence[str] = PRINCIPLE_KEYS
) -> RegionChanges:
    return RegionChanges(None, _changes(now.get(ALL), before.get(ALL), principles))


# --- participation ------------------------------------------------------------------------------


@dataclass(frozen=True)
class RegionParticipation:
    region: RegionRef
    invited: int
    submitted: int
    missing: tuple[str, ...]  # sector keys of the region whose voice no shown group carries

    @property
    def rate(self) -> float | None:
        return self.submitted / self.invited if self.invited else None


def voiced_sectors(sectors: Mapping[str, int], shown: Shown, k: int) -> set[str]:
    """Sectors whose responses count in a shown group below the region total: their own
    group, or the shown pool of small sectors (every sector below k goes into that pool)."""
    voiced = {s for s in sectors if s in shown and s not in (ALL, OTHER)}
    if OTHER in shown:
        voiced |= {s for s, n in sectors.items() if 0 < n < k}
    return voiced


def participation(
    regions: Sequence[RegionRef],
    invited: Mapping[int, Mapping[str, int]],
    submitted: Mapping[int, Mapping[str, int]],
    partner_sectors: Mapping[int, Sequence[str]],
    shown: Mapping[int, Shown] | None,
    k: int,
) -> list[RegionParticipation]:
    """Per region: invitations, submitted responses, and the sectors that are missing.

    A sector counts for a region when it has partners, invitations or responses there. Once
    the round's figures are released (`shown`), it is missing when no shown sector group
    carries its responses: a hidden group is missing just like a sector that did not respond,
    so the list reveals nothing that rule 5 hides. Before that (`shown` is None: rule 8) only
    participation is known, and a sector is missing while it has no response.
    """
    rows = []
    for region in regions:
        sent = invited.get(region.id, {})
        done = submitted.get(region.id, {})
        present = set(partner_sectors.get(region.id, ())) | set(sent) | set(done)
        if shown is None:
            voiced = {s for s, n in done.items() if n}
        else:
            voiced = voiced_sectors(done, shown.get(region.id, {}), k)
        missing = tuple(s for s in SECTOR_KEYS if s in present and s not in voiced)
        rows.append(RegionParticipation(region, sum(sent.values()), sum(done.values()), missing))
    return rows


# --- the all-regions trend ----------------------------------------------------------------------


@dataclass(frozen=True)
class TrendPoint:
    round: RoundRef
    responses: int | None
    means: tuple[float | None, ...]


def trend(
    rounds: Sequence[RoundRef],
    pooled: Sequence[Shown],
    principles: Sequence[str] = PRINCIPLE_KEYS,
) -> list[TrendPoint]:
    """Per round, oldest first, the all-regions means (rule 6); none where the pool is hidden."""
    points = []
    for round_, groups in zip(rounds, pooled, strict=True):
        row = pooled_means(groups, principles)
        points.append(TrendPoint(round_, row.responses, row.means))
    return points


def trend_chart(
    points: Sequence[TrendPoint],
    labels: Sequence[str],
    *,
    title: str,
    axis_title: str,
    scale: tuple[int, int] = (1, 5),
    locale: str = "nl",
) -> dict[str, object]:
    """A plotly.js line chart: one line per principle over the rounds, gaps where hidden.
    Round titles, labels and the titles are plain text (charts.plain)."""
    x = [plain(p.round.title) for p in points]
    data = []
    for index, label in enumerate(labels):
        values = [_two(p.means[index]) for p in points]
        data.append(
            {
                "type": "scatter",
                "mode": "lines+markers",
                "name": plain(label),
                "x": x,
                "y": values,
                "connectgaps": False,
                "hovertemplate": "%{x}: %{y:.2f}<extra>%{fullData.name}</extra>",
                **style(index),
            }
        )
    low, high = scale
    layout = {
        "title": {"text": plain(title)},
        "xaxis": {"type": "category", "automargin": True},
        "yaxis": {"range": [low, high], "dtick": 1, "title": {"text": plain(axis_title)}},
        "legend": {"orientation": "h", "y": -0.25},
        "margin": {"t": 60, "b": 40, "l": 60, "r": 20},
        "separators": ",." if locale == "nl" else ".,",
        "font": {"family": "system-ui, sans-serif", "size": 13},
    }
    config = {"displaylogo": False, "responsive": True, "modeBarButtonsToRemove": ["lasso2d"]}
    return {"data": data, "layout": layout, "config": config}


# --- learning agendas at a glance ---------------------------------------------------------------


@dataclass(frozen=True)
class RegionAgenda:
    region: RegionRef
    actions: tuple[int, ...]  # per status, in ACTION_STATUS_KEYS order
    focus: tuple[str, ...]  # principle keys

    @property
    def total(self) -> int:
        return sum(self.actions)


def agendas(
    regions: Sequence[RegionRef],
    counts: Mapping[int, Mapping[str, int]],
    focus: Mapping[int, Sequence[str]],
) -> list[RegionAgenda]:
    """Per region the number of actions per status and the focus principles."""
    return [
        RegionAgenda(
            region,
            tuple(counts.get(region.id, {}).get(s, 0) for s in ACTION_STATUS_KEYS),
            tuple(p for p in PRINCIPLE_KEYS if p in focus.get(region.id, ())),
        )
        for region in regions
    ]


# --- download rows ------------------------------------------------------------------------------

ALL_REGIONS = "all"


def _two(value: float | None) -> float | None:
    return None if value is None else round(value + 0.0, 2)


def _region_cells(region: RegionRef | None) -> list[Cell]:
    return [ALL_REGIONS, ""] if region is None else [region.key, region.name]


def heatmap_table(
    round_key: str, rows: Sequence[RegionMeans], principles: Sequence[str] = PRINCIPLE_KEYS
) -> tuple[list[str], list[list[Cell]]]:
    header = ["round", "region", "region_name", "n", *principles]
    return header, [
        [round_key, *_region_cells(r.region), r.responses, *map(_two, r.means)] for r in rows
    ]


def changes_table(
    round_key: str,
    previous_key: str,
    rows: Sequence[RegionChanges],
    principles: Sequence[str] = PRINCIPLE_KEYS,
) -> tuple[list[str], list[list[Cell]]]:
    header = ["round", "previous_round", "region", "region_name", *principles]
    return header, [
        [round_key, previous_key, *_region_cells(r.region), *map(_two, r.changes)] for r in rows
    ]


def participation_table(
    round_key: str, rows: Sequence[RegionParticipation]
) -> tuple[list[str], list[list[Cell]]]:
    header = [
        "round",
        "region",
        "region_name",
        "invited",
        "submitted",
        "response_rate_percent",
        "missing_sectors",
    ]
    return header, [
        [
            round_key,
            *_region_cells(r.region),
            r.invited,
            r.submitted,
            None if r.rate is None else _two(100 * r.rate),
            " ".join(r.missing),
        ]
        for r in rows
    ]


def trend_table(
    points: Sequence[TrendPoint], principles: Sequence[str] = PRINCIPLE_KEYS
) -> tuple[list[str], list[list[Cell]]]:
    header = ["round", "round_title", "n", *principles]
    return header, [[p.round.key, p.round.title, p.responses, *map(_two, p.means)] for p in points]


def agendas_table(
    round_key: str, rows: Sequence[RegionAgenda]
) -> tuple[list[str], list[list[Cell]]]:
    header = ["round", "region", "region_name", *ACTION_STATUS_KEYS, "focus_principles"]
    return header, [
        [round_key, *_region_cells(r.region), *r.actions, " ".join(r.focus)] for r in rows
    ]
