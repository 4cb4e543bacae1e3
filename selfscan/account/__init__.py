"""Signing in and out."""

from selfscan.account.views import bp

__all__ = ["bp"]
