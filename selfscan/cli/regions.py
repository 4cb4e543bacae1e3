"""The `selfscan regions` and `selfscan organisations` commands (the command layer of
selfscan.services.regions)."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from selfscan.cli.common import SERVICE_ERRORS, fail
from selfscan.core.vocabulary import SECTOR_KEYS, SHARING_KEYS
from selfscan.infra import db
from selfscan.services import regions

regions_cli = AppGroup("regions", help="Manage regions.")
organisations_cli = AppGroup("organisations", help="Manage partner organisations.")


@regions_cli.command("add")
@click.argument("key")
@click.argument("name")
@click.option("--sharing", type=click.Choice(SHARING_KEYS), default="private", show_default=True)
def regions_add(key: str, name: str, sharing: str) -> None:
    """Add region KEY (lowercase, e.g. 'twente') named NAME."""
    try:
        with db.session_scope() as session:
            regions.add_region(session, key=key, name=name, sharing=sharing)
    except SERVICE_ERRORS as error:
        raise fail(error) from None
    click.echo(f"Added region {key}.")


@organisations_cli.command("add")
@click.option("--region", "region_key", required=True, help="The region's KEY.")
@click.option("--sector", required=True, type=click.Choice(SECTOR_KEYS))
@click.argument("name")
def organisations_add(region_key: str, sector: str, name: str) -> None:
    """Add partner organisation NAME to a region."""
    try:
        with db.session_scope() as session:
            region = regions.region_by_key(session, region_key)
            regions.add_organisation(session, region=region, name=name, sector=sector)
    except SERVICE_ERRORS as error:
        raise fail(error) from None
    click.echo(f"Added {name} ({sector}) to {region_key}.")
