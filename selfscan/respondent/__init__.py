"""The respondent's journey through a personal invitation link."""

from selfscan.respondent.blueprint import bp

__all__ = ["bp"]
