"""The programme team's pages."""

from selfscan.programme import coordinators, region_admin, rounds  # noqa: F401  (registers routes)
from selfscan.programme.views import bp

__all__ = ["bp"]
