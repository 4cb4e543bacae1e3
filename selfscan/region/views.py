"""A region's pages (coordinator of that region, and the programme team)."""

from __future__ import annotations

from flask import Blueprint, render_template
from sqlmodel import select

from selfscan.core.vocabulary import SECTOR_KEYS
from selfscan.infra.db import get_session
from selfscan.loaders import get_region
from selfscan.models import Organisation, Round, RoundRegion

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
