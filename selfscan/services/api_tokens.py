"""Personal API tokens: made, listed and revoked by their owner, and found by their hash.

A token is 256 random bits behind a fixed prefix (`sst_`), shown once when it is made. The
database keeps its SHA-256 hash (a secret this long needs no slow hash: nobody can try 2^256
values) and its first characters, so that a copy of the database gives no working token.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy import Engine, or_, update
from sqlmodel import Session, col, select

from selfscan.models import ApiToken, User
from selfscan.models.types import utcnow

# A marker that tells the app's tokens apart (and lets secret scanners find them), not a secret.
TOKEN_PREFIX = "sst_"  # noqa: S105  # nosec B105
SHOWN_PREFIX_LENGTH = len(TOKEN_PREFIX) + 6  # "sst_" and six characters of the secret
NAME_MAX_LENGTH = 80
# The last use is noted at most this often: one small write a minute, not one a request.
LAST_USED_PRECISION = timedelta(minutes=1)


class TokenError(ValueError):
    """A request about tokens that cannot be carried out; the message says why."""


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def create(session: Session, user: User, name: str) -> tuple[ApiToken, str]:
    """A new token of `user`: the stored row and the token itself (shown once, never kept)."""
    name = name.strip()
    if not name or len(name) > NAME_MAX_LENGTH:
        raise TokenError(f"a token's name has 1 to {NAME_MAX_LENGTH} characters")
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)  # 32 bytes: 256 bits
    row = ApiToken(
        user_id=user.id,  # type: ignore[arg-type]
        name=name,
        prefix=token[:SHOWN_PREFIX_LENGTH],
        token_hash=token_hash(token),
    )
    session.add(row)
    session.flush()
    return row, token


def of_user(session: Session, user: User) -> list[ApiToken]:
    """The person's tokens, working ones first, newest first."""
    rows = session.exec(
        select(ApiToken)
        .where(ApiToken.user_id == user.id)
        .order_by(col(ApiToken.created_at).desc(), col(ApiToken.id).desc())
    ).all()
    return sorted(rows, key=lambda t: t.revoked_at is not None)


def token_of_user(session: Session, user: User, token_id: int) -> ApiToken | None:
    """One of the person's own tokens; another person's is None."""
    row = session.get(ApiToken, token_id)
    return row if row is not None and row.user_id == user.id else None


def revoke(session: Session, token: ApiToken) -> None:
    """The token stops working at once; it stays listed with the moment it was revoked."""
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        session.flush()


def find_user(session: Session, token: str) -> tuple[ApiToken, User] | None:
    """The working token and its active account for a token as sent, or None: unknown,
    revoked, or of an account that was deactivated."""
    if not token.startswith(TOKEN_PREFIX) or len(token) > 200:
        return None
    row = session.exec(
        select(ApiToken, User)
        .join(User, col(User.id) == ApiToken.user_id)
        .where(ApiToken.token_hash == token_hash(token))
    ).first()
    if row is None:
        return None
    found, user = row
    if found.revoked_at is not None or not user.is_active:
        return None
    return found, user


def note_use(engine: Engine, token: ApiToken, now: datetime | None = None) -> None:
    """Note the moment of use, at most once per LAST_USED_PRECISION, on its own short
    transaction (`engine`), as the rate-limit counters are: an API request itself only reads."""
    now = now or utcnow()
    last = token.last_used_at
    if last is not None and now - last < LAST_USED_PRECISION:
        return
    table = ApiToken.__table__  # type: ignore[attr-defined]
    statement = (
        update(table)
        .where(
            table.c.id == token.id,
            or_(table.c.last_used_at.is_(None), table.c.last_used_at < now - LAST_USED_PRECISION),
        )
        .values(last_used_at=now)
    )
    with engine.begin() as connection:
        connection.execute(statement)
