"""What a region's dashboard recalls of its previous round's learning agenda: the actions with
their status, and how exactly that round's focus principles changed since (rule 7)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from sqlmodel import Session, select

from selfscan.core.scoring import ALL, Group, change
from selfscan.core.vocabulary import PRINCIPLE_KEYS
from selfscan.models import Action, Region, Round, RoundRegion
from selfscan.services import agenda, scores


@dataclass(frozen=True)
class FocusChange:
    principle: str
    before: float | None  # the mean in the previous round, where it was shown
    now: float | None  # the mean in this round, where it is shown
    change: float | None  # only where both are shown


@dataclass(frozen=True)
class PreviousAgenda:
    round: Round
    actions: list[Action]
    focus: list[FocusChange]


def previous_round(session: Session, region: Region, round_: Round) -> Round | None:
    """The latest round before this one that the region took part in."""
    return session.exec(
        select(Round)
        .join(RoundRegion, RoundRegion.round_id == Round.id)
        .where(RoundRegion.region_id == region.id, Round.opens_at < round_.opens_at)
        .order_by(Round.opens_at.desc())  # type: ignore[attr-defined]
        .limit(1)
    ).first()


def previous_agenda(
    session: Session, region: Region, round_: Round, shown: Mapping[str, Group], k: int
) -> PreviousAgenda | None:
    """The previous round's actions and its focus principles' change up to this round, whose
    shown groups are `shown`; none when the region has no earlier round."""
    previous = previous_round(session, region, round_)
    if previous is None:
        return None
    reflections = agenda.reflections(session, region=region, round_=previous)
    focus = [p for p in PRINCIPLE_KEYS if p in reflections and reflections[p].is_focus]
    before = after = None
    if focus:
        before = scores.region_figures(session, previous, region.id, k).get(ALL)  # type: ignore[arg-type]
        after = shown.get(ALL)
    changes = []
    for principle in focus:
        old = before.figures(principle) if before else None
        new = after.figures(principle) if after else None
        changes.append(
            FocusChange(
                principle,
                old.mean if old else None,
                new.mean if new else None,
                change(old, new),
            )
        )
    return PreviousAgenda(
        previous, agenda.actions(session, region=region, round_=previous), changes
    )
