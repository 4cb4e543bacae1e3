"""The region report of one closed round: what the partners read before and during their
conversation, gathered once for the report page and its PDF (DESIGN rule 8: nothing before the
round closes; rules 5 and 5b decide every figure, statement-level figures included)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session

from selfscan.core.questionnaire import Questionnaire
from selfscan.core.scoring import (
    ALL,
    Change,
    Difference,
    Group,
    largest_changes,
    sector_differences,
    shown_groups,
)
from selfscan.core.vocabulary import PRINCIPLE_KEYS
from selfscan.models import (
    Action,
    AgreedPosition,
    Meeting,
    QuestionnaireVersion,
    Reflection,
    Region,
    Round,
)
from selfscan.services import agenda, ambitions, conversation, scores
from selfscan.services.ambitions import AmbitionsView
from selfscan.services.participation import SectorParticipation, sector_participation
from selfscan.services.previous_agenda import PreviousAgenda, previous_agenda, previous_round

DIFFERENCES_SHOWN = 3  # the summary's largest differences between sectors
CHANGES_SHOWN = 3  # the summary's largest changes since the previous round
STATEMENT_DIFFERENCES_SHOWN = 3  # per principle
FLAGGED_SHOWN = 3  # per principle


class NotReleased(Exception):
    """The round's figures are not released yet: there is no report (DESIGN rule 8)."""


@dataclass(frozen=True)
class StatementDifference:
    """A statement whose shown sector groups differ: its text and the lowest and highest."""

    key: str
    text: str
    difference: Difference


@dataclass(frozen=True)
class Flagged:
    key: str
    text: str
    count: int


@dataclass(frozen=True)
class PrincipleSection:
    principle: str
    groups: dict[str, Group]  # the shown groups on this principle, "all" first
    statement_differences: list[StatementDifference]
    flagged: list[Flagged]
    comments: list[str]
    agreed: AgreedPosition | None


@dataclass(frozen=True)
class Report:
    region: Region
    round: Round
    k: int
    made_at: datetime
    participation: list[SectorParticipation]
    shown: dict[str, Group]
    previous: tuple[Round, Group] | None  # the previous round and its shown total
    differences: list[Difference]
    changes: list[Change]
    previous_agenda: PreviousAgenda | None
    principles: list[PrincipleSection]
    reflections: dict[str, Reflection]
    actions: list[Action]
    meeting: Meeting | None
    ambitions: AmbitionsView

    @property
    def total(self) -> Group | None:
        return self.shown.get(ALL)

    @property
    def missing(self) -> list[str]:
        """The sectors with partner organisations or invitations but no response."""
        return [p.sector for p in self.participation if not p.responses]

    @property
    def invited(self) -> int:
        return sum(p.invitations for p in self.participation)

    @property
    def responded(self) -> int:
        return sum(p.responses for p in self.participation)


def region_report(
    session: Session,
    region: Region,
    round_: Round,
    k: int,
    questionnaire: Questionnaire,
    locale: str,
    now: datetime,
) -> Report:
    """Everything the report shows, for a round whose figures are released."""
    if not round_.figures_released(now):
        raise NotReleased(round_.key)
    shown = scores.region_figures(session, round_, region.id, k, now=now)  # type: ignore[arg-type]
    total = shown.get(ALL)
    before = previous_round(session, region, round_)
    previous = None
    if before is not None:
        earlier = scores.region_figures(session, before, region.id, k, now=now).get(ALL)  # type: ignore[arg-type]
        if earlier is not None:
            previous = (before, earlier)
    agreed = conversation.agreed(session, region=region, round_=round_)
    return Report(
        region=region,
        round=round_,
        k=k,
        made_at=now,
        participation=sector_participation(session, region=region, round_=round_, min_group_size=k),
        shown=shown,
        previous=previous,
        differences=sector_differences(shown)[:DIFFERENCES_SHOWN],
        changes=largest_changes(total, previous[1] if previous else None)[:CHANGES_SHOWN],
        previous_agenda=previous_agenda(session, region, round_, shown, k),
        principles=_sections(session, region, round_, k, shown, questionnaire, locale, agreed)
        if total is not None
        else [],
        reflections=agenda.reflections(session, region=region, round_=round_),
        actions=agenda.actions(session, region=region, round_=round_),
        meeting=agreed.meeting,
        ambitions=ambitions.for_round(session, region, round_, k, now),
    )


def _sections(
    session: Session,
    region: Region,
    round_: Round,
    k: int,
    shown: dict[str, Group],
    questionnaire: Questionnaire,
    locale: str,
    agreed: conversation.Agreed,
) -> list[PrincipleSection]:
    """Per principle: its shown groups, the statements whose sector groups differ most (each
    statement figure under rules 5 and 5b, exactly as the principle figures), the statements
    flagged most, and the comments where the region's figures on the principle are shown."""
    statements = scores.statement_figures(session, round_, region.id)  # type: ignore[arg-type]
    statement_groups = shown_groups(statements.sectors, k)
    comments = scores.comments(session, round_, region.id)  # type: ignore[arg-type]
    total = shown[ALL]

    def text(key: str) -> str:
        spec = questionnaire.item(key)
        return spec.text.get(locale) if spec else key

    sections = []
    for principle in PRINCIPLE_KEYS:
        items = [i.key for i in statements.items if i.principle == principle]
        differences = sector_differences(statement_groups, items)[:STATEMENT_DIFFERENCES_SHOWN]
        flagged = sorted(
            (Flagged(key, text(key), statements.discuss.get(key, 0)) for key in items),
            key=lambda f: -f.count,
        )
        sections.append(
            PrincipleSection(
                principle=principle,
                groups={
                    key: group
                    for key, group in shown.items()
                    if group.figures(principle).mean is not None
                },
                statement_differences=[
                    StatementDifference(d.principle, text(d.principle), d) for d in differences
                ],
                flagged=[f for f in flagged if f.count][:FLAGGED_SHOWN],
                comments=comments.get(principle, []) if principle in total.stats else [],
                agreed=agreed.positions.get(principle),
            )
        )
    return sections


def questionnaire_version(session: Session, round_: Round) -> QuestionnaireVersion:
    version = session.get(QuestionnaireVersion, round_.questionnaire_version_id)
    assert version is not None
    return version
