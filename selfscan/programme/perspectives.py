"""Professionals beside parents and young people across all regions, for the programme team:
per principle each perspective's figures pooled from the regions' shown perspective groups
(rule 5 for perspectives, rule 6 across regions); a download per region."""

from __future__ import annotations

from flask import abort, current_app, render_template
from flask_babel import gettext as _

from selfscan.core.vocabulary import PERSPECTIVE_KEYS, PERSPECTIVES, PRINCIPLE_KEYS
from selfscan.infra.db import get_session
from selfscan.labels import label
from selfscan.loaders import get_round
from selfscan.programme.views import bp
from selfscan.services import exchange
from selfscan.services.scores import all_perspectives, regions_by_id
from selfscan.texts import DOWNLOADS, number, table_download

PERSPECTIVE_COLUMNS = (
    "round",
    "region",
    "perspective",
    "principle",
    "n",
    "mean",
    "sd",
    "min",
    "max",
)


def _k() -> int:
    return int(current_app.config["MIN_GROUP_SIZE"])


@bp.route("/overzicht/<round>/perspectieven")
def perspectives(round: str):  # type: ignore[no-untyped-def]
    """Per principle: professionals, parents and young people of all regions side by side."""
    round_ = get_round(round)
    regions, pooled = all_perspectives(get_session(), round_, _k())
    return render_template(
        "programme/perspectives.html",
        round=round_,
        released=round_.figures_released(),
        pooled=pooled,
        regions_counted={
            q: sum(q in groups for groups in regions.values()) for q in PERSPECTIVE_KEYS
        },
        perspectives=PERSPECTIVE_KEYS,
        principles=PRINCIPLE_KEYS,
        perspective_label=lambda key: label(PERSPECTIVES, key),
        number=number,
    )


@bp.route("/overzicht/<round>/perspectieven.<fmt>")
def perspectives_download(round: str, fmt: str):  # type: ignore[no-untyped-def]
    """Every region's shown perspective groups and all regions', as CSV (keys) or Excel."""
    if fmt not in DOWNLOADS:
        abort(404)
    round_ = get_round(round)
    regions, pooled = all_perspectives(get_session(), round_, _k())
    keys = {r.id: r.key for r in regions_by_id(get_session(), regions).values()}
    rows = exchange.score_rows(
        round_.key, {keys[r]: groups for r, groups in regions.items()}, pooled or None
    )
    return table_download(
        PERSPECTIVE_COLUMNS, rows, f"perspectieven-{round_.key}", fmt, title=_("perspectives")
    )
