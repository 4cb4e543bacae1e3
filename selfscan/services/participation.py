"""Following a round's invitations: pasted lists, status per person and per sector, reminders.

Nothing here reads answers: a status is derived from the invitation's dates and whether its
response is a draft or submitted.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import and_, func, or_
from sqlmodel import Session, select

from selfscan.core.vocabulary import SECTOR_KEYS
from selfscan.models import Invitation, Organisation, Region, Response, Round
from selfscan.services.overview_counts import Counts, counts_by_region

MAX_LIST_LINES = 1000
NAME_MAX_LENGTH = 120
# A final reminder never follows another mail to the same person within this time.
FINAL_REMINDER_GAP = timedelta(hours=20)
# A coordinator's "remind now" skips people who had a mail from Selfscan within this time.
MANUAL_REMINDER_GAP = timedelta(hours=20)


# --- pasted or uploaded lists -------------------------------------------------------------------


class LineProblem(StrEnum):
    FIELDS = "fields"  # not exactly three fields
    NAME = "name"
    EMAIL = "email"
    ORGANISATION = "organisation"  # no organisation of that name in the region
    DUPLICATE = "duplicate"  # the same e-mail earlier in the list
    INVITED = "invited"  # already invited to this round
    PERSPECTIVE = "perspective"  # a fourth field that names no perspective
    TOO_LONG = "too-long"  # the list has too many lines
    EMPTY = "empty"  # the list has no lines at all


@dataclass(frozen=True)
class LineError:
    line: int
    problem: LineProblem
    detail: str = ""  # the offending value, or the earlier line of a duplicate


@dataclass(frozen=True)
class ListedPerson:
    line: int
    name: str
    email: str
    organisation: str
    perspective: str | None = None  # None: as the organisation's sector says
    complete: bool = (
        True  # False: the line has an error of its own (its organisation is still checked)
    )


def parse_list(text: str) -> tuple[list[ListedPerson], list[LineError]]:
    """Read `name;e-mail;organisation` lines, with an optional fourth field naming the
    perspective (`ouder`, `jongere`, `professional`, or in English); tabs work too; blank lines
    are skipped.

    A first line that names the columns is recognised and skipped. Returns the lines without
    errors, and every error of every line.
    """
    lines, errors = read_list(text)
    return [p for p in lines if p.complete], errors


def read_list(text: str) -> tuple[list[ListedPerson], list[LineError]]:
    """As `parse_list`, but also the lines with a bad name, e-mail address or perspective, so
    that `check_against_region` can report their organisation too: the coordinator corrects
    every mistake of a list at once, not one per attempt."""
    people: list[ListedPerson] = []
    errors: list[LineError] = []
    lines = text.splitlines()
    if len(lines) > MAX_LIST_LINES:
        return [], [LineError(MAX_LIST_LINES + 1, LineProblem.TOO_LONG, str(MAX_LIST_LINES))]
    first_emails: dict[str, int] = {}
    for number, raw in enumerate(lines, start=1):
        if not raw.strip():
            continue
        delimiter = ";" if ";" in raw or "\t" not in raw else "\t"
        fields = [f.strip() for f in next(csv.reader([raw], delimiter=delimiter))]
        if number == 1 and _is_header(fields):
            continue
        if len(fields) not in (3, 4):
            errors.append(LineError(number, LineProblem.FIELDS, str(len(fields))))
            continue
        name, email, organisation = fields[:3]
        found = len(errors)
        perspective = None
        if len(fields) == 4 and fields[3]:
            perspective = PERSPECTIVE_WORDS.get(fields[3].casefold())
            if perspective is None:
                errors.append(LineError(number, LineProblem.PERSPECTIVE, fields[3]))
        if not name or len(name) > NAME_MAX_LENGTH:
            errors.append(LineError(number, LineProblem.NAME, name))
        try:
            email = validate_email(email, check_deliverability=False).normalized.lower()
        except EmailNotValidError:
            errors.append(LineError(number, LineProblem.EMAIL, email))
        else:
            if email in first_emails:
                errors.append(LineError(number, LineProblem.DUPLICATE, str(first_emails[email])))
            else:
                first_emails[email] = number
        people.append(
            ListedPerson(number, name, email, organisation, perspective, len(errors) == found)
        )
    if not people and not errors:
        errors.append(LineError(0, LineProblem.EMPTY))
    return people, errors


# The words a list may use for a perspective, in Dutch and English.
PERSPECTIVE_WORDS = {
    "professional": "professional",
    "professioneel": "professional",
    "parent": "parent",
    "ouder": "parent",
    "young": "young",
    "young person": "young",
    "jongere": "young",
}


def _is_header(fields: list[str]) -> bool:
    return (
        len(fields) >= 2 and fields[0].lower() in {"name", "naam"} and "mail" in fields[1].lower()
    )


@dataclass(frozen=True)
class RegionCheck:
    """A list checked against the region: the organisation per line, the revoked invitation
    per line of a person invited again (restored, not refused), and the errors."""

    organisations: dict[int, Organisation]
    revoked: dict[int, Invitation]
    errors: list[LineError]


def check_against_region(
    session: Session, *, region: Region, round_: Round, people: Sequence[ListedPerson]
) -> RegionCheck:
    """Match the list's organisations (by name, any case) and find people already invited.

    A person whose invitation in this region was revoked is invited again (the caller restores
    that invitation); one invited in another region of the round is refused like anyone else
    already invited, since that invitation is not this coordinator's to change.
    """
    organisations = {
        o.name.casefold(): o
        for o in session.exec(select(Organisation).where(Organisation.region_id == region.id))
    }
    earlier = {
        invitation.email: invitation
        for invitation in session.exec(
            select(Invitation).where(
                Invitation.round_id == round_.id,
                Invitation.email.in_([p.email for p in people]),  # type: ignore[attr-defined]
            )
        )
    }
    matched: dict[int, Organisation] = {}
    revoked: dict[int, Invitation] = {}
    errors: list[LineError] = []
    for person in people:
        organisation = organisations.get(person.organisation.casefold())
        if organisation is None:
            errors.append(LineError(person.line, LineProblem.ORGANISATION, person.organisation))
        invitation = earlier.get(person.email) if person.complete else None
        again = (
            invitation is not None
            and invitation.revoked_at is not None
            and invitation.region_id == region.id
        )
        if invitation is not None and not again:
            errors.append(LineError(person.line, LineProblem.INVITED, person.email))
            continue
        if organisation is not None and person.complete:
            matched[person.line] = organisation
            if again:
                revoked[person.line] = invitation  # type: ignore[assignment]
    return RegionCheck(matched, revoked, errors)


# --- status per invitation and per sector -------------------------------------------------------


class InvitationStatus(StrEnum):
    NOT_SENT = "not_sent"
    SENT = "sent"
    OPENED = "opened"
    IN_PROGRESS = "in_progress"
    SUBMITTED = "submitted"
    REVOKED = "revoked"


def invitation_status(
    *,
    sent_at: datetime | None,
    opened_at: datetime | None,
    revoked_at: datetime | None,
    response_status: str | None,
) -> InvitationStatus:
    """Where one invitation stands; a submitted response outranks a later revocation."""
    if response_status == "submitted":
        return InvitationStatus.SUBMITTED
    if revoked_at is not None:
        return InvitationStatus.REVOKED
    if response_status == "draft":
        return InvitationStatus.IN_PROGRESS
    if opened_at is not None:
        return InvitationStatus.OPENED
    if sent_at is not None:
        return InvitationStatus.SENT
    return InvitationStatus.NOT_SENT


@dataclass(frozen=True)
class InvitationRow:
    id: int
    name: str
    email: str
    organisation: str
    sector: str
    sent_at: datetime | None
    opened_at: datetime | None
    status: InvitationStatus
    perspective: str = "professional"


def invitation_rows(session: Session, *, region: Region, round_: Round) -> list[InvitationRow]:
    """The region's invitations for a round with their status (never the answers)."""
    rows = session.exec(
        select(
            Invitation.id,
            Invitation.name,
            Invitation.email,
            Organisation.name,
            Organisation.sector,
            Invitation.sent_at,
            Invitation.opened_at,
            Invitation.revoked_at,
            Response.status,
            Invitation.perspective,
        )
        .join(Organisation, Organisation.id == Invitation.organisation_id)
        .outerjoin(Response, Response.invitation_id == Invitation.id)
        .where(Invitation.round_id == round_.id, Invitation.region_id == region.id)
        .order_by(Organisation.name, Invitation.name)
    ).all()
    return [
        InvitationRow(
            id=r[0],
            name=r[1],
            email=r[2],
            organisation=r[3],
            sector=r[4],
            sent_at=r[5],
            opened_at=r[6],
            status=invitation_status(
                sent_at=r[5], opened_at=r[6], revoked_at=r[7], response_status=r[8]
            ),
            perspective=r[9],
        )
        for r in rows
    ]


@dataclass(frozen=True)
class Asked:
    """Who was asked and who answered in a round, per region and sector.

    Submitted responses count in the sector they were given for. A response whose invitation is
    known (also when it was revoked after the person answered) counts as asked once. An
    invitation that is not revoked and has no submitted response counts as asked, in its
    organisation's sector. A response without an invitation (imported, or of a person who was
    erased) may come from one of those people or from someone asked outside Selfscan: per
    sector they count as asked only where they outnumber the open invitations. So a response
    rate `submitted / asked` never passes 100 % and nobody is counted twice.
    """

    asked: Counts
    submitted: Counts

    def of(self, region_id: int) -> tuple[dict[str, int], dict[str, int]]:
        return self.asked.get(region_id, {}), self.submitted.get(region_id, {})


def asked_and_submitted(session: Session, round_: Round, region_id: int | None = None) -> Asked:
    """The round's participation counts, of one region or of all: two grouped queries."""
    found = asked_and_submitted_by_round(session, [round_.id], region_id)  # type: ignore[list-item]
    return found.get(round_.id, Asked({}, {}))  # type: ignore[arg-type]


def asked_and_submitted_by_round(
    session: Session, round_ids: Sequence[int], region_id: int | None = None
) -> dict[int, Asked]:
    """Per round, its participation counts (as `asked_and_submitted`), of one region or of
    all: two grouped queries for all the rounds, so that a region's path over twenty rounds
    does not build and run forty."""
    submitted_response = and_(
        Response.invitation_id == Invitation.id, Response.status == "submitted"
    )
    open_invitations = (
        select(Invitation.round_id, Invitation.region_id, Organisation.sector, func.count())
        .join(Organisation, Organisation.id == Invitation.organisation_id)
        .outerjoin(Response, submitted_response)
        .where(
            Invitation.round_id.in_(round_ids),  # type: ignore[attr-defined]
            Invitation.revoked_at.is_(None),  # type: ignore[union-attr]
            Response.id.is_(None),  # type: ignore[union-attr]
        )
        .group_by(Invitation.round_id, Invitation.region_id, Organisation.sector)
    )
    unlinked = Response.invitation_id.is_(None)  # type: ignore[union-attr]
    responses = (
        select(Response.round_id, Response.region_id, Response.sector, unlinked, func.count())
        .where(Response.round_id.in_(round_ids), Response.status == "submitted")  # type: ignore[attr-defined]
        .group_by(Response.round_id, Response.region_id, Response.sector, unlinked)
    )
    if region_id is not None:
        open_invitations = open_invitations.where(Invitation.region_id == region_id)
        responses = responses.where(Response.region_id == region_id)
    invitation_rows: dict[int, list] = defaultdict(list)  # type: ignore[type-arg]
    for round_id, *row in session.exec(open_invitations).all():
        invitation_rows[round_id].append(row)
    response_rows: dict[int, list] = defaultdict(list)  # type: ignore[type-arg]
    for round_id, *row in session.exec(responses).all():
        response_rows[round_id].append(row)
    return {
        round_id: _asked(invitation_rows.get(round_id, []), response_rows.get(round_id, []))
        for round_id in round_ids
    }


def _asked(invitation_rows: list, response_rows: list) -> Asked:  # type: ignore[type-arg]
    asked = counts_by_region(invitation_rows)
    submitted: Counts = defaultdict(dict)
    linked: Counts = defaultdict(dict)
    without: Counts = defaultdict(dict)
    for region, sector, is_unlinked, count in response_rows:
        submitted[region][sector] = submitted[region].get(sector, 0) + int(count)
        (without if is_unlinked else linked)[region][sector] = int(count)
    for region in submitted:
        sectors = asked.setdefault(region, {})
        for sector in submitted[region]:
            open_ = sectors.get(sector, 0)
            sectors[sector] = linked[region].get(sector, 0) + max(
                open_, without[region].get(sector, 0)
            )
    return Asked(asked, dict(submitted))


@dataclass(frozen=True)
class SectorParticipation:
    sector: str
    invitations: int  # asked: see Asked
    responses: int  # submitted, including imported ones
    shown: bool  # at least k responses: the sector can be shown as its own group


def sector_participation(
    session: Session, *, region: Region, round_: Round, min_group_size: int
) -> list[SectorParticipation]:
    """Per sector with organisations, invitations or responses: the counts, in sector order."""
    invitations, responses = asked_and_submitted(session, round_, region.id).of(region.id)  # type: ignore[arg-type]
    with_organisations = set(
        session.exec(select(Organisation.sector).where(Organisation.region_id == region.id))
    )
    sectors = with_organisations | set(invitations) | set(responses)
    return [
        SectorParticipation(
            sector=key,
            invitations=invitations.get(key, 0),
            responses=responses.get(key, 0),
            shown=responses.get(key, 0) >= min_group_size,
        )
        for key in SECTOR_KEYS
        if key in sectors
    ]


# --- reminders ----------------------------------------------------------------------------------


class ReminderKind(StrEnum):
    REGULAR = "regular"
    FINAL = "final"


def reminder_due(
    *,
    now: datetime,
    closes_at: datetime,
    sent_at: datetime,
    reminded_at: datetime | None,
    final_reminder_at: datetime | None,
    every: timedelta,
    final_within: timedelta,
) -> ReminderKind | None:
    """Which reminder (if any) an unfinished invitation of an open round is due.

    At most one reminder per `every` since the last mail, and one final reminder once the
    round closes within `final_within`; after the final one nothing more is sent.
    """
    if final_reminder_at is not None:
        return None
    last = max(t for t in (sent_at, reminded_at) if t is not None)
    if closes_at - now <= final_within and now - last >= min(FINAL_REMINDER_GAP, every):
        return ReminderKind.FINAL
    if now - last >= every:
        return ReminderKind.REGULAR
    return None


@dataclass(frozen=True)
class ReminderCandidate:
    invitation: Invitation
    round: Round
    region_name: str
    organisation_name: str


def reminder_candidates(
    session: Session, now: datetime, *, region: Region | None = None, round_: Round | None = None
) -> list[ReminderCandidate]:
    """Sent, unrevoked invitations of open rounds whose response is missing or a draft (of
    one region and round, when given)."""
    query = (
        select(Invitation, Round, Region.name, Organisation.name)
        .join(Round, Round.id == Invitation.round_id)
        .join(Region, Region.id == Invitation.region_id)
        .join(Organisation, Organisation.id == Invitation.organisation_id)
        .outerjoin(Response, Response.invitation_id == Invitation.id)
        .where(
            Round.opens_at <= now,
            Round.closes_at > now,
            Invitation.sent_at.is_not(None),  # type: ignore[union-attr]
            Invitation.revoked_at.is_(None),  # type: ignore[union-attr]
            Invitation.final_reminder_at.is_(None),  # type: ignore[union-attr]
            or_(Response.id.is_(None), Response.status != "submitted"),  # type: ignore[union-attr]
        )
        .order_by(Invitation.id)
    )
    if region is not None:
        query = query.where(Invitation.region_id == region.id)
    if round_ is not None:
        query = query.where(Invitation.round_id == round_.id)
    return [ReminderCandidate(*row) for row in session.exec(query).all()]


def reminder_now(
    *,
    now: datetime,
    closes_at: datetime,
    sent_at: datetime,
    reminded_at: datetime | None,
    final_within: timedelta,
) -> ReminderKind | None:
    """The reminder a coordinator's "remind now" sends to one unfinished invitation: none when
    the person had a mail from Selfscan within MANUAL_REMINDER_GAP, so a second click (or a
    colleague's) does not flood anyone; a final one when the round closes within
    `final_within`."""
    last = max(t for t in (sent_at, reminded_at) if t is not None)
    if now - last < MANUAL_REMINDER_GAP:
        return None
    return ReminderKind.FINAL if closes_at - now <= final_within else ReminderKind.REGULAR


def count_by_status(rows: Iterable[InvitationRow]) -> dict[InvitationStatus, int]:
    counts = dict.fromkeys(InvitationStatus, 0)
    for row in rows:
        counts[row.status] += 1
    return counts
