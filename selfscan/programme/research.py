"""The statement-level export for the programme's researchers (programme team only): per region,
group and statement of a closed round its n, mean, sd, min and max, each statement figure under
rules 5 and 5b exactly as principle figures (a group's figure on a statement only where its n
reaches k, with the same secondary suppression); nothing before the round closes (rule 8)."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, url_for
from flask_babel import format_datetime
from flask_babel import gettext as _

from selfscan.core.scoring import shown_groups
from selfscan.infra.db import get_session
from selfscan.loaders import get_round
from selfscan.programme.views import bp
from selfscan.services import exchange
from selfscan.services.scores import region_ids_in_round, regions_by_id, statement_figures
from selfscan.texts import DOWNLOADS, table_download

STATEMENT_COLUMNS = ("round", "region", "sector", "statement", "n", "mean", "sd", "min", "max")


@bp.route("/overzicht/<round>/stellingen.<fmt>")
def statements_download(round: str, fmt: str):  # type: ignore[no-untyped-def]
    """Every region's shown statement figures of a closed round, as CSV (keys) or Excel."""
    if fmt not in DOWNLOADS:
        abort(404)
    round_ = get_round(round)
    if not round_.figures_released():
        flash(
            _(
                "The figures of this round are released when it closes on %(moment)s.",
                moment=format_datetime(round_.closes_at, "d MMMM y, HH:mm"),
            ),
            "info",
        )
        return redirect(url_for("programme.overview_page", round=round_.key))
    db = get_session()
    k = int(current_app.config["MIN_GROUP_SIZE"])
    regions = regions_by_id(db, region_ids_in_round(db, round_))
    rows = []
    for region_id, region in sorted(regions.items(), key=lambda found: found[1].key):
        found = statement_figures(db, round_, region_id)
        shown = shown_groups(found.sectors, k)
        keys = [item.key for item in found.items]
        rows += exchange.score_rows(round_.key, {region.key: shown}, None, principles=keys)
    return table_download(
        STATEMENT_COLUMNS, rows, f"stellingen-{round_.key}", fmt, title=_("statements")
    )
