"""Rounds (meetrondes)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlmodel import Session, select

from selfscan.models import QuestionnaireVersion, Region, Round, RoundRegion
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


def update_round(
    session: Session, round_: Round, *, title: str, opens_at: datetime, closes_at: datetime
) -> None:
    """Change a round's title or dates; its state follows from the new dates at once."""
    if opens_at.tzinfo is None or closes_at.tzinfo is None:
        raise RoundError("opening and closing moments need a time zone")
    if closes_at <= opens_at:
        raise RoundError("a round must close after it opens")
    if not title.strip():
        raise RoundError("a round needs a title")
    round_.title, round_.opens_at, round_.closes_at = title.strip(), opens_at, closes_at
    session.flush()
