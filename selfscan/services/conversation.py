"""The regional conversation after a round: the meeting and the region's agreed positions.

The partners agree on a score per principle only after they have seen the round's figures, so
positions can be recorded for a round whose figures are released (DESIGN rule 8), never before.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime

from sqlmodel import Session, col, select

from selfscan.core.vocabulary import PRINCIPLE_KEYS, SECTOR_KEYS
from selfscan.models import AgreedPosition, Meeting, Region, Round
from selfscan.models.conversation import RATIONALE_MAX_LENGTH
from selfscan.models.types import utcnow

SCORE_MIN, SCORE_MAX = 1.0, 5.0


class ConversationError(ValueError):
    """A change that cannot be made; `reason` is a key the views turn into a sentence."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason
        self.detail = detail


@dataclass(frozen=True)
class PositionInput:
    """What the form gives for one principle: the agreed score (None: not agreed) and why."""

    score: float | None
    rationale: str


@dataclass(frozen=True)
class Agreed:
    """The meeting and the agreed positions of one region and round, by principle."""

    meeting: Meeting | None
    positions: dict[str, AgreedPosition]


def agreed(session: Session, *, region: Region, round_: Round) -> Agreed:
    meeting = session.get(Meeting, (round_.id, region.id))
    rows = session.exec(
        select(AgreedPosition).where(
            AgreedPosition.round_id == round_.id, AgreedPosition.region_id == region.id
        )
    )
    return Agreed(meeting, {row.principle: row for row in rows})


def to_tenths(score: float) -> int:
    """A score on the 1-5 scale in tenths; ConversationError when outside or finer than 0,1."""
    tenths = round(score * 10)
    if abs(score * 10 - tenths) > 1e-6:
        raise ConversationError("score_precision", str(score))
    if not SCORE_MIN * 10 <= tenths <= SCORE_MAX * 10:
        raise ConversationError("score_range", str(score))
    return tenths


def save_agreed(
    session: Session,
    *,
    region: Region,
    round_: Round,
    held_on: date | None,
    sectors: Iterable[str],
    positions: Mapping[str, PositionInput],
    now: datetime | None = None,
) -> None:
    """Record the meeting and the agreed positions; a principle without a score is removed."""
    if not round_.figures_released(now):
        raise ConversationError("not_released")
    chosen = set(sectors)
    if chosen - set(SECTOR_KEYS):
        raise ConversationError("sector", ", ".join(sorted(chosen - set(SECTOR_KEYS))))
    if set(positions) - set(PRINCIPLE_KEYS):
        raise ConversationError(
            "principle", ", ".join(sorted(set(positions) - set(PRINCIPLE_KEYS)))
        )
    checked: dict[str, tuple[int, str] | None] = {}
    for principle, entry in positions.items():
        rationale = entry.rationale.strip()
        if len(rationale) > RATIONALE_MAX_LENGTH:
            raise ConversationError("rationale_length", principle)
        if entry.score is None:
            if rationale:
                raise ConversationError("rationale_without_score", principle)
            checked[principle] = None
        else:
            checked[principle] = (to_tenths(entry.score), rationale)

    meeting = session.get(Meeting, (round_.id, region.id))
    if meeting is None:
        meeting = Meeting(round_id=round_.id, region_id=region.id)  # type: ignore[arg-type]
        session.add(meeting)
    meeting.held_on = held_on
    meeting.sectors = ",".join(key for key in SECTOR_KEYS if key in chosen)
    meeting.updated_at = utcnow()

    existing = agreed(session, region=region, round_=round_).positions
    for principle, value in checked.items():
        row = existing.get(principle)
        if value is None:
            if row is not None:
                session.delete(row)
            continue
        if row is None:
            row = AgreedPosition(
                round_id=round_.id,  # type: ignore[arg-type]
                region_id=region.id,  # type: ignore[arg-type]
                principle=principle,
                score_tenths=value[0],
            )
            session.add(row)
        row.score_tenths, row.rationale, row.updated_at = value[0], value[1], utcnow()
    session.flush()


def agreed_history(session: Session, region: Region) -> dict[int, dict[str, float]]:
    """The region's agreed scores in every round it recorded them: round id -> principle ->
    score."""
    found: dict[int, dict[str, float]] = {}
    for row in session.exec(select(AgreedPosition).where(AgreedPosition.region_id == region.id)):
        found.setdefault(row.round_id, {})[row.principle] = row.score
    return found


def agreed_in_round(session: Session, round_: Round) -> dict[int, dict[str, float]]:
    """Every region's agreed scores in one round: region id -> principle -> score."""
    found: dict[int, dict[str, float]] = {}
    rows = session.exec(
        select(AgreedPosition)
        .where(AgreedPosition.round_id == round_.id)
        .order_by(col(AgreedPosition.region_id))
    )
    for row in rows:
        found.setdefault(row.region_id, {})[row.principle] = row.score
    return found
