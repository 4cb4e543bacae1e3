"""Stamps that tell whether what a results page shows can have changed since it was kept.

A stamp is one row of small values that move whenever the rows a page reads change. Most are
change marks: one row per table (and round), or per region, that triggers in the database set
to a new random number with every statement that changes such rows, whoever makes it (the app,
the CLI, an import, plain SQL; selfscan.models.changes, migrations 0018 and 0020). A region's
dashboard, report and path read its region mark for all of the region's own rows: submitted
responses and their comments, invitations, organisations, the agenda and the conversation,
ambitions and result agreements. The programme overview and the API read the marks of a
round's submitted responses and invitations, every organisation and a round's actions, where
aggregating the rows would read thousands (at 400 regions a round's invitations are 14,000).

Elsewhere a stamp aggregates small tables: per table the number of rows, and the latest moment
and sum of moments at which one was changed (regions, rounds, reflections, agreed positions,
ambitions and result agreements note every change in `updated_at`). Figures are released when
a round closes, which no row records: the stamps count the rounds that have closed by the
request's moment.

Each stamp is one statement, built once: a kept page costs that statement instead of the
twenty it would read.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, bindparam, func, literal_column, true
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement
from sqlmodel import Session, select

from selfscan.models import (
    AgreedPosition,
    AgreementProgress,
    Ambition,
    ChangeMark,
    QuestionnaireVersion,
    Reflection,
    Region,
    RegionMark,
    Response,
    ResultAgreement,
    Round,
    RoundRegion,
)
from selfscan.models.changes import EVERY_ROUND, MARKED

Stamp = tuple[Any, ...]

REGION = bindparam("region_id")
ROUND = bindparam("round_id")
NOW = bindparam("now")


class _Seconds(FunctionElement[Any]):
    """A moment as a number of seconds (exact on PostgreSQL, a float on SQLite)."""

    name = "seconds"
    inherit_cache = True


@compiles(_Seconds)
def _epoch(element: _Seconds, compiler: Any, **kw: Any) -> str:
    return f"EXTRACT(EPOCH FROM {compiler.process(element.clauses, **kw)})"


@compiles(_Seconds, "sqlite")
def _julian_seconds(element: _Seconds, compiler: Any, **kw: Any) -> str:
    return f"(julianday({compiler.process(element.clauses, **kw)}) * 86400.0)"


def _changed(model: Any, where: ColumnElement[bool] | None = None) -> Select[Any]:
    """The rows' number, latest change and the sum of their changes' moments. The latest alone
    misses a change whose moment is earlier than another row's: each app server stamps
    `updated_at` with its own clock, and one running behind the other writes earlier moments
    (as does a transaction that commits after a later one). The sum moves with any row's."""
    query = select(
        func.count(), func.max(model.updated_at), func.sum(_Seconds(model.updated_at))
    ).select_from(model)
    return query if where is None else query.where(where)


def _one_row(*parts: Select[Any]) -> Select[Any]:
    """One row of every part's aggregates side by side: each part is a one-row subquery."""
    subqueries = [part.subquery() for part in parts]
    joined = subqueries[0]
    for other in subqueries[1:]:
        joined = joined.join(other, true())  # type: ignore[assignment]
    return select(*(c for s in subqueries for c in s.c)).select_from(joined)


def _mark(topic: str, round_: Any = EVERY_ROUND) -> Select[Any]:
    """The change mark of `topic`'s rows (in round `round_`): one row, which triggers in the
    database draw anew on every change of those rows (selfscan.models.changes)."""
    if topic not in MARKED:  # no trigger would ever set it: the stamp would never move
        raise ValueError(f"no change mark is kept for {topic!r}")
    mark = select(ChangeMark.mark).where(ChangeMark.topic == topic, ChangeMark.round_id == round_)
    return select(mark.scalar_subquery())


def _closed(where: ColumnElement[bool] | None = None) -> Select[Any]:
    """How many rounds have closed by now: a round's figures are released when it closes (DESIGN
    rule 8), by the clock, without any row changing."""
    query = select(func.count()).select_from(Round).where(Round.closes_at <= NOW)
    return query if where is None else query.where(where)


# LIMIT 1 written into the statement rather than bound: with a bound LIMIT, PostgreSQL's generic
# plan of a prepared statement cannot know how many rows it takes, prices it above a plan made
# for the values, and plans the statement anew on every execution (0.75 ms of the database's
# CPU per compare page, measured with 40 regions x 8 rounds).
_ONE = literal_column("1")


def _latest_submission(where: ColumnElement[bool] | None = None) -> Select[Any]:
    """The latest submission: responses are never removed from a round, and each is submitted
    (or imported) at the moment it joins, so this tells whether any joined. One index lookup
    rather than a count over all of them, whose number follows the size of the programme.
    (Written as ORDER BY ... LIMIT 1: SQLite does not take max() from the index here.)"""
    submitted = Response.status == "submitted"
    latest = (
        select(Response.submitted_at)
        .where(submitted if where is None else and_(submitted, where))
        .order_by(Response.submitted_at.desc())  # type: ignore[union-attr]
        .limit(_ONE)
        .scalar_subquery()
    )
    return select(latest)


def _region_mark() -> Select[Any]:
    """The mark of the region's own rows (its submitted responses and their comments,
    invitations, organisations, agenda, conversation, ambitions and result agreements): one row,
    which triggers in the database draw anew on every change of those rows, in any round
    (selfscan.models.changes.RegionMark)."""
    return select(select(RegionMark.mark).where(RegionMark.region_id == REGION).scalar_subquery())


_REGION_ROUNDS = Round.id.in_(select(RoundRegion.round_id).where(RoundRegion.region_id == REGION))  # type: ignore[union-attr]

_REGION_STAMP = _one_row(
    # The region's figures in this and its earlier rounds, its comments, participation (its
    # invitations and the sectors of its organisations), its agenda and conversation, its
    # ambitions and result agreements.
    _region_mark(),
    # The all-regions line: the round's submitted responses, by their mark.
    _mark("response", ROUND),
    # The region's rounds: their titles and dates, which are earlier, which have released
    # their figures.
    _changed(Round, _REGION_ROUNDS),
    _closed(_REGION_ROUNDS),
    _changed(Region, Region.id == REGION),
)

_OVERVIEW_STAMP = _one_row(
    # Every opened round's pooled means (the trend), this and the previous round's regions.
    _latest_submission(),
    # This round's submitted responses, by their mark: the latest submission alone misses one
    # stamped by an app server whose clock is behind another's.
    _mark("response", ROUND),
    # Participation and the agendas of this round: its invitations and every organisation
    # (their sectors), marked by the database itself (at 400 regions 14,000 and 4,400 rows).
    _mark("invitation", ROUND),
    _mark("organisation"),
    _changed(Round),
    _closed(),
    _changed(Region),
    _mark("round_region"),  # which regions take part in which round
    _mark("action", ROUND),
    _changed(Reflection, Reflection.round_id == ROUND),
    _changed(AgreedPosition, AgreedPosition.round_id == ROUND),
    # The ambitions that aim at this round, and the agreements' states (this round and the
    # previous: any round, as the previous one follows from the clock).
    _changed(Ambition, Ambition.round_id == ROUND),
    _changed(ResultAgreement),
    _changed(AgreementProgress),
)


def _released_submissions() -> Select[Any]:
    """The latest submission in any round whose figures are released (closed by now): one index
    lookup per such round (see `_latest_submission`). Submissions in the open round, whose
    figures nobody sees yet, leave it as it is."""
    latest = (
        select(Response.submitted_at)
        .where(Response.round_id == Round.id, Response.status == "submitted")
        .order_by(Response.submitted_at.desc())  # type: ignore[union-attr]
        .limit(_ONE)
        .correlate(Round)
        .scalar_subquery()
    )
    return select(func.max(latest)).select_from(Round).where(Round.closes_at <= NOW)


_COMPARE_STAMP = _one_row(
    # The figures of every round one may choose (the released ones; rule 8).
    _released_submissions(),
    # The regions one may choose (their names, and which share by name), and the rounds: their
    # titles, dates and questionnaire versions, which have closed, which regions took part.
    _changed(Region),
    _changed(Round),
    _closed(),
    select(func.count()).select_from(RoundRegion),  # fixed when a round is made
    # What changed between two versions of a questionnaire (versions uploaded in the app).
    select(func.count(), func.sum(QuestionnaireVersion.id)).select_from(QuestionnaireVersion),
)


_PATH_STAMP = _one_row(
    # The region's figures in every round and its participation (its submitted responses, its
    # invitations and the sectors of its organisations), the agreed positions and ambitions
    # beside the means.
    _region_mark(),
    # Its rounds: which, their titles and dates, which have closed.
    select(func.count()).select_from(RoundRegion).where(RoundRegion.region_id == REGION),
    _changed(Round, _REGION_ROUNDS),
    _closed(_REGION_ROUNDS),
    _changed(Region, Region.id == REGION),
)

_ROUND_FIGURES_STAMP = _one_row(
    # The round's figures: its submitted responses, by their mark (exact, whatever the servers'
    # clocks; at 400 regions a count would read 12,000 rows).
    _mark("response", ROUND),
    # The regions' keys and which share by name (what a viewer sees of them), the round's dates.
    _changed(Region),
    _changed(Round, Round.id == ROUND),
    _closed(Round.id == ROUND),
)


def region_stamp(session: Session, round_: Round, region: Region, now: datetime) -> Stamp:
    """What a region's dashboard of one round reads, at the moment `now`."""
    params = {"round_id": round_.id, "region_id": region.id, "now": now}
    return tuple(session.exec(_REGION_STAMP, params=params).one())  # type: ignore[call-overload]


def overview_stamp(session: Session, round_: Round, now: datetime) -> Stamp:
    """What the programme overview of one round reads, at the moment `now`."""
    params = {"round_id": round_.id, "now": now}
    return tuple(session.exec(_OVERVIEW_STAMP, params=params).one())  # type: ignore[call-overload]


def path_stamp(session: Session, region: Region, now: datetime) -> Stamp:
    """What a region's path over the years reads, at the moment `now`."""
    params = {"region_id": region.id, "now": now}
    return tuple(session.exec(_PATH_STAMP, params=params).one())  # type: ignore[call-overload]


def round_figures_stamp(session: Session, round_: Round, now: datetime) -> Stamp:
    """What a round's figures per region read (the API's), at the moment `now`."""
    params = {"round_id": round_.id, "now": now}
    return tuple(session.exec(_ROUND_FIGURES_STAMP, params=params).one())  # type: ignore[call-overload]


def compare_stamp(session: Session, now: datetime) -> Stamp:
    """What the compare page reads, for any choice of rounds, regions and sectors, at `now`."""
    return tuple(session.exec(_COMPARE_STAMP, params={"now": now}).one())  # type: ignore[call-overload]
