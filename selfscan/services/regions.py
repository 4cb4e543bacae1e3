"""Regions and their partner organisations."""

from __future__ import annotations

import re

from sqlmodel import Session, select

from selfscan.core.vocabulary import SECTOR_KEYS, SHARING_KEYS
from selfscan.models import Organisation, Region

KEY_RE = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


class RegionError(ValueError):
    """A change to regions or organisations that cannot be made; the message says why."""


def check_key(key: str, what: str) -> str:
    if not (2 <= len(key) <= 40) or not KEY_RE.match(key):
        raise RegionError(
            f"{what} key {key!r} must be 2-40 lowercase letters, digits and single hyphens"
        )
    return key


def add_region(session: Session, *, key: str, name: str, sharing: str = "private") -> Region:
    check_key(key, "region")
    if sharing not in SHARING_KEYS:
        raise RegionError(f"sharing must be one of: {', '.join(SHARING_KEYS)}")
    if session.exec(select(Region).where((Region.key == key) | (Region.name == name))).first():
        raise RegionError(f"a region with key {key!r} or name {name!r} already exists")
    region = Region(key=key, name=name.strip(), sharing=sharing)
    session.add(region)
    session.flush()
    return region


def region_by_key(session: Session, key: str) -> Region:
    region = session.exec(select(Region).where(Region.key == key)).first()
    if region is None:
        raise RegionError(f"unknown region {key!r}")
    return region


def add_organisation(session: Session, *, region: Region, name: str, sector: str) -> Organisation:
    name = name.strip()
    if not name:
        raise RegionError("an organisation needs a name")
    if sector not in SECTOR_KEYS:
        raise RegionError(f"unknown sector {sector!r}; use one of: {', '.join(SECTOR_KEYS)}")
    existing = session.exec(
        select(Organisation).where(Organisation.region_id == region.id, Organisation.name == name)
    ).first()
    if existing is not None:
        raise RegionError(f"region {region.key!r} already has an organisation named {name!r}")
    organisation = Organisation(region_id=region.id, name=name, sector=sector)  # type: ignore[arg-type]
    session.add(organisation)
    session.flush()
    return organisation


def update_region(session: Session, region: Region, *, name: str, sharing: str) -> None:
    """Rename a region or change who may compare its results by name."""
    name = name.strip()
    if sharing not in SHARING_KEYS:
        raise RegionError(f"sharing must be one of: {', '.join(SHARING_KEYS)}")
    clash = session.exec(
        select(Region.id).where(Region.name == name, Region.id != region.id)
    ).first()
    if clash is not None:
        raise RegionError(f"a region named {name!r} already exists")
    region.name, region.sharing = name, sharing
    session.flush()


def update_organisation(
    session: Session, organisation: Organisation, *, name: str, sector: str
) -> None:
    """Rename an organisation or change its sector; earlier responses keep their sector."""
    name = name.strip()
    if not name:
        raise RegionError("an organisation needs a name")
    if sector not in SECTOR_KEYS:
        raise RegionError(f"unknown sector {sector!r}")
    clash = session.exec(
        select(Organisation.id).where(
            Organisation.region_id == organisation.region_id,
            Organisation.name == name,
            Organisation.id != organisation.id,
        )
    ).first()
    if clash is not None:
        raise RegionError(f"the region already has an organisation named {name!r}")
    organisation.name, organisation.sector = name, sector
    session.flush()
