"""The programme's annual report (the learning network): for a chosen period, the rounds that
closed in it with their participation and all regions' figures per principle and per spearhead
or condition, the change over the period, how the regions' own means moved, and the learning
themes (focus principles chosen, actions by status).

Every figure is one the programme team may see (rules 5, 5b, 6 through services.scores and
services.tags; changes only where both figures are shown, rule 7); the learning themes are
counts of choices, never of answers. The quotations are respondents' comments that their region
allowed and its coordinator marked, under the region report's rule for comments
(services.quotations).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, func, select

from selfscan.core.scoring import ALL, PROGRAMME, Group
from selfscan.core.vocabulary import ACTION_STATUS_KEYS, PRINCIPLE_KEYS
from selfscan.models import Action, Reflection, Round, RoundRegion
from selfscan.services.participation import asked_and_submitted
from selfscan.services.paths import Path, all_paths
from selfscan.services.quotations import quotations
from selfscan.services.scores import round_figures
from selfscan.services.tags import round_tag_figures

# A region's mean "rose" or "fell" over the period when it moved by more than this.
STEADY = 0.1


@dataclass(frozen=True)
class RoundLine:
    """One round that closed in the period: who took part and all regions' figures."""

    round: Round
    regions: int
    asked: int
    responded: int
    total: Group | None  # all regions, all sectors (rule 6)
    tags: Group | None  # the same, per spearhead or condition

    @property
    def response_rate(self) -> float | None:
        return self.responded / self.asked if self.asked else None


@dataclass(frozen=True)
class Movement:
    """How the regions' own means on one principle moved from their first to their last round
    of the period, where both are shown."""

    principle: str
    rose: int
    steady: int
    fell: int


@dataclass(frozen=True)
class AnnualReport:
    start: datetime
    end: datetime
    rounds: list[RoundLine]
    movements: list[Movement]
    focus: list[tuple[str, int]]  # principle, how many regions chose it as a focus
    actions: dict[str, int]  # status -> number of actions
    # principle -> short anonymous quotations, only of regions that allowed them
    quotations: dict[str, list[str]]

    @property
    def first(self) -> RoundLine | None:
        shown = [line for line in self.rounds if line.total is not None]
        return shown[0] if shown else None

    @property
    def last(self) -> RoundLine | None:
        shown = [line for line in self.rounds if line.total is not None]
        return shown[-1] if len(shown) > 1 else None


def annual_report(
    session: Session,
    start: datetime,
    end: datetime,
    k: int,
    tags_of: Mapping[int, Mapping[str, Sequence[str]]],
    now: datetime | None = None,
) -> AnnualReport:
    """The report of the rounds that closed from `start` up to `end`; `tags_of` maps a
    questionnaire version id to its items' tags (the questionnaire files are the view's)."""
    rounds = [
        r
        for r in session.exec(
            select(Round)
            .where(col(Round.closes_at) >= start, col(Round.closes_at) < end)
            .order_by(col(Round.closes_at), col(Round.id))
        ).all()
        if r.figures_released(now)
    ]
    ids = [r.id for r in rounds]
    counts = dict(
        session.exec(
            select(RoundRegion.round_id, func.count())
            .where(col(RoundRegion.round_id).in_(ids))
            .group_by(RoundRegion.round_id)
        ).all()
    )
    lines = []
    for round_ in rounds:
        asked = asked_and_submitted(session, round_)
        figures = round_figures(session, round_, k, viewer=PROGRAMME, now=now)
        tagged = round_tag_figures(
            session,
            round_,
            tags_of.get(round_.questionnaire_version_id, {}),
            k,
            viewer=PROGRAMME,
            now=now,
        )
        lines.append(
            RoundLine(
                round=round_,
                regions=counts.get(round_.id, 0),
                asked=sum(sum(s.values()) for s in asked.asked.values()),
                responded=sum(sum(s.values()) for s in asked.submitted.values()),
                total=figures.pooled.get(ALL),
                tags=tagged.pooled.get(ALL),
            )
        )
    paths = all_paths(session, k, now, rounds)
    return AnnualReport(
        start=start,
        end=end,
        rounds=lines,
        movements=_movements(paths),
        focus=_focus(session, ids),
        actions=_actions(session, ids),
        quotations=quotations(session, rounds, k, now),
    )


def _movements(paths: list[Path]) -> list[Movement]:
    found = []
    for principle in PRINCIPLE_KEYS:
        moves = Counter()
        for path in paths:
            shown = [s.means[principle] for s in path.steps if principle in s.means]
            if len(shown) < 2:
                continue
            change = shown[-1] - shown[0]
            moves["rose" if change > STEADY else "fell" if change < -STEADY else "steady"] += 1
        found.append(Movement(principle, moves["rose"], moves["steady"], moves["fell"]))
    return found


def _focus(session: Session, round_ids: list[int | None]) -> list[tuple[str, int]]:
    rows = session.exec(
        select(Reflection.principle, func.count())
        .where(col(Reflection.round_id).in_(round_ids), col(Reflection.is_focus))
        .group_by(Reflection.principle)
    ).all()
    return sorted(((p, int(n)) for p, n in rows), key=lambda found: (-found[1], found[0]))


def _actions(session: Session, round_ids: list[int | None]) -> dict[str, int]:
    rows = dict(
        session.exec(
            select(Action.status, func.count())
            .where(col(Action.round_id).in_(round_ids))
            .group_by(Action.status)
        ).all()
    )
    return {status: int(rows.get(status, 0)) for status in ACTION_STATUS_KEYS}
