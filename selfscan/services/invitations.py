"""Invitations: personal links whose token is never stored.

A link's token is an HMAC, under the app's secret key, of a random nonce kept with the
invitation; the database holds the nonce and the token's hash. Without the secret key the
database gives no working link, yet the app can put the SAME link in every mail (invitation,
resend, reminders), so an earlier mail keeps working. `renew_token` makes a new link and ends
the old one (for a link that leaked); changing the secret key ends every link.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

from sqlmodel import Session, select

from selfscan.core.vocabulary import PERSPECTIVE_KEYS, default_perspective
from selfscan.models import Invitation, Organisation, Response, Round, RoundRegion, RoundState
from selfscan.models.types import utcnow
from selfscan.services.accounts import normalise_email

TOKEN_BYTES = 24  # 192 bits


class InvitationError(ValueError):
    """An invitation that cannot be made or changed as asked; the message says why."""


def link_token(secret: str | bytes, nonce: str) -> str:
    """The token of the link with this nonce: 192 bits of HMAC-SHA256, URL-safe."""
    key = secret.encode("utf-8") if isinstance(secret, str) else secret
    digest = hmac.new(key, b"selfscan-invitation-link:" + nonce.encode("ascii"), hashlib.sha256)
    return base64.urlsafe_b64encode(digest.digest()[:TOKEN_BYTES]).decode("ascii")


def new_link(secret: str | bytes) -> tuple[dict[str, str], str]:
    """The columns of a new link (nonce and token hash) and its token."""
    nonce = secrets.token_hex(16)
    token = link_token(secret, nonce)
    return {"link_nonce": nonce, "token_hash": hash_token(token)}, token


def token_of(invitation: Invitation, secret: str | bytes) -> str:
    """The token of an invitation's current link, to mail it again."""
    token = link_token(secret, invitation.link_nonce)
    if not hmac.compare_digest(hash_token(token), invitation.token_hash):
        raise InvitationError(
            "this invitation's link was made with another secret key; give it a new link"
        )
    return token


def mail_token(session: Session, invitation: Invitation, secret: str | bytes) -> str:
    """The token to put in a mail: the current link's, or a new link where the current one
    cannot be rebuilt (made under another secret key, or before links were derived)."""
    try:
        return token_of(invitation, secret)
    except InvitationError:
        return renew_token(session, invitation, secret)


def hash_token(token: str) -> str:
    # A fast hash is enough: the token has 192 random bits, so it cannot be guessed offline.
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def invitation_path(token: str) -> str:
    """The path of a personal link; the respondent blueprint serves it."""
    return f"/i/{token}"


def create_invitation(
    session: Session,
    *,
    round_: Round,
    organisation: Organisation,
    name: str,
    email: str,
    secret: str | bytes,
    perspective: str | None = None,
) -> tuple[Invitation, str]:
    """Invite one person of an organisation to a round; returns the invitation and its token.
    The perspective (which wording they read) follows the organisation's sector unless given."""
    email = normalise_email(email)
    name = name.strip()
    if not name:
        raise InvitationError("an invitation needs the person's name")
    if perspective is None:
        perspective = default_perspective(organisation.sector)
    if perspective not in PERSPECTIVE_KEYS:
        raise InvitationError(f"unknown perspective {perspective!r}")
    if session.get(RoundRegion, (round_.id, organisation.region_id)) is None:
        raise InvitationError("the organisation's region does not take part in this round")
    duplicate = session.exec(
        select(Invitation.id).where(Invitation.round_id == round_.id, Invitation.email == email)
    ).first()
    if duplicate is not None:
        raise InvitationError(f"{email} is already invited to this round")
    link, token = new_link(secret)
    invitation = Invitation(
        round_id=round_.id,  # type: ignore[arg-type]
        region_id=organisation.region_id,
        organisation_id=organisation.id,  # type: ignore[arg-type]
        name=name,
        email=email,
        perspective=perspective,
        **link,
    )
    session.add(invitation)
    session.flush()
    return invitation, token


def renew_token(session: Session, invitation: Invitation, secret: str | bytes) -> str:
    """Give an invitation a new link; the old link stops working (for a link that leaked)."""
    link, token = new_link(secret)
    invitation.link_nonce = link["link_nonce"]
    invitation.token_hash = link["token_hash"]
    session.flush()
    return token


def revoke(session: Session, invitation: Invitation) -> None:
    """The link stops working at once; answers already given stay."""
    if invitation.revoked_at is None:
        invitation.revoked_at = utcnow()
        session.flush()


def restore(
    session: Session,
    invitation: Invitation,
    secret: str | bytes,
    *,
    name: str | None = None,
    organisation: Organisation | None = None,
    perspective: str | None = None,
) -> str:
    """Undo a revocation (or invite a revoked person again): the invitation works again with a
    new link, since the old one was stopped for a reason; returns the new link's token. A
    perspective given replaces the invitation's (None: it keeps its own)."""
    if invitation.revoked_at is None:
        raise InvitationError("only a revoked invitation can be restored")
    if perspective is not None:
        if perspective not in PERSPECTIVE_KEYS:
            raise InvitationError(f"unknown perspective {perspective!r}")
        invitation.perspective = perspective
    if organisation is not None:
        if organisation.region_id != invitation.region_id:
            raise InvitationError("the organisation is not in the invitation's region")
        invitation.organisation_id = organisation.id  # type: ignore[assignment]
    if name is not None and name.strip():
        invitation.name = name.strip()
    invitation.revoked_at = None
    invitation.sent_at = None
    return renew_token(session, invitation, secret)


def find_usable(session: Session, token: str) -> Invitation | None:
    """The invitation behind a link, if the link still works: known, not revoked, and its round
    not over (unless the person submitted: see is_usable).

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
    """Not revoked, and its round has not closed (a planned round still gets a page) or the
    person submitted: they come back after the close to see the region's figures."""
    if invitation.revoked_at is not None:
        return False
    round_ = session.get(Round, invitation.round_id)
    if round_ is None:
        return False
    if round_.state() is not RoundState.CLOSED:
        return True
    return (
        session.exec(
            select(Response.id).where(
                Response.invitation_id == invitation.id, Response.status == "submitted"
            )
        ).first()
        is not None
    )


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
