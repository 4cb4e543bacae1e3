"""Pages every signed-in person shares: the start page, the language switch, the health check."""

from selfscan.main.views import bp

__all__ = ["bp"]
