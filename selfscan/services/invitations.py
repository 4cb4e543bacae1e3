"""Invitation tokens: random, shown once, stored only as a hash."""

from __future__ import annotations

import hashlib
import secrets

TOKEN_BYTES = 24  # 192 bits


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def hash_token(token: str) -> str:
    # A fast hash is enough: the token has 192 random bits, so it cannot be guessed offline.
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def invitation_path(token: str) -> str:
    """The path of a personal link; the respondent blueprint serves it."""
    return f"/i/{token}"
