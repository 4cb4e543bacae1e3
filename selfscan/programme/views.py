"""The programme team's pages: all regions, questionnaires and rounds."""

from __future__ import annotations

from flask import Blueprint, abort, render_template, request
from sqlalchemy import func
from sqlmodel import select

from selfscan.core.vocabulary import PERSPECTIVE_KEYS, PROFESSIONAL
from selfscan.infra.db import get_session
from selfscan.models import CoordinatorRegion, Organisation, QuestionnaireVersion, Region
from selfscan.respondent.pages import render_preview

bp = Blueprint("programme", __name__, url_prefix="/programma")


@bp.route("/regios")
def regions():  # type: ignore[no-untyped-def]
    """Every region with its number of organisations and coordinators."""
    db = get_session()
    organisations = (
        select(Organisation.region_id, func.count().label("n"))
        .group_by(Organisation.region_id)
        .subquery()
    )
    coordinators = (
        select(CoordinatorRegion.region_id, func.count().label("n"))
        .group_by(CoordinatorRegion.region_id)
        .subquery()
    )
    rows = db.exec(
        select(Region, func.coalesce(organisations.c.n, 0), func.coalesce(coordinators.c.n, 0))
        .outerjoin(organisations, organisations.c.region_id == Region.id)
        .outerjoin(coordinators, coordinators.c.region_id == Region.id)
        .order_by(Region.name)
    ).all()
    return render_template("programme/regions.html", rows=rows)


@bp.route("/vragenlijsten/<key>/<int:version>")
@bp.route("/vragenlijsten/<key>/<int:version>/<principle>")
def questionnaire_preview(key: str, version: int, principle: str | None = None):  # type: ignore[no-untyped-def]
    """A questionnaire version exactly as respondents see it; nothing can be saved."""
    row = (
        get_session()
        .exec(
            select(QuestionnaireVersion).where(
                QuestionnaireVersion.key == key, QuestionnaireVersion.version == version
            )
        )
        .first()
    )
    perspective = request.args.get("perspectief", PROFESSIONAL)
    if row is None or perspective not in PERSPECTIVE_KEYS:
        abort(404)
    return render_preview(row, principle, perspective)
