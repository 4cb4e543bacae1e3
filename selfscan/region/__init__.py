"""The coordinator's pages for one region."""

from selfscan.region import agenda, invitations, organisations  # noqa: F401  (registers routes)
from selfscan.region import dashboard  # noqa: F401, E402  (registers routes)
from selfscan.region.views import bp

__all__ = ["bp"]
