"""A region's ambitions and result agreements: writes that flush, and what the dashboard, the
report and the overview read of them.

Measured scores reach these pages only through services.scores.region_figures, which applies
DESIGN rules 5-8 (nothing before a round closes, hidden groups stay hidden).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, func, select

from selfscan.core.ambitions import Standing
from selfscan.core.scoring import ALL
from selfscan.core.vocabulary import AGREEMENT_STATUS_KEYS, PRINCIPLE_KEYS, SECTOR_KEYS
from selfscan.models import (
    Action,
    AgreementProgress,
    Ambition,
    Region,
    ResultAgreement,
    Round,
    RoundRegion,
)
from selfscan.models.ambition import (
    CHECK_MAX_LENGTH,
    INDICATOR_MAX_LENGTH,
    LEAD_NAME_MAX_LENGTH,
    NOTE_MAX_LENGTH,
    TITLE_MAX_LENGTH,
    WHY_MAX_LENGTH,
)
from selfscan.models.types import utcnow
from selfscan.services import scores
from selfscan.services.conversation import ConversationError, to_tenths


class AmbitionError(ValueError):
    """A change that cannot be made; `reason` is a key the views turn into a sentence."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason
        self.detail = detail


# --- ambitions ----------------------------------------------------------------------------------


def region_rounds(session: Session, region: Region) -> list[Round]:
    """The rounds the region takes part in, oldest first."""
    return list(
        session.exec(
            select(Round)
            .join(RoundRegion, col(RoundRegion.round_id) == Round.id)
            .where(RoundRegion.region_id == region.id)
            .order_by(col(Round.opens_at), col(Round.id))
        )
    )


def ambitions(session: Session, region: Region) -> list[Ambition]:
    """The region's ambitions, by principle, then by the round they aim at."""
    rows = session.exec(
        select(Ambition, Round)
        .join(Round, col(Round.id) == Ambition.round_id)
        .where(Ambition.region_id == region.id)
        .order_by(col(Round.opens_at), col(Ambition.id))
    ).all()
    return sorted((a for a, _ in rows), key=lambda a: PRINCIPLE_KEYS.index(a.principle))


def _check_ambition(
    session: Session,
    region: Region,
    round_: Round,
    principle: str,
    target: float,
    why: str,
    ambition_id: int | None,
) -> int:
    if principle not in PRINCIPLE_KEYS:
        raise AmbitionError("principle", principle)
    if session.get(RoundRegion, (round_.id, region.id)) is None:
        raise AmbitionError("round", round_.key)
    if len(why.strip()) > WHY_MAX_LENGTH:
        raise AmbitionError("why_length")
    try:
        tenths = to_tenths(target)
    except ConversationError as error:
        raise AmbitionError(error.reason, error.detail) from None
    same = session.exec(
        select(Ambition.id).where(
            Ambition.region_id == region.id,
            Ambition.principle == principle,
            Ambition.round_id == round_.id,
        )
    ).first()
    if same is not None and same != ambition_id:
        raise AmbitionError("duplicate", principle)
    return tenths


def add_ambition(
    session: Session, *, region: Region, round_: Round, principle: str, target: float, why: str = ""
) -> Ambition:
    """Record the score the region aims for on a principle by a round of its own."""
    tenths = _check_ambition(session, region, round_, principle, target, why, None)
    ambition = Ambition(
        region_id=region.id,  # type: ignore[arg-type]
        round_id=round_.id,  # type: ignore[arg-type]
        principle=principle,
        target_tenths=tenths,
        why=why.strip(),
    )
    session.add(ambition)
    session.flush()
    return ambition


def update_ambition(
    session: Session, ambition: Ambition, *, round_: Round, principle: str, target: float, why: str
) -> None:
    """Change an ambition: its principle, target, round or why."""
    region = session.get(Region, ambition.region_id)
    assert region is not None
    tenths = _check_ambition(session, region, round_, principle, target, why, ambition.id)
    ambition.round_id, ambition.principle = round_.id, principle  # type: ignore[assignment]
    ambition.target_tenths, ambition.why, ambition.updated_at = tenths, why.strip(), utcnow()
    session.flush()


def delete_ambition(session: Session, ambition: Ambition) -> None:
    session.delete(ambition)
    session.flush()


# --- result agreements --------------------------------------------------------------------------


@dataclass(frozen=True)
class AgreementInput:
    """What the partners agreed to achieve, under whose direction, and how it is checked."""

    title: str
    lead_sector: str = ""
    lead_name: str = ""
    indicator: str = ""
    verification: str = ""


def _checked(entry: AgreementInput) -> AgreementInput:
    clean = AgreementInput(
        entry.title.strip(),
        entry.lead_sector,
        entry.lead_name.strip(),
        entry.indicator.strip(),
        entry.verification.strip(),
    )
    if not clean.title:
        raise AmbitionError("title")
    if clean.lead_sector and clean.lead_sector not in SECTOR_KEYS:
        raise AmbitionError("sector", clean.lead_sector)
    for value, most, reason in (
        (clean.title, TITLE_MAX_LENGTH, "title_length"),
        (clean.lead_name, LEAD_NAME_MAX_LENGTH, "lead_length"),
        (clean.indicator, INDICATOR_MAX_LENGTH, "indicator_length"),
        (clean.verification, CHECK_MAX_LENGTH, "verification_length"),
    ):
        if len(value) > most:
            raise AmbitionError(reason)
    return clean


def agreements(session: Session, region: Region) -> list[ResultAgreement]:
    """The region's result agreements, oldest first."""
    return list(
        session.exec(
            select(ResultAgreement)
            .where(ResultAgreement.region_id == region.id)
            .order_by(col(ResultAgreement.created_at), col(ResultAgreement.id))
        )
    )


def add_agreement(session: Session, *, region: Region, entry: AgreementInput) -> ResultAgreement:
    """Record a result agreement of the region's partners."""
    clean = _checked(entry)
    agreement = ResultAgreement(
        region_id=region.id,  # type: ignore[arg-type]
        title=clean.title,
        lead_sector=clean.lead_sector,
        lead_name=clean.lead_name,
        indicator=clean.indicator,
        verification=clean.verification,
    )
    session.add(agreement)
    session.flush()
    return agreement


def update_agreement(session: Session, agreement: ResultAgreement, entry: AgreementInput) -> None:
    clean = _checked(entry)
    agreement.title, agreement.lead_sector = clean.title, clean.lead_sector
    agreement.lead_name, agreement.indicator = clean.lead_name, clean.indicator
    agreement.verification, agreement.updated_at = clean.verification, utcnow()
    session.flush()


def delete_agreement(session: Session, agreement: ResultAgreement) -> None:
    """Remove an agreement with its progress; the actions that served it stay, unlinked."""
    for action in session.exec(select(Action).where(Action.agreement_id == agreement.id)):
        action.agreement_id, action.updated_at = None, utcnow()
    for row in session.exec(
        select(AgreementProgress).where(AgreementProgress.agreement_id == agreement.id)
    ):
        session.delete(row)
    session.flush()
    session.delete(agreement)
    session.flush()


def linked_actions(session: Session, region: Region) -> dict[int, int]:
    """How many actions of the learning agenda serve each of the region's agreements."""
    rows = session.exec(
        select(Action.agreement_id, func.count())
        .where(Action.region_id == region.id, col(Action.agreement_id).is_not(None))
        .group_by(Action.agreement_id)
    )
    return {agreement_id: n for agreement_id, n in rows if agreement_id is not None}


# --- how each agreement stands, per round -------------------------------------------------------


@dataclass(frozen=True)
class ProgressInput:
    """One agreement's status in a round ("" when not recorded) and a short note."""

    status: str
    note: str = ""


def progress(session: Session, *, region: Region, round_: Round) -> dict[int, AgreementProgress]:
    """How the region's agreements stand in a round, by agreement id."""
    rows = session.exec(
        select(AgreementProgress).where(
            AgreementProgress.region_id == region.id, AgreementProgress.round_id == round_.id
        )
    )
    return {row.agreement_id: row for row in rows}


def save_progress(
    session: Session, *, region: Region, round_: Round, entries: Mapping[int, ProgressInput]
) -> None:
    """Record the status of each agreement in the round; an empty status removes the record."""
    if session.get(RoundRegion, (round_.id, region.id)) is None:
        raise AmbitionError("round", round_.key)
    known = {a.id for a in agreements(session, region)}
    unknown = set(entries) - known
    if unknown:
        raise AmbitionError("agreement", ", ".join(str(i) for i in sorted(unknown)))
    for entry in entries.values():
        if entry.status and entry.status not in AGREEMENT_STATUS_KEYS:
            raise AmbitionError("status", entry.status)
        if len(entry.note.strip()) > NOTE_MAX_LENGTH:
            raise AmbitionError("note_length")
        if entry.note.strip() and not entry.status:
            raise AmbitionError("note_without_status")
    existing = progress(session, region=region, round_=round_)
    for agreement_id, entry in entries.items():
        row = existing.get(agreement_id)
        if not entry.status:
            if row is not None:
                session.delete(row)
            continue
        if row is None:
            row = AgreementProgress(
                agreement_id=agreement_id,
                round_id=round_.id,  # type: ignore[arg-type]
                region_id=region.id,  # type: ignore[arg-type]
                status=entry.status,
            )
            session.add(row)
        row.status, row.note, row.updated_at = entry.status, entry.note.strip(), utcnow()
    session.flush()


# --- what the results pages show ----------------------------------------------------------------


@dataclass(frozen=True)
class AmbitionRow:
    """An ambition beside the region's shown mean in the page's round and in the round it aims
    at (None where not released or not shown)."""

    ambition: Ambition
    by_round: Round
    measured_now: float | None
    measured_by: float | None  # in the target round, when that is another, released round

    @property
    def standing(self) -> Standing:
        """Held against the target round's mean once that is shown, else this round's."""
        measured = self.measured_by if self.measured_by is not None else self.measured_now
        return Standing(self.ambition.target, measured)


@dataclass(frozen=True)
class AgreementRow:
    """An agreement and its recorded status in each of the rounds shown (None: not recorded)."""

    agreement: ResultAgreement
    states: list[AgreementProgress | None]
    actions: int


@dataclass(frozen=True)
class AmbitionsView:
    rows: list[AmbitionRow]
    rounds: list[Round]  # the rounds of the agreements' table, oldest first
    agreements: list[AgreementRow]

    @property
    def empty(self) -> bool:
        return not self.rows and not self.agreements


def _total_means(
    session: Session, region: Region, round_: Round, k: int, now: datetime
) -> dict[str, float | None]:
    total = scores.region_figures(session, round_, region.id, k, now=now).get(ALL)  # type: ignore[arg-type]
    return {p: total.figures(p).mean if total else None for p in PRINCIPLE_KEYS}


def for_round(
    session: Session, region: Region, round_: Round, k: int, now: datetime
) -> AmbitionsView:
    """The region's ambitions against its measured means in `round_` (and in each ambition's
    own round), and its agreements' states in its rounds up to `round_`."""
    rounds = region_rounds(session, region)
    by_id = {r.id: r for r in rounds}
    means: dict[int, dict[str, float | None]] = {}

    def measured(other: Round, principle: str) -> float | None:
        if other.id not in means:
            means[other.id] = _total_means(session, region, other, k, now)  # type: ignore[index]
        return means[other.id][principle]  # type: ignore[index]

    rows = []
    for ambition in ambitions(session, region):
        by_round = by_id[ambition.round_id]
        rows.append(
            AmbitionRow(
                ambition=ambition,
                by_round=by_round,
                measured_now=measured(round_, ambition.principle),
                measured_by=measured(by_round, ambition.principle)
                if by_round.id != round_.id
                else None,
            )
        )
    shown_rounds = [r for r in rounds if (r.opens_at, r.id) <= (round_.opens_at, round_.id)]  # type: ignore[operator]
    history: dict[int, dict[int, AgreementProgress]] = {}
    for row in session.exec(
        select(AgreementProgress).where(AgreementProgress.region_id == region.id)
    ):
        history.setdefault(row.agreement_id, {})[row.round_id] = row
    counts = linked_actions(session, region)
    return AmbitionsView(
        rows=rows,
        rounds=shown_rounds,
        agreements=[
            AgreementRow(
                agreement=a,
                states=[history.get(a.id, {}).get(r.id) for r in shown_rounds],  # type: ignore[arg-type, call-overload]
                actions=counts.get(a.id, 0),  # type: ignore[arg-type]
            )
            for a in agreements(session, region)
        ],
    )


@dataclass(frozen=True)
class RoundAmbitions:
    """For the programme overview: the ambitions that aim at one round, by region, and how many
    of each region's agreements stand at each status in that round and the one before."""

    ambitions: dict[int, list[Ambition]]
    agreements: dict[int, int]  # region id -> number of agreements
    states: dict[int, dict[int, list[str]]]  # round id -> region id -> statuses recorded


def in_round(session: Session, round_: Round, previous: Round | None) -> RoundAmbitions:
    found: dict[int, list[Ambition]] = {}
    for ambition in session.exec(
        select(Ambition).where(Ambition.round_id == round_.id).order_by(col(Ambition.id))
    ):
        found.setdefault(ambition.region_id, []).append(ambition)
    for listed in found.values():
        listed.sort(key=lambda a: PRINCIPLE_KEYS.index(a.principle))
    numbers = dict(
        session.exec(
            select(ResultAgreement.region_id, func.count()).group_by(ResultAgreement.region_id)
        ).all()
    )
    round_ids = [r.id for r in (round_, previous) if r is not None]
    states: dict[int, dict[int, list[str]]] = {rid: {} for rid in round_ids}  # type: ignore[misc]
    for row in session.exec(
        select(AgreementProgress).where(col(AgreementProgress.round_id).in_(round_ids))
    ):
        states[row.round_id].setdefault(row.region_id, []).append(row.status)
    return RoundAmbitions(found, numbers, states)
