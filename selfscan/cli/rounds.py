"""The `selfscan rounds` commands (the command layer of selfscan.services.rounds)."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from selfscan.cli.common import SERVICE_ERRORS, fail, parse_moment
from selfscan.infra import db
from selfscan.services import regions, rounds

rounds_cli = AppGroup("rounds", help="Manage rounds.")


@rounds_cli.command("add")
@click.argument("key")
@click.option("--title", required=True)
@click.option("--questionnaire", default="zelfscan-mao:1", show_default=True, help="KEY:VERSION")
@click.option("--opens", required=True, help="Opening moment, e.g. 2026-03-01T09:00.")
@click.option("--closes", required=True, help="Closing moment, e.g. 2026-04-01T17:00.")
@click.option("--region", "region_keys", multiple=True, required=True, help="Region KEY; repeat.")
def rounds_add(
    key: str, title: str, questionnaire: str, opens: str, closes: str, region_keys: tuple[str, ...]
) -> None:
    """Add round KEY for the given regions (times without a zone are Dutch local time)."""
    q_key, _, q_version = questionnaire.partition(":")
    if not q_version.isdigit():
        raise click.BadParameter(
            "use KEY:VERSION, e.g. zelfscan-mao:1", param_hint="--questionnaire"
        )
    opens_at, closes_at = parse_moment(opens), parse_moment(closes)
    try:
        with db.session_scope() as session:
            version = rounds.questionnaire_version(session, q_key, int(q_version))
            rounds.add_round(
                session,
                key=key,
                title=title,
                questionnaire=version,
                opens_at=opens_at,
                closes_at=closes_at,
                regions=[regions.region_by_key(session, k) for k in region_keys],
            )
    except SERVICE_ERRORS as error:
        raise fail(error) from None
    click.echo(f"Added round {key}.")
