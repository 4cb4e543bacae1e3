"""Invitations: personal links whose random token is shown once and stored only as a hash."""

from __future__ import annotations

import hashlib
import secrets

from sqlmodel import Session, select

from selfscan.models import Invitation, Organisation, Response, Round, RoundRegion, RoundState
from selfscan.models.types import utcnow
from selfscan.services.accounts import normalise_email

TOKEN_BYTES = 24  # 192 bits


class InvitationError(ValueError):
    """An invitation that cannot be made or changed as asked; the message says why."""


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def hash_token(token: str) -> str:
    # A fast hash is enough: the token has 192 random bits, so it cannot be guessed offline.
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def invitation_path(token: str) -> str:
    """The path of a personal link; the respondent blueprint serves it."""
    return f"/i/{token}"


def create_invitation(
    session: Session, *, round_: Round, organisation: Organisation, name: str, email: str
) -> tuple[Invitation, str]:
    """Invite one person of an organisation to a round; returns the invitation and its token."""
    email = normalise_email(email)
    name = name.strip()
    if not name:
        raise InvitationError("an invitation needs the person's name")
    if session.get(RoundRegion, (round_.id, organisation.region_id)) is None:
        raise InvitationError("the organisation's region does not take part in this round")
    duplicate = session.exec(
        select(Invitation.id).where(Invitation.round_id == round_.id, Invitation.email == email)
    ).first()
    if duplicate is not None:
        raise InvitationError(f"{email} is already invited to this round")
    token = new_token()
    invitation = Invitation(
        round_id=round_.id,  # type: ignore[arg-type]
        region_id=organisation.region_id,
        organisation_id=organisation.id,  # type: ignore[arg-type]
        name=name,
        email=email,
        token_hash=hash_token(token),
    )
    session.add(invitation)
    session.flush()
    return invitation, token


def renew_token(session: Session, invitation: Invitation) -> str:
    """Give an invitation a new link (for resending); the old link stops working."""
    token = new_token()
    invitation.token_hash = hash_token(token)
    session.flush()
    return token


def revoke(session: Session, invitation: Invitation) -> None:
    """The link stops working at once; answers already given stay."""
    if invitation.revoked_at is None:
        invitation.revoked_at = utcnow()
        session.flush()


def find_usable(session: Session, token: str) -> Invitation | None:
    """The invitation behind a link, if the link still works: known, not revoked, round not over.

    The caller cannot tell which of the three failed, and neither can the person.
    """
    if not token or len(token) > 200:
        return None
    invitation = session.exec(
        select(Invitation).where(Invitation.token_hash == hash_token(token))
    ).first()
    if invitation is None or not is_usable(session, invitation):
        return None
    return invitation


def is_usable(session: Session, invitation: Invitation) -> bool:
    """Not revoked and its round has not closed (a planned round still gets a page)."""
    if invitation.revoked_at is not None:
        return False
    round_ = session.get(Round, invitation.round_id)
    return round_ is not None and round_.state() is not RoundState.CLOSED


def mark_opened(session: Session, invitation: Invitation) -> None:
    """Record the first time the person started; later visits keep the first moment."""
    if invitation.opened_at is None:
        invitation.opened_at = utcnow()
        session.flush()


def invitations_of_round(
    session: Session, round_: Round, region_id: int | None = None
) -> list[tuple[Invitation, str, str | None]]:
    """The round's invitations with their organisation's name and response status, by name."""
    query = (
        select(Invitation, Organisation.name, Response.status)
        .join(Organisation, Organisation.id == Invitation.organisation_id)
        .outerjoin(Response, Response.invitation_id == Invitation.id)
        .where(Invitation.round_id == round_.id)
        .order_by(Organisation.name, Invitation.name)
    )
    if region_id is not None:
        query = query.where(Invitation.region_id == region_id)
    return [(inv, org, status) for inv, org, status in session.exec(query)]
