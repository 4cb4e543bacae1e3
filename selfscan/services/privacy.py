"""The privacy rights of the people in the database: export, erasure, and retention.

A person is found by e-mail address: as an invited respondent (one invitation per round) and
perhaps as an account. Erasing a person removes who they are, never what they answered: the
response's link to its invitation is `ON DELETE SET NULL`, so the anonymous answers keep
counting in every figure.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import String, cast, delete, func, literal, or_, update
from sqlmodel import Session, col, select

from selfscan.models import (
    Answer,
    ApiToken,
    CoordinatorRegion,
    Invitation,
    Item,
    Organisation,
    PrincipleComment,
    Region,
    Response,
    Round,
    User,
)
from selfscan.models.types import utcnow
from selfscan.services import uploads
from selfscan.services.accounts import normalise_email

# Invitations whose person was purged keep their row (participation figures of old rounds
# count them) but hold this instead of a name and address. `.invalid` can never be delivered.
ERASED_DOMAIN = "erased.invalid"


class PrivacyError(ValueError):
    """A privacy request that cannot be carried out; the message says why."""


def _moment(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


# --- export ------------------------------------------------------------------------------------


def person_record(session: Session, email: str, *, now: datetime | None = None) -> dict[str, Any]:
    """Everything stored about the person with this address, as plain JSON-ready data."""
    email = normalise_email(email)
    invitations = _invitations(session, email)
    responses = _responses(session, [row["id"] for row in invitations])
    for row in invitations:
        row["response"] = responses.get(row.pop("id"))
    return {
        "email": email,
        "exported_at": _moment(now or utcnow()),
        "invitations": invitations,
        "account": _account(session, email),
    }


def _invitations(session: Session, email: str) -> list[dict[str, Any]]:
    rows = session.exec(
        select(Invitation, Round.key, Round.title, Region.key, Region.name, Organisation)
        .join(Round, col(Round.id) == Invitation.round_id)
        .join(Region, col(Region.id) == Invitation.region_id)
        .join(Organisation, col(Organisation.id) == Invitation.organisation_id)
        .where(Invitation.email == email)
        .order_by(col(Round.opens_at), col(Invitation.id))
    ).all()
    return [
        {
            "id": invitation.id,
            "name": invitation.name,
            "email": invitation.email,
            "round": {"key": round_key, "title": round_title},
            "region": {"key": region_key, "name": region_name},
            "organisation": {"name": organisation.name, "sector": organisation.sector},
            "created_at": _moment(invitation.created_at),
            "sent_at": _moment(invitation.sent_at),
            "opened_at": _moment(invitation.opened_at),
            "reminded_at": _moment(invitation.reminded_at),
            "final_reminder_at": _moment(invitation.final_reminder_at),
            "revoked_at": _moment(invitation.revoked_at),
        }
        for invitation, round_key, round_title, region_key, region_name, organisation in rows
    ]


def _responses(session: Session, invitation_ids: list[int]) -> dict[int, dict[str, Any]]:
    """The responses of these invitations with their answers and comments, in three queries."""
    if not invitation_ids:
        return {}
    found = session.exec(
        select(Response).where(col(Response.invitation_id).in_(invitation_ids))
    ).all()
    by_id = {response.id: response for response in found}
    answers: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for response_id, item_key, principle, value, dont_know, discuss in session.exec(
        select(
            Answer.response_id,
            Item.key,
            Item.principle,
            Answer.value,
            Answer.dont_know,
            Answer.discuss,
        )
        .join(Item, col(Item.id) == Answer.item_id)
        .where(col(Answer.response_id).in_(list(by_id)))
        .order_by(col(Answer.response_id), col(Item.position))
    ).all():
        answers[response_id].append(
            {
                "item": item_key,
                "principle": principle,
                "value": value,
                "dont_know": dont_know,
                "discuss": discuss,
            }
        )
    comments: dict[int, dict[str, str]] = defaultdict(dict)
    for response_id, principle, text in session.exec(
        select(PrincipleComment.response_id, PrincipleComment.principle, PrincipleComment.text)
        .where(col(PrincipleComment.response_id).in_(list(by_id)))
        .order_by(col(PrincipleComment.principle))
    ).all():
        comments[response_id][principle] = text
    return {
        response.invitation_id: {  # type: ignore[misc]
            "status": response.status,
            "sector": response.sector,
            "created_at": _moment(response.created_at),
            "updated_at": _moment(response.updated_at),
            "submitted_at": _moment(response.submitted_at),
            "answers": answers.get(response.id, []),  # type: ignore[arg-type]
            "comments": comments.get(response.id, {}),  # type: ignore[arg-type]
        }
        for response in found
    }


def _account(session: Session, email: str) -> dict[str, Any] | None:
    user = session.exec(select(User).where(User.email == email)).first()
    if user is None:
        return None
    regions = session.exec(
        select(Region.key, Region.name)
        .join(CoordinatorRegion, col(CoordinatorRegion.region_id) == Region.id)
        .where(CoordinatorRegion.user_id == user.id)
        .order_by(col(Region.name))
    ).all()
    return {
        "name": user.name,
        "email": user.email,
        "role": "programme" if user.is_programme else "coordinator",
        "active": user.is_active,
        "has_password": user.password_hash is not None,
        "created_at": _moment(user.created_at),
        "last_login_at": _moment(user.last_login_at),
        "regions": [{"key": key, "name": name} for key, name in regions],
        # The tokens themselves are not stored (only their hashes): their names and moments.
        "api_tokens": [
            {
                "name": token.name,
                "begins_with": token.prefix,
                "created_at": _moment(token.created_at),
                "last_used_at": _moment(token.last_used_at),
                "revoked_at": _moment(token.revoked_at),
            }
            for token in session.exec(
                select(ApiToken).where(ApiToken.user_id == user.id).order_by(col(ApiToken.id))
            )
        ],
    }


# --- erasure -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Erasure:
    """What erasing a person removed."""

    invitations: int
    responses_kept: int
    account: bool


def erase_person(session: Session, email: str) -> Erasure:
    """Delete the person's invitations (their answers stay, anonymous) and coordinator account."""
    email = normalise_email(email)
    user = session.exec(select(User).where(User.email == email)).first()
    if user is not None and user.is_programme:
        # Erasing a programme-team account could remove the last one; that is done by hand.
        raise PrivacyError("a programme-team account is not erased here")
    invitation_ids = list(session.exec(select(Invitation.id).where(Invitation.email == email)))
    kept = session.exec(
        select(func.count())
        .select_from(Response)
        .where(col(Response.invitation_id).in_(invitation_ids))
    ).one()
    # A bulk DELETE lets the database apply ON DELETE SET NULL to the responses.
    session.execute(delete(Invitation).where(col(Invitation.id).in_(invitation_ids)))
    if user is not None:
        session.execute(delete(User).where(col(User.id) == user.id))
    session.flush()
    session.expire_all()
    return Erasure(
        invitations=len(invitation_ids), responses_kept=int(kept), account=user is not None
    )


# --- retention ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Purge:
    """What a retention run removed."""

    invitations: int
    accounts: int
    uploads: int


def purge(session: Session, *, retention_days: int, now: datetime | None = None) -> Purge:
    """Remove personal data of rounds closed more than `retention_days` ago; safe to repeat.

    Invitations keep their row (old rounds' participation figures count them), but lose the
    name and address and can no longer be used. Deactivated coordinator accounts that have not
    signed in within the window are deleted. Responses files previewed but never confirmed are
    deleted after a day, whatever the retention period: they hold people's answers.
    """
    if retention_days < 0:
        raise PrivacyError("the retention period cannot be negative")
    cutoff = (now or utcnow()) - timedelta(days=retention_days)
    # First, so that an old upload of an account deleted below is counted, not cascaded away.
    expired_uploads = uploads.purge_expired(session, now=now)
    old_rounds = select(Round.id).where(col(Round.closes_at) < cutoff)
    erased = session.execute(
        update(Invitation)
        .where(
            col(Invitation.round_id).in_(old_rounds),
            col(Invitation.email).not_like(f"%@{ERASED_DOMAIN}"),
        )
        .values(
            name="",
            # Unique per round, so it is made from the row's own id.
            email=literal("invitation-")
            + cast(Invitation.id, String)
            + literal(f"@{ERASED_DOMAIN}"),
        )
        .execution_options(synchronize_session=False)
    ).rowcount  # type: ignore[attr-defined]
    stale_accounts = select(User.id).where(
        col(User.is_active).is_(False),
        col(User.is_programme).is_(False),
        col(User.created_at) < cutoff,
        or_(col(User.last_login_at).is_(None), col(User.last_login_at) < cutoff),
    )
    removed = session.execute(
        delete(User)
        .where(col(User.id).in_(stale_accounts))
        .execution_options(synchronize_session=False)
    ).rowcount  # type: ignore[attr-defined]
    session.flush()
    return Purge(
        invitations=int(erased or 0),
        accounts=int(removed or 0),
        uploads=expired_uploads,
    )
