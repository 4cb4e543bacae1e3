"""The coordinator's pages for one region."""

from selfscan.region import (  # noqa: F401  (registers routes)
    agenda,
    ambitions,
    conversation,
    dashboard,
    invitations,
    network,
    organisations,
    paths,
    report,
    topics,
)
from selfscan.region.views import bp

__all__ = ["bp"]
