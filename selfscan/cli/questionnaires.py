"""The `selfscan questionnaires` commands (the command layer of selfscan.services.questionnaires):
validate the questionnaire files and record their versions."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

from selfscan.cli.common import fail
from selfscan.core.questionnaire import QuestionnaireError
from selfscan.infra import db
from selfscan.questionnaire_registry import read_files
from selfscan.services.questionnaires import sync, verify_frozen

questionnaires_cli = AppGroup("questionnaires", help="Validate and load questionnaire files.")


@questionnaires_cli.command("validate")
def questionnaires_validate() -> None:
    """Check every questionnaire file without touching the database."""
    try:
        found = read_files(current_app)
    except QuestionnaireError as error:
        raise fail(error) from None
    for (key, version), questionnaire in sorted(found.items()):
        click.echo(f"ok  {key} v{version}: {len(questionnaire.items)} items")


@questionnaires_cli.command("load")
def questionnaires_load() -> None:
    """Validate every questionnaire file and record new versions in the database."""
    try:
        found = read_files(current_app)
        with db.session_scope() as session:
            report = sync(session, found.values())
            verify_frozen(session, found)
    except QuestionnaireError as error:
        raise fail(error) from None
    for label in report.added:
        click.echo(f"added      {label}")
    for label in report.updated:
        click.echo(f"updated    {label}")
    for label in report.unchanged:
        click.echo(f"unchanged  {label}")
