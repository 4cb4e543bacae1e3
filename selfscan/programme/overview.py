"""The programme team's overview of a round: all regions side by side, the change since the
previous round, participation, the all-regions trend and the learning agendas at a glance;
every table also as CSV and Excel.

Road: policy (PROGRAMME) -> loader (404 for an unknown round) -> SQL sums and counts for all
regions of the round at once -> selfscan.scoring decides what is shown -> selfscan.overview
builds tables, download rows and the chart spec. Nothing that rule 5 hides reaches the page.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flask import Response, abort, current_app, render_template
from flask_babel import format_decimal
from flask_babel import gettext as _

from selfscan import overview
from selfscan.db import get_session
from selfscan.domain import ACTION_STATUSES, PRINCIPLE_KEYS, principle_label
from selfscan.i18n import current_language
from selfscan.loaders import get_round
from selfscan.models import QuestionnaireVersion, Round
from selfscan.programme.views import bp
from selfscan.results import NONE, number
from selfscan.services import exchange, scores
from selfscan.services import overview as counts

DOWNLOADS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
Table = tuple[list[str], list[list[exchange.Cell]]]


@dataclass(frozen=True)
class Overview:
    """Everything the overview page shows for one round."""

    round: Round
    previous: Round | None
    rounds: list[Round]  # the rounds that have opened and this one, oldest first
    scale: tuple[int, int]
    heatmap: list[overview.RegionMeans]
    changes: list[overview.RegionChanges]
    participation: list[overview.RegionParticipation]
    trend: list[overview.TrendPoint]
    agendas: list[overview.RegionAgenda]


def build(round_: Round) -> Overview:
    """The overview of a round: per round two aggregate queries, per table one count query."""
    db = get_session()
    k = int(current_app.config["MIN_GROUP_SIZE"])
    opened = counts.opened_rounds(db)
    trend_rounds = [r for r in opened if r.id != round_.id]
    trend_rounds = sorted([*trend_rounds, round_], key=lambda r: (r.opens_at, r.id))
    figures = {r.id: scores.round_figures(db, r, k) for r in trend_rounds}
    position = trend_rounds.index(round_)
    previous = trend_rounds[position - 1] if position else None
    now = figures[round_.id]
    before = figures[previous.id] if previous else scores.RoundFigures({}, {})
    regions = counts.round_regions(db, round_)
    version = db.get(QuestionnaireVersion, round_.questionnaire_version_id)
    assert version is not None
    return Overview(
        round=round_,
        previous=previous,
        rounds=trend_rounds,
        scale=(version.scale_min, version.scale_max),
        heatmap=[
            *overview.region_means(regions, now.regions),
            overview.pooled_means(now.pooled),
        ],
        changes=[
            *overview.region_changes(regions, now.regions, before.regions),
            overview.pooled_changes(now.pooled, before.pooled),
        ],
        participation=overview.participation(
            regions,
            counts.invitations_per_sector(db, round_),
            counts.responses_per_sector(db, round_),
            counts.partner_sectors(db, round_),
            now.regions,
            k,
        ),
        trend=overview.trend(
            [counts.round_ref(r) for r in trend_rounds],
            [figures[r.id].pooled for r in trend_rounds],
        ),
        agendas=overview.agendas(
            regions, counts.action_counts(db, round_), counts.focus_principles(db, round_)
        ),
    )


TABLES: dict[str, Callable[[Overview], Table]] = {
    "heatmap": lambda o: overview.heatmap_table(o.round.key, o.heatmap),
    "changes": lambda o: overview.changes_table(
        o.round.key, o.previous.key if o.previous else "", o.changes
    ),
    "participation": lambda o: overview.participation_table(o.round.key, o.participation),
    "trend": lambda o: overview.trend_table(o.trend),
    "agendas": lambda o: overview.agendas_table(o.round.key, o.agendas),
}


def latest_opened_round() -> Round | None:
    opened = counts.opened_rounds(get_session())
    return opened[-1] if opened else None


@bp.route("/overzicht")
@bp.route("/overzicht/<round>")
def overview_page(round: str | None = None):  # type: ignore[no-untyped-def]
    """All regions side by side for one round (by default the latest that has opened)."""
    round_ = get_round(round) if round else latest_opened_round()
    if round_ is None:
        return render_template("programme/overview_empty.html")
    data = build(round_)
    labels = [principle_label(p) for p in PRINCIPLE_KEYS]
    chart = overview.trend_chart(
        data.trend,
        labels,
        title=_("All regions: mean score per principle over the rounds"),
        axis_title=_("Mean score"),
        scale=data.scale,
        locale=current_language(),
    )
    return render_template(
        "programme/overview.html",
        o=data,
        k=int(current_app.config["MIN_GROUP_SIZE"]),
        chart=chart,
        principles=PRINCIPLE_KEYS,
        statuses=ACTION_STATUSES,
        heat_level=overview.heat_level,
        bands=_bands(data.scale),
        number=number,
        signed=signed,
        tables=list(TABLES),
    )


@bp.route("/overzicht/<round>/<table>.<fmt>")
def overview_download(round: str, table: str, fmt: str):  # type: ignore[no-untyped-def]
    """One table of the overview as CSV or Excel, protected against formula injection."""
    if fmt not in DOWNLOADS or table not in TABLES:
        abort(404)
    round_ = get_round(round)
    header, rows = TABLES[table](build(round_))
    if fmt == "csv":
        body = exchange.table_csv_bytes(header, rows)
    else:
        body = exchange.table_xlsx_bytes(header, rows, title=table)
    name = f"overzicht-{round_.key}-{table}.{fmt}"
    return Response(
        body,
        mimetype=DOWNLOADS[fmt],
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


def signed(value: float | None) -> str:
    """A change with its sign (+0,25 or -0,10), a dash where none may be shown."""
    if value is None:
        return NONE
    return format_decimal(round(value, 2) + 0.0, format="+0.00;-0.00")


def _bands(scale: tuple[int, int]) -> list[tuple[int, str, str]]:
    """The heatmap's colour bands with their ranges, for the legend."""
    low, high = scale
    step = (high - low) / overview.HEAT_LEVELS
    return [
        (level, number(low + (level - 1) * step), number(low + level * step))
        for level in range(1, overview.HEAT_LEVELS + 1)
    ]
