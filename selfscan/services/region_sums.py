"""Keeping a released round's sums in the database (the table `region_sums`).

Summing up a round's answers costs about a second of a database's time at 400 regions; the
overview's trend and a region's path read every released round, so after a restart (nothing
kept in the worker's memory yet) the first such page would sum up ten years of answers. The
sums per region and sector are therefore kept in the database once a round's figures are
released: by `selfscan worker` as it waits for work, by an import into the round, and by
`selfscan figures store`. selfscan.services.scores uses them only where the region's submitted
responses still look as they did when the sums were made, and sums up the answers otherwise, so
kept sums that are missing or out of date make pages slower, never wrong.

The table holds nothing the answers table does not: sums of the same answers, before rules 5-8
decide what is shown (they are applied to these sums as to sums from the answers). Beside them,
per round and minimum group size, `round_pooled` keeps what rules 5, 5b and 6 made of them for
the programme team (all regions' groups, and each region's shown groups), read back only while
the round's responses and the code of those rules (scoring.SHOWN_RULES) stay the same.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete
from sqlmodel import Session, col, select

from selfscan.core.scoring import SHOWN_RULES, all_regions
from selfscan.models import RegionSums, Round, RoundPooled
from selfscan.models.types import utcnow
from selfscan.services import scores


@dataclass(frozen=True)
class Stored:
    """What keeping one round's sums did."""

    round_key: str
    written: int  # regions whose sums were (re)written
    removed: int  # regions without submitted responses any more
    skipped: int  # regions whose responses changed while their sums were made: next time


def store_round(
    session: Session, round_: Round, *, k: int | None = None, now: datetime | None = None
) -> Stored:
    """Keep the sums of every region of a released round whose kept sums are missing or out of
    date, and with `k` the round's all-regions groups for that minimum group size; nothing for
    a round whose figures are not released (rule 8). Flushes; the caller commits."""
    if not round_.figures_released(now):
        return Stored(round_.key, 0, 0, 0)
    stored = _store_sums(session, round_)
    if k is not None:
        _store_pooled(session, round_, k)
    return stored


def _store_pooled(session: Session, round_: Round, k: int) -> None:
    """The round's figures for `k` as the programme team sees them: the all-regions groups (the
    overview's trend) and every region's shown groups (any page's first view of the round in a
    worker), made from the sums just kept, under the stamp of all the round's submitted
    responses and the fingerprint of the rules; not kept if the responses changed while they
    were made."""
    before = scores.round_stamp(session, round_)
    kept = session.get(RoundPooled, (round_.id, k))
    if (
        kept is not None
        and (kept.responses, kept.id_sum, kept.latest) == before
        and kept.rules == SHOWN_RULES
        and kept.regions is not None
    ):
        return
    shown = {
        r: groups for r, groups in scores.shown_by_region(session, round_, k).items() if groups
    }
    pooled = all_regions(shown, k)
    if scores.round_stamp(session, round_) != before:
        return
    if kept is None:
        kept = RoundPooled(round_id=round_.id, k=k)  # type: ignore[arg-type,call-arg]
    kept.responses, kept.id_sum, kept.latest = before
    kept.groups = scores.encode_groups(pooled.groups)
    kept.regions = scores.encode_regions(shown)
    kept.rules = SHOWN_RULES
    kept.stored_at = utcnow()
    session.add(kept)
    session.flush()


def _store_sums(session: Session, round_: Round) -> Stored:
    before = scores.region_stamps(session, round_)
    kept = {
        region_id: (n, ids, latest)
        for region_id, n, ids, latest in session.exec(
            select(
                RegionSums.region_id, RegionSums.responses, RegionSums.id_sum, RegionSums.latest
            ).where(RegionSums.round_id == round_.id)
        )
    }
    gone = [r for r in kept if r not in before]
    stale = [r for r, stamp in before.items() if kept.get(r) != stamp]
    if gone:
        session.execute(
            delete(RegionSums).where(
                col(RegionSums.round_id) == round_.id, col(RegionSums.region_id).in_(gone)
            )
        )
    if not stale:
        session.flush()
        return Stored(round_.key, 0, len(gone), 0)
    sums = scores.sector_groups(session, round_, None if len(stale) == len(before) else stale)
    # A response submitted (or imported) while the sums were made would be in one and not in
    # the other: only regions whose stamp stayed the same are kept.
    after = scores.region_stamps(session, round_, stale)
    steady = [r for r in stale if after.get(r) == before[r]]
    session.execute(
        delete(RegionSums).where(
            col(RegionSums.round_id) == round_.id, col(RegionSums.region_id).in_(stale)
        )
    )
    moment = utcnow()
    for region_id in steady:
        n, ids, latest = before[region_id]
        session.add(
            RegionSums(
                round_id=round_.id,  # type: ignore[arg-type]
                region_id=region_id,
                responses=n,
                id_sum=ids or 0,
                latest=latest,
                groups=scores.encode_groups(sums.get(region_id, {})),
                stored_at=moment,
            )
        )
    session.flush()
    return Stored(round_.key, len(steady), len(gone), len(stale) - len(steady))


def released_rounds(session: Session, *, now: datetime | None = None) -> Sequence[Round]:
    now = now or utcnow()
    return [
        r
        for r in session.exec(select(Round).order_by(Round.opens_at, Round.id))
        if r.figures_released(now)
    ]


def store_released(
    session: Session, *, k: int | None = None, now: datetime | None = None
) -> list[Stored]:
    """`store_round` for every released round; the caller commits."""
    return [store_round(session, r, k=k, now=now) for r in released_rounds(session, now=now)]
