"""Rounds (meetrondes)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlmodel import Session, select

from selfscan.models import QuestionnaireVersion, Region, Round, RoundRegion, RoundState
from selfscan.models.types import utcnow
from selfscan.services.regions import check_key


class RoundError(ValueError):
    """A round that cannot be made as asked; the message says why."""


def questionnaire_version(session: Session, key: str, version: int) -> QuestionnaireVersion:
    row = session.exec(
        select(QuestionnaireVersion).where(
            QuestionnaireVersion.key == key, QuestionnaireVersion.version == version
        )
    ).first()
    if row is None:
        raise RoundError(
            f"questionnaire {key} version {version} is not loaded; "
            "run: selfscan questionnaires load"
        )
    return row


def add_round(
    session: Session,
    *,
    key: str,
    title: str,
    questionnaire: QuestionnaireVersion,
    opens_at: datetime,
    closes_at: datetime,
    regions: Iterable[Region],
) -> Round:
    """Create a round for the given regions; it opens and closes by the clock."""
    check_key(key, "round")
    if opens_at.tzinfo is None or closes_at.tzinfo is None:
        raise RoundError("opening and closing moments need a time zone")
    if closes_at <= opens_at:
        raise RoundError("a round must close after it opens")
    if not title.strip():
        raise RoundError("a round needs a title")
    if session.exec(select(Round).where(Round.key == key)).first() is not None:
        raise RoundError(f"a round with key {key!r} already exists")
    round_ = Round(
        key=key,
        title=title.strip(),
        questionnaire_version_id=questionnaire.id,  # type: ignore[arg-type]
        opens_at=opens_at,
        closes_at=closes_at,
    )
    session.add(round_)
    session.flush()
    for region in regions:
        session.add(RoundRegion(round_id=round_.id, region_id=region.id))  # type: ignore[arg-type]
    session.flush()
    return round_


class DatesFixed(RoundError):
    """The round has closed and released its figures: its dates can no longer change."""


class CloseWithConfirmation(RoundError):
    """New dates would close an open round: that releases its figures, so it is done with
    `close_now`, which the programme team confirms."""


def update_round(
    session: Session,
    round_: Round,
    *,
    title: str,
    opens_at: datetime,
    closes_at: datetime,
    now: datetime | None = None,
) -> None:
    """Change a round's title or dates; its state follows from the new dates at once.

    Released figures change only by an import (DESIGN rule 8), so a closed round keeps its
    dates (it cannot be opened again for more responses); an open round is closed by
    `close_now`, not by a date in the past.
    """
    now = now or utcnow()
    if opens_at.tzinfo is None or closes_at.tzinfo is None:
        raise RoundError("opening and closing moments need a time zone")
    if closes_at <= opens_at:
        raise RoundError("a round must close after it opens")
    if not title.strip():
        raise RoundError("a round needs a title")
    state = round_.state(now)
    if state is RoundState.CLOSED:
        # A form gives minutes: the same minutes as stored are the same dates.
        if _minutes(opens_at, closes_at) != _minutes(round_.opens_at, round_.closes_at):
            raise DatesFixed("the round has closed and released its figures; its dates stay")
        opens_at, closes_at = round_.opens_at, round_.closes_at
    if state is RoundState.OPEN and closes_at <= now:
        raise CloseWithConfirmation("an open round is closed with close_now")
    round_.title, round_.opens_at, round_.closes_at = title.strip(), opens_at, closes_at
    session.flush()


def _minutes(*moments: datetime) -> tuple[datetime, ...]:
    return tuple(m.replace(second=0, microsecond=0) for m in moments)


def close_now(session: Session, round_: Round, now: datetime | None = None) -> None:
    """Close an open round at once, before its closing moment: that releases its figures
    (DESIGN rule 8) and ends answering for everyone who has not submitted."""
    now = now or utcnow()
    if round_.state(now) is not RoundState.OPEN:
        raise RoundError("only an open round can be closed")
    round_.closes_at = now
    session.flush()
