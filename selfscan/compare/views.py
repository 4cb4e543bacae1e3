"""The compare page: any shown groups of the regions one may see, over rounds, on one radar.

A coordinator sees their own regions and, by name, the regions that share by name; every other
region only inside the all-regions pool. The programme team sees all regions.
"""

from __future__ import annotations

from datetime import datetime

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import format_datetime
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup
from sqlmodel import select
from wtforms import SelectChoice

from selfscan.access import coordinated_region_keys, current_viewer
from selfscan.compare.forms import CompareForm
from selfscan.core.charts import Series
from selfscan.core.questionnaire import VersionChange
from selfscan.core.scoring import ALL, OTHER, PROGRAMME
from selfscan.core.vocabulary import SECTORS
from selfscan.infra import pagecache
from selfscan.infra.db import get_session
from selfscan.infra.i18n import current_language
from selfscan.labels import choices
from selfscan.loaders import get_round
from selfscan.models import Region, Round, RoundRegion
from selfscan.models.types import utcnow
from selfscan.questionnaire_registry import change_between
from selfscan.region.dashboard import download
from selfscan.services import exchange, freshness, scores
from selfscan.texts import group_label, radar_chart

bp = Blueprint("compare", __name__, url_prefix="/vergelijken")
FIRST_REGIONS = 3  # lines on the first radar: a few can be told apart, eight are a tangle


def comparable_regions() -> list[Region]:
    """Regions whose figures the signed-in account may see by name."""
    query = select(Region).order_by(Region.name)
    if not current_user.is_programme:
        own = coordinated_region_keys()
        if not own:
            return []
        query = query.where(Region.key.in_(own) | (Region.sharing == "named"))  # type: ignore[attr-defined]
    return list(get_session().exec(query))


def rounds_of(regions: list[Region], now: datetime) -> list[Round]:
    """The rounds with released figures (DESIGN rule 8) that the regions took part in."""
    ids = [r.id for r in regions]
    query = (
        select(Round).where(Round.closes_at <= now).order_by(Round.opens_at.desc())  # type: ignore[attr-defined]
    )
    if not current_user.is_programme:
        query = query.where(
            Round.id.in_(select(RoundRegion.round_id).where(RoundRegion.region_id.in_(ids)))  # type: ignore[union-attr,attr-defined]
        )
    return list(get_session().exec(query))


@bp.route("")
def compare():  # type: ignore[no-untyped-def]
    """Overlay chosen regions, rounds and one sector group on one radar."""
    db = get_session()
    k = int(current_app.config["MIN_GROUP_SIZE"])
    now = utcnow()
    # The content (never the layout around it, which holds the person and CSRF tokens) is kept
    # per worker while nothing it reads has changed (selfscan.infra.pagecache). The key holds
    # everything it depends on besides the data: who looks (the programme team sees every
    # region; a coordinator their own and, through the data, those that share by name), the
    # language, k and the choice exactly as asked (the query string).
    rights = True if current_user.is_programme else coordinated_region_keys()
    key = ("compare", rights, current_language(), k, tuple(request.args.items(multi=True)))
    stamp = freshness.compare_stamp(db, now)
    kept = pagecache.kept(db, key, stamp)
    if kept is None:
        body, chart_shown, valid = _content(k, now)
        if not valid:  # sent back with its errors, never kept
            return render_template("compare/compare.html", body=body, charts=False), 400
        kept = (body, chart_shown)
        pagecache.keep(db, key, stamp, kept, len(body))
    body, chart_shown = kept
    return render_template("compare/compare.html", body=body, charts=chart_shown)


def _content(k: int, now: datetime) -> tuple[Markup, bool, bool]:
    """The page's content from the database: (HTML, whether it holds a chart, whether the
    choice was valid)."""
    regions = comparable_regions()
    rounds = rounds_of(regions, now)
    form = CompareForm(formdata=request.args if request.args else None)
    form.round.choices = [SelectChoice(r.key, r.title) for r in rounds]
    form.region.choices = [SelectChoice(r.key, r.name) for r in regions]
    sectors = choices(SECTORS)
    form.sector.choices = [
        SelectChoice(ALL, group_label(ALL)),
        *sectors,
        SelectChoice(OTHER, group_label(OTHER)),
    ]
    if not request.args:
        form.round.data = [rounds[0].key] if rounds else []
        form.region.data = _first_choice(regions, rounds[0] if rounds else None)
    elif not form.validate():
        html = render_template("compare/_body.html", form=form, chart=None, missing=[])
        return Markup(html), False, False  # noqa: S704  # nosec B704
    if not form.sector.data:
        form.sector.data = [ALL]  # what the chart shows when no sector is ticked
    chart, missing = _chart(form, regions, rounds, k, now) if form.round.data else (None, [])
    html = render_template(
        "compare/_body.html",
        form=form,
        chart=chart,
        missing=missing,
        version_notes=_version_notes(rounds, form.round.data or []) if chart else [],
    )
    # The output of an autoescaping Jinja template: already escaped HTML.
    return Markup(html), chart is not None, True  # noqa: S704  # nosec B704


def _version_notes(
    rounds: list[Round], chosen: list[str]
) -> list[tuple[Round, Round, VersionChange]]:
    """(earlier, later, change) for each chosen round on another questionnaire version than
    the earliest chosen round."""
    picked = sorted((r for r in rounds if r.key in chosen), key=lambda r: r.opens_at)
    notes, seen = [], set()
    for later in picked[1:]:
        if later.questionnaire_version_id in seen:
            continue
        seen.add(later.questionnaire_version_id)
        change = change_between(picked[0], later)
        if change is not None:
            notes.append((picked[0], later, change))
    return notes


def _first_choice(regions: list[Region], round_: Round | None) -> list[str]:
    """The regions ticked when the page opens: a coordinator's own; for the programme team the
    first few that took part in the newest round with figures (not regions that joined only a
    planned round, which have nothing to show)."""
    if not current_user.is_programme:
        own = coordinated_region_keys()
        return [r.key for r in regions if r.key in own][:FIRST_REGIONS]
    if round_ is None:
        return []
    taking_part = set(
        get_session().exec(select(RoundRegion.region_id).where(RoundRegion.round_id == round_.id))
    )
    return [r.key for r in regions if r.id in taking_part][:FIRST_REGIONS]


def _chart(form: CompareForm, regions: list[Region], rounds: list[Round], k: int, now: datetime):  # type: ignore[no-untyped-def]
    """Series for every chosen (round, region, sector group) that is shown, and the names of
    the chosen combinations that show nothing."""
    viewer = current_viewer()
    sectors = [(s, "" if s == ALL else group_label(s)) for s in form.sector.data or [ALL]]
    chosen_regions = [r for r in regions if r.key in (form.region.data or [])]
    chosen_rounds = sorted(
        (r for r in rounds if r.key in form.round.data), key=lambda r: r.opens_at
    )
    all_regions = _("All regions")
    series, missing = [], []
    for round_ in chosen_rounds:
        figures = scores.round_figures(get_session(), round_, k, viewer=viewer, now=now)
        sources = [(r.name, figures.regions.get(r.id, {})) for r in chosen_regions]  # type: ignore[arg-type]
        if form.pooled.data:
            sources.append((all_regions, figures.pooled))
        for name, groups in sources:
            for sector, sector_label in sectors:
                label = " · ".join([name, round_.title] + ([sector_label] if sector_label else []))
                if sector in groups:
                    series.append(Series(label, groups[sector].means()))
                else:
                    missing.append(label)
    title = _("Mean score per principle")
    return (radar_chart("compare-radar", title, series) if series else None), missing


@bp.route("/<round>/scores.<fmt>")
def scores_download(round: str, fmt: str):  # type: ignore[no-untyped-def]
    """The programme team's scores download: every region of the round and all regions."""
    if fmt not in ("csv", "xlsx"):
        abort(404)
    round_ = get_round(round)
    if not round_.figures_released():  # nothing to download yet (rule 8)
        flash(
            _(
                "The figures of this round are released when it closes on %(moment)s.",
                moment=format_datetime(round_.closes_at, "d MMMM y, HH:mm"),
            ),
            "info",
        )
        return redirect(url_for("programme.overview_page", round=round_.key))
    db = get_session()
    figures = scores.round_figures(
        db, round_, int(current_app.config["MIN_GROUP_SIZE"]), viewer=PROGRAMME
    )
    keys = scores.regions_by_id(db, figures.regions)
    regions = {keys[r].key: groups for r, groups in figures.regions.items()}
    return download(
        exchange.score_rows(round_.key, regions, figures.pooled), f"scores-{round_.key}", fmt
    )
