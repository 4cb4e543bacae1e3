"""The programme's spearheads and conditions across regions, for the programme team: per tag of
the round's questionnaire a principle-like score over its statements, for all regions and the
spread of the regions' means; a download per region. Same rules as principles (services.tags)."""

from __future__ import annotations

from dataclasses import dataclass

from flask import abort, current_app, render_template
from flask_babel import gettext as _

from selfscan.core.scoring import ALL, PROGRAMME, Figures
from selfscan.core.vocabulary import TAG_KEYS, TAGS
from selfscan.infra.db import get_session
from selfscan.labels import label
from selfscan.loaders import get_round
from selfscan.models import QuestionnaireVersion, Round
from selfscan.programme.views import bp
from selfscan.questionnaire_registry import questionnaire_for
from selfscan.services import exchange
from selfscan.services.scores import RoundFigures, regions_by_id
from selfscan.services.tags import round_tag_figures
from selfscan.texts import DOWNLOADS, number, table_download

TAG_COLUMNS = ("round", "region", "sector", "tag", "n", "mean", "sd", "min", "max")


@dataclass(frozen=True)
class TagLine:
    """One spearhead or condition in a round: all regions' figures and the regions' spread."""

    tag: str
    statements: int
    pooled: Figures | None
    regions_shown: int
    lowest: float | None
    highest: float | None


def _figures(round_: Round) -> tuple[RoundFigures, dict[str, int]]:
    db = get_session()
    version = db.get(QuestionnaireVersion, round_.questionnaire_version_id)
    questionnaire = questionnaire_for(version)  # type: ignore[arg-type]
    tags = {item.key: item.tags for item in questionnaire.items}
    counts = {tag: sum(tag in found for found in tags.values()) for tag in TAG_KEYS}
    k = int(current_app.config["MIN_GROUP_SIZE"])
    return round_tag_figures(db, round_, tags, k, viewer=PROGRAMME), counts


def tag_lines(figures: RoundFigures, counts: dict[str, int]) -> list[TagLine]:
    lines = []
    for tag in TAG_KEYS:
        if not counts[tag]:
            continue
        means = [
            mean
            for groups in figures.regions.values()
            if ALL in groups and (mean := groups[ALL].figures(tag).mean) is not None
        ]
        pooled = figures.pooled.get(ALL)
        lines.append(
            TagLine(
                tag=tag,
                statements=counts[tag],
                pooled=pooled.figures(tag) if pooled and tag in pooled.stats else None,
                regions_shown=len(means),
                lowest=min(means) if means else None,
                highest=max(means) if means else None,
            )
        )
    return lines


@bp.route("/overzicht/<round>/speerpunten")
def spearheads(round: str):  # type: ignore[no-untyped-def]
    """Per spearhead and condition: all regions' mean and the spread of the regions' means."""
    round_ = get_round(round)
    figures, counts = _figures(round_)
    return render_template(
        "programme/spearheads.html",
        round=round_,
        released=round_.figures_released(),
        lines=tag_lines(figures, counts),
        tag_label=lambda key: label(TAGS, key),
        number=number,
    )


@bp.route("/overzicht/<round>/speerpunten.<fmt>")
def spearheads_download(round: str, fmt: str):  # type: ignore[no-untyped-def]
    """Every shown region group's and all regions' tag figures, as CSV (keys) or Excel."""
    if fmt not in DOWNLOADS:
        abort(404)
    round_ = get_round(round)
    figures, counts = _figures(round_)
    keys = {r.id: r.key for r in regions_by_id(get_session(), figures.regions).values()}
    regions = {keys[region_id]: groups for region_id, groups in figures.regions.items()}
    used = [tag for tag in TAG_KEYS if counts[tag]]
    rows = exchange.score_rows(round_.key, regions, figures.pooled or None, principles=used)
    return table_download(
        TAG_COLUMNS, rows, f"speerpunten-{round_.key}", fmt, title=_("spearheads")
    )
