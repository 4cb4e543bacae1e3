"""The `selfscan users` commands (the command layer of selfscan.services.accounts)."""

from __future__ import annotations

import sys

import click
from flask.cli import AppGroup

from selfscan.cli.common import SERVICE_ERRORS, fail
from selfscan.infra import db
from selfscan.services import accounts

users_cli = AppGroup("users", help="Manage accounts.")


@users_cli.command("create")
@click.option("--email", required=True, help="Sign-in e-mail address.")
@click.option("--name", required=True, help="The person's name.")
@click.option("--programme", is_flag=True, help="A programme-team account (sees everything).")
@click.option("--region", "region_keys", multiple=True, help="Region KEY to coordinate; repeat.")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
def users_create(
    email: str, name: str, programme: bool, region_keys: tuple[str, ...], password_stdin: bool
) -> None:
    """Create an account: the programme team (--programme) or a coordinator (--region)."""
    if programme == bool(region_keys):
        raise click.UsageError("give either --programme or at least one --region")
    if password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        with db.session_scope() as session:
            user = accounts.create_user(
                session,
                email=email,
                name=name,
                password=password,
                is_programme=programme,
                region_keys=region_keys,
            )
            role = "programme team" if programme else "coordinator of " + ", ".join(region_keys)
            click.echo(f"Created account {user.email} ({role}).")
    except SERVICE_ERRORS as error:
        raise fail(error) from None
