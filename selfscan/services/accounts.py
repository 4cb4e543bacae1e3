"""Accounts: creating them, signing in, ending sessions."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import String, bindparam, cast, func
from sqlmodel import Session, col, select

from selfscan.infra.passwords import MIN_LENGTH, hash_password, needs_rehash, verify_password
from selfscan.models import CoordinatorRegion, Region, User
from selfscan.models.types import utcnow


class AccountError(ValueError):
    """A request about accounts that cannot be carried out; the message says why."""


def normalise_email(email: str) -> str:
    return email.strip().lower()


def find_by_email(session: Session, email: str) -> User | None:
    return session.exec(select(User).where(User.email == normalise_email(email))).first()


def create_user(
    session: Session,
    *,
    email: str,
    name: str,
    password: str | None,
    is_programme: bool = False,
    region_keys: Iterable[str] = (),
) -> User:
    """Create an account; a coordinator is assigned to the regions named by key."""
    email = normalise_email(email)
    if find_by_email(session, email) is not None:
        raise AccountError(f"an account with e-mail {email} already exists")
    if password is not None and len(password) < MIN_LENGTH:
        raise AccountError(f"the password must be at least {MIN_LENGTH} characters long")
    regions = _regions_by_key(session, region_keys)
    user = User(
        email=email,
        name=name.strip(),
        password_hash=hash_password(password) if password is not None else None,
        is_programme=is_programme,
    )
    session.add(user)
    session.flush()
    for region in regions:
        session.add(CoordinatorRegion(user_id=user.id, region_id=region.id))  # type: ignore[arg-type]
    session.flush()
    return user


def _regions_by_key(session: Session, keys: Iterable[str]) -> list[Region]:
    keys = list(dict.fromkeys(keys))
    regions = list(session.exec(select(Region).where(Region.key.in_(keys))))  # type: ignore[attr-defined]
    missing = sorted(set(keys) - {r.key for r in regions})
    if missing:
        raise AccountError(f"unknown region: {', '.join(missing)}")
    return regions


def authenticate(session: Session, email: str, password: str) -> User | None:
    """The active account with this e-mail and password, or None; upgrades an old hash."""
    user = find_by_email(session, email)
    if not verify_password(user.password_hash if user else None, password):
        return None
    if user is None or not user.is_active:
        return None
    if needs_rehash(user.password_hash):  # type: ignore[arg-type]
        user.password_hash = hash_password(password)
    user.last_login_at = utcnow()
    session.flush()
    return user


def end_all_sessions(session: Session, user: User) -> None:
    """Every session cookie of this account stops working at once."""
    user.session_epoch += 1
    session.flush()


@dataclass(frozen=True)
class SessionUser:
    """The account behind a session cookie, with what every signed-in page reads beside it."""

    user: User
    region_keys: frozenset[str]  # the regions it coordinates
    visible: frozenset[int]  # the ids of those and of the regions that share by name (rule 6)


def load_session_user(session: Session, cookie_id: str) -> SessionUser | None:
    """The account behind a session cookie, if the cookie is still valid, with the regions it
    coordinates and those whose figures it may see by name: one statement, as every signed-in
    page needs the first and every results page of a coordinator the second."""
    user_id, _, epoch = cookie_id.partition(".")
    if not (user_id.isdigit() and epoch.isdigit()):
        return None
    rows = session.exec(_SESSION_USER, params={"id": int(user_id)}).all()  # type: ignore[call-overload]
    if not rows:
        return None
    user = rows[0][0]
    if not user.is_active or user.session_epoch != int(epoch):
        return None
    own = frozenset(region_id for _, _, region_id, _ in rows if region_id is not None)
    named = frozenset(int(region_id) for region_id in (rows[0][3] or "").split(",") if region_id)
    return SessionUser(
        user, frozenset(key for _, key, _, _ in rows if key is not None), own | named
    )


# The regions that share by name, as one string of ids (a subquery of its own: not correlated
# with the coordinated regions beside it).
_SHARING = Region.__table__.alias("sharing")  # type: ignore[attr-defined]
_NAMED = (
    select(func.aggregate_strings(cast(_SHARING.c.id, String), ","))
    .where(_SHARING.c.sharing == "named")
    .scalar_subquery()
)

_SESSION_USER = (
    select(User, Region.key, Region.id, _NAMED)
    .outerjoin(CoordinatorRegion, col(CoordinatorRegion.user_id) == User.id)
    .outerjoin(Region, col(Region.id) == CoordinatorRegion.region_id)
    .where(col(User.id) == bindparam("id"))
)


def set_password(session: Session, user: User, password: str) -> None:
    """Choose a new password; every session of the account (and every reset link) ends."""
    if len(password) < MIN_LENGTH:
        raise AccountError(f"the password must be at least {MIN_LENGTH} characters long")
    user.password_hash = hash_password(password)
    end_all_sessions(session, user)
