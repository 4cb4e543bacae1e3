"""The start page, the language switch, the health check and the benchmark's ceiling."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Blueprint, current_app, redirect, render_template, request, session
from flask_login import current_user
from sqlalchemy import text
from sqlmodel import select

from selfscan.access import visible_regions
from selfscan.account.views import safe_next
from selfscan.infra.config import VERSION
from selfscan.infra.db import get_session
from selfscan.models import Region, Round, RoundRegion, RoundState
from selfscan.services.participation import SectorParticipation, sector_participation

bp = Blueprint("main", __name__)


@dataclass(frozen=True)
class RegionNow:
    """Where one of the coordinator's regions stands: its open round with who responded, and
    its last closed round."""

    region: Region
    open_round: Round | None
    sectors: list[SectorParticipation]
    last_closed: Round | None

    @property
    def invited(self) -> int:
        return sum(s.invitations for s in self.sectors)

    @property
    def responded(self) -> int:
        return sum(s.responses for s in self.sectors)

    @property
    def rate(self) -> float | None:
        return self.responded / self.invited if self.invited else None

    @property
    def missing(self) -> list[str]:
        """Sectors with partners in the region that have not responded yet."""
        return [s.sector for s in self.sectors if not s.responses]


def where_regions_stand(regions: list[Region]) -> list[RegionNow]:
    """Per region: the open round (the newest, if several) and the newest closed one."""
    db = get_session()
    k = int(current_app.config["MIN_GROUP_SIZE"])
    found = []
    for region in regions:
        rounds = db.exec(
            select(Round)
            .join(RoundRegion, RoundRegion.round_id == Round.id)
            .where(RoundRegion.region_id == region.id)
            .order_by(Round.opens_at.desc())  # type: ignore[attr-defined]
        ).all()
        open_round = next((r for r in rounds if r.state() is RoundState.OPEN), None)
        closed = next((r for r in rounds if r.state() is RoundState.CLOSED), None)
        sectors = (
            sector_participation(db, region=region, round_=open_round, min_group_size=k)
            if open_round
            else []
        )
        found.append(RegionNow(region, open_round, sectors, closed))
    return found


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
    standing = [] if current_user.is_programme else where_regions_stand(regions)
    return render_template(
        "main/index.html",
        regions=regions,
        rounds=rounds,
        standing=standing,
    )


@bp.route("/zo-komen-de-cijfers-tot-stand")
def figures_explained():  # type: ignore[no-untyped-def]
    """How the figures are computed and when they are shown (DESIGN's rules 1-8), plainly."""
    return render_template(
        "main/figures_explained.html", k=int(current_app.config["MIN_GROUP_SIZE"])
    )


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
