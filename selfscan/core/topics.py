"""The conversation agenda's topics: what most needs talking about, ranked.

Pure: it takes only what rules 5 and 5b let a region show (the shown groups of the region's
principle figures and of its statement figures, `scoring.shown_groups`), the discussion flags per
statement, the change since the previous round, and last time's focus principles; so a topic can
quote no figure of a hidden group, because none reaches it.

Each reason adds to its subject's weight, on a common scale where 1 is "clearly worth the
meeting's time":
- sectors differ:    the gap between the lowest and highest shown sector, per scale point (a gap of
                     one point on the 1-5 scale weighs 1);
- flagged:           the share of respondents who marked "I want to discuss this" times 4 (a
                     quarter of the table asking for it weighs 1);
- changed:           the change of the region's mean since the previous round times 2 (half a point
                     weighs 1);
- focus last time:   0.75, so that what the region chose to work on comes back to the table.
A statement's reasons also count half for its principle, so that a principle whose statements
all diverge comes before one with a single outlier; the proposal holds at most two topics of one
principle, so that the meeting talks about more than one.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from selfscan.core.scoring import ALL, Group, sector_differences

DIFFERENCE_WEIGHT = 1.0
FLAG_WEIGHT = 4.0
CHANGE_WEIGHT = 2.0
FOCUS_WEIGHT = 0.75
STATEMENT_TO_PRINCIPLE = 0.5
MIN_TOPICS, MAX_TOPICS = 3, 5
PER_PRINCIPLE = 2


class Reason(StrEnum):
    DIFFERENCE = "difference"
    FLAGGED = "flagged"
    CHANGED = "changed"
    FOCUS = "focus"


class Kind(StrEnum):
    PRINCIPLE = "principle"
    STATEMENT = "statement"


@dataclass(frozen=True)
class Evidence:
    """One reason to talk about a subject, with the shown figures behind it."""

    reason: Reason
    weight: float
    low: tuple[str, float] | None = None  # the lowest shown group and its mean
    high: tuple[str, float] | None = None
    flagged: int = 0
    change: float | None = None


@dataclass(frozen=True)
class Topic:
    kind: Kind
    key: str  # the principle's or the statement's key
    principle: str
    weight: float
    evidence: tuple[Evidence, ...] = field(default_factory=tuple)


def _difference(groups: Mapping[str, Group], key: str, scale_width: float) -> Evidence | None:
    found = sector_differences(groups, [key])
    if not found:
        return None
    d = found[0]
    return Evidence(
        Reason.DIFFERENCE,
        DIFFERENCE_WEIGHT * d.size / scale_width,
        low=(d.low, d.low_mean),
        high=(d.high, d.high_mean),
    )


def rank(
    *,
    principle_groups: Mapping[str, Group],
    statement_groups: Mapping[str, Group],
    statements: Sequence[tuple[str, str]],
    flagged: Mapping[str, int],
    responses: int,
    previous_total: Group | None,
    focus_last_time: Sequence[str],
    principles: Sequence[str],
    scale: tuple[int, int] = (1, 5),
) -> list[Topic]:
    """Every subject with a reason to talk about it, heaviest first (ties: questionnaire order).

    `principle_groups` and `statement_groups` are shown groups (`scoring.shown_groups`): the
    region's figures per principle and per statement (stats keyed by item key); `statements` the
    (item key, principle) pairs in questionnaire order; `flagged` the discussion flags per item
    over the region's `responses` submitted responses."""
    width = float(scale[1] - scale[0]) or 1.0
    total = principle_groups.get(ALL)
    found: dict[tuple[Kind, str], list[Evidence]] = {}
    owner: dict[str, str] = {}
    for principle in principles:
        evidence = []
        if (e := _difference(principle_groups, principle, width)) is not None:
            evidence.append(e)
        if total is not None and previous_total is not None:
            now, before = total.figures(principle).mean, previous_total.figures(principle).mean
            if now is not None and before is not None and now != before:
                evidence.append(
                    Evidence(Reason.CHANGED, CHANGE_WEIGHT * abs(now - before), change=now - before)
                )
        if principle in focus_last_time:
            evidence.append(Evidence(Reason.FOCUS, FOCUS_WEIGHT))
        found[(Kind.PRINCIPLE, principle)] = evidence
    for key, principle in statements:
        owner[key] = principle
        evidence = []
        if (e := _difference(statement_groups, key, width)) is not None:
            evidence.append(e)
        count = flagged.get(key, 0)
        if count and responses:
            evidence.append(
                Evidence(Reason.FLAGGED, FLAG_WEIGHT * count / responses, flagged=count)
            )
        found[(Kind.STATEMENT, key)] = evidence
    order = {p: i for i, p in enumerate(principles)}
    position = {key: i for i, (key, _) in enumerate(statements)}
    topics = []
    for (kind, key), evidence in found.items():
        weight = sum(e.weight for e in evidence)
        if kind is Kind.PRINCIPLE:
            weight += STATEMENT_TO_PRINCIPLE * sum(
                sum(e.weight for e in found[(Kind.STATEMENT, item)])
                for item, p in statements
                if p == key
            )
        if weight <= 0:
            continue
        principle = key if kind is Kind.PRINCIPLE else owner[key]
        topics.append(Topic(kind, key, principle, round(weight, 6), tuple(evidence)))
    return sorted(
        topics,
        key=lambda t: (
            -t.weight,
            order.get(t.principle, 0),
            t.kind is Kind.STATEMENT,
            position.get(t.key, 0),
        ),
    )


def propose(ranked: Sequence[Topic], count: int = MAX_TOPICS) -> list[Topic]:
    """The agenda's proposal: the heaviest topics, at most PER_PRINCIPLE of one principle and a
    statement only when its principle is not on the agenda already (the principle covers it)."""
    chosen: list[Topic] = []
    for topic in ranked:
        if len(chosen) == count:
            break
        same = [t for t in chosen if t.principle == topic.principle]
        if len(same) >= PER_PRINCIPLE:
            continue
        if topic.kind is Kind.STATEMENT and any(t.kind is Kind.PRINCIPLE for t in same):
            continue
        if topic.kind is Kind.PRINCIPLE and any(t.kind is Kind.STATEMENT for t in same):
            continue
        chosen.append(topic)
    return chosen
