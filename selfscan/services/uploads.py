"""Uploaded files kept between their preview and the confirmation: a random token, kept in the
uploader's session, finds the file again; the database holds only the token's hash, so neither
a form field nor the database alone can point a confirmation at someone else's file."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from sqlmodel import Session, col, delete, select

from selfscan.models import PendingUpload, Round
from selfscan.models.types import utcnow

KEPT_FOR = timedelta(days=1)


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def purge_expired(session: Session, *, now: datetime | None = None) -> int:
    """Delete the files kept longer than a day (previews never confirmed; they hold people's
    answers); returns how many."""
    removed = session.execute(
        delete(PendingUpload)
        .where(col(PendingUpload.created_at) < (now or utcnow()) - KEPT_FOR)
        .execution_options(synchronize_session=False)
    ).rowcount  # type: ignore[attr-defined]
    session.flush()
    return int(removed or 0)


def keep(session: Session, *, account_id: int, round_: Round, filename: str, content: str) -> str:
    """Keep a previewed file for its confirmation; replaces the account's earlier one and
    drops any kept longer than a day. Returns the token for the session."""
    session.exec(delete(PendingUpload).where(col(PendingUpload.account_id) == account_id))
    purge_expired(session)
    token = secrets.token_urlsafe(32)
    session.add(
        PendingUpload(
            token_hash=_hash(token),
            account_id=account_id,
            round_id=round_.id,  # type: ignore[arg-type]
            filename=filename[:200],
            content=content,
        )
    )
    session.flush()
    return token


def find(session: Session, token: object, account_id: int) -> PendingUpload | None:
    """The kept file of this token, if this account kept it less than a day ago."""
    if not isinstance(token, str) or not token or len(token) > 100:
        return None
    upload = session.exec(
        select(PendingUpload).where(PendingUpload.token_hash == _hash(token))
    ).first()
    if upload is None or upload.account_id != account_id:
        return None
    if upload.created_at < utcnow() - KEPT_FOR:
        return None
    return upload


def discard(session: Session, upload: PendingUpload) -> None:
    session.delete(upload)
    session.flush()
