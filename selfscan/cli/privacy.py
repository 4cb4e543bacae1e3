"""The `selfscan privacy` commands and `selfscan purge`: privacy requests and retention (the
command layer of selfscan.services.privacy)."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup, with_appcontext

from selfscan.cli.common import fail
from selfscan.infra import db

privacy_cli = AppGroup("privacy", help="Answer privacy requests (AVG): export or erase a person.")


@privacy_cli.command("export")
@click.argument("email")
@click.option(
    "--output", type=click.Path(dir_okay=False, writable=True), help="JSON file to write."
)
def privacy_export(email: str, output: str | None) -> None:
    """Write everything stored about the person with EMAIL as JSON (the page's download)."""
    import json

    from selfscan.services import privacy

    with db.session_scope() as session:
        record = privacy.person_record(session, email)
    text = json.dumps(record, ensure_ascii=False, indent=2)
    if output is None:
        click.echo(text)
        return
    with open(output, "w", encoding="utf-8") as out:
        out.write(text + "\n")
    click.echo(f"Wrote what is stored about {record['email']} to {output}.", err=True)


@privacy_cli.command("erase")
@click.argument("email")
@click.option("--yes", is_flag=True, help="Erase without asking.")
def privacy_erase(email: str, yes: bool) -> None:
    """Erase the person with EMAIL: invitations and a coordinator account; answers stay, anonymous."""
    from selfscan.services import privacy

    if not yes:
        click.confirm(f"Erase {email} for good?", abort=True)
    try:
        with db.session_scope() as session:
            result = privacy.erase_person(session, email)
    except privacy.PrivacyError as error:
        raise fail(error) from None
    click.echo(
        f"Erased {result.invitations} invitation(s) and {int(result.account)} account(s); "
        f"{result.responses_kept} response(s) remain without name or address."
    )


@click.command("purge")
@with_appcontext
@click.option(
    "--days",
    type=click.IntRange(min=0),
    help="Retention in days (default: SELFSCAN_RETENTION_DAYS).",
)
def purge_command(days: int | None) -> None:
    """Remove personal data of rounds closed longer ago than the retention period (for cron).

    Invitations of those rounds lose name and e-mail address (their anonymous answers stay in
    the figures); deactivated coordinator accounts unused for that long are deleted. Running it
    again changes nothing more. Responses files previewed but not confirmed within a day, and
    rate-limit counters whose window has ended, are deleted too.
    """
    from selfscan.infra import throttle
    from selfscan.services import privacy

    retention = current_app.config["RETENTION_DAYS"] if days is None else days
    with db.session_scope() as session:
        result = privacy.purge(session, retention_days=retention)
    counters = throttle.purge_ended(db.engine())
    click.echo(
        f"Purged personal data older than {retention} days: {result.invitations} invitation(s), "
        f"{result.accounts} deactivated account(s); {result.uploads} unconfirmed upload(s) "
        f"older than a day; {counters} ended rate-limit counter(s)."
    )
