"""Responses: starting one, saving answers page by page, submitting exactly once."""

from __future__ import annotations

import weakref
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import Engine, bindparam, delete, func, null, union_all, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.attributes import set_committed_value
from sqlmodel import Session, col, select

from selfscan.infra.db import engine_of
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
        perspective=invitation.perspective,
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
    return _save_page(session, invitation, principle, page, now=now, known=known)[0]


def save_and_count(
    session: Session,
    invitation: Invitation,
    principle: str,
    page: PageAnswers,
    *,
    now: datetime | None = None,
    known: Response | None = None,
) -> tuple[Response, int]:
    """`save_page`, and how many statements are answered after it (as `answered_count`).

    The count comes with the save's claim on the draft where it can: the claim returns the
    count before this save (in the snapshot it locked the row in), and the save knows what it
    changes on its page. That holds only if no other save claimed the draft since this request
    read it; then, and when nothing changed, the answers are counted in a statement of their
    own. An autosave comes every few seconds per person: one statement fewer each."""
    response, answered = _save_page(session, invitation, principle, page, now=now, known=known)
    return response, answered_count(session, response) if answered is None else answered


def _save_page(
    session: Session,
    invitation: Invitation,
    principle: str,
    page: PageAnswers,
    *,
    now: datetime | None,
    known: Response | None,
) -> tuple[Response, int | None]:
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
    text = page.comment.strip()
    read_at = response.revision
    stored = _stored_page(session, response.id, principle, wanted)  # type: ignore[arg-type]
    if stored == (wanted, text):
        return response, None
    revision, before = _claim_draft(session, response, now)
    answered = None
    if revision != read_at + 1:
        # Another save of this response claimed it since this request read the response. On
        # PostgreSQL it may have done so after the page was read above; the claim now holds
        # the row, so a second read is current. (On SQLite the page was read under the write
        # lock and is current already; reading it again costs only this rare case.) The count
        # the claim returned may predate that save's answers: counted afresh after the write.
        stored = _stored_page(session, response.id, principle, wanted)  # type: ignore[arg-type]
    else:
        answered = before - _answered(stored[0].values()) + _answered(wanted.values())
    _write_page(session, response.id, principle, wanted, text, stored)  # type: ignore[arg-type]
    return response, answered


def _answered(states: Iterable[AnswerState]) -> int:
    """How many of these answers count as answered: a value or "don't know" (`_IS_ANSWERED`)."""
    return sum(1 for s in states if s is not None and (s[0] is not None or s[1]))


AnswerState = tuple[int | None, bool, bool] | None  # (value, dont_know, discuss), None: no row
PageState = tuple[dict[int, AnswerState], str]  # by item id, and the comment ("" for none)


def _wanted_answers(items: Mapping[str, int], page: PageAnswers) -> dict[int, AnswerState]:
    wanted: dict[int, AnswerState] = {}
    for key, item_id in items.items():
        raw = page.values.get(key)
        state = (raw if isinstance(raw, int) else None, raw == DONT_KNOW, key in page.discuss)
        wanted[item_id] = None if state == (None, False, False) else state  # type: ignore[index]
    return wanted


# The statements of a save, built once: an autosave runs them every few seconds per person.
_ANSWER = Answer.__table__  # type: ignore[attr-defined]
_COMMENT = PrincipleComment.__table__  # type: ignore[attr-defined]
_RESPONSE = Response.__table__  # type: ignore[attr-defined]

_STORED_PAGE = union_all(
    select(
        _ANSWER.c.item_id,
        _ANSWER.c.value,
        _ANSWER.c.dont_know,
        _ANSWER.c.discuss,
        null().label("text"),
    ).where(
        _ANSWER.c.response_id == bindparam("response"),
        _ANSWER.c.item_id.in_(bindparam("items", expanding=True)),
    ),
    select(null(), null(), null(), null(), _COMMENT.c.text).where(
        _COMMENT.c.response_id == bindparam("response"),
        _COMMENT.c.principle == bindparam("principle"),
    ),
)
# An answer that counts as answered: a value or "don't know" (not a discussion flag alone).
_IS_ANSWERED = _ANSWER.c.value.is_not(None) | _ANSWER.c.dont_know.is_(True)
_ANSWERED_BEFORE = (
    select(func.count())
    .select_from(_ANSWER)
    .where(_ANSWER.c.response_id == _RESPONSE.c.id, _IS_ANSWERED)
    .scalar_subquery()
)
_CLAIM = (
    update(_RESPONSE)
    .where(_RESPONSE.c.id == bindparam("response"), _RESPONSE.c.status == "draft")
    .values(revision=_RESPONSE.c.revision + 1, updated_at=bindparam("now"))
    # The answered statements as the claim finds them, before this save writes its page.
    .returning(_RESPONSE.c.revision, _RESPONSE.c.updated_at, _ANSWERED_BEFORE.label("answered"))
)
_CLEAR_ANSWERS = delete(_ANSWER).where(
    _ANSWER.c.response_id == bindparam("response"),
    _ANSWER.c.item_id.in_(bindparam("items", expanding=True)),
)
_DELETE_COMMENT = delete(_COMMENT).where(
    _COMMENT.c.response_id == bindparam("response"),
    _COMMENT.c.principle == bindparam("principle"),
)


def _upserts(insert: Any) -> tuple[Any, Any]:
    """An answer's and a comment's INSERT that updates the row it finds instead (SQLite and
    PostgreSQL both have ON CONFLICT, each with its own construct in SQLAlchemy)."""
    answer = insert(_ANSWER)
    comment = insert(_COMMENT)
    return (
        answer.on_conflict_do_update(
            index_elements=[_ANSWER.c.response_id, _ANSWER.c.item_id],
            set_={name: answer.excluded[name] for name in ("value", "dont_know", "discuss")},
        ),
        comment.on_conflict_do_update(
            index_elements=[_COMMENT.c.response_id, _COMMENT.c.principle],
            set_={"text": comment.excluded.text},
        ),
    )


_UPSERTS = {"sqlite": _upserts(sqlite.insert), "postgresql": _upserts(postgresql.insert)}


def _stored_page(
    session: Session, response_id: int, principle: str, wanted: Mapping[int, AnswerState]
) -> PageState:
    """What the database holds of one page, in one statement: its answers and its comment."""
    state: dict[int, AnswerState] = dict.fromkeys(wanted)
    text = ""
    rows = session.connection().execute(
        _STORED_PAGE, {"response": response_id, "items": list(wanted), "principle": principle}
    )
    for item_id, value, dont_know, discuss, comment_text in rows:
        if item_id is None:
            text = comment_text
        else:
            state[item_id] = (value, dont_know, discuss)
    return state, text


def _claim_draft(session: Session, response: Response, now: datetime | None) -> tuple[int, int]:
    """Raise the draft's revision; return it and the answered statements before this save.
    Refused once it was submitted."""
    # One conditional UPDATE: it raises the revision (so a reviewed version can be recognised)
    # and, on PostgreSQL, locks the row, so a concurrent submit or save waits for this save.
    row = (
        session.connection()
        .execute(_CLAIM, {"response": response.id, "now": now or utcnow()})
        .first()
    )
    if row is None:
        raise AlreadySubmitted("the answers were already submitted")
    set_committed_value(response, "revision", row.revision)
    set_committed_value(response, "updated_at", row.updated_at)
    return row.revision, row.answered


def _write_page(
    session: Session,
    response_id: int,
    principle: str,
    wanted: Mapping[int, AnswerState],
    text: str,
    stored: PageState,
) -> None:
    """Write what differs from `stored`: new and changed answers in one upsert, cleared answers
    in one delete, the comment in one statement."""
    connection = session.connection()
    upsert_answer, upsert_comment = _UPSERTS[connection.dialect.name]
    stored_answers, stored_text = stored
    changed = [
        {
            "response_id": response_id,
            "item_id": item_id,
            "value": state[0],
            "dont_know": state[1],
            "discuss": state[2],
        }
        for item_id, state in wanted.items()
        if state is not None and state != stored_answers.get(item_id)
    ]
    cleared = [i for i, s in wanted.items() if s is None and stored_answers.get(i) is not None]
    if changed:
        connection.execute(upsert_answer, changed)
    if cleared:
        connection.execute(_CLEAR_ANSWERS, {"response": response_id, "items": cleared})
    if text == stored_text:
        return
    if text:
        row = {"response_id": response_id, "principle": principle, "text": text}
        connection.execute(upsert_comment, row)
    else:
        connection.execute(_DELETE_COMMENT, {"response": response_id, "principle": principle})


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
    rows = session.connection().execute(_STORED_ANSWERS, {"response": response.id})
    return {key: StoredAnswer(value, dont_know, discuss) for key, value, dont_know, discuss in rows}


def stored_answers_and_comments(
    session: Session, response: Response | None
) -> tuple[dict[str, StoredAnswer], dict[str, str]]:
    """The answers by item key and the comments by principle, in one statement."""
    answers: dict[str, StoredAnswer] = {}
    comments: dict[str, str] = {}
    if response is None:
        return answers, comments
    rows = session.connection().execute(_STORED_BOTH, {"response": response.id})
    for key, value, dont_know, discuss, principle, text in rows:
        if principle is None:
            answers[key] = StoredAnswer(value, dont_know, discuss)
        else:
            comments[principle] = text
    return answers, comments


_ITEM = Item.__table__  # type: ignore[attr-defined]
_STORED_ANSWERS = (
    select(_ITEM.c.key, _ANSWER.c.value, _ANSWER.c.dont_know, _ANSWER.c.discuss)
    .join_from(_ANSWER, _ITEM, _ITEM.c.id == _ANSWER.c.item_id)
    .where(_ANSWER.c.response_id == bindparam("response"))
)
_STORED_BOTH = union_all(
    _STORED_ANSWERS.add_columns(null().label("principle"), null().label("text")),
    select(null(), null(), null(), null(), _COMMENT.c.principle, _COMMENT.c.text).where(
        _COMMENT.c.response_id == bindparam("response")
    ),
)


def answered_count(session: Session, response: Response | None) -> int:
    """How many statements have an answer (a value or "don't know")."""
    if response is None:
        return 0
    return session.connection().execute(_ANSWERED, {"response": response.id}).scalar_one()  # type: ignore[no-any-return]


_ANSWERED = (
    select(func.count())
    .select_from(_ANSWER)
    .where(_ANSWER.c.response_id == bindparam("response"), _IS_ANSWERED)
)
