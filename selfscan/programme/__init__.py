"""The programme team's pages."""

from selfscan.programme.views import bp

__all__ = ["bp"]
