"""The programme team's overview, its counts in SQL (the pure layer is selfscan.core.overview,
the views selfscan.programme.overview): one query per table for all regions of a round, never
one per region. The figures themselves come from selfscan.services.scores."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import bindparam, func
from sqlmodel import Session, col, select

from selfscan.core.overview import RegionRef, RoundRef
from selfscan.models import (
    Action,
    Organisation,
    Reflection,
    Region,
    Round,
    RoundRegion,
)
from selfscan.models.types import utcnow

Counts = dict[int, dict[str, int]]  # region id -> key -> count


def opened_rounds(session: Session, now: datetime | None = None) -> list[Round]:
    """The rounds that have opened, oldest first: the only ones that can hold responses."""
    return list(session.exec(_OPENED_ROUNDS, params={"now": now or utcnow()}))


_OPENED_ROUNDS = (
    select(Round)
    .where(col(Round.opens_at) <= bindparam("now"))
    .order_by(col(Round.opens_at), col(Round.id))
)


def round_ref(round_: Round) -> RoundRef:
    return RoundRef(round_.id, round_.key, round_.title)  # type: ignore[arg-type]


def round_regions(session: Session, round_: Round) -> list[RegionRef]:
    """The regions taking part in the round, by name."""
    rows = session.exec(
        select(Region.id, Region.key, Region.name)
        .join(RoundRegion, RoundRegion.region_id == Region.id)
        .where(RoundRegion.round_id == round_.id)
        .order_by(Region.name)
    ).all()
    return [RegionRef(*row) for row in rows]


def counts_by_region(rows: Iterable[tuple[int, str, int]]) -> Counts:
    """(region id, key, count) rows as region id -> key -> count."""
    found: Counts = defaultdict(dict)
    for region_id, key, count in rows:
        found[region_id][key] = int(count)
    return dict(found)


def partner_sectors(session: Session, round_: Round) -> dict[int, list[str]]:
    """The sectors of each participating region's partner organisations."""
    rows = session.exec(
        select(Organisation.region_id, Organisation.sector)
        .join(RoundRegion, RoundRegion.region_id == Organisation.region_id)
        .where(RoundRegion.round_id == round_.id)
        .distinct()
    ).all()
    found: dict[int, list[str]] = defaultdict(list)
    for region_id, sector in rows:
        found[region_id].append(sector)
    return dict(found)


def action_counts(session: Session, round_: Round) -> Counts:
    """The actions on the round's learning agendas, per region and status."""
    return counts_by_region(
        session.exec(
            select(Action.region_id, Action.status, func.count())
            .where(Action.round_id == round_.id)
            .group_by(Action.region_id, Action.status)
        ).all()
    )


def focus_principles(session: Session, round_: Round) -> dict[int, list[str]]:
    """The focus principles each region chose for the round."""
    rows = session.exec(
        select(Reflection.region_id, Reflection.principle).where(
            Reflection.round_id == round_.id, Reflection.is_focus
        )
    ).all()
    found: dict[int, list[str]] = defaultdict(list)
    for region_id, principle in rows:
        found[region_id].append(principle)
    return dict(found)
