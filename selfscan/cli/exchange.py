"""`selfscan export-scores` and `selfscan import-responses`: the files that travel between systems
(the command layer of selfscan.services.exchange)."""

from __future__ import annotations

import io
import sys
from typing import IO

import click
from flask import current_app
from flask.cli import with_appcontext
from flask_babel import force_locale

from selfscan.cli.common import round_by_key
from selfscan.infra import db


@click.command("export-scores")
@with_appcontext
@click.option("--round", "round_key", required=True, help="The round's KEY.")
@click.option("--output", type=click.Path(dir_okay=False, writable=True), help="CSV file to write.")
def export_scores_command(round_key: str, output: str | None) -> None:
    """Write the scores CSV of a round: every shown group of every region, and all regions."""
    from selfscan.core.scoring import PROGRAMME
    from selfscan.services import exchange, scores

    with db.session_scope() as session:
        round_ = round_by_key(session, round_key)
        if not round_.figures_released():
            raise click.ClickException(
                f"round {round_key} is still open: its figures are released when it closes "
                f"({round_.closes_at:%Y-%m-%d %H:%M} UTC)"
            )
        figures = scores.round_figures(
            session, round_, current_app.config["MIN_GROUP_SIZE"], viewer=PROGRAMME
        )
        keys = scores.regions_by_id(session, figures.regions)
        rows = exchange.score_rows(
            round_.key, {keys[r].key: g for r, g in figures.regions.items()}, figures.pooled
        )
    if output is None:
        exchange.write_csv(rows, sys.stdout)
        return
    with open(output, "w", encoding="utf-8", newline="") as out:
        exchange.write_csv(rows, out)
    click.echo(f"Wrote {len(rows)} rows to {output}.", err=True)


@click.command("import-responses")
@with_appcontext
@click.option("--round", "round_key", required=True, help="The round's KEY.")
@click.argument("file", type=click.File("rb"))
def import_responses_command(round_key: str, file: IO[bytes]) -> None:
    """Import a responses CSV (UTF-8) as submitted responses: all rows or, on any error, none."""
    from selfscan.services import exchange

    try:
        with force_locale("en"):  # the CLI speaks English, the page the person's language
            text = io.StringIO(exchange.read_import_file(file.read()))
            with db.session_scope() as session:
                report = exchange.import_responses(
                    session,
                    round_by_key(session, round_key),
                    text,
                    k=current_app.config["MIN_GROUP_SIZE"],
                )
    except exchange.ImportRejected as error:
        for message in error.errors:
            click.echo(f"error: {message}", err=True)
        raise click.ClickException("nothing was imported") from None
    for region_key, name, sector in report.new_organisations:
        click.echo(f"new organisation in {region_key}: {name} ({sector})")
    click.echo(f"Imported {report.responses} responses into round {round_key}.")
