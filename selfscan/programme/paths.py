"""Every region's path over the years, for the programme team: per region its closed rounds
with the mean per principle, the agreed positions and the sectors that answered; a download of
all of them."""

from __future__ import annotations

from flask import abort, current_app, render_template
from flask_babel import gettext as _

from selfscan.core.vocabulary import PRINCIPLE_KEYS
from selfscan.infra.db import get_session
from selfscan.programme.views import bp
from selfscan.services.paths import PATH_COLUMNS, all_paths, path_rows
from selfscan.texts import DOWNLOADS, agreed_score, number, table_download


def _k() -> int:
    return int(current_app.config["MIN_GROUP_SIZE"])


@bp.route("/paden")
def paths():  # type: ignore[no-untyped-def]
    """Every region's closed rounds: means per principle, agreed positions, sectors heard."""
    found = all_paths(get_session(), _k())
    return render_template(
        "programme/paths.html",
        paths=found,
        principles=PRINCIPLE_KEYS,
        number=number,
        agreed_score=agreed_score,
    )


@bp.route("/paden.<fmt>")
def paths_download(fmt: str):  # type: ignore[no-untyped-def]
    """All regions' paths as CSV (keys) or Excel (words)."""
    if fmt not in DOWNLOADS:
        abort(404)
    found = all_paths(get_session(), _k())
    return table_download(PATH_COLUMNS, path_rows(found), "paden", fmt, title=_("paths"))
