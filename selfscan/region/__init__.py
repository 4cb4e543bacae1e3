"""The coordinator's pages for one region."""

from selfscan.region.views import bp

__all__ = ["bp"]
