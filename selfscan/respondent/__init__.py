"""The respondent's journey through a personal invitation link."""

from selfscan.respondent.views import bp

__all__ = ["bp"]
