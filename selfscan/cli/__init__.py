"""The `selfscan` command: one module per command group (the command layer of the services).

`selfscan --help` lists them; each command's docstring is its help text.
"""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import FlaskGroup

from selfscan.cli.accounts import users_cli
from selfscan.cli.database import backup_command, db_cli
from selfscan.cli.demo import demo_command
from selfscan.cli.exchange import export_scores_command, import_responses_command
from selfscan.cli.invitations import invitations_cli, send_reminders_command
from selfscan.cli.privacy import privacy_cli, purge_command
from selfscan.cli.questionnaires import questionnaires_cli
from selfscan.cli.regions import organisations_cli, regions_cli
from selfscan.cli.reports import reports_cli, worker_command
from selfscan.cli.rounds import rounds_cli
from selfscan.infra.config import VERSION

COMMANDS = (
    db_cli,
    questionnaires_cli,
    users_cli,
    regions_cli,
    organisations_cli,
    rounds_cli,
    invitations_cli,
    demo_command,
    export_scores_command,
    import_responses_command,
    send_reminders_command,
    backup_command,
    purge_command,
    privacy_cli,
    reports_cli,
    worker_command,
)


def init_app(app: Flask) -> None:
    for command in COMMANDS:
        app.cli.add_command(command)


def _create_cli_app() -> Flask:
    from flask.cli import NoAppException

    from selfscan import create_app

    try:
        return create_app(serving=False)
    except RuntimeError as error:  # a weak secret key, say: the message, not a traceback
        raise NoAppException(str(error)) from None


main = FlaskGroup(
    name="selfscan",
    create_app=_create_cli_app,
    add_default_commands=False,
    add_version_option=False,
    load_dotenv=False,
    set_debug_flag=False,
    help="Selfscan: the self-assessment of the Met Andere Ogen regions.",
)
click.version_option(VERSION, prog_name="selfscan", message="%(prog)s %(version)s")(main)
