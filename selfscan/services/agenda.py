"""A region's learning agenda for a round: reflections, focus principles and actions."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from sqlmodel import Session, select

from selfscan.core.vocabulary import ACTION_STATUS_KEYS, PRINCIPLE_KEYS
from selfscan.models import Action, Reflection, Region, ResultAgreement, Round
from selfscan.models.agenda import REFLECTION_MAX_LENGTH
from selfscan.models.types import utcnow

MIN_FOCUS, MAX_FOCUS = 1, 3


class AgendaError(ValueError):
    """A change to a learning agenda that cannot be made; the message says why."""


@dataclass(frozen=True)
class ReflectionInput:
    text: str
    is_focus: bool


def reflections(session: Session, *, region: Region, round_: Round) -> dict[str, Reflection]:
    """The region's reflections for a round, by principle."""
    rows = session.exec(
        select(Reflection).where(
            Reflection.round_id == round_.id, Reflection.region_id == region.id
        )
    )
    return {r.principle: r for r in rows}


def save_reflections(
    session: Session, *, region: Region, round_: Round, entries: Mapping[str, ReflectionInput]
) -> None:
    """Store a reflection per principle and the 1-3 focus principles; empty ones are removed."""
    if set(entries) - set(PRINCIPLE_KEYS):
        raise AgendaError("unknown principle")
    focus = sum(1 for e in entries.values() if e.is_focus)
    if not MIN_FOCUS <= focus <= MAX_FOCUS:
        raise AgendaError(f"choose {MIN_FOCUS} to {MAX_FOCUS} focus principles")
    existing = reflections(session, region=region, round_=round_)
    for principle, entry in entries.items():
        text = entry.text.strip()
        if len(text) > REFLECTION_MAX_LENGTH:
            raise AgendaError(f"a reflection has at most {REFLECTION_MAX_LENGTH} characters")
        row = existing.get(principle)
        if not text and not entry.is_focus:
            if row is not None:
                session.delete(row)
            continue
        if row is None:
            row = Reflection(round_id=round_.id, region_id=region.id, principle=principle, text="")  # type: ignore[arg-type]
            session.add(row)
        row.text, row.is_focus, row.updated_at = text, entry.is_focus, utcnow()
    session.flush()


def actions(session: Session, *, region: Region, round_: Round) -> list[Action]:
    """The region's actions for a round, in principle order, oldest first."""
    rows = session.exec(
        select(Action)
        .where(Action.round_id == round_.id, Action.region_id == region.id)
        .order_by(Action.created_at, Action.id)
    ).all()
    return sorted(rows, key=lambda a: PRINCIPLE_KEYS.index(a.principle))


def _check(principle: str, title: str, status: str) -> None:
    if principle not in PRINCIPLE_KEYS:
        raise AgendaError(f"unknown principle {principle!r}")
    if status not in ACTION_STATUS_KEYS:
        raise AgendaError(f"unknown status {status!r}")
    if not title.strip():
        raise AgendaError("an action needs a description")


def _check_agreement(session: Session, region_id: int, agreement_id: int | None) -> None:
    """An action serves only a result agreement of its own region."""
    if agreement_id is None:
        return
    agreement = session.get(ResultAgreement, agreement_id)
    if agreement is None or agreement.region_id != region_id:
        raise AgendaError("unknown result agreement")


def add_action(
    session: Session,
    *,
    region: Region,
    round_: Round,
    principle: str,
    title: str,
    owner: str = "",
    due_date: date | None = None,
    status: str = "open",
    agreement_id: int | None = None,
) -> Action:
    """Record an action the region agreed on, serving one of its result agreements or none."""
    _check(principle, title, status)
    _check_agreement(session, region.id, agreement_id)  # type: ignore[arg-type]
    action = Action(
        round_id=round_.id,  # type: ignore[arg-type]
        region_id=region.id,  # type: ignore[arg-type]
        principle=principle,
        title=title.strip(),
        owner=owner.strip(),
        due_date=due_date,
        status=status,
        agreement_id=agreement_id,
    )
    session.add(action)
    session.flush()
    return action


def update_action(
    session: Session,
    action: Action,
    *,
    principle: str,
    title: str,
    owner: str,
    due_date: date | None,
    status: str,
    agreement_id: int | None = None,
) -> None:
    """Change an action, for example its status at the next round."""
    _check(principle, title, status)
    _check_agreement(session, action.region_id, agreement_id)
    action.principle, action.title, action.owner = principle, title.strip(), owner.strip()
    action.due_date, action.status, action.updated_at = due_date, status, utcnow()
    action.agreement_id = agreement_id
    session.flush()


def delete_action(session: Session, action: Action) -> None:
    session.delete(action)
    session.flush()
