"""The region's dashboard "met andere ogen" for one round, and its scores downloads.

Road: policy (REGION) -> loader (the round must include the region) -> SQL sums for this round
(and the region's earlier rounds) -> selfscan.core.scoring decides what is shown -> chart spec and
tables. Nothing that rules 5 and 5b hide reaches the page, the all-regions line is the one the
viewer may see (rule 6), and until the round closes the page shows who responded, no figures
(rule 8).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask import Response, abort, current_app, flash, redirect, render_template, url_for
from flask_babel import format_datetime
from flask_babel import gettext as _
from markupsafe import Markup
from sqlmodel import select

from selfscan.access import current_viewer
from selfscan.core.charts import Series, dot_strip_svg
from selfscan.core.questionnaire import VersionChange
from selfscan.core.scoring import (
    ALL,
    Group,
    Viewer,
    largest_changes,
    sector_differences,
    shown_groups,
)
from selfscan.core.vocabulary import PRINCIPLE_KEYS
from selfscan.infra import pagecache
from selfscan.infra.db import get_session
from selfscan.infra.i18n import current_language
from selfscan.labels import principle_label
from selfscan.loaders import get_region_round
from selfscan.models import QuestionnaireVersion, Region, Round, RoundRegion
from selfscan.models.types import utcnow
from selfscan.questionnaire_registry import change_between, questionnaire_for
from selfscan.region.conversation import measured_by_principle
from selfscan.region.forms import RemindForm
from selfscan.region.views import bp
from selfscan.services import ambitions, conversation, exchange, freshness, scores
from selfscan.services.participation import sector_participation
from selfscan.services.previous_agenda import previous_agenda
from selfscan.texts import (
    agreed_score,
    change_sentence,
    difference_sentence,
    for_people,
    group_label,
    number,
    radar_chart,
)

EARLIER_ROUNDS_SHOWN = 3
FLAGGED_SHOWN = 5
DOWNLOADS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def min_group_size() -> int:
    return int(current_app.config["MIN_GROUP_SIZE"])


@bp.route("/resultaten/<round>")
def dashboard(region: str, round: str):  # type: ignore[no-untyped-def]
    """The region's results for one round once it has closed: radar, differences, spread,
    statements, comments; before that, who has responded."""
    row, round_ = get_region_round(region, round)
    db = get_session()
    k = min_group_size()
    viewer = current_viewer()
    now = utcnow()
    body = pagecache.kept_html(
        db,
        ("dashboard", row.id, round_.id, k, current_language(), viewer.visible),
        freshness.region_stamp(db, round_, row, now),
        lambda: _body(row, round_, k, viewer, now),
    )
    released = round_.figures_released(now)
    return render_template(
        "region/dashboard.html",
        region=row,
        round=round_,
        body=body,
        released=released,
        remind_form=None if released else RemindForm(),
    )


def _body(row: Region, round_: Round, k: int, viewer: Viewer, now: datetime) -> str:
    """The dashboard's content (region/_dashboard_body.html), from the database."""
    if not round_.figures_released(now):
        return _participation_body(row, round_, k, now)
    db = get_session()
    figures = scores.round_figures(db, round_, k, viewer=viewer, now=now)
    shown = figures.regions.get(row.id, {})  # type: ignore[arg-type]
    earlier = _earlier_totals(row, round_, k, now)
    series = [Series(group_label(key), group.means(), key == ALL) for key, group in shown.items()]
    series += [Series(r.title, g.means(), False) for r, g in earlier]
    if ALL in figures.pooled:
        series.append(Series(_("All regions"), figures.pooled[ALL].means(), False))
    chart = radar_chart(
        "radar", _("%(region)s, %(round)s", region=row.name, round=round_.title), series
    )
    previous = earlier[0] if earlier else None
    changes = largest_changes(shown.get(ALL), previous[1] if previous else None)
    # Earlier rounds on another questionnaire version: what compares and what changed wording.
    versions = [(r, change_between(r, round_)) for r, _ in earlier]
    version_notes = [(r, c) for r, c in versions if c is not None]
    return render_template(
        "region/_dashboard_body.html",
        region=row,
        round=round_,
        rounds=_region_rounds(row),
        k=k,
        shown=shown,
        total=shown.get(ALL),
        chart=chart,
        differences=[difference_sentence(d) for d in sector_differences(shown)[:5]],
        changes=[change_sentence(c, previous[0].title) for c in changes] if previous else [],
        previous=previous[0] if previous else None,
        extremes=_extremes(shown.get(ALL)),
        strips=sector_strips(shown),
        participation=scores.participation(db, round_, row.id),  # type: ignore[arg-type]
        previous_agenda=previous_agenda(db, row, round_, shown, k),
        details=_details(row, round_, shown.get(ALL), k, versions[0][1] if versions else None),
        version_notes=version_notes,
        perspectives=scores.region_perspectives(db, round_, row.id, k, now=now),  # type: ignore[arg-type]
        perspectives_heard=scores.perspectives_heard(db, round_, row.id),  # type: ignore[arg-type]
        agreed=conversation.agreed(db, region=row, round_=round_),
        measured=measured_by_principle(shown),
        agreed_over_rounds=_agreed_over_rounds(row, now),
        ambitions=ambitions.for_round(db, row, round_, k, now),
        principles=PRINCIPLE_KEYS,
        number=number,
        agreed_score=agreed_score,
    )


@dataclass(frozen=True)
class Strip:
    """One principle's dot strip and the numbers of its table."""

    principle: str
    svg: Markup
    dots: list[tuple[str, float]]
    mean: float | None


def sector_strips(shown: dict[str, Group], least: int = 2, label_width: int = 170) -> list[Strip]:
    """Per principle, the shown sector groups as dots on the scale, and the region's mean: on
    the dashboard where at least two sectors can be compared, in the report on every principle
    with a shown sector (`least`)."""
    total = shown.get(ALL)
    decimal = number(0.5)[1]
    found = []
    for principle in PRINCIPLE_KEYS:
        dots = [
            (group_label(key), mean)
            for key, group in shown.items()
            if key != ALL and (mean := group.figures(principle).mean) is not None
        ]
        if len(dots) < least:
            continue
        mean = total.figures(principle).mean if total else None
        title = _(
            "%(principle)s: the mean score per sector on the scale from 1 to 5",
            principle=principle_label(principle),
        )
        svg = dot_strip_svg(
            dots,
            mean,
            title=title,
            mean_label=_("region"),
            decimal=decimal,
            width=290 + label_width,
            label_width=label_width,
        )
        found.append(Strip(principle, Markup(svg), dots, mean))  # noqa: S704  # nosec B704 (escaped in the core)
    return found


def _extremes(total: Group | None) -> tuple[tuple[str, float], tuple[str, float]] | None:
    """The principles with the region's highest and lowest shown mean, for the summary."""
    if total is None:
        return None
    means = [(p, m) for p, m in zip(PRINCIPLE_KEYS, total.means(), strict=True) if m is not None]
    if len(means) < 2:
        return None
    ranked = sorted(means, key=lambda found: -found[1])
    return ranked[0], ranked[-1]


def _participation_body(row: Region, round_: Round, k: int, now: datetime) -> str:
    """Before the round closes: per sector who was invited and who responded, the sectors not
    heard yet, and when the figures appear (region/_participation_body.html)."""
    db = get_session()
    sectors = sector_participation(db, region=row, round_=round_, min_group_size=k)
    return render_template(
        "region/_participation_body.html",
        region=row,
        round=round_,
        rounds=_region_rounds(row),
        state=round_.state(now),
        sectors=sectors,
        missing=[s.sector for s in sectors if not s.responses],
        invited=sum(s.invitations for s in sectors),
        responded=sum(s.responses for s in sectors),
        k=k,
        opens=format_datetime(round_.opens_at, "d MMMM y, HH:mm"),
        closes=format_datetime(round_.closes_at, "d MMMM y, HH:mm"),
        previous_agenda=previous_agenda(db, row, round_, {}, k),
        number=number,
    )


@bp.route("/resultaten/<round>/scores.<fmt>")
def scores_download(region: str, round: str, fmt: str):  # type: ignore[no-untyped-def]
    """The scores of the region and of all regions, as CSV or XLSX."""
    if fmt not in DOWNLOADS:
        abort(404)
    row, round_ = get_region_round(region, round)
    if not round_.figures_released():
        return not_released(row, round_)
    figures = scores.round_figures(get_session(), round_, min_group_size(), viewer=current_viewer())
    own = {row.key: figures.regions[row.id]} if row.id in figures.regions else {}
    rows = exchange.score_rows(round_.key, own, figures.pooled)
    return download(rows, f"scores-{round_.key}-{row.key}", fmt)


def not_released(row: Region, round_: Round) -> Response:
    flash(
        _(
            "The figures of %(round)s appear when the round closes on %(moment)s.",
            round=round_.title,
            moment=format_datetime(round_.closes_at, "d MMMM y, HH:mm"),
        ),
        "info",
    )
    return redirect(url_for("region.dashboard", region=row.key, round=round_.key))  # type: ignore[return-value]


def download(rows: list[list[exchange.Cell]], name: str, fmt: str) -> Response:
    """Score rows as a CSV attachment with keys (DESIGN's scores export, for other systems) or
    as an Excel workbook in the reader's words (for people)."""
    if fmt == "csv":
        body = exchange.csv_bytes(rows)
    else:
        header, words = for_people(exchange.SCORE_COLUMNS, rows)
        body = exchange.table_xlsx_bytes(header, words, title=_("scores"))  # type: ignore[arg-type]
    return Response(
        body,
        mimetype=DOWNLOADS[fmt],
        headers={"Content-Disposition": f'attachment; filename="{name}.{fmt}"'},
    )


def _region_rounds(region: Region) -> list[Round]:
    return list(
        get_session().exec(
            select(Round)
            .join(RoundRegion, RoundRegion.round_id == Round.id)
            .where(RoundRegion.region_id == region.id)
            .order_by(Round.opens_at.desc())  # type: ignore[attr-defined]
        )
    )


def _agreed_over_rounds(region: Region, now: datetime) -> list[tuple[Round, dict[str, float]]]:
    """The region's agreed scores in every closed round where it recorded them, oldest first."""
    history = conversation.agreed_history(get_session(), region)
    rounds = [r for r in reversed(_region_rounds(region)) if r.id in history]
    return [(r, history[r.id]) for r in rounds if r.figures_released(now)]  # type: ignore[index]


def _earlier_totals(
    region: Region, round_: Round, k: int, now: datetime
) -> list[tuple[Round, Group]]:
    """The region's shown totals of its latest earlier rounds that have closed, newest first
    (one query each)."""
    db = get_session()
    earlier = db.exec(
        select(Round)
        .join(RoundRegion, RoundRegion.round_id == Round.id)
        .where(RoundRegion.region_id == region.id, Round.opens_at < round_.opens_at)
        .order_by(Round.opens_at.desc())  # type: ignore[attr-defined]
        .limit(EARLIER_ROUNDS_SHOWN)
    ).all()
    found = []
    for other in earlier:
        shown = scores.region_figures(db, other, region.id, k, now=now)  # type: ignore[arg-type]
        if ALL in shown:
            found.append((other, shown[ALL]))
    return found


@dataclass(frozen=True)
class Statement:
    principle: str
    text: str
    mean: float | None
    dont_know_share: float
    discuss: int
    changed: bool = False  # changed wording since the previous round's version


@dataclass(frozen=True)
class Details:
    statements: list[Statement]
    flagged: list[Statement]
    comments: dict[str, list[str]]


def _details(
    region: Region,
    round_: Round,
    total: Group | None,
    k: int,
    change: VersionChange | None = None,
) -> Details | None:
    """Per statement figures, flagged statements and comments: only when the region total is
    shown (rule 5); a statement's mean only where its n reaches k and the comments of a
    principle only where the region's figures on it are shown (rule 5b)."""
    if total is None:
        return None
    db = get_session()
    version = db.get(QuestionnaireVersion, round_.questionnaire_version_id)
    questionnaire = questionnaire_for(version)  # type: ignore[arg-type]
    locale = current_language()
    found = scores.statement_figures(db, round_, region.id)  # type: ignore[arg-type]
    means = shown_groups(found.sectors, k).get(ALL, Group())
    statements = []
    for item in found.items:
        spec = questionnaire.item(item.key)
        statements.append(
            Statement(
                principle=item.principle,
                text=spec.text.get(locale) if spec else item.key,
                mean=means.figures(item.key).mean,
                dont_know_share=found.dont_know.get(item.key, 0) / total.responses,
                discuss=found.discuss.get(item.key, 0),
                changed=change is not None and change.changed(item.key),
            )
        )
    flagged = sorted((s for s in statements if s.discuss), key=lambda s: -s.discuss)
    comments = scores.comments(db, round_, region.id)  # type: ignore[arg-type]
    return Details(
        statements=statements,
        flagged=flagged[:FLAGGED_SHOWN],
        comments={p: texts for p, texts in comments.items() if p in total.stats},
    )
