"""The programme team's overview, its views (the pure layer is selfscan.core.overview, the counts
selfscan.services.overview_counts): for a round all regions side by side, the change since the
previous round, participation, the all-regions trend and the learning agendas at a glance;
every table also as CSV and Excel.

Road: policy (PROGRAMME) -> loader (404 for an unknown round) -> SQL sums and counts for all
regions of the round at once -> selfscan.core.scoring decides what is shown -> selfscan.core.overview
builds tables, download rows and the chart spec. Nothing that rule 5 hides reaches the page.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from functools import cached_property

from flask import Response, abort, current_app, flash, redirect, render_template, url_for
from flask_babel import format_datetime
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup

from selfscan.core import overview
from selfscan.core.ambitions import RegionAmbitions, region_rows
from selfscan.core.charts import Series, line_key_svg, trend_svg
from selfscan.core.questionnaire import VersionChange
from selfscan.core.scoring import PROGRAMME
from selfscan.core.vocabulary import ACTION_STATUS_KEYS, AGREEMENT_STATUS_KEYS, PRINCIPLE_KEYS
from selfscan.infra import pagecache
from selfscan.infra.db import get_session
from selfscan.infra.i18n import current_language
from selfscan.labels import action_status_label, principle_label
from selfscan.loaders import get_round
from selfscan.models import QuestionnaireVersion, Round
from selfscan.models.types import utcnow
from selfscan.programme.views import bp
from selfscan.questionnaire_registry import change_between
from selfscan.services import ambitions, conversation, exchange, freshness, scores
from selfscan.services import overview_counts as counts
from selfscan.services.participation import asked_and_submitted
from selfscan.texts import agreed_score, for_people, number, signed

DOWNLOADS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
Table = tuple[list[str], list[list[exchange.Cell]]]


class Overview:
    """What the overview shows for one round, each table computed when first asked for, so
    that a download runs only its own queries: a round's figures come from
    scores.round_figures (all regions at once, cached while its responses stay the same), each
    count table from one query."""

    def __init__(
        self, round_: Round, opened: list[Round] | None = None, now: datetime | None = None
    ) -> None:
        """`opened`: the rounds that have opened, oldest first, if the caller read them."""
        self.round = round_
        self.db = get_session()
        self.k = int(current_app.config["MIN_GROUP_SIZE"])
        self.now = now or utcnow()
        # Rule 8: the figures of a round are released when it closes.
        self.released = round_.figures_released(self.now)
        if opened is None:
            opened = counts.opened_rounds(self.db)
        opened = [r for r in opened if r.id != round_.id]
        # The rounds that have opened and this one, oldest first.
        self.rounds = sorted([*opened, round_], key=lambda r: (r.opens_at, r.id))
        position = self.rounds.index(round_)
        self.previous = self.rounds[position - 1] if position else None
        self._figures: dict[int, scores.RoundFigures] = {}

    def figures(self, round_: Round | None) -> scores.RoundFigures:
        if round_ is None:
            return scores.RoundFigures({}, {})
        if round_.id not in self._figures:
            self._figures[round_.id] = scores.round_figures(  # type: ignore[index]
                self.db, round_, self.k, viewer=PROGRAMME, now=self.now
            )
        return self._figures[round_.id]  # type: ignore[index]

    @cached_property
    def regions(self) -> list[overview.RegionRef]:
        return counts.round_regions(self.db, self.round)

    @cached_property
    def scale(self) -> tuple[int, int]:
        version = self.db.get(QuestionnaireVersion, self.round.questionnaire_version_id)
        assert version is not None
        return version.scale_min, version.scale_max

    @cached_property
    def heatmap(self) -> list[overview.RegionMeans]:
        now = self.figures(self.round)
        return [
            *overview.region_means(self.regions, now.regions),
            overview.pooled_means(now.pooled),
        ]

    @cached_property
    def changes(self) -> list[overview.RegionChanges]:
        now, before = self.figures(self.round), self.figures(self.previous)
        return [
            *overview.region_changes(self.regions, now.regions, before.regions),
            overview.pooled_changes(now.pooled, before.pooled),
        ]

    @cached_property
    def participation(self) -> list[overview.RegionParticipation]:
        asked = asked_and_submitted(self.db, self.round)
        return overview.participation(
            self.regions,
            asked.asked,
            asked.submitted,
            counts.partner_sectors(self.db, self.round),
            self.figures(self.round).regions if self.released else None,
            self.k,
        )

    @cached_property
    def trend(self) -> list[overview.TrendPoint]:
        """Over the rounds whose figures are released, oldest first."""
        released = [r for r in self.rounds if r.figures_released(self.now)]
        others = [r for r in released if r.id not in self._figures]
        pooled = scores.pooled_by_round(self.db, others, self.k, now=self.now)
        return overview.trend(
            [counts.round_ref(r) for r in released],
            [
                self._figures[r.id].pooled if r.id in self._figures else pooled[r.id]  # type: ignore[index]
                for r in released
            ],
        )

    @cached_property
    def agreed(self) -> list[tuple[overview.RegionRef, dict[str, float], overview.RegionMeans]]:
        """The regions that recorded an agreed position: their agreed and measured scores."""
        found = conversation.agreed_in_round(self.db, self.round)
        measured = {row.region.id: row for row in self.heatmap if row.region is not None}
        return [
            (region, found[region.id], measured[region.id])
            for region in self.regions
            if region.id in found and region.id in measured
        ]

    @cached_property
    def ambitions(self) -> list[tuple[overview.RegionRef, RegionAmbitions]]:
        """The regions' ambitions aimed at this round against their shown means, and how their
        result agreements stand in this round and the previous one."""
        found = ambitions.in_round(self.db, self.round, self.previous)
        means = {
            row.region.id: row.means
            for row in self.heatmap
            if row.region is not None and self.released
        }
        by_id = {region.id: region for region in self.regions}
        rows = region_rows(
            [region.id for region in self.regions],
            PRINCIPLE_KEYS,
            {
                rid: [(a.principle, a.target) for a in aimed]
                for rid, aimed in found.ambitions.items()
            },
            means,
            found.agreements,
            found.states.get(self.round.id, {}),  # type: ignore[arg-type]
            found.states.get(self.previous.id, {}) if self.previous else None,  # type: ignore[arg-type]
            AGREEMENT_STATUS_KEYS,
        )
        return [(by_id[row.region_id], row) for row in rows]

    @cached_property
    def agendas(self) -> list[overview.RegionAgenda]:
        return overview.agendas(
            self.regions,
            counts.action_counts(self.db, self.round),
            counts.focus_principles(self.db, self.round),
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

# An Excel download's name and sheet, in the reader's language.
TABLE_NAMES = {
    "heatmap": _l("means"),
    "changes": _l("changes"),
    "participation": _l("participation"),
    "trend": _l("trend"),
    "agendas": _l("agendas"),
}

# The tables of figures, which a round shows only once it has closed (DESIGN rule 8).
FIGURE_TABLES = frozenset({"heatmap", "changes"})


@bp.route("/overzicht")
@bp.route("/overzicht/<round>")
def overview_page(round: str | None = None):  # type: ignore[no-untyped-def]
    """All regions side by side for one round (by default the latest that has opened)."""
    db = get_session()
    opened = counts.opened_rounds(db)  # the trend's rounds, by the clock
    if round is None:
        round_ = opened[-1] if opened else None
    else:  # usually one of them, already loaded; else a planned round, or 404
        round_ = next((r for r in opened if r.key == round), None) or get_round(round)
    if round_ is None:
        return render_template("programme/overview_empty.html")
    k = int(current_app.config["MIN_GROUP_SIZE"])
    now = utcnow()
    body = pagecache.kept_html(
        db,
        ("overview", round_.id, tuple(r.id for r in opened), k, current_language()),
        freshness.overview_stamp(db, round_, now),
        lambda: _body(round_, opened, now),
    )
    return render_template("programme/overview.html", round=round_, body=body)


def _body(round_: Round, opened: list[Round], now: datetime) -> str:
    """The overview's content (programme/_overview_body.html), from the database."""
    data = Overview(round_, opened, now)
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
        "programme/_overview_body.html",
        o=data,
        trend_svg=_trend_svg(data, labels),
        line_key=lambda index: Markup(line_key_svg(index)),  # noqa: S704  # nosec B704 (no text)
        previous_change=change_between(data.previous, round_) if data.previous else None,
        trend_changes=_trend_changes(data.rounds, round_, now),
        k=data.k,
        chart=chart,
        principles=PRINCIPLE_KEYS,
        statuses=[action_status_label(s) for s in ACTION_STATUS_KEYS],
        agreement_statuses=AGREEMENT_STATUS_KEYS,
        heat_level=overview.heat_level,
        bands=_bands(data.scale),
        number=number,
        agreed_score=agreed_score,
        signed=signed,
        closes=format_datetime(round_.closes_at, "d MMMM y, HH:mm"),
    )


@bp.route("/overzicht/<round>/<table>.<fmt>")
def overview_download(round: str, table: str, fmt: str):  # type: ignore[no-untyped-def]
    """One table of the overview as CSV or Excel, protected against formula injection."""
    if fmt not in DOWNLOADS or table not in TABLES:
        abort(404)
    round_ = get_round(round)
    if table in FIGURE_TABLES and not round_.figures_released():
        flash(
            _(
                "The figures of this round are released when it closes on %(moment)s.",
                moment=format_datetime(round_.closes_at, "d MMMM y, HH:mm"),
            ),
            "info",
        )
        return redirect(url_for("programme.overview_page", round=round_.key))
    header, rows = TABLES[table](Overview(round_))
    if fmt == "csv":  # for other systems: keys, as DESIGN's scores export
        body = exchange.table_csv_bytes(header, rows)
        name = f"overzicht-{round_.key}-{table}.csv"
    else:  # for people: words in their language
        header, rows = for_people(header, rows)  # type: ignore[assignment]
        title = str(TABLE_NAMES[table])
        body = exchange.table_xlsx_bytes(header, rows, title=title)
        prefix = _("overview")
        name = f"{prefix}-{round_.key}-{title}.xlsx"
    return Response(
        body,
        mimetype=DOWNLOADS[fmt],
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


def _trend_svg(data: Overview, labels: list[str]) -> Markup | None:
    """The trend drawn on the server (shown without JavaScript and on paper); None before any
    round's figures are released."""
    if not data.trend:
        return None
    series = [
        Series(label, [point.means[index] for point in data.trend])
        for index, label in enumerate(labels)
    ]
    svg = trend_svg(
        [point.round.title for point in data.trend],
        series,
        title=_(
            "Line chart of the mean score per principle of all regions over the rounds; "
            "the table below holds the same numbers."
        ),
        axis_title=_("Mean score"),
        scale=data.scale,
        decimal=number(0.5)[1],
    )
    return Markup(svg)  # noqa: S704  # nosec B704 (escaped in the core)


def _trend_changes(
    rounds: list[Round], round_: Round, now: datetime
) -> list[tuple[Round, VersionChange]]:
    """The released rounds of the trend that used another questionnaire version than this one."""
    found, seen = [], set()
    for other in rounds:
        if other.figures_released(now) and other.questionnaire_version_id not in seen:
            seen.add(other.questionnaire_version_id)
            change = change_between(other, round_) if other.opens_at < round_.opens_at else None
            if change is not None:
                found.append((other, change))
    return found


def _bands(scale: tuple[int, int]) -> list[tuple[int, str, str]]:
    """The heatmap's colour bands with their ranges, for the legend ("< 2,25", "≥ 3,75")."""
    found = []
    for level, lower, upper in overview.heat_bands(scale):
        if lower is None:
            found.append((level, "", f"< {number(upper)}"))
        elif upper is None:
            found.append((level, f"≥ {number(lower)}", ""))
        else:
            found.append((level, number(lower), number(upper)))
    return found
