"""Regions' paths over the years (the learning network): per closed round a region took part in,
its mean per principle, the agreed positions it recorded, the ambitions it set for that round,
and how many of the sectors asked answered.

The means are the region's shown total (rules 5 and 5b: a principle hidden in a round has no
mean there) and only of rounds whose figures are released (rule 8), taken from the kept figures
of services.scores; the counts of sectors are participation, which may be shown of any round.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, select

from selfscan.core.scoring import ALL, PROGRAMME, Group
from selfscan.core.vocabulary import PRINCIPLE_KEYS
from selfscan.models import Ambition, Region, Round, RoundRegion
from selfscan.services.conversation import agreed_history, agreed_in_round
from selfscan.services.participation import asked_and_submitted, asked_and_submitted_by_round
from selfscan.services.scores import region_figures_by_round, round_figures


@dataclass(frozen=True)
class Step:
    """One closed round on a region's path."""

    round: Round
    means: dict[str, float]  # principle -> the region's shown mean; absent where hidden
    agreed: dict[str, float]  # principle -> the agreed score the region recorded
    ambitions: dict[str, float]  # principle -> the score the region aimed for by this round
    sectors_asked: int
    sectors_heard: int

    @property
    def heard_share(self) -> float | None:
        """The share of the sectors asked that answered (None when nobody was asked)."""
        return self.sectors_heard / self.sectors_asked if self.sectors_asked else None


@dataclass(frozen=True)
class Path:
    region: Region
    steps: list[Step]

    def series(self) -> dict[str, list[float | None]]:
        """Per principle its mean in each step (None where hidden), for a chart."""
        return {p: [step.means.get(p) for step in self.steps] for p in PRINCIPLE_KEYS}


def region_path(session: Session, region: Region, k: int, now: datetime | None = None) -> Path:
    """The region's closed rounds, oldest first: a query for the rounds, the agreed scores and
    the ambitions, one for what the region's responses look like in each round (its kept
    figures; summed only where they changed), and two for its participation in all of them."""
    rounds = session.exec(
        select(Round)
        .join(RoundRegion, col(RoundRegion.round_id) == Round.id)
        .where(RoundRegion.region_id == region.id)
        .order_by(col(Round.opens_at), col(Round.id))
    ).all()
    agreed = agreed_history(session, region)
    aims = _ambitions(session, region.id)
    rounds = [r for r in rounds if r.figures_released(now)]
    # Over all rounds at once: a path of twenty rounds in a handful of queries, not sixty.
    figures = region_figures_by_round(session, rounds, region.id, k, now=now)  # type: ignore[arg-type]
    participation = asked_and_submitted_by_round(session, [r.id for r in rounds], region.id)  # type: ignore[misc]
    steps = []
    for round_ in rounds:
        shown = figures.get(round_.id, {})  # type: ignore[arg-type]
        asked, heard = participation[round_.id].of(region.id)  # type: ignore[index, arg-type]
        aimed = aims.get((region.id, round_.id), {})  # type: ignore[arg-type]
        steps.append(_step(round_, shown.get(ALL), agreed.get(round_.id, {}), aimed, asked, heard))  # type: ignore[arg-type]
    return Path(region, steps)


def all_paths(
    session: Session,
    k: int,
    now: datetime | None = None,
    rounds: Sequence[Round] | None = None,
) -> list[Path]:
    """Every region's path, for the programme team: per closed round (of `rounds`, by default
    all) its kept figures of all regions, its participation and agreed scores (three statements
    a round), by region name."""
    if rounds is None:
        rounds = session.exec(select(Round).order_by(col(Round.opens_at), col(Round.id))).all()
    rounds = [r for r in rounds if r.figures_released(now)]
    regions = {r.id: r for r in session.exec(select(Region).order_by(col(Region.name))).all()}
    taking_part: dict[int, set[int]] = {}
    for round_id, region_id in session.exec(select(RoundRegion.round_id, RoundRegion.region_id)):
        taking_part.setdefault(round_id, set()).add(region_id)
    steps: dict[int, list[Step]] = {region_id: [] for region_id in regions}
    aims = _ambitions(session)
    for round_ in rounds:
        figures = round_figures(session, round_, k, viewer=PROGRAMME, now=now)
        participation = asked_and_submitted(session, round_)
        agreed = agreed_in_round(session, round_)
        for region_id in sorted(taking_part.get(round_.id, set()) & set(regions)):  # type: ignore[arg-type]
            asked, heard = participation.of(region_id)
            total = figures.regions.get(region_id, {}).get(ALL)
            aimed = aims.get((region_id, round_.id), {})  # type: ignore[arg-type]
            steps[region_id].append(
                _step(round_, total, agreed.get(region_id, {}), aimed, asked, heard)
            )
    return [Path(region, steps[region_id]) for region_id, region in regions.items()]  # type: ignore[index]


def _ambitions(
    session: Session, region_id: int | None = None
) -> dict[tuple[int, int], dict[str, float]]:
    """(region id, round id) -> principle -> the target set for that round."""
    statement = select(Ambition)
    if region_id is not None:
        statement = statement.where(Ambition.region_id == region_id)
    found: dict[tuple[int, int], dict[str, float]] = {}
    for ambition in session.exec(statement):
        found.setdefault((ambition.region_id, ambition.round_id), {})[ambition.principle] = (
            ambition.target
        )
    return found


def _step(
    round_: Round,
    total: Group | None,
    agreed: dict[str, float],
    ambitions: dict[str, float],
    asked: dict[str, int],
    heard: dict[str, int],
) -> Step:
    means = {}
    if total is not None:
        means = {p: m for p in PRINCIPLE_KEYS if (m := total.figures(p).mean) is not None}
    return Step(
        round=round_,
        means=means,
        agreed=dict(agreed),
        ambitions=dict(ambitions),
        sectors_asked=sum(1 for n in asked.values() if n),
        sectors_heard=sum(1 for n in heard.values() if n),
    )


PATH_COLUMNS = (
    "region",
    "round",
    "principle",
    "mean",
    "agreed",
    "ambition",
    "sectors_asked",
    "sectors_heard",
)


def path_rows(paths: list[Path]) -> list[list[object]]:
    """The download: a row per region, round and principle (DESIGN's keys; means and agreed
    scores rounded to two decimals; empty where hidden or not recorded)."""
    return [
        [
            path.region.key,
            step.round.key,
            principle,
            None if principle not in step.means else round(step.means[principle], 2),
            step.agreed.get(principle),
            step.ambitions.get(principle),
            step.sectors_asked,
            step.sectors_heard,
        ]
        for path in paths
        for step in path.steps
        for principle in PRINCIPLE_KEYS
    ]
