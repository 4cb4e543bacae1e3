"""Mails to invited people: the invitation with the personal link, and reminders.

Every mail to a person carries the same personal link (see services/invitations), so an
earlier mail keeps working after a resend or a reminder.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

from babel.dates import format_datetime
from flask import current_app
from sqlmodel import Session, select

from selfscan.infra import mail
from selfscan.models import Invitation, Organisation, Region, Round
from selfscan.models.types import utcnow
from selfscan.services.invitations import invitation_path, mail_token
from selfscan.services.participation import ReminderCandidate, ReminderKind

# Invited people have no language setting; their mails are in the interface's first language
# and say that the questionnaire can be filled in in English too.
INVITEE_LANGUAGE = "nl"


# How people in the Netherlands write a moment: the day, the month in words, hours and minutes.
MOMENT_PATTERNS = {"nl": "d MMMM y 'om' HH:mm", "en": "d MMMM y 'at' HH:mm"}


def format_moment(moment: datetime, language: str) -> str:
    """A moment as people in the Netherlands read it, e.g. '1 maart 2026 om 17:00'."""
    zone = ZoneInfo(current_app.config.get("BABEL_DEFAULT_TIMEZONE", "Europe/Amsterdam"))
    pattern = MOMENT_PATTERNS.get(language, MOMENT_PATTERNS["en"])
    return format_datetime(moment.astimezone(zone), pattern, locale=language)


def invitation_mail(
    invitation: Invitation,
    token: str,
    *,
    round_: Round,
    region_name: str,
    organisation_name: str,
    reminder: ReminderKind | None = None,
    language: str = INVITEE_LANGUAGE,
) -> mail.Mail:
    """The invitation, or a (final) reminder, with the personal link for TOKEN."""
    return mail.render(
        "invitation" if reminder is None else "reminder",
        language,
        to=invitation.email,
        name=invitation.name,
        region_name=region_name,
        organisation_name=organisation_name,
        round_title=round_.title,
        closes=format_moment(round_.closes_at, language),
        link=mail.absolute_url(invitation_path(token)),
        final=reminder is ReminderKind.FINAL,
    )


def send_invitations(
    session: Session, pairs: Sequence[tuple[Invitation, str]], *, round_: Round, region: Region
) -> list[Invitation]:
    """Mail each (invitation, token) and record sent_at for those delivered; returns the failed.

    Call it after the invitations are committed: a mail cannot be taken back, so the database
    must already hold what the link points to.
    """
    names = _organisation_names(session, [inv for inv, _ in pairs])
    mails = {
        id(inv): invitation_mail(
            inv,
            token,
            round_=round_,
            region_name=region.name,
            organisation_name=names[inv.organisation_id],
        )
        for inv, token in pairs
    }
    failed_mails = {id(m) for m, _ in mail.send_all(mails.values())}
    failed = [inv for inv, _ in pairs if id(mails[id(inv)]) in failed_mails]
    now = utcnow()
    failed_ids = {inv.id for inv in failed}
    for invitation, _ in pairs:
        if invitation.id not in failed_ids:
            invitation.sent_at = now
    session.flush()
    return failed


def resend(session: Session, invitation: Invitation, *, round_: Round, region: Region) -> None:
    """The personal link by mail once more. Raises mail.MailError when undelivered."""
    token = mail_token(session, invitation, current_app.secret_key)
    names = _organisation_names(session, [invitation])
    mail.send(
        invitation_mail(
            invitation,
            token,
            round_=round_,
            region_name=region.name,
            organisation_name=names[invitation.organisation_id],
        )
    )
    invitation.sent_at = utcnow()
    session.flush()


def _organisation_names(session: Session, invitations: Sequence[Invitation]) -> dict[int, str]:
    ids = {inv.organisation_id for inv in invitations}
    return dict(
        session.exec(
            select(Organisation.id, Organisation.name).where(Organisation.id.in_(ids))  # type: ignore[union-attr]
        ).all()
    )


def remind(
    session: Session,
    candidate: ReminderCandidate,
    kind: ReminderKind,
    *,
    post: Callable[[mail.Mail], None],
    now: datetime,
) -> None:
    """Mail a (final) reminder with the personal link and record it; raises mail.MailError."""
    invitation = candidate.invitation
    token = mail_token(session, invitation, current_app.secret_key)
    post(
        invitation_mail(
            invitation,
            token,
            round_=candidate.round,
            region_name=candidate.region_name,
            organisation_name=candidate.organisation_name,
            reminder=kind,
        )
    )
    invitation.reminded_at = now
    if kind is ReminderKind.FINAL:
        invitation.final_reminder_at = now
    session.flush()
