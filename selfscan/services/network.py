"""The learning network between regions: each region's choices, the suggestions of learning
partners, asking, answering and ending, and what partners may see of each other.

The suggestions use only figures that the pages show (services.scores.region_figures: released,
rules 5 and 5b), so a hidden figure can never produce a suggestion. Contact details pass between
two regions only once both agreed; a partner's learning agenda only when it chose to share it.
Functions write and flush; the view commits.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _
from sqlmodel import Session, col, or_, select

from selfscan.core.partners import Standing, Suggestion, suggestions
from selfscan.core.scoring import ALL
from selfscan.core.vocabulary import PRINCIPLE_KEYS
from selfscan.models import (
    Action,
    AgreedPosition,
    CoordinatorRegion,
    NetworkChoices,
    Partnership,
    Reflection,
    Region,
    Round,
    RoundRegion,
    User,
)
from selfscan.models.types import utcnow
from selfscan.services.scores import region_figures

ACTIVE = ("asked", "partners")


class NetworkError(ValueError):
    """A step in the learning network that cannot be taken; the message says why."""


# --- the region's choices -----------------------------------------------------------------------


def choices(session: Session, region: Region) -> NetworkChoices:
    """The region's choices; all off when it never chose."""
    found = session.get(NetworkChoices, region.id)
    return found if found is not None else NetworkChoices(region_id=region.id)  # type: ignore[arg-type]


def save_choices(
    session: Session, region: Region, *, take_part: bool, share_agenda: bool, allow_quotes: bool
) -> None:
    """Store the three choices. Leaving the learning partners ends the region's open requests
    and partnerships: it no longer wants to be in touch through Selfscan."""
    row = session.get(NetworkChoices, region.id)
    if row is None:
        row = NetworkChoices(region_id=region.id)  # type: ignore[arg-type]
        session.add(row)
    row.take_part, row.share_agenda, row.allow_quotes = take_part, share_agenda, allow_quotes
    row.updated_at = utcnow()
    if not take_part:
        for pair in _pairs(session, region.id, states=ACTIVE):
            _set_state(pair, "ended")
    session.flush()


def _taking_part(session: Session) -> set[int]:
    return set(
        session.exec(select(NetworkChoices.region_id).where(col(NetworkChoices.take_part))).all()
    )


# --- suggestions --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Suggested:
    region: Region
    principle: str
    gap: float
    rise: float


@dataclass(frozen=True)
class Matching:
    """What the suggestions rest on: the round compared, the focus principles, and the found."""

    round: Round | None
    focus: list[str]
    suggested: list[Suggested]


def released_rounds(session: Session, region_id: int, now: datetime | None = None) -> list[Round]:
    """The closed rounds the region took part in, newest first."""
    rounds = session.exec(
        select(Round)
        .join(RoundRegion, col(RoundRegion.round_id) == Round.id)
        .where(RoundRegion.region_id == region_id)
        .order_by(col(Round.opens_at).desc(), col(Round.id).desc())
    ).all()
    return [r for r in rounds if r.figures_released(now)]


def focus_principles(session: Session, region: Region) -> list[str]:
    """The focus principles of the region's latest learning agenda that has any."""
    rows = session.exec(
        select(Reflection.principle, Round.opens_at, Round.id)
        .join(Round, col(Round.id) == Reflection.round_id)
        .where(Reflection.region_id == region.id, col(Reflection.is_focus))
        .order_by(col(Round.opens_at).desc(), col(Round.id).desc())
    ).all()
    if not rows:
        return []
    latest = rows[0][2]
    chosen = {principle for principle, _, round_id in rows if round_id == latest}
    return [p for p in PRINCIPLE_KEYS if p in chosen]


def _total_mean(
    session: Session, round_: Round, region_id: int, principle: str, k: int, now: datetime | None
) -> float | None:
    total = region_figures(session, round_, region_id, k, now=now).get(ALL)
    return None if total is None else total.figures(principle).mean


def matching(session: Session, region: Region, k: int, now: datetime | None = None) -> Matching:
    """The suggested partners of a taking-part region: per focus principle, the other taking-part
    regions of its latest closed round that score clearly higher there and rose since their own
    previous closed round. Regions it is already asking, asked by or partnered with, and regions
    that declined its request, are left out (they are listed with their state instead)."""
    focus = focus_principles(session, region)
    rounds = released_rounds(session, region.id, now)  # type: ignore[arg-type]
    taking_part = _taking_part(session)
    if not rounds or region.id not in taking_part:
        return Matching(rounds[0] if rounds else None, focus, [])
    latest = rounds[0]
    busy = {
        pair.side_of(region.id)  # type: ignore[arg-type]
        for pair in _pairs(session, region.id)  # type: ignore[arg-type]
        if pair.state in ACTIVE or (pair.state == "declined" and pair.asker_id == region.id)
    }
    in_round = set(
        session.exec(select(RoundRegion.region_id).where(RoundRegion.round_id == latest.id)).all()
    )
    candidates = sorted((in_round & taking_part) - busy - {region.id})
    own = {p: _total_mean(session, latest, region.id, p, k, now) for p in focus}  # type: ignore[arg-type]
    others: dict[str, list[Standing]] = {p: [] for p in focus}
    for other in candidates:
        before = next(
            (r for r in released_rounds(session, other, now) if r.opens_at < latest.opens_at),
            None,
        )
        for principle in focus:
            if own[principle] is None:
                continue
            mean = _total_mean(session, latest, other, principle, k, now)
            previous = (
                None
                if before is None or mean is None
                else _total_mean(session, before, other, principle, k, now)
            )
            others[principle].append(Standing(other, mean, previous))
    found: list[Suggestion] = suggestions(own, focus, others)
    regions = _regions(session, {s.region_id for s in found})
    return Matching(
        latest,
        focus,
        [Suggested(regions[s.region_id], s.principle, s.gap, s.rise) for s in found],
    )


# --- asking, answering, ending ------------------------------------------------------------------


def ask(
    session: Session,
    asker: Region,
    other_key: str,
    principle: str,
    k: int,
    now: datetime | None = None,
) -> Partnership:
    """Ask a suggested region to be learning partners on a principle."""
    other = session.exec(select(Region).where(Region.key == other_key)).first()
    if other is None:
        raise NetworkError(_("That region does not exist."))
    if other.id == asker.id:
        raise NetworkError(_("A region cannot ask itself to be its learning partner."))
    if principle not in PRINCIPLE_KEYS:
        raise NetworkError(_("Choose one of the guiding principles."))
    if not choices(session, asker).take_part:
        raise NetworkError(_("Your region does not take part in learning partners yet."))
    for pair in _pairs(session, asker.id, other.id):  # type: ignore[arg-type]
        if pair.state == "partners":
            raise NetworkError(
                _("%(region)s and your region are learning partners already.", region=other.name)
            )
        if pair.state == "asked":
            raise NetworkError(
                _("There is an open request between %(region)s and your region.", region=other.name)
            )
        if pair.state == "declined" and pair.asker_id == asker.id:
            raise NetworkError(_("%(region)s declined your request.", region=other.name))
    suggested = matching(session, asker, k, now).suggested
    if not any(s.region.id == other.id and s.principle == principle for s in suggested):
        raise NetworkError(
            _("%(region)s is not suggested to your region for this principle.", region=other.name)
        )
    pair = Partnership(asker_id=asker.id, asked_id=other.id, principle=principle)  # type: ignore[arg-type]
    session.add(pair)
    session.flush()
    return pair


def answer(session: Session, pair: Partnership, region: Region, *, accept: bool) -> None:
    """The asked region accepts or declines an open request."""
    if pair.asked_id != region.id:
        raise NetworkError(_("Only the region that was asked can answer the request."))
    if pair.state != "asked":
        raise NetworkError(_("This request has been answered already."))
    if accept and not choices(session, region).take_part:
        raise NetworkError(_("Your region does not take part in learning partners yet."))
    _set_state(pair, "partners" if accept else "declined")
    session.flush()


def end(session: Session, pair: Partnership, region: Region) -> None:
    """Either region ends a partnership, or the asker withdraws its open request."""
    if pair.side_of(region.id) is None:  # type: ignore[arg-type]
        raise NetworkError(_("This partnership is not your region's."))
    if pair.state not in ACTIVE or (pair.state == "asked" and pair.asker_id != region.id):
        raise NetworkError(_("This partnership cannot be ended."))
    _set_state(pair, "ended")
    session.flush()


def _set_state(pair: Partnership, state: str) -> None:
    pair.state, pair.since = state, utcnow()


def _pairs(
    session: Session,
    region_id: int,
    other_id: int | None = None,
    states: Sequence[str] | None = None,
) -> list[Partnership]:
    statement = select(Partnership).where(
        or_(Partnership.asker_id == region_id, Partnership.asked_id == region_id)
    )
    if other_id is not None:
        statement = statement.where(
            or_(Partnership.asker_id == other_id, Partnership.asked_id == other_id)
        )
    if states is not None:
        statement = statement.where(col(Partnership.state).in_(states))
    return list(session.exec(statement.order_by(col(Partnership.asked_at).desc())).all())


# --- what a region sees of its pairs ------------------------------------------------------------


@dataclass(frozen=True)
class Contact:
    name: str
    email: str


@dataclass(frozen=True)
class Pair:
    """A partnership seen from one region: the other region, and what that one shares."""

    partnership: Partnership
    other: Region
    asked_by_us: bool
    contacts: list[Contact]  # only when both agreed
    shares_agenda: bool  # only when both agreed and the other chose to share

    @property
    def state(self) -> str:
        return self.partnership.state


def pairs(session: Session, region: Region) -> list[Pair]:
    """The region's requests and partnerships, newest first, with the other's coordinators'
    contact details only where both agreed."""
    found = _pairs(session, region.id)  # type: ignore[arg-type]
    regions = _regions(session, {p.side_of(region.id) for p in found})  # type: ignore[arg-type,misc]
    result = []
    for partnership in found:
        other = regions[partnership.side_of(region.id)]  # type: ignore[index,arg-type]
        agreed = partnership.state == "partners"
        result.append(
            Pair(
                partnership=partnership,
                other=other,
                asked_by_us=partnership.asker_id == region.id,
                contacts=coordinators(session, other.id) if agreed else [],  # type: ignore[arg-type]
                shares_agenda=agreed and choices(session, other).share_agenda,
            )
        )
    return result


def coordinators(session: Session, region_id: int) -> list[Contact]:
    """The region's active coordinators' names and e-mail addresses."""
    rows = session.exec(
        select(User.name, User.email)
        .join(CoordinatorRegion, col(CoordinatorRegion.user_id) == User.id)
        .where(CoordinatorRegion.region_id == region_id, col(User.is_active))
        .order_by(col(User.name))
    ).all()
    return [Contact(name, email) for name, email in rows]


def shared_partner(session: Session, region: Region, partnership_id: int) -> Region | None:
    """The other region of this partnership, when the two are partners and the other chose to
    share its learning agenda; None otherwise (not the region's, not agreed, not shared)."""
    pair = session.get(Partnership, partnership_id)
    if pair is None or pair.state != "partners":
        return None
    other_id = pair.side_of(region.id)  # type: ignore[arg-type]
    if other_id is None:
        return None
    other = session.get(Region, other_id)
    if other is None or not choices(session, other).share_agenda:
        return None
    return other


@dataclass(frozen=True)
class SharedRound:
    round: Round
    reflections: list[Reflection]
    actions: list[Action]
    positions: list[AgreedPosition]


def shared_agenda(session: Session, region: Region) -> list[SharedRound]:
    """A region's learning agenda, reflections and agreed positions per round, newest first
    (rounds without any left out): what it shares with its learning partners."""
    rounds = session.exec(
        select(Round)
        .join(RoundRegion, col(RoundRegion.round_id) == Round.id)
        .where(RoundRegion.region_id == region.id)
        .order_by(col(Round.opens_at).desc(), col(Round.id).desc())
    ).all()

    def order(principle: str) -> int:
        return PRINCIPLE_KEYS.index(principle)

    found = []
    for round_ in rounds:
        where = (Reflection.round_id == round_.id, Reflection.region_id == region.id)
        reflections = sorted(
            session.exec(select(Reflection).where(*where)).all(), key=lambda r: order(r.principle)
        )
        actions = sorted(
            session.exec(
                select(Action)
                .where(Action.round_id == round_.id, Action.region_id == region.id)
                .order_by(col(Action.created_at), col(Action.id))
            ).all(),
            key=lambda a: order(a.principle),
        )
        positions = sorted(
            session.exec(
                select(AgreedPosition).where(
                    AgreedPosition.round_id == round_.id, AgreedPosition.region_id == region.id
                )
            ).all(),
            key=lambda p: order(p.principle),
        )
        if reflections or actions or positions:
            found.append(SharedRound(round_, list(reflections), list(actions), list(positions)))
    return found


# --- the programme team's view ------------------------------------------------------------------


@dataclass(frozen=True)
class PairLine:
    partnership: Partnership
    asker: Region
    asked: Region


def all_pairs(session: Session) -> list[PairLine]:
    """Every request and partnership, the most recently changed first."""
    found = session.exec(
        select(Partnership).order_by(col(Partnership.since).desc(), col(Partnership.id).desc())
    ).all()
    regions = _regions(session, {p.asker_id for p in found} | {p.asked_id for p in found})
    return [PairLine(p, regions[p.asker_id], regions[p.asked_id]) for p in found]


def _regions(session: Session, ids: set[int]) -> dict[int, Region]:
    if not ids:
        return {}
    return {r.id: r for r in session.exec(select(Region).where(col(Region.id).in_(ids))).all()}  # type: ignore[misc]
