"""The programme team's pages."""

from selfscan.programme import (  # noqa: F401  (registers routes)
    annual,
    coordinators,
    imports,
    network,
    overview,
    paths,
    perspectives,
    privacy,
    questionnaire_admin,
    region_admin,
    reports,
    research,
    rounds,
    spearheads,
)
from selfscan.programme.views import bp

__all__ = ["bp"]
