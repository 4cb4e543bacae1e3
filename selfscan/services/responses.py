"""Responses: starting one, saving answers page by page, submitting exactly once."""

from __future__ import annotations

import weakref
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlalchemy import Engine, func, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from selfscan.db import engine_of
from selfscan.models import (
    Answer,
    Invitation,
    Item,
    Organisation,
    PrincipleComment,
    QuestionnaireVersion,
    Response,
    Round,
    RoundState,
)
from selfscan.models.response import COMMENT_MAX_LENGTH
from selfscan.models.types import utcnow
from selfscan.services.invitations import mark_opened

DONT_KNOW = "nvt"


class ResponseError(ValueError):
    """Answers that cannot be stored as sent; the message says why (for logs and tests)."""


class RoundNotOpen(ResponseError):
    """The round is not open: nothing may be stored, whatever the browser sends."""


class AlreadySubmitted(ResponseError):
    """The response was submitted and is read-only."""


class SubmitOutcome(StrEnum):
    SUBMITTED = "submitted"  # this request submitted it
    ALREADY = "already"  # an earlier request (another click, tab or device) did
    STALE = "stale"  # the answers changed since the person reviewed them: nothing submitted


@dataclass(frozen=True)
class PageAnswers:
    """What one principle page holds: item key -> value, DONT_KNOW or None (unanswered)."""

    values: Mapping[str, int | str | None]
    discuss: frozenset[str] = frozenset()
    comment: str = ""


@dataclass(frozen=True)
class StoredAnswer:
    value: int | None
    dont_know: bool
    discuss: bool

    @property
    def answered(self) -> bool:
        return self.value is not None or self.dont_know


def _check_open(session: Session, invitation: Invitation, now: datetime | None) -> Round:
    round_ = session.get(Round, invitation.round_id)
    if round_ is None or round_.state(now) is not RoundState.OPEN:
        raise RoundNotOpen("the round is not open")
    if invitation.revoked_at is not None:
        raise RoundNotOpen("the invitation was revoked")
    return round_


def response_of(session: Session, invitation: Invitation) -> Response | None:
    """The invitation's response, if the person has started."""
    return session.exec(select(Response).where(Response.invitation_id == invitation.id)).first()


def start(
    session: Session,
    invitation: Invitation,
    *,
    now: datetime | None = None,
    known: Response | None = None,
) -> Response:
    """The invitation's response, created on first use; a second device gets the same one.
    `known` is the response if the caller already read it in this transaction."""
    round_ = _check_open(session, invitation, now)
    mark_opened(session, invitation)
    existing = known if known is not None else response_of(session, invitation)
    if existing is not None:
        return existing
    sector = session.exec(
        select(Organisation.sector).where(Organisation.id == invitation.organisation_id)
    ).one()
    response = Response(
        invitation_id=invitation.id,
        round_id=round_.id,  # type: ignore[arg-type]
        region_id=invitation.region_id,
        organisation_id=invitation.organisation_id,
        sector=sector,
    )
    # Two devices may start at the same moment; the unique invitation_id lets one win and
    # the other then finds the winner's response.
    try:
        with session.begin_nested():
            session.add(response)
    except IntegrityError:
        found = response_of(session, invitation)
        if found is None:
            raise
        return found
    return response


def _page_items(session: Session, version_id: int, principle: str) -> Mapping[str, int]:
    """The ids of a principle's items, by key: read once per engine, as a loaded questionnaire
    version never changes."""
    kept = _item_ids.setdefault(engine_of(session), {})
    found = kept.get((version_id, principle))
    if found is None:
        found = dict(
            session.exec(
                select(Item.key, Item.id).where(
                    Item.questionnaire_version_id == version_id, Item.principle == principle
                )
            ).all()
        )
        if found:  # an unknown principle is not kept
            kept[(version_id, principle)] = found
    return found


_item_ids: weakref.WeakKeyDictionary[Engine, dict[tuple[int, str], dict[str, int]]]
_item_ids = weakref.WeakKeyDictionary()


def _check_page(page: PageAnswers, items: Mapping[str, int], scale: range) -> None:
    unknown = (set(page.values) | page.discuss) - set(items)
    if unknown:
        raise ResponseError(f"unknown statement: {sorted(unknown)[0]}")
    for key, value in page.values.items():
        if value is None or value == DONT_KNOW:
            continue
        if not isinstance(value, int) or isinstance(value, bool) or value not in scale:
            raise ResponseError(f"value off the scale for {key}: {value!r}")
    if len(page.comment) > COMMENT_MAX_LENGTH:
        raise ResponseError(f"the comment is longer than {COMMENT_MAX_LENGTH} characters")


def save_page(
    session: Session,
    invitation: Invitation,
    principle: str,
    page: PageAnswers,
    *,
    now: datetime | None = None,
    known: Response | None = None,
) -> Response:
    """Store one principle page's answers, flags and comment; refused once submitted.

    A save that changes nothing writes nothing, so a late autosave or a replayed form does not
    make the version the person just reviewed look out of date. `known` is the invitation's
    response if the caller already read it in this transaction.
    """
    round_ = _check_open(session, invitation, now)
    version = session.get(QuestionnaireVersion, round_.questionnaire_version_id)
    assert version is not None
    items = _page_items(session, version.id, principle)  # type: ignore[arg-type]
    if not items:
        raise ResponseError(f"unknown principle: {principle}")
    _check_page(page, items, range(version.scale_min, version.scale_max + 1))
    response = start(session, invitation, now=now, known=known)
    if response.status != "draft":
        raise AlreadySubmitted("the answers were already submitted")
    wanted = _wanted_answers(items, page)
    existing = _existing_answers(session, response, wanted)
    comment = session.get(PrincipleComment, (response.id, principle))
    text = page.comment.strip()
    unchanged = (
        all(_state(existing.get(item_id)) == state for item_id, state in wanted.items())
        and (comment.text if comment else "") == text
    )
    if unchanged:
        return response
    _claim_draft(session, response, now)
    if session.get_bind().dialect.name != "sqlite":
        # On PostgreSQL the claim may have waited for a concurrent save of this response:
        # forget what was read before it and read again, or that save's rows would be written
        # twice. On SQLite it cannot have: a transaction that writes holds the write lock from
        # its BEGIN IMMEDIATE (selfscan.db), and one that began deferred fails to write rather
        # than write over a newer commit.
        for stale in (*existing.values(), *([comment] if comment else [])):
            session.expunge(stale)
        existing = _existing_answers(session, response, wanted)
        comment = session.get(PrincipleComment, (response.id, principle))
    _write_answers(session, response, wanted, existing)
    _write_comment(session, response, principle, comment, text)
    session.flush()
    return response


AnswerState = tuple[int | None, bool, bool] | None  # (value, dont_know, discuss), None: no row


def _wanted_answers(items: Mapping[str, int], page: PageAnswers) -> dict[int, AnswerState]:
    wanted: dict[int, AnswerState] = {}
    for key, item_id in items.items():
        raw = page.values.get(key)
        state = (raw if isinstance(raw, int) else None, raw == DONT_KNOW, key in page.discuss)
        wanted[item_id] = None if state == (None, False, False) else state  # type: ignore[index]
    return wanted


def _existing_answers(
    session: Session, response: Response, wanted: Mapping[int, AnswerState]
) -> dict[int, Answer]:
    rows = session.exec(
        select(Answer).where(
            Answer.response_id == response.id, col(Answer.item_id).in_(list(wanted))
        )
    )
    return {answer.item_id: answer for answer in rows}


def _state(answer: Answer | None) -> AnswerState:
    return None if answer is None else (answer.value, answer.dont_know, answer.discuss)


def _claim_draft(session: Session, response: Response, now: datetime | None) -> None:
    # One conditional UPDATE: it raises the revision (so a reviewed version can be recognised)
    # and, on PostgreSQL, locks the row, so a concurrent submit waits for this save or refuses it.
    result = session.execute(
        update(Response)
        .where(col(Response.id) == response.id, col(Response.status) == "draft")
        .values(revision=Response.revision + 1, updated_at=now or utcnow())
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        raise AlreadySubmitted("the answers were already submitted")
    session.refresh(response)


def _write_answers(
    session: Session,
    response: Response,
    wanted: Mapping[int, AnswerState],
    existing: Mapping[int, Answer],
) -> None:
    for item_id, state in wanted.items():
        answer = existing.get(item_id)
        if state is None:
            if answer is not None:
                session.delete(answer)
            continue
        if answer is None:
            answer = Answer(response_id=response.id, item_id=item_id)  # type: ignore[arg-type]
            session.add(answer)
        answer.value, answer.dont_know, answer.discuss = state


def _write_comment(
    session: Session,
    response: Response,
    principle: str,
    comment: PrincipleComment | None,
    text: str,
) -> None:
    if not text:
        if comment is not None:
            session.delete(comment)
        return
    if comment is None:
        session.add(PrincipleComment(response_id=response.id, principle=principle, text=text))  # type: ignore[arg-type]
    else:
        comment.text = text


def submit(
    session: Session,
    invitation: Invitation,
    response: Response,
    revision: int,
    *,
    now: datetime | None = None,
) -> SubmitOutcome:
    """Submit the reviewed version exactly once; double clicks and other tabs find it done."""
    moment = now or utcnow()
    if response.status == "submitted":
        return SubmitOutcome.ALREADY
    _check_open(session, invitation, moment)
    # The WHERE does the work: only one request can move a draft of this revision forward.
    result = session.execute(
        update(Response)
        .where(
            col(Response.id) == response.id,
            col(Response.status) == "draft",
            col(Response.revision) == revision,
        )
        .values(
            status="submitted",
            submitted_at=moment,
            updated_at=moment,
            revision=Response.revision + 1,
        )
        .execution_options(synchronize_session=False)
    )
    session.refresh(response)
    if result.rowcount == 1:  # type: ignore[attr-defined]
        return SubmitOutcome.SUBMITTED
    return SubmitOutcome.ALREADY if response.status == "submitted" else SubmitOutcome.STALE


def stored_answers(session: Session, response: Response | None) -> dict[str, StoredAnswer]:
    """The response's answers by item key (empty before the person started)."""
    if response is None:
        return {}
    rows = session.exec(
        select(Item.key, Answer.value, Answer.dont_know, Answer.discuss)
        .join(Item, col(Item.id) == Answer.item_id)
        .where(Answer.response_id == response.id)
    ).all()
    return {key: StoredAnswer(value, dont_know, discuss) for key, value, dont_know, discuss in rows}


def stored_comments(session: Session, response: Response | None) -> dict[str, str]:
    """The response's comments by principle key."""
    if response is None:
        return {}
    rows = session.exec(
        select(PrincipleComment.principle, PrincipleComment.text).where(
            PrincipleComment.response_id == response.id
        )
    ).all()
    return dict(rows)


def answered_count(session: Session, response: Response | None) -> int:
    """How many statements have an answer (a value or "don't know")."""
    if response is None:
        return 0
    return session.exec(
        select(func.count())
        .select_from(Answer)
        .where(
            Answer.response_id == response.id,
            (col(Answer.value).is_not(None)) | (col(Answer.dont_know).is_(True)),
        )
    ).one()
