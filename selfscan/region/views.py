"""A region's pages (coordinator of that region, and the programme team)."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlmodel import select

from selfscan.core.vocabulary import SECTOR_KEYS
from selfscan.infra.db import get_session
from selfscan.labels import sharing_label
from selfscan.loaders import get_region
from selfscan.models import Organisation, Round, RoundRegion
from selfscan.region.forms import SharingForm
from selfscan.services import regions as region_service

bp = Blueprint("region", __name__, url_prefix="/regio/<region>")


@bp.route("/")
def overview(region: str):  # type: ignore[no-untyped-def]
    """The region's partner organisations and its rounds."""
    row = get_region(region)
    db = get_session()
    organisations = sorted(
        db.exec(select(Organisation).where(Organisation.region_id == row.id)),
        key=lambda o: (SECTOR_KEYS.index(o.sector), o.name.lower()),
    )
    rounds = db.exec(
        select(Round)
        .join(RoundRegion, RoundRegion.round_id == Round.id)
        .where(RoundRegion.region_id == row.id)
        .order_by(Round.opens_at.desc())  # type: ignore[attr-defined]
    ).all()
    return render_template(
        "region/overview.html", region=row, organisations=organisations, rounds=rounds
    )


@bp.route("/delen", methods=["GET", "POST"])
def sharing(region: str):  # type: ignore[no-untyped-def]
    """The region chooses how openly its results are compared, with what each choice means."""
    row = get_region(region)
    form = SharingForm(data={"sharing": row.sharing} if request.method == "GET" else None)
    if form.validate_on_submit():
        db = get_session()
        region_service.update_region(db, row, name=row.name, sharing=form.sharing.data or "")
        db.commit()
        flash(
            _(
                "%(region)s now shares its results: %(choice)s.",
                region=row.name,
                choice=sharing_label(row.sharing),
            ),
            "success",
        )
        return redirect(url_for("region.overview", region=row.key))
    status = 400 if request.method == "POST" else 200
    return render_template("region/sharing.html", region=row, form=form), status
