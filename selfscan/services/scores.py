"""Scores from the database: SQL sums up per group, selfscan.core.scoring decides what is shown.

Each query aggregates in SQL for one round and only the regions asked for; no answer is ever
loaded into Python. Rules 1-3 live in the SQL (submitted only, valid answers only, at least
half of a principle's items); rules 4-7 in selfscan.core.scoring. Rule 8 is the first thing every
figure passes: `round_figures` and `region_figures` give nothing for a round that has not
closed, so no page, download or profile can show figures of other people's answers for it.
"""

from __future__ import annotations

import json
import threading
import weakref
from collections import OrderedDict, defaultdict
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import Engine, Float, and_, case, cast, func, literal, union_all
from sqlmodel import Session, col, select

from selfscan.core.scoring import (
    SHOWN_RULES,
    Group,
    Pooled,
    Stats,
    Viewer,
    all_regions,
    for_viewer,
    perspective_groups,
    shown_groups,
)
from selfscan.core.vocabulary import PERSPECTIVE_KEYS, SECTOR_KEYS
from selfscan.infra.db import engine_of
from selfscan.models import (
    Answer,
    Item,
    PrincipleComment,
    QuestionnaireVersion,
    Region,
    RegionSums,
    Response,
    Round,
    RoundPooled,
    RoundRegion,
)
from selfscan.services.participation import asked_and_submitted

# region id -> sector -> group
RegionSectors = dict[int, dict[str, Group]]


def sector_groups(
    session: Session, round_: Round, region_ids: Collection[int] | None = None
) -> RegionSectors:
    """Per region and sector of one round: submitted responses and the principle-score sums."""
    result: RegionSectors = defaultdict(dict)
    for (region_id, sector), group in _group_sums(session, round_, region_ids).items():
        result[region_id][sector] = group  # type: ignore[index]
    return dict(result)


def tag_groups(session: Session, round_: Round, tags: Mapping[str, Sequence[str]]) -> RegionSectors:
    """Per region and sector of one round: submitted responses and the sums of their scores on
    each tag (a spearhead or condition) over the tagged statements (`tags`: item key -> tags)."""
    result: RegionSectors = defaultdict(dict)
    for (region_id, sector), group in _group_sums(session, round_, None, tags=tags).items():
        result[region_id][sector] = group  # type: ignore[index]
    return dict(result)


def perspective_cells(
    session: Session, round_: Round, region_id: int
) -> dict[tuple[str, str], Group]:
    """Per (sector, perspective) of one region's submitted responses: the sums, as for sectors."""
    found = _group_sums(session, round_, (region_id,), by_perspective=True)
    return {(sector, perspective): g for (_, sector, perspective), g in found.items()}  # type: ignore[misc]


def region_perspectives(
    session: Session, round_: Round, region_id: int, k: int, *, now: datetime | None = None
) -> dict[str, Group]:
    """Professionals beside parents and young people in one region (rule 5 for perspectives,
    `core.scoring.perspective_groups`); nothing before the round closes (rule 8)."""
    if not round_.figures_released(now):
        return {}
    return perspective_groups(perspective_cells(session, round_, region_id), k)


def all_perspectives(
    session: Session, round_: Round, k: int, *, now: datetime | None = None
) -> tuple[dict[int, dict[str, Group]], dict[str, Group]]:
    """Professionals beside parents and young people in every region (as `region_perspectives`)
    and across regions: per perspective the pool of exactly the regions' shown perspective
    groups, of at least three regions (rule 6). For the programme team, who see every region;
    nothing before the round closes (rule 8). One query for the whole round."""
    if not round_.figures_released(now):
        return {}, {}
    cells: dict[int, dict[tuple[str, str], Group]] = defaultdict(dict)
    for (region_id, sector, perspective), group in _group_sums(
        session, round_, None, by_perspective=True
    ).items():
        cells[region_id][(sector, perspective)] = group  # type: ignore[index]
    regions = {r: perspective_groups(c, k) for r, c in cells.items()}
    shown = {r: groups for r, groups in regions.items() if groups}
    return shown, all_regions(shown, k, PERSPECTIVE_KEYS).groups


def perspectives_heard(session: Session, round_: Round, region_id: int) -> bool:
    """Whether any parent or young person of the region submitted (a count, never a figure)."""
    return (
        session.exec(
            select(Response.id).where(
                Response.round_id == round_.id,
                Response.region_id == region_id,
                Response.status == "submitted",
                Response.perspective != "professional",
            )
        ).first()
        is not None
    )


def _group_sums(
    session: Session,
    round_: Round,
    region_ids: Collection[int] | None,
    *,
    by_perspective: bool = False,
    tags: Mapping[str, Sequence[str]] | None = None,
) -> dict[tuple[object, ...], Group]:
    """Per region and sector (and perspective): submitted responses and principle-score sums;
    with `tags` (item key -> its tags) the sums of tag scores instead, a tag's statements
    scored as a principle's are (rules 2 and 3)."""
    version = session.get(QuestionnaireVersion, round_.questionnaire_version_id)
    assert version is not None
    submitted = and_(Response.round_id == round_.id, Response.status == "submitted")
    if region_ids is not None:
        submitted = and_(submitted, Response.region_id.in_(list(region_ids)))  # type: ignore[attr-defined]
    keys = [Response.region_id, Response.sector]
    if by_perspective:
        keys.append(Response.perspective)

    sizes = session.exec(
        select(*keys, func.count()).where(submitted).group_by(*keys)  # type: ignore[call-overload]
    ).all()

    # What a score is of: a principle (the item's column) or a tag (items joined to their tags).
    dimension = Item.principle
    tagged = None
    if tags is not None:
        # A small table of (item key, tag) pairs written into the statement (SQLite has no
        # VALUES with column names): one SELECT of two literals per pair.
        pairs = [(key, tag) for key, found in tags.items() for tag in found] or [("", "")]
        tagged = union_all(
            *(select(literal(k).label("item_key"), literal(t).label("tag")) for k, t in pairs)
        ).subquery("tagged")
        dimension = tagged.c.tag

    def with_dimension(statement):  # type: ignore[no-untyped-def]
        return (
            statement if tagged is None else statement.join(tagged, tagged.c.item_key == Item.key)
        )

    items_per_principle = with_dimension(
        select(dimension.label("principle"), func.count().label("item_count")).select_from(Item)
    )
    items_per_principle = (
        items_per_principle.where(Item.questionnaire_version_id == version.id)
        .group_by(dimension)
        .subquery()
    )
    valid = and_(
        Answer.value.is_not(None),  # type: ignore[union-attr]
        Answer.value.between(version.scale_min, version.scale_max),  # type: ignore[union-attr]
    )
    # Rule 3: a response's principle score, only with valid answers on at least half the items.
    per_response = with_dimension(
        select(
            *[key.label(f"key{i}") for i, key in enumerate(keys)],  # type: ignore[attr-defined]
            dimension.label("principle"),
            func.avg(cast(Answer.value, Float)).label("score"),
        )
        .join(Answer, Answer.response_id == Response.id)
        .join(Item, Item.id == Answer.item_id)
    )
    per_response = (
        per_response.join(items_per_principle, items_per_principle.c.principle == dimension)
        .where(submitted, valid, Item.questionnaire_version_id == version.id)
        .group_by(Response.id, *keys, dimension)
        .having(2 * func.count(Answer.value) >= func.max(items_per_principle.c.item_count))
        .subquery()
    )
    score = per_response.c.score
    group_keys = [per_response.c[f"key{i}"] for i in range(len(keys))]
    rows = session.exec(
        select(  # type: ignore[call-overload]
            *group_keys,
            per_response.c.principle,
            func.count(),
            func.sum(score),
            func.sum(score * score),
            func.min(score),
            func.max(score),
        ).group_by(*group_keys, per_response.c.principle)
    ).all()
    width = len(keys)
    stats: dict[tuple[object, ...], dict[str, Stats]] = defaultdict(dict)
    for row in rows:
        principle, n, total, squares, low, high = row[width:]
        stats[tuple(row[:width])][principle] = Stats(
            n, float(total), float(squares), float(low), float(high)
        )
    return {
        tuple(row[:width]): Group(row[width], stats.get(tuple(row[:width]), {})) for row in sizes
    }


def region_ids_in_round(session: Session, round_: Round) -> list[int]:
    return list(
        session.exec(select(RoundRegion.region_id).where(RoundRegion.round_id == round_.id))
    )


@dataclass(frozen=True)
class RoundFigures:
    """What one viewer may see of one round: the shown groups of the regions they may see by
    name, and the all-regions groups (rules 5, 5b, 6); nothing before the round closes (8)."""

    regions: dict[int, dict[str, Group]]
    pooled: dict[str, Group]


NOTHING = RoundFigures({}, {})


def round_figures(
    session: Session, round_: Round, k: int, *, viewer: Viewer, now: datetime | None = None
) -> RoundFigures:
    """What `viewer` may see of the round: nothing while it is open or planned (rule 8)."""
    if not round_.figures_released(now):
        return NOTHING
    kept = _released_figures(session, round_, k)
    # What a viewer may see follows from the regions they cannot see by name alone; kept with
    # the round's figures (a coordinator's all-regions line costs a walk over every pool).
    unseen = viewer.unseen(kept.regions)
    seen = kept.views.get(unseen)
    if seen is None:
        seen = for_viewer(kept.regions, kept.pooled, viewer)
        if len(kept.views) >= VIEWS_KEPT:
            kept.views.clear()
        kept.views[unseen] = seen
    regions, pooled = seen
    return RoundFigures({r: dict(groups) for r, groups in regions.items()}, dict(pooled))


VIEWS_KEPT = 64  # per round: the sets of regions viewers cannot see by name


@dataclass(frozen=True)
class _Figures:
    regions: dict[int, dict[str, Group]]  # region id -> shown groups (absent when hidden)
    pooled: Pooled
    # unseen regions -> (regions, pooled) as for_viewer gives them; new with new figures
    views: dict[frozenset[int], tuple[dict[int, dict[str, Group]], dict[str, Group]]] = field(
        default_factory=dict, compare=False, repr=False
    )


def _released_figures(session: Session, round_: Round, k: int) -> _Figures:
    """Shown groups of every region of the round and the all-regions pool (rules 5 and 6)."""
    return _kept_round(session, round_, k).figures


def shown_by_region(session: Session, round_: Round, k: int) -> dict[int, dict[str, Group]]:
    """Per region of a released round with submitted responses: its shown groups (rules 5 and
    5b; empty when the region shows nothing), as selfscan.services.region_sums keeps them."""
    return dict(_kept_round(session, round_, k).shown)


def _kept_round(session: Session, round_: Round, k: int) -> _Kept:
    """The round's figures as this worker keeps them, made or brought up to date first.

    Kept per engine, round and k, so that a region's dashboard does not sum up every answer of
    the round on each view: its cost would follow the size of the database rather than of the
    region. A submitted response never changes, so per region the number, id sum and latest
    submission moment of its submitted responses tell whether its groups must be summed again;
    only those regions are, and the pool is rebuilt from the kept groups. A worker that keeps
    nothing of the round yet reads the regions' shown groups the database keeps for the round
    (selfscan.services.region_sums), if the round's responses and the rules are still those
    they were made with, and otherwise the regions' kept sums, or their answers.
    """
    # One row for the whole round first: on a large round, reading a row per region on every
    # view would cost more than the region's own figures.
    total = round_stamp(session, round_)
    cache = _figures_cache(session)
    key = (round_.id, k)
    with _cache_lock:
        kept = cache.get(key)
        if kept is not None and kept.total == total:
            cache.move_to_end(key)
            return kept
    stored = _stored_shown(session, round_, k, total) if kept is None else None
    if stored is not None:
        # The regions' stamps are not read: the first change to the round sums up every region.
        kept = _Kept(total, {}, stored, _Figures(regions=stored, pooled=all_regions(stored, k)))
    else:
        stamps = region_stamps(session, round_)
        changed = [r for r, s in stamps.items() if kept is None or kept.stamps.get(r) != s]
        shown = {r: kept.shown[r] for r in stamps if r not in changed} if kept is not None else {}
        if changed:
            every = kept is None or not kept.stamps
            raw = _sums(session, round_, changed, stamps, every=every)
            for region_id in changed:
                shown[region_id] = shown_groups(raw.get(region_id, {}), k)
        figures = _Figures(
            regions={r: s for r, s in shown.items() if s}, pooled=all_regions(shown, k)
        )
        kept = _Kept(total, stamps, shown, figures)
    with _cache_lock:
        cache[key] = kept
        while len(cache) > ROUNDS_CACHED:
            cache.popitem(last=False)
    return kept


def _sums(
    session: Session,
    round_: Round,
    region_ids: Sequence[int],
    stamps: Mapping[int, Stamp],
    *,
    every: bool,
) -> RegionSectors:
    """The sector groups of these regions of a released round (`every`: all its regions with
    submitted responses): the database's kept sums where the region's submitted responses still
    look as they did when those were made, summed up from the answers for the others."""
    found: RegionSectors = {}
    for (_, region_id), (stamp, groups) in kept_sums(
        session,
        [round_.id],
        None if every else region_ids,  # type: ignore[list-item]
    ).items():
        if stamps.get(region_id) == stamp:
            found[region_id] = groups
    missing = [r for r in region_ids if r not in found]
    if missing:
        all_missing = every and len(missing) == len(region_ids)
        found.update(sector_groups(session, round_, None if all_missing else missing))
    return found


@dataclass(frozen=True)
class _Kept:
    total: tuple[object, ...]  # what the round's submitted responses look like
    # region id -> what its submitted responses look like; empty when read from the database
    stamps: dict[int, tuple[object, ...]]
    shown: dict[int, dict[str, Group]]  # region id -> its shown groups (empty when suppressed)
    figures: _Figures


# The most recently used rounds, per engine (so per app and database).
ROUNDS_CACHED = 16
_caches: weakref.WeakKeyDictionary[Engine, OrderedDict[tuple[int, int], _Kept]]
_caches = weakref.WeakKeyDictionary()
_cache_lock = threading.Lock()


def _figures_cache(session: Session) -> OrderedDict[tuple[int, int], _Kept]:
    with _cache_lock:
        return _caches.setdefault(engine_of(session), OrderedDict())


def pooled_figures(
    session: Session, round_: Round, k: int, *, now: datetime | None = None
) -> dict[str, Group]:
    """The all-regions groups of a round as the programme team sees them (rule 6; nothing
    before the round closes, rule 8), for the overview's trend over every released round: kept
    apart from the regions' figures and small, so that a trend over twenty rounds neither sums
    up nor keeps in memory every region of each of them on every view."""
    return pooled_by_round(session, [round_], k, now=now).get(round_.id, {})  # type: ignore[arg-type]


def pooled_by_round(
    session: Session, rounds: Sequence[Round], k: int, *, now: datetime | None = None
) -> dict[int, dict[str, Group]]:
    """Per round id, `pooled_figures` of the rounds whose figures are released: one query for
    what their submitted responses look like, and one for the groups the database keeps of the
    rounds not kept in this worker."""
    released = [r for r in rounds if r.figures_released(now)]
    if not released:
        return {}
    totals = round_stamps(session, released)
    cache = _pooled_cache(session)
    found: dict[int, dict[str, Group]] = {}
    todo: list[Round] = []
    for round_ in released:
        with _cache_lock:
            kept = cache.get((round_.id, k))  # type: ignore[arg-type]
            if kept is not None and kept[0] == totals[round_.id]:  # type: ignore[index]
                cache.move_to_end((round_.id, k))  # type: ignore[arg-type]
                found[round_.id] = dict(kept[1])  # type: ignore[index]
                continue
        todo.append(round_)
    stored = _stored(session, [r.id for r in todo], k, totals, RoundPooled.groups) if todo else {}  # type: ignore[misc]
    for round_ in todo:
        text = stored.get(round_.id)  # type: ignore[arg-type]
        if text is not None:
            pooled = decode_groups(text)
        else:
            pooled = dict(_released_figures(session, round_, k).pooled.groups)
        with _cache_lock:
            cache[(round_.id, k)] = (totals[round_.id], pooled)  # type: ignore[index]
            while len(cache) > POOLED_CACHED:
                cache.popitem(last=False)
        found[round_.id] = dict(pooled)  # type: ignore[index]
    return found


def round_stamp(session: Session, round_: Round) -> Stamp:
    """What the round's submitted responses look like, as one row (as `region_stamps`)."""
    n, ids, latest = session.exec(
        select(func.count(), func.sum(Response.id), func.max(Response.submitted_at)).where(
            Response.round_id == round_.id, Response.status == "submitted"
        )
    ).one()
    return int(n), int(ids or 0), latest


def round_stamps(session: Session, rounds: Sequence[Round]) -> dict[int, Stamp]:
    """`round_stamp` of each round, by id, in one query."""
    found: dict[int, Stamp] = {r.id: (0, 0, None) for r in rounds}  # type: ignore[misc]
    for round_id, n, ids, latest in session.exec(
        select(
            Response.round_id, func.count(), func.sum(Response.id), func.max(Response.submitted_at)
        )
        .where(col(Response.round_id).in_(list(found)), Response.status == "submitted")
        .group_by(Response.round_id)
    ):
        found[round_id] = (int(n), int(ids or 0), latest)
    return found


def _stored_shown(
    session: Session, round_: Round, k: int, total: Stamp
) -> dict[int, dict[str, Group]] | None:
    """Every region's shown groups the database keeps of the round for `k` (regions showing
    nothing left out), on the terms of `_stored`."""
    text = _stored(session, [round_.id], k, {round_.id: total}, RoundPooled.regions).get(round_.id)  # type: ignore[index,arg-type,dict-item]
    return None if text is None else decode_regions(text)


def _stored(  # type: ignore[no-untyped-def]
    session: Session, round_ids: Sequence[int], k: int, totals: Mapping[int, Stamp], column
) -> dict[int, str]:
    """Per round id, one column of the round's kept row for `k` (selfscan.services.region_sums),
    where the round's submitted responses (`totals`) still look as they did when it was made and
    the rules that made it are the rules now."""
    rows = session.exec(
        select(
            RoundPooled.round_id,
            RoundPooled.responses,
            RoundPooled.id_sum,
            RoundPooled.latest,
            RoundPooled.rules,
            column,
        ).where(col(RoundPooled.round_id).in_(list(round_ids)), RoundPooled.k == k)
    )
    return {
        round_id: text
        for round_id, n, ids, latest, rules, text in rows
        if (n, ids, latest) == totals[round_id] and rules == SHOWN_RULES and text is not None
    }


POOLED_CACHED = 512  # rounds; a few kilobytes each
_pooled_caches: weakref.WeakKeyDictionary[
    Engine, OrderedDict[tuple[int, int], tuple[tuple[object, ...], dict[str, Group]]]
]
_pooled_caches = weakref.WeakKeyDictionary()


def _pooled_cache(
    session: Session,
) -> OrderedDict[tuple[int, int], tuple[tuple[object, ...], dict[str, Group]]]:
    with _cache_lock:
        return _pooled_caches.setdefault(engine_of(session), OrderedDict())


def region_figures(
    session: Session, round_: Round, region_id: int, k: int, *, now: datetime | None = None
) -> dict[str, Group]:
    """The shown groups of one region in one round (rules 5 and 5b; none before it closes,
    rule 8): one region's query only, and kept like the round's figures while the region's
    submitted responses stay the same."""
    return region_figures_by_round(session, [round_], region_id, k, now=now).get(round_.id, {})  # type: ignore[arg-type]


def region_figures_by_round(
    session: Session,
    rounds: Sequence[Round],
    region_id: int,
    k: int,
    *,
    now: datetime | None = None,
) -> dict[int, dict[str, Group]]:
    """Per round id, `region_figures` of the region: one query for what the region's submitted
    responses look like in all the rounds, and the region's own sums only for a round whose
    figures are not kept. Rounds that have not closed give nothing (rule 8)."""
    released = [r for r in rounds if r.figures_released(now)]
    if not released:
        return {}
    stamps = {
        round_id: (n, ids, latest)
        for round_id, n, ids, latest in session.exec(
            select(
                Response.round_id,
                func.count(),
                func.sum(Response.id),
                func.max(Response.submitted_at),
            )
            .where(
                Response.round_id.in_([r.id for r in released]),  # type: ignore[attr-defined]
                Response.region_id == region_id,
                Response.status == "submitted",
            )
            .group_by(Response.round_id)
        )
    }
    cache = _region_cache(session)
    found: dict[int, dict[str, Group]] = {}
    todo: list[Round] = []
    for round_ in released:
        # A round without submitted responses has no row: the one-round aggregate's values.
        stamp = stamps.get(round_.id, (0, None, None))  # type: ignore[arg-type]
        key = (round_.id, region_id, k)
        with _cache_lock:
            kept = cache.get(key)  # type: ignore[arg-type]
            if kept is not None and kept[0] == stamp:
                cache.move_to_end(key)  # type: ignore[arg-type]
                found[round_.id] = kept[1]  # type: ignore[index]
                continue
        todo.append(round_)
    # The rounds not kept in this worker: the database's kept sums where they still hold.
    stored = kept_sums(session, [r.id for r in todo], [region_id]) if todo else {}  # type: ignore[misc]
    for round_ in todo:
        stamp = stamps.get(round_.id, (0, None, None))  # type: ignore[arg-type]
        key = (round_.id, region_id, k)
        in_database = stored.get((round_.id, region_id))  # type: ignore[arg-type]
        if in_database is not None and in_database[0] == stamp:
            raw = {region_id: in_database[1]}
        else:
            raw = sector_groups(session, round_, [region_id])
        shown = shown_groups(raw.get(region_id, {}), k)
        with _cache_lock:
            cache[key] = (stamp, shown)  # type: ignore[index]
            while len(cache) > REGION_ROUNDS_CACHED:
                cache.popitem(last=False)
        found[round_.id] = shown  # type: ignore[index]
    return found


REGION_ROUNDS_CACHED = 4096


# --- sums kept in the database (written by selfscan.services.region_sums) ----------------------

# What a region's submitted responses in a round look like: their number, the sum of their ids
# and the latest submission. A submitted response never changes or goes, so an equal stamp means
# the same responses (selfscan.services.freshness reasons the same way for pages).
Stamp = tuple[int, int | None, datetime | None]


def region_stamps(
    session: Session, round_: Round, region_ids: Collection[int] | None = None
) -> dict[int, Stamp]:
    """Per region with submitted responses in the round (or of `region_ids`): its stamp."""
    submitted = and_(Response.round_id == round_.id, Response.status == "submitted")
    if region_ids is not None:
        submitted = and_(submitted, Response.region_id.in_(list(region_ids)))  # type: ignore[attr-defined]
    return {
        region_id: (int(n), None if ids is None else int(ids), latest)
        for region_id, n, ids, latest in session.exec(
            select(
                Response.region_id,
                func.count(),
                func.sum(Response.id),
                func.max(Response.submitted_at),
            )
            .where(submitted)
            .group_by(Response.region_id)
        )
    }


def encode_groups(groups: Mapping[str, Group]) -> str:
    """A region's sector groups as the text `RegionSums.groups` keeps (floats round-trip)."""
    return json.dumps(_groups_data(groups), separators=(",", ":"))


def decode_groups(text: str) -> dict[str, Group]:
    return _groups_from(json.loads(text))


def encode_regions(regions: Mapping[int, Mapping[str, Group]]) -> str:
    """Several regions' groups as the text `RoundPooled.regions` keeps."""
    data = {str(region_id): _groups_data(groups) for region_id, groups in regions.items()}
    return json.dumps(data, separators=(",", ":"))


def decode_regions(text: str) -> dict[int, dict[str, Group]]:
    return {int(region_id): _groups_from(data) for region_id, data in json.loads(text).items()}


def _groups_data(groups: Mapping[str, Group]) -> dict[str, list]:
    return {
        key: [
            group.responses,
            {p: [s.n, s.total, s.squares, s.low, s.high] for p, s in group.stats.items()},
        ]
        for key, group in groups.items()
    }


def _groups_from(data: Mapping[str, list]) -> dict[str, Group]:
    return {
        key: Group(responses, {p: Stats(*numbers) for p, numbers in stats.items()})
        for key, (responses, stats) in data.items()
    }


def kept_sums(
    session: Session, round_ids: Sequence[int], region_ids: Collection[int] | None = None
) -> dict[tuple[int, int], tuple[Stamp, dict[str, Group]]]:
    """Per (round id, region id): the sums the database keeps, with the stamp they were made at.
    The caller uses them only where that stamp is the region's stamp now."""
    query = select(
        RegionSums.round_id,
        RegionSums.region_id,
        RegionSums.responses,
        RegionSums.id_sum,
        RegionSums.latest,
        RegionSums.groups,
    ).where(col(RegionSums.round_id).in_(list(round_ids)))
    if region_ids is not None:
        query = query.where(col(RegionSums.region_id).in_(list(region_ids)))
    return {
        (round_id, region_id): ((n, ids, latest), decode_groups(groups))
        for round_id, region_id, n, ids, latest, groups in session.exec(query)
    }


_region_caches: weakref.WeakKeyDictionary[
    Engine, OrderedDict[tuple[int, int, int], tuple[tuple[object, ...], dict[str, Group]]]
]
_region_caches = weakref.WeakKeyDictionary()


def _region_cache(
    session: Session,
) -> OrderedDict[tuple[int, int, int], tuple[tuple[object, ...], dict[str, Group]]]:
    with _cache_lock:
        return _region_caches.setdefault(engine_of(session), OrderedDict())


# --- what a region's dashboard adds -------------------------------------------------------------


@dataclass(frozen=True)
class ItemRef:
    key: str
    principle: str
    position: int


@dataclass(frozen=True)
class Statements:
    """A region's round per statement: per sector a Group whose stats are keyed by item key
    (so rules 5 and 5b decide what may be shown, as for principles), and over all sectors the
    "don't know" answers and discussion flags per item key."""

    items: list[ItemRef]
    sectors: dict[str, Group]
    dont_know: dict[str, int]
    discuss: dict[str, int]


def statement_figures(session: Session, round_: Round, region_id: int) -> Statements:
    """Per statement and sector of the region's submitted responses: the sums of the valid
    answers, and the "don't know" and discussion-flag counts."""
    version = session.get(QuestionnaireVersion, round_.questionnaire_version_id)
    assert version is not None
    submitted = and_(
        Response.round_id == round_.id,
        Response.region_id == region_id,
        Response.status == "submitted",
    )
    in_scale = and_(
        Answer.value.is_not(None),  # type: ignore[union-attr]
        Answer.value.between(version.scale_min, version.scale_max),  # type: ignore[union-attr]
    )
    value = case((in_scale, cast(Answer.value, Float)))
    rows = session.exec(
        select(
            Response.sector,
            Item.key,
            func.count(value),
            func.sum(value),
            func.sum(value * value),
            func.min(value),
            func.max(value),
            func.sum(case((Answer.dont_know, 1), else_=0)),
            func.sum(case((Answer.discuss, 1), else_=0)),
        )
        .join(Response, Response.id == Answer.response_id)
        .join(Item, Item.id == Answer.item_id)
        .where(submitted, Item.questionnaire_version_id == version.id)
        .group_by(Response.sector, Item.key)
    ).all()
    sizes = session.exec(
        select(Response.sector, func.count()).where(submitted).group_by(Response.sector)
    ).all()
    items = [
        ItemRef(*row)
        for row in session.exec(
            select(Item.key, Item.principle, Item.position)
            .where(Item.questionnaire_version_id == version.id)
            .order_by(Item.position)
        )
    ]
    stats: dict[str, dict[str, Stats]] = defaultdict(dict)
    dont_know: dict[str, int] = defaultdict(int)
    discuss: dict[str, int] = defaultdict(int)
    for sector, key, n, total, squares, low, high, unknown, flagged in rows:
        if n:
            stats[sector][key] = Stats(n, float(total), float(squares), float(low), float(high))
        dont_know[key] += int(unknown or 0)
        discuss[key] += int(flagged or 0)
    return Statements(
        items=items,
        sectors={sector: Group(count, stats.get(sector, {})) for sector, count in sizes},
        dont_know=dict(dont_know),
        discuss=dict(discuss),
    )


def comments(session: Session, round_: Round, region_id: int) -> dict[str, list[str]]:
    """The comments per principle of the region's submitted responses, without who wrote them;
    sorted by text, so that their order does not follow the order of responding."""
    rows = session.exec(
        select(PrincipleComment.principle, PrincipleComment.text)
        .join(Response, Response.id == PrincipleComment.response_id)
        .where(
            Response.round_id == round_.id,
            Response.region_id == region_id,
            Response.status == "submitted",
        )
        .order_by(PrincipleComment.principle, PrincipleComment.text)
    ).all()
    found: dict[str, list[str]] = defaultdict(list)
    for principle, text in rows:
        found[principle].append(text)
    return dict(found)


@dataclass(frozen=True)
class Participation:
    sector: str
    invited: int
    submitted: int

    @property
    def rate(self) -> float | None:
        return self.submitted / self.invited if self.invited else None


def participation(session: Session, round_: Round, region_id: int) -> list[Participation]:
    """Per sector: people asked and submitted responses in the region's round (see Asked)."""
    asked, submitted = asked_and_submitted(session, round_, region_id).of(region_id)
    return [
        Participation(sector, asked.get(sector, 0), submitted.get(sector, 0))
        for sector in SECTOR_KEYS
        if sector in asked
    ]


def regions_by_id(session: Session, ids: Iterable[int]) -> dict[int, Region]:
    return {r.id: r for r in session.exec(select(Region).where(Region.id.in_(list(ids))))}  # type: ignore[union-attr,misc]
