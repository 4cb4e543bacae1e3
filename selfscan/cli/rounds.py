"""The `selfscan rounds` commands (the command layer of selfscan.services.rounds)."""

from __future__ import annotations

import click
from flask import current_app
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


@rounds_cli.command("store-sums")
@click.option("--round", "round_key", default=None, help="Only this round (KEY); else every one.")
def rounds_store_sums(round_key: str | None) -> None:
    """Keep the sums of released rounds in the database (selfscan.services.region_sums).

    `selfscan worker` does this on its own within a minute of a round closing; run it after
    loading data by other means, or where no worker runs. Safe to repeat: it writes only the
    regions whose sums are missing or out of date."""
    from sqlmodel import select

    from selfscan.models import Round
    from selfscan.services import region_sums

    k = int(current_app.config["MIN_GROUP_SIZE"])
    with db.session_scope() as session:
        if round_key is None:
            done = region_sums.store_released(session, k=k)
        else:
            round_ = session.exec(select(Round).where(Round.key == round_key)).first()
            if round_ is None:
                raise click.ClickException(f"There is no round {round_key!r}.")
            if not round_.figures_released():
                raise click.ClickException(
                    f"Round {round_key!r} has not closed: its figures are not released yet."
                )
            done = [region_sums.store_round(session, round_, k=k)]
    for stored in done:
        note = f", {stored.skipped} changed meanwhile (next time)" if stored.skipped else ""
        click.echo(
            f"{stored.round_key}: {stored.written} regions written, {stored.removed} removed{note}."
        )
    if not done:
        click.echo("No round has closed yet: there is nothing to keep.")
