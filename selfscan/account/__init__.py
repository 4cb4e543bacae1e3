"""Signing in and out, and the account's personal API tokens."""

from selfscan.account import tokens  # noqa: F401  (registers its routes on bp)
from selfscan.account.views import bp

__all__ = ["bp"]
