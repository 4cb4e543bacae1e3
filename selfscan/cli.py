"""The `selfscan` command: database, questionnaires, accounts, regions, rounds, demo data."""

from __future__ import annotations

import io
import sys
from datetime import datetime
from pathlib import Path
from typing import IO
from zoneinfo import ZoneInfo

import click
from flask import Flask, current_app
from flask.cli import AppGroup, FlaskGroup, with_appcontext
from sqlmodel import Session, select

from selfscan import __version__, db, migrate
from selfscan.domain import SECTOR_KEYS, SHARING_KEYS
from selfscan.models import Invitation, Organisation, Round
from selfscan.questionnaire_registry import read_files
from selfscan.questionnaires import QuestionnaireError, sync, verify_frozen
from selfscan.services import accounts, invitations, regions, rounds

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
# Every service error is a ValueError subclass whose message is meant for the person.
SERVICE_ERRORS = (accounts.AccountError, regions.RegionError, rounds.RoundError, QuestionnaireError)

db_cli = AppGroup("db", help="Create or upgrade the database schema.")
questionnaires_cli = AppGroup("questionnaires", help="Validate and load questionnaire files.")
users_cli = AppGroup("users", help="Manage accounts.")
regions_cli = AppGroup("regions", help="Manage regions.")
organisations_cli = AppGroup("organisations", help="Manage partner organisations.")
rounds_cli = AppGroup("rounds", help="Manage rounds.")


def init_app(app: Flask) -> None:
    for group in (
        db_cli,
        questionnaires_cli,
        users_cli,
        regions_cli,
        organisations_cli,
        rounds_cli,
        invitations_cli,
    ):
        app.cli.add_command(group)
    app.cli.add_command(demo_command)
    app.cli.add_command(export_scores_command)
    app.cli.add_command(import_responses_command)
    app.cli.add_command(send_reminders_command)
    app.cli.add_command(backup_command)
    app.cli.add_command(purge_command)
    app.cli.add_command(privacy_cli)


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
click.version_option(__version__, prog_name="selfscan", message="%(prog)s %(version)s")(main)


def _fail(error: Exception) -> click.ClickException:
    return click.ClickException(str(error))


def parse_moment(value: str) -> datetime:
    """An ISO date or date-time; without a zone it is read as Dutch local time."""
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(
            f"{value!r} is not a date or date-time like 2026-03-01 or 2026-03-01T09:00"
        ) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=AMSTERDAM)


# --- database ----------------------------------------------------------------------------------


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


# --- questionnaires ----------------------------------------------------------------------------


@questionnaires_cli.command("validate")
def questionnaires_validate() -> None:
    """Check every questionnaire file without touching the database."""
    try:
        found = read_files(current_app)
    except QuestionnaireError as error:
        raise _fail(error) from None
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
        raise _fail(error) from None
    for label in report.added:
        click.echo(f"added      {label}")
    for label in report.updated:
        click.echo(f"updated    {label}")
    for label in report.unchanged:
        click.echo(f"unchanged  {label}")


# --- accounts, regions, organisations, rounds ---------------------------------------------------


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
        raise _fail(error) from None


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
        raise _fail(error) from None
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
        raise _fail(error) from None
    click.echo(f"Added {name} ({sector}) to {region_key}.")


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
        raise _fail(error) from None
    click.echo(f"Added round {key}.")


# --- demo --------------------------------------------------------------------------------------


@click.command("demo")
@with_appcontext
@click.option("--reset", is_flag=True, help="Empty the database first (asks no questions).")
@click.option("--seed", default=2026, show_default=True, help="Seed for the synthetic answers.")
def demo_command(reset: bool, seed: int) -> None:
    """Fill the database with believable demo data and print the demo sign-ins."""
    from selfscan import demo

    engine = db.engine()
    if reset:
        migrate.downgrade(engine, "base")
    migrate.upgrade(engine)
    try:
        found = read_files(current_app)
        with db.session_scope() as session:
            sync(session, found.values())
            result = demo.fill(session, found, secret=current_app.secret_key, seed=seed)
    except (*SERVICE_ERRORS, demo.DemoError, invitations.InvitationError) as error:
        raise _fail(error) from None
    base = current_app.config["BASE_URL"].rstrip("/")
    click.echo(f"Demo data is ready. Sign in at {base}/inloggen with one of these accounts:")
    for role, email, password in result.logins:
        click.echo(f"  {role:<32} {email:<44} password: {password}")
    click.echo("To fill in the scan as an invited partner, open this personal link:")
    click.echo(f"  {base}{result.respondent_path}")
    if current_app.config.get("SECRET_KEY_GENERATED"):
        click.echo(
            "  (SELFSCAN_SECRET_KEY is not set: serve the demo with the same key, or this link "
            "will not open)"
        )


# --- scores export and responses import ---------------------------------------------------------


@click.command("export-scores")
@with_appcontext
@click.option("--round", "round_key", required=True, help="The round's KEY.")
@click.option("--output", type=click.Path(dir_okay=False, writable=True), help="CSV file to write.")
def export_scores_command(round_key: str, output: str | None) -> None:
    """Write the scores CSV of a round: every shown group of every region, and all regions."""
    from selfscan.scoring import PROGRAMME
    from selfscan.services import exchange, scores

    with db.session_scope() as session:
        round_ = _round_by_key(session, round_key)
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
        text = io.StringIO(exchange.read_import_file(file.read()))
        with db.session_scope() as session:
            report = exchange.import_responses(
                session,
                _round_by_key(session, round_key),
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


def _round_by_key(session: Session, key: str) -> Round:
    round_ = session.exec(select(Round).where(Round.key == key)).first()
    if round_ is None:
        raise click.ClickException(f"unknown round {key!r}")
    return round_


# --- reminders ---------------------------------------------------------------------------------


@click.command("send-reminders")
@with_appcontext
def send_reminders_command() -> None:
    """Remind invited people who have not submitted (for cron; safe to run at any interval).

    At most one reminder per SELFSCAN_REMINDER_DAYS, and one final reminder when the round
    closes within SELFSCAN_FINAL_REMINDER_DAYS. Each reminder is committed as it is sent, so a
    second run (or a run after a crash) sends nothing twice.
    """
    from contextlib import ExitStack
    from datetime import timedelta

    from selfscan import mail
    from selfscan.models.types import utcnow
    from selfscan.services import outreach, participation

    config = current_app.config
    every = timedelta(days=config["REMINDER_DAYS"])
    final_within = timedelta(days=config["FINAL_REMINDER_DAYS"])
    now = utcnow()
    sent = failed = 0
    with ExitStack() as stack:
        try:
            post = stack.enter_context(mail.postbox())
        except mail.MailError as error:
            raise click.ClickException(str(error)) from None
        session = stack.enter_context(db.session_scope())
        for candidate in participation.reminder_candidates(session, now):
            invitation = candidate.invitation
            kind = participation.reminder_due(
                now=now,
                closes_at=candidate.round.closes_at,
                sent_at=invitation.sent_at,  # type: ignore[arg-type]
                reminded_at=invitation.reminded_at,
                final_reminder_at=invitation.final_reminder_at,
                every=every,
                final_within=final_within,
            )
            if kind is None:
                continue
            try:
                outreach.remind(session, candidate, kind, post=post, now=now)
            except mail.MailError as error:
                session.rollback()  # the invitation keeps its link and is tried again next run
                click.echo(f"not sent: invitation {invitation.id}: {error}", err=True)
                failed += 1
                continue
            session.commit()
            sent += 1
    click.echo(f"Sent {sent} reminder(s); {failed} could not be sent.")
    if failed:
        raise SystemExit(1)


# --- invitations -------------------------------------------------------------------------------

invitations_cli = AppGroup("invitations", help="Personal links for respondents.")


def _personal_link(token: str) -> str:
    return current_app.config["BASE_URL"].rstrip("/") + invitations.invitation_path(token)


def _round_by_key(session: Session, key: str) -> Round:
    round_ = session.exec(select(Round).where(Round.key == key)).first()
    if round_ is None:
        raise click.ClickException(f"unknown round {key!r}")
    return round_


@invitations_cli.command("add")
@click.option("--round", "round_key", required=True, help="The round's KEY.")
@click.option("--region", "region_key", required=True, help="The region's KEY.")
@click.option("--organisation", required=True, help="The organisation's name in that region.")
@click.option("--name", required=True, help="The person's name.")
@click.option("--email", required=True, help="The person's e-mail address.")
def invitations_add(
    round_key: str, region_key: str, organisation: str, name: str, email: str
) -> None:
    """Invite a person and print their personal link."""
    try:
        with db.session_scope() as session:
            round_ = _round_by_key(session, round_key)
            region = regions.region_by_key(session, region_key)
            org = session.exec(
                select(Organisation).where(
                    Organisation.region_id == region.id, Organisation.name == organisation.strip()
                )
            ).first()
            if org is None:
                raise click.ClickException(
                    f"region {region_key!r} has no organisation {organisation!r}"
                )
            invitation, token = invitations.create_invitation(
                session,
                round_=round_,
                organisation=org,
                name=name,
                email=email,
                secret=current_app.secret_key,
            )
            click.echo(f"Invited {invitation.email} (invitation {invitation.id}).")
    except (*SERVICE_ERRORS, invitations.InvitationError) as error:
        raise _fail(error) from None
    click.echo(f"Personal link: {_personal_link(token)}")


@invitations_cli.command("list")
@click.option("--round", "round_key", required=True, help="The round's KEY.")
@click.option("--region", "region_key", default=None, help="Only this region's invitations.")
@click.option("--links", is_flag=True, help="Also print each person's personal link.")
def invitations_list(round_key: str, region_key: str | None, links: bool) -> None:
    """List a round's invitations and how far each person got."""
    try:
        with db.session_scope() as session:
            round_ = _round_by_key(session, round_key)
            region_id = regions.region_by_key(session, region_key).id if region_key else None
            rows = invitations.invitations_of_round(session, round_, region_id)
    except SERVICE_ERRORS as error:
        raise _fail(error) from None
    for invitation, organisation, status in rows:
        if invitation.revoked_at is not None:
            state = "revoked"
        elif status is not None:
            state = "submitted" if status == "submitted" else "started"
        else:
            state = "opened" if invitation.opened_at else "not opened"
        click.echo(
            f"{invitation.id:>6}  {state:<10}  {invitation.name} <{invitation.email}>, {organisation}"
        )
        if links and invitation.revoked_at is None:
            click.echo(f"        {_link_of(invitation)}")
    click.echo(f"{len(rows)} invitation(s).")


def _link_of(invitation: Invitation) -> str:
    try:
        return _personal_link(invitations.token_of(invitation, current_app.secret_key))
    except invitations.InvitationError as error:
        return f"(no link: {error})"


@invitations_cli.command("renew")
@click.argument("invitation_id", type=int)
def invitations_renew(invitation_id: int) -> None:
    """Give invitation ID a new personal link (when the old one leaked); the old one stops working."""
    with db.session_scope() as session:
        invitation = session.get(Invitation, invitation_id)
        if invitation is None:
            raise click.ClickException(f"no invitation {invitation_id}")
        if invitation.revoked_at is not None:
            raise click.ClickException(
                f"invitation {invitation_id} is revoked; invite again instead"
            )
        token = invitations.renew_token(session, invitation, current_app.secret_key)
    click.echo(f"New personal link for invitation {invitation_id}: {_personal_link(token)}")


@invitations_cli.command("revoke")
@click.argument("invitation_id", type=int)
def invitations_revoke(invitation_id: int) -> None:
    """Make invitation ID's link stop working at once; answers already given stay."""
    with db.session_scope() as session:
        invitation = session.get(Invitation, invitation_id)
        if invitation is None:
            raise click.ClickException(f"no invitation {invitation_id}")
        invitations.revoke(session, invitation)
    click.echo(f"Revoked invitation {invitation_id}.")


# --- backups and retention ---------------------------------------------------------------------


@click.command("backup")
@with_appcontext
@click.argument("output", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--overwrite", is_flag=True, help="Replace OUTPUT if it exists.")
def backup_command(output: Path, overwrite: bool) -> None:
    """Copy the live SQLite database to OUTPUT, consistently, while the app keeps running.

    For PostgreSQL use pg_dump (see the README, section Backups).
    """
    from selfscan import backup

    try:
        source = backup.sqlite_path(current_app.config["DATABASE_URL"])
        pages = backup.backup_sqlite(source, output, overwrite=overwrite)
    except backup.BackupError as error:
        raise _fail(error) from None
    click.echo(f"Backed up {source} to {output} ({pages} pages).")


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
    again changes nothing more. Rate-limit counters whose window has ended are deleted too.
    """
    from selfscan import throttle
    from selfscan.services import privacy

    retention = current_app.config["RETENTION_DAYS"] if days is None else days
    with db.session_scope() as session:
        result = privacy.purge(session, retention_days=retention)
    counters = throttle.purge_ended(db.engine())
    click.echo(
        f"Purged personal data older than {retention} days: {result.invitations} invitation(s), "
        f"{result.accounts} deactivated account(s); {counters} ended rate-limit counter(s)."
    )


# --- privacy requests --------------------------------------------------------------------------

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
        raise _fail(error) from None
    click.echo(
        f"Erased {result.invitations} invitation(s) and {int(result.account)} account(s); "
        f"{result.responses_kept} response(s) remain without name or address."
    )
