"""`selfscan demo`: believable demo data (the command layer of selfscan.services.demo)."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext

from selfscan.cli.common import SERVICE_ERRORS, fail
from selfscan.infra import db, migrate
from selfscan.questionnaire_registry import read_files
from selfscan.services import invitations
from selfscan.services.questionnaires import sync


@click.command("demo")
@with_appcontext
@click.option("--reset", is_flag=True, help="Empty the database first (asks no questions).")
@click.option("--seed", default=2026, show_default=True, help="Seed for the synthetic answers.")
def demo_command(reset: bool, seed: int) -> None:
    """Fill the database with believable demo data and print the demo sign-ins."""
    from selfscan.services import demo

    engine = db.engine()
    if reset:
        migrate.downgrade(engine, "base")
    migrate.upgrade(engine)
    try:
        found = read_files(current_app)
        with db.session_scope() as session:
            sync(session, found.values())
            result = demo.fill(
                session,
                found,
                secret=current_app.secret_key,
                seed=seed,
                k=int(current_app.config["MIN_GROUP_SIZE"]),
            )
    except (*SERVICE_ERRORS, demo.DemoError, invitations.InvitationError) as error:
        raise fail(error) from None
    base = current_app.config["BASE_URL"].rstrip("/")
    click.echo(f"Demo data is ready. Sign in at {base}/inloggen with one of these accounts:")
    for role, email, password in result.logins:
        click.echo(f"  {role:<32} {email:<44} password: {password}")
    click.echo("To fill in the scan as an invited partner, open this personal link:")
    click.echo(f"  {base}{result.respondent_path}")
    whose, token = result.api_token
    click.echo(f"To try the read-only API (described at {base}/api/v1/openapi.json) as {whose}:")
    click.echo(f'  curl -H "Authorization: Bearer {token}" {base}/api/v1/rounds')
    if current_app.config.get("SECRET_KEY_GENERATED"):
        click.echo(
            "  (SELFSCAN_SECRET_KEY is not set: serve the demo with the same key, or this link "
            "will not open)"
        )
