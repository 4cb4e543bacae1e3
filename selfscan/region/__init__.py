"""The coordinator's pages for one region."""

from selfscan.region import agenda, invitations, organisations  # noqa: F401  (registers routes)
from selfscan.region.views import bp

__all__ = ["bp"]
