"""The region report of a closed round: a page and an A4 PDF that a coordinator hands out at
the regional conversation and the programme team attaches to its reports.

Road: policy (REGION) -> loader -> rule 8 (nothing before the round closes) ->
services.report gathers the figures (rules 5 and 5b, statements included) -> one template
(region/_report_body.html) for the page and the PDF's document -> infra.pdf (WeasyPrint).
"""

from __future__ import annotations

from datetime import datetime

from flask import Response, render_template
from flask_babel import gettext as _

from selfscan.core import charts
from selfscan.core.scoring import ALL
from selfscan.core.vocabulary import ACTION_STATUSES, PRINCIPLE_KEYS
from selfscan.infra import pagecache
from selfscan.infra.db import get_session
from selfscan.infra.i18n import current_language
from selfscan.labels import label, principle_label
from selfscan.loaders import get_region_round
from selfscan.models import Region, Round
from selfscan.models.types import utcnow
from selfscan.questionnaire_registry import questionnaire_for
from selfscan.region.dashboard import min_group_size, not_released, sector_strips
from selfscan.region.topics import agenda_for
from selfscan.region.views import bp
from selfscan.services import freshness, topics
from selfscan.services.report import Report, questionnaire_version, region_report
from selfscan.texts import (
    agreed_score,
    change_sentence,
    difference_sentence,
    document_pdf,
    group_label,
    number,
)


@bp.route("/rapport/<round>")
def report(region: str, round: str):  # type: ignore[no-untyped-def]
    """The region report of a closed round, as a page."""
    row, round_ = get_region_round(region, round)
    now = utcnow()
    if not round_.figures_released(now):
        return not_released(row, round_)
    db = get_session()
    k = min_group_size()
    body = pagecache.kept_html(
        db,
        ("report", row.id, round_.id, k, current_language()),
        freshness.region_stamp(db, round_, row, now),
        lambda: report_body(row, round_, k, now),
    )
    return render_template("region/report.html", region=row, round=round_, body=body)


@bp.route("/rapport/<round>.pdf")
def report_pdf(region: str, round: str):  # type: ignore[no-untyped-def]
    """The region report of a closed round, as an A4 PDF."""
    row, round_ = get_region_round(region, round)
    now = utcnow()
    if not round_.figures_released(now):
        return not_released(row, round_)
    pdf = report_pdf_bytes(row, round_, min_group_size(), now)
    return Response(
        pdf,
        mimetype="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{pdf_name(row, round_)}"'},
    )


def pdf_name(region: Region, round_: Round) -> str:
    word = _("report")
    return f"{word}-{round_.key}-{region.key}.pdf"


def report_body(region: Region, round_: Round, k: int, now: datetime) -> str:
    """The report's content (region/_report_body.html) in the request's language."""
    db = get_session()
    version = questionnaire_version(db, round_)
    found = region_report(
        db, region, round_, k, questionnaire_for(version), current_language(), now
    )
    kept = topics.kept(db, region=region, round_=round_)
    return render_template(
        "region/_report_body.html",
        agenda=agenda_for(region, round_) if kept else None,
        **_context(found, version.scale_min, version.scale_max),
    )


def report_pdf_bytes(region: Region, round_: Round, k: int, now: datetime) -> bytes:
    """The report as a PDF."""
    word = _("Report")
    title = f"{word} · {round_.title} · {region.name}"
    return document_pdf(title, report_body(region, round_, k, now))


def _context(found: Report, scale_min: int, scale_max: int) -> dict[str, object]:
    series = []
    if found.total is not None:
        series.append(charts.Series(found.round.title, found.total.means()))
    if found.previous is not None:
        series.append(charts.Series(found.previous[0].title, found.previous[1].means()))
    drawing = charts.radar_drawing(
        series, [principle_label(p) for p in PRINCIPLE_KEYS], scale=(scale_min, scale_max)
    )
    return {
        "r": found,
        "region": found.region,
        "round": found.round,
        "k": found.k,
        "radar": drawing,
        "strips": {
            strip.principle: strip.svg
            for strip in sector_strips(found.shown, least=1, label_width=230)
        },
        "scale": (scale_min, scale_max),
        "differences": [difference_sentence(d) for d in found.differences],
        "changes": [change_sentence(c, found.previous[0].title) for c in found.changes]
        if found.previous
        else [],
        "principles": PRINCIPLE_KEYS,
        "ALL": ALL,
        "group_label": group_label,
        "number": number,
        "agreed_score": agreed_score,
        "status_label": lambda key: label(ACTION_STATUSES, key),
    }
