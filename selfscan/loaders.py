"""Loaders that turn URL parts into objects or answer 404, so views never repeat the checks.

Access to a region itself is checked by the policy (selfscan.access) before the view runs;
these loaders make sure the other parts of the URL belong to that region.
"""

from __future__ import annotations

from flask import abort
from sqlmodel import select

from selfscan.db import get_session
from selfscan.models import Region, Round, RoundRegion


def get_region(key: str) -> Region:
    region = get_session().exec(select(Region).where(Region.key == key)).first()
    if region is None:
        abort(404)
    return region


def get_round(key: str) -> Round:
    round_ = get_session().exec(select(Round).where(Round.key == key)).first()
    if round_ is None:
        abort(404)
    return round_


def get_region_round(region_key: str, round_key: str) -> tuple[Region, Round]:
    """A region and a round it takes part in; any other combination is a 404."""
    region, round_ = get_region(region_key), get_round(round_key)
    if get_session().get(RoundRegion, (round_.id, region.id)) is None:
        abort(404)
    return region, round_
