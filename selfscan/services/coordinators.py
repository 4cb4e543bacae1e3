"""Coordinator accounts, managed by the programme team: invite, assign regions, deactivate."""

from __future__ import annotations

from collections.abc import Iterable

from sqlmodel import Session, delete, select

from selfscan.models import CoordinatorRegion, Region, User
from selfscan.services.accounts import create_user, end_all_sessions


def invite_coordinator(
    session: Session, *, name: str, email: str, region_ids: Iterable[int]
) -> User:
    """A coordinator account without a password; the invitation mail lets them choose one."""
    keys = session.exec(select(Region.key).where(Region.id.in_(list(region_ids)))).all()  # type: ignore[union-attr]
    return create_user(session, email=email, name=name, password=None, region_keys=keys)


def set_regions(session: Session, user: User, region_ids: Iterable[int]) -> None:
    """Assign exactly these regions to a coordinator."""
    wanted = set(region_ids)
    known = set(session.exec(select(Region.id).where(Region.id.in_(wanted))))  # type: ignore[union-attr]
    session.exec(delete(CoordinatorRegion).where(CoordinatorRegion.user_id == user.id))  # type: ignore[call-overload]
    for region_id in sorted(known):
        session.add(CoordinatorRegion(user_id=user.id, region_id=region_id))  # type: ignore[arg-type]
    session.flush()


def deactivate(session: Session, user: User) -> None:
    """The account can no longer sign in, and its open sessions stop working at once."""
    user.is_active = False
    end_all_sessions(session, user)


def reactivate(session: Session, user: User) -> None:
    user.is_active = True
    session.flush()
