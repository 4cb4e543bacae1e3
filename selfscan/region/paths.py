"""A region's path over the years: its closed rounds with the mean per principle, the agreed
positions and the sectors that answered; as a page with a chart and its table, and a download.
Coordinators of the region and the programme team (REGION policy)."""

from __future__ import annotations

from datetime import datetime

from flask import abort, render_template
from flask_babel import gettext as _
from markupsafe import Markup

from selfscan.core.charts import Series, line_key_svg, trend_svg
from selfscan.core.vocabulary import PRINCIPLE_KEYS
from selfscan.infra import pagecache
from selfscan.infra.db import get_session
from selfscan.infra.i18n import current_language
from selfscan.labels import principle_label
from selfscan.loaders import get_region
from selfscan.models import Region
from selfscan.models.types import utcnow
from selfscan.region.dashboard import min_group_size
from selfscan.region.views import bp
from selfscan.services import freshness
from selfscan.services.paths import PATH_COLUMNS, Path, path_rows, region_path
from selfscan.texts import DOWNLOADS, agreed_score, number, table_download


@bp.route("/pad")
def path(region: str):  # type: ignore[no-untyped-def]
    """The region's closed rounds, oldest first.

    The content is kept (infra/pagecache) while nothing it reads has changed
    (freshness.path_stamp): twenty rounds' table and chart."""
    row = get_region(region)
    db = get_session()
    k = min_group_size()
    now = utcnow()
    body = pagecache.kept_html(
        db,
        ("path", row.id, k, current_language()),
        freshness.path_stamp(db, row, now),
        lambda: _body(row, k, now),
    )
    return render_template("region/path.html", region=row, body=body)


def _body(row: Region, k: int, now: datetime) -> str:
    found = region_path(get_session(), row, k, now)
    return render_template(
        "region/_path_body.html",
        region=row,
        path=found,
        chart=path_chart(found),
        line_key=lambda index: Markup(line_key_svg(index)),  # noqa: S704  # nosec B704 (no text)
        principles=PRINCIPLE_KEYS,
        number=number,
        agreed_score=agreed_score,
    )


@bp.route("/pad.<fmt>")
def path_download(region: str, fmt: str):  # type: ignore[no-untyped-def]
    """The region's path as CSV (keys) or Excel (words)."""
    if fmt not in DOWNLOADS:
        abort(404)
    row = get_region(region)
    found = region_path(get_session(), row, min_group_size())
    return table_download(PATH_COLUMNS, path_rows([found]), f"pad-{row.key}", fmt, title=_("path"))


def path_chart(found: Path) -> Markup | None:
    """The means per principle over the rounds, drawn on the server; none without a round."""
    if not found.steps:
        return None
    series = found.series()
    svg = trend_svg(
        [step.round.title for step in found.steps],
        [Series(principle_label(p), series[p]) for p in PRINCIPLE_KEYS],
        title=_(
            "Line chart of %(region)s's mean score per principle over the rounds; the table "
            "below holds the same numbers.",
            region=found.region.name,
        ),
        axis_title=_("Mean score"),
        decimal=number(0.5)[1],
    )
    return Markup(svg)  # noqa: S704  # nosec B704 (escaped in the core)
