"""Signed links in mails to accounts: a password reset, and a new coordinator's invitation.

A link carries the account id and a fingerprint of its password hash and session epoch, so it
stops working as soon as a password is set (single use) or the account's sessions are ended.
"""

from __future__ import annotations

import hashlib
from enum import StrEnum

from flask import current_app
from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlmodel import Session

from selfscan.models import User


class LinkPurpose(StrEnum):
    RESET = "password-reset"
    WELCOME = "account-invitation"


def _serializer(purpose: LinkPurpose) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key, salt=f"selfscan-{purpose.value}")  # type: ignore[arg-type]


def _fingerprint(user: User) -> str:
    state = f"{user.password_hash or ''}:{user.session_epoch}"
    return hashlib.sha256(state.encode("utf-8")).hexdigest()[:24]


def max_age_seconds(purpose: LinkPurpose) -> int:
    config = current_app.config
    if purpose is LinkPurpose.WELCOME:
        return int(config["ACCOUNT_INVITATION_DAYS"]) * 86400
    return int(config["PASSWORD_RESET_HOURS"]) * 3600


def make_token(user: User, purpose: LinkPurpose) -> str:
    return _serializer(purpose).dumps([user.id, _fingerprint(user)])


def account_for_token(session: Session, token: str) -> tuple[User, LinkPurpose] | None:
    """The active account a link was made for, while it is unused and not expired."""
    for purpose in LinkPurpose:
        try:
            user_id, fingerprint = _serializer(purpose).loads(
                token, max_age=max_age_seconds(purpose)
            )
        except (BadSignature, ValueError, TypeError):
            continue
        user = session.get(User, user_id) if isinstance(user_id, int) else None
        if user is not None and user.is_active and fingerprint == _fingerprint(user):
            return user, purpose
        return None
    return None
