"""The start page, the language switch, the health check and the benchmark's ceiling."""

from __future__ import annotations

from flask import Blueprint, current_app, redirect, render_template, request, session
from flask_login import current_user
from sqlalchemy import text
from sqlmodel import select

from selfscan.access import visible_regions
from selfscan.account.views import safe_next
from selfscan.infra.config import VERSION
from selfscan.infra.db import get_session
from selfscan.models import Round, RoundRegion

bp = Blueprint("main", __name__)


@bp.route("/")
def index():  # type: ignore[no-untyped-def]
    """The start page: the regions and rounds this account works on."""
    regions = visible_regions()
    query = select(Round).order_by(Round.opens_at.desc())  # type: ignore[attr-defined]
    if not current_user.is_programme:
        region_ids = [r.id for r in regions]
        query = query.where(
            Round.id.in_(select(RoundRegion.round_id).where(RoundRegion.region_id.in_(region_ids)))  # type: ignore[union-attr,attr-defined]
        )
    rounds = list(get_session().exec(query))
    return render_template("main/index.html", regions=regions, rounds=rounds)


@bp.route("/taal", methods=["POST"])
def set_language():  # type: ignore[no-untyped-def]
    """Switch the interface language and return to the page the person was on."""
    language = request.form.get("lang", "")
    if language in current_app.config["LANGUAGES"]:
        session["lang"] = language
    return redirect(safe_next(request.form.get("next")))


@bp.route("/health")
def health():  # type: ignore[no-untyped-def]
    """For load balancers: answers 200 when the database answers, with the running version."""
    get_session().exec(text("SELECT 1"))  # type: ignore[call-overload]
    return {"status": "ok", "version": VERSION}


@bp.route("/ping")
def ping():  # type: ignore[no-untyped-def]
    """A tiny answer without the database: the benchmark's measure of the machine's ceiling."""
    return "pong", 200, {"Content-Type": "text/plain; charset=utf-8"}
