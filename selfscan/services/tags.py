"""Spearheads and conditions (the questionnaire's tags) across regions: per tag a principle-like
score over its statements (rules 2 and 3), under the same rules as principles: shown groups per
region (5, 5b), all regions pooled from them only (6), nothing before the round closes (8)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from sqlmodel import Session

from selfscan.core.scoring import Viewer, all_regions, for_viewer, shown_groups
from selfscan.models import Round
from selfscan.services.scores import NOTHING, RoundFigures, tag_groups


def round_tag_figures(
    session: Session,
    round_: Round,
    tags: Mapping[str, Sequence[str]],
    k: int,
    *,
    viewer: Viewer,
    now: datetime | None = None,
) -> RoundFigures:
    """What `viewer` may see of the round's tag scores (`tags`: item key -> its tags), with
    the tags in the place of principles."""
    if not round_.figures_released(now):
        return NOTHING
    shown = {r: shown_groups(g, k) for r, g in tag_groups(session, round_, tags).items()}
    regions, pooled = for_viewer(
        {r: s for r, s in shown.items() if s}, all_regions(shown, k), viewer
    )
    return RoundFigures(regions, pooled)
