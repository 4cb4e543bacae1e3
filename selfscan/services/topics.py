"""The conversation agenda of a region and closed round: Selfscan's proposal of topics (ranked by
selfscan.core.topics from the shown figures only) and the agenda the coordinator keeps, orders and
adds to.

Writes flush and never commit (the view commits once); every change needs the round's figures to
be released (DESIGN rule 8), as the topics come from them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func
from sqlmodel import Session, col, select

from selfscan.core import topics as ranking
from selfscan.core.questionnaire import Questionnaire
from selfscan.core.scoring import ALL, Group, shown_groups
from selfscan.core.vocabulary import PRINCIPLE_KEYS
from selfscan.models import ConversationTopic, Region, Round
from selfscan.models.conversation import TOPIC_TITLE_MAX_LENGTH
from selfscan.models.types import utcnow
from selfscan.services import agenda, scores
from selfscan.services.previous_agenda import previous_round

MAX_KEPT = 8  # a meeting talks about a handful of topics, not the questionnaire


class TopicError(ValueError):
    """A change to the agenda that cannot be made; `reason` is a key the views put in words."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Figures:
    """What the ranking read: the shown groups per principle and per statement."""

    principle_groups: dict[str, Group]
    statement_groups: dict[str, Group]
    comments: dict[str, list[str]]
    ranked: list[ranking.Topic]


def figures(
    session: Session, region: Region, round_: Round, k: int, q: Questionnaire, now: datetime
) -> Figures:
    """The region's shown figures of the round and every subject with a reason, ranked."""
    if not round_.figures_released(now):
        raise TopicError("not_released")
    shown = scores.region_figures(session, round_, region.id, k, now=now)  # type: ignore[arg-type]
    if ALL not in shown:
        return Figures(shown, {}, {}, [])
    statements = scores.statement_figures(session, round_, region.id)  # type: ignore[arg-type]
    statement_groups = shown_groups(statements.sectors, k)
    before = previous_round(session, region, round_)
    previous_total = None
    focus: list[str] = []
    if before is not None:
        previous_total = scores.region_figures(session, before, region.id, k, now=now).get(ALL)  # type: ignore[arg-type]
        reflections = agenda.reflections(session, region=region, round_=before)
        focus = [p for p, r in reflections.items() if r.is_focus]
    ranked = ranking.rank(
        principle_groups=shown,
        statement_groups=statement_groups,
        statements=[(i.key, i.principle) for i in statements.items],
        flagged=statements.discuss,
        responses=shown[ALL].responses,
        previous_total=previous_total,
        focus_last_time=focus,
        principles=PRINCIPLE_KEYS,
        scale=(q.scale.min, q.scale.max),
    )
    comments = scores.comments(session, round_, region.id)  # type: ignore[arg-type]
    total = shown[ALL]
    return Figures(
        shown,
        statement_groups,
        {p: texts for p, texts in comments.items() if p in total.stats},
        ranked,
    )


def kept(session: Session, *, region: Region, round_: Round) -> list[ConversationTopic]:
    """The agenda the coordinator keeps, in its order (empty: none kept yet)."""
    return list(
        session.exec(
            select(ConversationTopic)
            .where(
                ConversationTopic.round_id == round_.id,
                ConversationTopic.region_id == region.id,
            )
            .order_by(col(ConversationTopic.position), col(ConversationTopic.id))
        )
    )


def _check_released(round_: Round, now: datetime | None) -> None:
    if not round_.figures_released(now):
        raise TopicError("not_released")


def adopt(
    session: Session,
    *,
    region: Region,
    round_: Round,
    proposal: list[ranking.Topic],
    now: datetime | None = None,
) -> None:
    """Keep Selfscan's proposal as the agenda, replacing what was kept."""
    _check_released(round_, now)
    for topic in kept(session, region=region, round_=round_):
        session.delete(topic)
    session.flush()
    for position, topic in enumerate(proposal, start=1):
        session.add(
            ConversationTopic(
                round_id=round_.id,  # type: ignore[arg-type]
                region_id=region.id,  # type: ignore[arg-type]
                position=position,
                kind=topic.kind.value,
                subject=topic.key,
            )
        )
    session.flush()


def _append(
    session: Session, region: Region, round_: Round, kind: str, subject: str, title: str
) -> ConversationTopic:
    present = kept(session, region=region, round_=round_)
    if len(present) >= MAX_KEPT:
        raise TopicError("full")
    if kind != "own" and any(t.kind == kind and t.subject == subject for t in present):
        raise TopicError("present")
    last = session.exec(
        select(func.max(ConversationTopic.position)).where(
            ConversationTopic.round_id == round_.id, ConversationTopic.region_id == region.id
        )
    ).one()
    topic = ConversationTopic(
        round_id=round_.id,  # type: ignore[arg-type]
        region_id=region.id,  # type: ignore[arg-type]
        position=(last or 0) + 1,
        kind=kind,
        subject=subject,
        title=title,
    )
    session.add(topic)
    session.flush()
    return topic


def add_subject(
    session: Session,
    *,
    region: Region,
    round_: Round,
    kind: str,
    subject: str,
    questionnaire: Questionnaire,
    now: datetime | None = None,
) -> ConversationTopic:
    """Add a principle or a statement of the round's questionnaire to the agenda."""
    _check_released(round_, now)
    if kind == "principle" and subject in PRINCIPLE_KEYS:
        return _append(session, region, round_, kind, subject, "")
    if kind == "statement" and questionnaire.item(subject) is not None:
        return _append(session, region, round_, kind, subject, "")
    raise TopicError("unknown")


def add_own(
    session: Session, *, region: Region, round_: Round, title: str, now: datetime | None = None
) -> ConversationTopic:
    """Add a topic of the region's own."""
    _check_released(round_, now)
    title = " ".join(title.split())
    if not title:
        raise TopicError("empty")
    if len(title) > TOPIC_TITLE_MAX_LENGTH:
        raise TopicError("long")
    return _append(session, region, round_, "own", "", title)


def move(session: Session, topic: ConversationTopic, step: int) -> None:
    """Move a topic one place up (-1) or down (+1); at either end nothing changes."""
    region = session.get(Region, topic.region_id)
    round_ = session.get(Round, topic.round_id)
    present = kept(session, region=region, round_=round_)  # type: ignore[arg-type]
    index = next(i for i, t in enumerate(present) if t.id == topic.id)
    other = index + step
    if step not in (-1, 1) or not 0 <= other < len(present):
        return
    present[index], present[other] = present[other], present[index]
    for position, item in enumerate(present, start=1):
        if item.position != position:
            item.position, item.updated_at = position, utcnow()
    session.flush()


def remove(session: Session, topic: ConversationTopic) -> None:
    session.delete(topic)
    session.flush()
