"""The `selfscan db` commands and `selfscan backup`: the schema and consistent copies of the
database (the command layer of selfscan.infra.migrate and selfscan.infra.backup)."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup, with_appcontext

from selfscan.cli.common import fail
from selfscan.infra import db, migrate

db_cli = AppGroup("db", help="Create or upgrade the database schema.")


@db_cli.command("upgrade")
@click.option("--revision", default="head", show_default=True, help="Target revision.")
def db_upgrade(revision: str) -> None:
    """Create the database or bring it to the newest schema."""
    migrate.upgrade(db.engine(), revision)
    click.echo(f"Database at revision {migrate.current_revision(db.engine())}.")


@db_cli.command("downgrade")
@click.argument("revision")
def db_downgrade(revision: str) -> None:
    """Undo migrations down to REVISION ('base' removes every table)."""
    migrate.downgrade(db.engine(), revision)
    click.echo(f"Database at revision {migrate.current_revision(db.engine()) or 'base'}.")


@db_cli.command("current")
def db_current() -> None:
    """Show the database's revision and the newest one."""
    engine = db.engine()
    click.echo(f"current: {migrate.current_revision(engine) or 'none'}")
    click.echo(f"head:    {migrate.head_revision(engine)}")


@click.command("backup")
@with_appcontext
@click.argument("output", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--overwrite", is_flag=True, help="Replace OUTPUT if it exists.")
def backup_command(output: Path, overwrite: bool) -> None:
    """Copy the live SQLite database to OUTPUT, consistently, while the app keeps running.

    For PostgreSQL use pg_dump (see the README, section Backups).
    """
    from selfscan.infra import backup

    try:
        source = backup.sqlite_path(current_app.config["DATABASE_URL"])
        pages = backup.backup_sqlite(source, output, overwrite=overwrite)
    except backup.BackupError as error:
        raise fail(error) from None
    click.echo(f"Backed up {source} to {output} ({pages} pages).")
