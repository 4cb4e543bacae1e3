"""The regional conversation after a round: the region's agreed position per principle.

After the partners have talked about the results, the coordinator records per principle the
score they agree on and why, and which sectors were at the table. Coordinators of the region
and the programme team (REGION policy); only for a round whose figures are released.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from selfscan.core.scoring import ALL, Group
from selfscan.core.vocabulary import PRINCIPLES
from selfscan.infra.db import get_session
from selfscan.loaders import get_region_round
from selfscan.models import Region, Round
from selfscan.region.forms import agreed_form, parse_score, principle_field
from selfscan.region.views import bp
from selfscan.services import conversation, scores
from selfscan.services.conversation import PositionInput
from selfscan.texts import agreed_score, number


@dataclass(frozen=True)
class Measured:
    """What the round measured on one principle, shown beside the agreed score."""

    mean: float | None
    lowest_sector: float | None
    highest_sector: float | None


def measured_by_principle(shown: dict[str, Group]) -> dict[str, Measured]:
    """Per principle the region's mean and the lowest and highest shown sector mean (groups
    rules 5 and 5b allow; individual scores never leave the database)."""
    found = {}
    for principle in PRINCIPLES:
        total = shown.get(ALL)
        sector_means = [
            mean
            for key, group in shown.items()
            if key != ALL and (mean := group.figures(principle.key).mean) is not None
        ]
        found[principle.key] = Measured(
            mean=total.figures(principle.key).mean if total else None,
            lowest_sector=min(sector_means) if len(sector_means) > 1 else None,
            highest_sector=max(sector_means) if len(sector_means) > 1 else None,
        )
    return found


@bp.route("/rondes/<round_key>/afgesproken-positie", methods=["GET", "POST"])
def agreed_positions(region: str, round_key: str):  # type: ignore[no-untyped-def]
    """Record the meeting and the agreed score per principle."""
    row, round_ = get_region_round(region, round_key)
    db = get_session()
    if not round_.figures_released():
        return render_template("region/agreed_not_yet.html", region=row, round=round_)
    if request.method == "GET":
        stored = conversation.agreed(db, region=row, round_=round_)
        data: dict[str, object] = {
            "held_on": stored.meeting.held_on if stored.meeting else None,
            "sectors": stored.meeting.sector_keys if stored.meeting else [],
        }
        for principle in PRINCIPLES:
            position = stored.positions.get(principle.key)
            data[principle_field("score", principle.key)] = (
                agreed_score(position.score) if position else ""
            )
            data[principle_field("why", principle.key)] = position.rationale if position else ""
        form = agreed_form(data=data)
    else:
        form = agreed_form()
    if form.validate_on_submit():
        conversation.save_agreed(
            db,
            region=row,
            round_=round_,
            held_on=form.held_on.data,
            sectors=form.sectors.data or [],
            positions={
                p.key: PositionInput(
                    score=parse_score(form[principle_field("score", p.key)].data or ""),
                    rationale=form[principle_field("why", p.key)].data or "",
                )
                for p in PRINCIPLES
            },
        )
        db.commit()
        flash(_("The agreed position has been saved."), "success")
        return redirect(url_for("region.dashboard", region=row.key, round=round_.key) + "#agreed")
    return _page(row, round_, form, 400 if request.method == "POST" else 200)


def _page(region: Region, round_: Round, form, status: int):  # type: ignore[no-untyped-def]
    k = int(current_app.config["MIN_GROUP_SIZE"])
    shown = scores.region_figures(get_session(), round_, region.id, k)  # type: ignore[arg-type]
    return render_template(
        "region/agreed_positions.html",
        region=region,
        round=round_,
        form=form,
        measured=measured_by_principle(shown),
        principle_field=principle_field,
        number=number,
    ), status
