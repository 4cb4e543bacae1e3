"""Anonymous quotations of respondents' comments in the programme's annual report.

Comments can hold names, so nothing is quoted on the respondents' behalf by default: the region
must allow quotations (its network choices), and its coordinator, who reads the comments in the
region report anyway, marks which ones may be quoted. The report then shows a marked comment
only under the rule the region report applies to comments: where the region's total on that
principle is shown in that round (released, at least k responses with a score there, rules 5,
5b and 8). It shows the principle only: no region, organisation, sector or round, and the
quotations of all regions are sorted by their text, so their order says nothing about who.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, select

from selfscan.core.scoring import ALL
from selfscan.core.vocabulary import PRINCIPLE_KEYS
from selfscan.models import (
    NetworkChoices,
    PrincipleComment,
    QuotableComment,
    Region,
    Response,
    Round,
    RoundRegion,
)
from selfscan.services.scores import region_figures

# "Short": a quotation is a sentence or two; longer comments tell too much of their context.
QUOTE_MAX_LENGTH = 280
QUOTES_PER_PRINCIPLE = 5


def mark_of(principle: str, text: str) -> str:
    """A comment's mark in forms: from its principle and text, so no response id leaves the
    server (ids would give the order of responding); equal comments are marked together."""
    return hashlib.sha256(f"{principle}\n{text}".encode()).hexdigest()[:20]


@dataclass(frozen=True)
class Candidate:
    principle: str
    text: str
    mark: str
    marked: bool

    @property
    def short(self) -> bool:
        return len(self.text) <= QUOTE_MAX_LENGTH


def _shown_principles(
    session: Session, round_: Round, region_id: int, k: int, now: datetime | None
) -> set[str]:
    total = region_figures(session, round_, region_id, k, now=now).get(ALL)
    if total is None:
        return set()
    return {p for p in PRINCIPLE_KEYS if total.figures(p).mean is not None}


def _rows(session: Session, round_: Round, region_id: int) -> list[tuple[int, str, str, bool]]:
    return [
        (response_id, principle, text, marked is not None)
        for response_id, principle, text, marked in session.exec(
            select(
                PrincipleComment.response_id,
                PrincipleComment.principle,
                PrincipleComment.text,
                QuotableComment.response_id,
            )
            .join(Response, col(Response.id) == PrincipleComment.response_id)
            .outerjoin(
                QuotableComment,
                (col(QuotableComment.response_id) == PrincipleComment.response_id)
                & (col(QuotableComment.principle) == PrincipleComment.principle),
            )
            .where(
                Response.round_id == round_.id,
                Response.region_id == region_id,
                Response.status == "submitted",
            )
        ).all()
    ]


def candidates(
    session: Session, region: Region, round_: Round, k: int, now: datetime | None = None
) -> list[Candidate]:
    """The region's comments of a closed round that its report shows (where its total on the
    principle is shown), by principle and text, each once, with whether it is marked."""
    shown = _shown_principles(session, round_, region.id, k, now)  # type: ignore[arg-type]
    found: dict[tuple[str, str], bool] = {}
    for _, principle, text, marked in _rows(session, round_, region.id):  # type: ignore[arg-type]
        if principle in shown:
            found[(principle, text)] = found.get((principle, text), False) or marked
    return [
        Candidate(principle, text, mark_of(principle, text), marked)
        for (principle, text), marked in sorted(
            found.items(), key=lambda f: (PRINCIPLE_KEYS.index(f[0][0]), f[0][1])
        )
    ]


def save_marks(
    session: Session,
    region: Region,
    round_: Round,
    marks: Collection[str],
    k: int,
    now: datetime | None = None,
) -> int:
    """Mark exactly the shown comments whose mark is in `marks` as quotable; returns how many
    comments are marked now. Marks of comments that are not shown are ignored."""
    shown = _shown_principles(session, round_, region.id, k, now)  # type: ignore[arg-type]
    count = 0
    for response_id, principle, text, marked in _rows(session, round_, region.id):  # type: ignore[arg-type]
        wanted = principle in shown and mark_of(principle, text) in marks
        if wanted and not marked:
            session.add(QuotableComment(response_id=response_id, principle=principle))
        elif marked and not wanted:
            row = session.get(QuotableComment, (response_id, principle))
            if row is not None:
                session.delete(row)
        count += wanted
    session.flush()
    return count


def quotations(
    session: Session, rounds: Sequence[Round], k: int, now: datetime | None = None
) -> dict[str, list[str]]:
    """Per principle, the short marked comments of the regions that allow quotations, of the
    given closed rounds, where the region's total on the principle is shown; each text once,
    sorted, at most QUOTES_PER_PRINCIPLE."""
    allowing = set(
        session.exec(select(NetworkChoices.region_id).where(col(NetworkChoices.allow_quotes))).all()
    )
    found: dict[str, set[str]] = defaultdict(set)
    for round_ in rounds:
        if not allowing or not round_.figures_released(now):
            continue
        regions = set(
            session.exec(
                select(RoundRegion.region_id).where(RoundRegion.round_id == round_.id)
            ).all()
        )
        for region_id in sorted(regions & allowing):
            shown = None
            for _, principle, text, marked in _rows(session, round_, region_id):
                if not marked or len(text) > QUOTE_MAX_LENGTH:
                    continue
                if shown is None:
                    shown = _shown_principles(session, round_, region_id, k, now)
                if principle in shown:
                    found[principle].add(text.strip())
    return {p: sorted(found[p])[:QUOTES_PER_PRINCIPLE] for p in PRINCIPLE_KEYS if found.get(p)}
