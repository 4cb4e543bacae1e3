"""The `selfscan invitations` commands and `selfscan send-reminders`: personal links and reminders
(the command layer of selfscan.services.invitations and selfscan.services.outreach)."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup, with_appcontext
from sqlmodel import select

from selfscan.cli.common import SERVICE_ERRORS, fail, round_by_key
from selfscan.infra import db
from selfscan.models import Invitation, Organisation
from selfscan.services import invitations, regions

invitations_cli = AppGroup("invitations", help="Personal links for respondents.")


def _personal_link(token: str) -> str:
    return current_app.config["BASE_URL"].rstrip("/") + invitations.invitation_path(token)


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
            round_ = round_by_key(session, round_key)
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
        raise fail(error) from None
    click.echo(f"Personal link: {_personal_link(token)}")


@invitations_cli.command("list")
@click.option("--round", "round_key", required=True, help="The round's KEY.")
@click.option("--region", "region_key", default=None, help="Only this region's invitations.")
@click.option("--links", is_flag=True, help="Also print each person's personal link.")
def invitations_list(round_key: str, region_key: str | None, links: bool) -> None:
    """List a round's invitations and how far each person got."""
    try:
        with db.session_scope() as session:
            round_ = round_by_key(session, round_key)
            region_id = regions.region_by_key(session, region_key).id if region_key else None
            rows = invitations.invitations_of_round(session, round_, region_id)
    except SERVICE_ERRORS as error:
        raise fail(error) from None
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

    from selfscan.infra import mail
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
