"""The sentence under DESIGN rule 8, checked directly on generated programmes (hypothesis):
nothing anyone is shown, alone or subtracted from anything else they were shown, gives the
figures of fewer than k responses, or of one region they may not see.

The checker here knows nothing of how Selfscan decides: it follows every shown figure back to
the set of responses it is made of, and compares those sets. Once on the pure functions of
selfscan.core.scoring (many examples, fast), once through the database (the import, the SQL sums
and scores.round_figures), on SQLite and PostgreSQL.
"""

from __future__ import annotations

import io
import itertools
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from sqlmodel import Session

from selfscan.core.scoring import (
    ALL,
    OTHER,
    PROGRAMME,
    Group,
    Stats,
    Viewer,
    all_regions,
    for_viewer,
    shown_groups,
)
from selfscan.models import Region, Round
from selfscan.models.types import utcnow
from selfscan.services import exchange, rounds, scores

PRINCIPLES = ("kind-centraal", "geintegreerd-aanbod")
SECTORS = ("po", "vo", "jeugdhulp", "jgz", "gemeente", "ouders")


@dataclass(frozen=True)
class Person:
    """One submitted response: its region, sector and score per principle (None: no score)."""

    id: int
    region: int
    sector: str
    scores: Mapping[str, int | None]


@dataclass(frozen=True)
class Programme:
    people: tuple[Person, ...]
    named: frozenset[int]  # regions that share by name
    regions: tuple[int, ...]
    k: int


@st.composite
def programmes(draw: st.DrawFn) -> Programme:
    k = draw(st.integers(min_value=2, max_value=4))
    regions = tuple(range(draw(st.integers(min_value=3, max_value=5))))
    people = []
    for region in regions:
        sectors = draw(st.lists(st.sampled_from(SECTORS), unique=True, max_size=4))
        for sector in sectors:
            for _ in range(draw(st.integers(min_value=1, max_value=5))):
                scores = {
                    p: draw(st.one_of(st.none(), st.integers(min_value=1, max_value=5)))
                    for p in PRINCIPLES
                }
                people.append(Person(len(people), region, sector, scores))
    named = frozenset(r for r in regions if draw(st.booleans()))
    return Programme(tuple(people), named, regions, k)


def viewers(programme: Programme) -> list[tuple[str, Viewer]]:
    """The programme team and the coordinator of each region."""
    found = [("programme", PROGRAMME)]
    for region in programme.regions:
        found.append((f"coordinator of {region}", Viewer(programme.named | {region})))
    return found


# --- what each figure is made of -----------------------------------------------------------------

Figure = tuple[int | str, str, str]  # (region id or "all regions", group key, principle)


def members(programme: Programme, region: int, key: str, principle: str) -> frozenset[int]:
    """The responses behind a region's group figure on a principle, by DESIGN rules 4-5."""
    mine = [p for p in programme.people if p.region == region]
    sizes = {s: sum(1 for p in mine if p.sector == s) for s in SECTORS}
    if key == ALL:
        chosen = mine
    elif key == OTHER:
        chosen = [p for p in mine if sizes[p.sector] < programme.k]
    else:
        chosen = [p for p in mine if p.sector == key]
    return frozenset(p.id for p in chosen if p.scores[principle] is not None)


def region_sets(
    programme: Programme, regions: Mapping[int, Mapping[str, Group]]
) -> dict[Figure, frozenset[int]]:
    """Every shown region figure and the responses it is made of; checks its n and sum."""
    found: dict[Figure, frozenset[int]] = {}
    for region, groups in regions.items():
        for key, group in groups.items():
            for principle, stats in group.stats.items():
                ids = members(programme, region, key, principle)
                assert stats.n == len(ids), (region, key, principle)
                total = sum(programme.people[i].scores[principle] for i in ids)  # type: ignore[misc]
                assert stats.total == pytest.approx(total), (region, key, principle)
                found[(region, key, principle)] = ids
    return found


def pool_sets(
    every_region: Mapping[Figure, frozenset[int]], pooled: Mapping[str, Group]
) -> dict[Figure, frozenset[int]]:
    """Every shown all-regions figure and its responses: those of the region figures with its
    key and principle (rule 6); checks its n."""
    found: dict[Figure, frozenset[int]] = {}
    for key, group in pooled.items():
        for principle, stats in group.stats.items():
            ids = frozenset().union(
                *(ids for (_, k, p), ids in every_region.items() if (k, p) == (key, principle))
            )
            assert stats.n == len(ids), ("all regions", key, principle)
            found[("all regions", key, principle)] = ids
    return found


# --- the sentence under rule 8 -------------------------------------------------------------------


def leaks(programme: Programme, ids: frozenset[int], unseen: frozenset[int]) -> bool:
    """Figures of fewer than k responses, or of one region the viewer may not see."""
    if not ids:
        return False
    if len(ids) < programme.k:
        return True
    regions = {programme.people[i].region for i in ids}
    return len(regions) == 1 and regions <= unseen


def assert_nothing_leaks(
    programme: Programme, shown: dict[Figure, frozenset[int]], unseen: frozenset[int]
) -> None:
    for figure, ids in shown.items():
        assert not leaks(programme, ids, unseen), ("alone", figure)
    for principle in PRINCIPLES:
        on_principle = [(f, ids) for f, ids in shown.items() if f[2] == principle]
        for (first, a), (second, b) in itertools.permutations(on_principle, 2):
            if a < b:
                assert not leaks(programme, b - a, unseen), ("subtracted", second, first)
        # All regions' all-sectors figure, minus every other all-regions figure and minus the
        # regions the viewer sees by name: what is left belongs to the regions they cannot see.
        everything = shown.get(("all regions", ALL, principle))
        if everything is not None and unseen:
            rest = everything.difference(
                *(
                    ids
                    for (scope, key, p), ids in shown.items()
                    if p == principle and (scope != "all regions" or key != ALL)
                )
            )
            assert not leaks(programme, rest, unseen), ("the rest", principle)


def check_programme(
    programme: Programme,
    every_region: Mapping[int, Mapping[str, Group]],
    figures_for: Mapping[
        str, tuple[Viewer, Mapping[int, Mapping[str, Group]], Mapping[str, Group]]
    ],
) -> None:
    """`every_region`: each region's shown groups (as the programme team sees them);
    `figures_for`: per viewer what they are shown."""
    region_figures = region_sets(programme, every_region)
    for name, (viewer, seen_regions, seen_pooled) in figures_for.items():
        assert all(viewer.sees(r) for r in seen_regions), name
        shown = {f: ids for f, ids in region_figures.items() if f[0] in seen_regions}
        assert shown == region_sets(programme, seen_regions), name
        shown.update(pool_sets(region_figures, seen_pooled))
        assert_nothing_leaks(programme, shown, viewer.unseen(programme.regions))


def groups_of(programme: Programme) -> dict[int, dict[str, Group]]:
    """Per region and sector, the Group the database would sum up."""
    found: dict[int, dict[str, Group]] = {}
    for region in programme.regions:
        sectors: dict[str, Group] = {}
        for sector in SECTORS:
            people = [p for p in programme.people if p.region == region and p.sector == sector]
            if people:
                sectors[sector] = Group(
                    len(people),
                    {
                        pr: Stats.of(p.scores[pr] for p in people if p.scores[pr] is not None)  # type: ignore[misc]
                        for pr in PRINCIPLES
                        if any(p.scores[pr] is not None for p in people)
                    },
                )
        found[region] = sectors
    return found


def _programme(k: int, named: set[int], *regions: dict[str, list[int | None]]) -> Programme:
    """A programme by hand: per region, per sector the scores on both principles."""
    people: list[Person] = []
    for region, sectors in enumerate(regions):
        for sector, values in sectors.items():
            for value in values:
                people.append(Person(len(people), region, sector, dict.fromkeys(PRINCIPLES, value)))
    return Programme(tuple(people), frozenset(named), tuple(range(len(regions))), k)


# Regions 0-2 have only youth care, region 3 only primary schools: all regions minus the youth
# care pool would be region 3 for the coordinator of region 0.
ONE_REGION_BEHIND_A_POOL = _programme(
    3,
    set(),
    {"jeugdhulp": [2, 2, 2]},
    {"jeugdhulp": [3, 3, 3]},
    {"jeugdhulp": [4, 4, 4]},
    {"po": [5, 5, 5]},
)
# The second attack: region 1 (private) in a pool with regions 0 and 2 (by name).
ONE_PRIVATE_REGION = _programme(3, {0, 2}, {"po": [2, 2, 2]}, {"jgz": [3, 3, 3]}, {"po": [4, 4, 4]})


@given(programmes())
@example(ONE_REGION_BEHIND_A_POOL)
@example(ONE_PRIVATE_REGION)
@settings(max_examples=400, deadline=None)
def test_no_viewer_can_subtract_their_way_to_a_small_group_or_a_hidden_region(programme):
    shown = {
        region: shown_groups(sectors, programme.k)
        for region, sectors in groups_of(programme).items()
    }
    pooled = all_regions(shown, programme.k)
    figures_for = {}
    for name, viewer in viewers(programme):
        seen_regions, seen_pooled = for_viewer(shown, pooled, viewer)
        figures_for[name] = (viewer, seen_regions, seen_pooled)
    check_programme(programme, shown, figures_for)


# --- the same through the database -------------------------------------------------------------

_examples = itertools.count()


def store(db: Session, make, programme: Programme) -> tuple[Round, dict[int, Region]]:
    """The programme as regions and a closed round, its responses imported as a paper round."""
    example = next(_examples)
    regions = {
        r: make.region(f"d{example}-r{r}", sharing="named" if r in programme.named else "private")
        for r in programme.regions
    }
    round_ = rounds.add_round(
        db,
        key=f"d{example}",
        title=f"D {example}",
        questionnaire=make.questionnaire(),
        opens_at=utcnow() - timedelta(days=30),
        closes_at=utcnow() - timedelta(days=1),
        regions=regions.values(),
    )
    db.commit()
    items = make.items(make.questionnaire())
    header = ["region", "organisation", "sector", *(item.key for item in items)]
    lines = [",".join(header)]
    for person in programme.people:
        cells = []
        for item in items:
            score = person.scores.get(item.principle)
            cells.append("nvt" if score is None else str(score))
        region = regions[person.region]
        lines.append(",".join([region.key, f"Partner {person.sector}", person.sector, *cells]))
    if programme.people:
        exchange.import_responses(db, round_, io.StringIO("\n".join(lines)), k=programme.k)
        db.commit()
    return round_, regions


@given(programmes())
@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_what_the_database_gives_each_viewer_never_leaks(db, make, programme):
    round_, regions = store(db, make, programme)
    ids = {region.id: r for r, region in regions.items()}  # database id -> generated region
    k = programme.k
    everything = scores.round_figures(db, round_, k, viewer=PROGRAMME)
    figures_for = {}
    for name, viewer in viewers(programme):
        visible = (
            None if viewer.visible is None else frozenset(regions[r].id for r in viewer.visible)
        )
        seen = scores.round_figures(db, round_, k, viewer=Viewer(visible))
        figures_for[name] = (
            viewer,
            {ids[region_id]: groups for region_id, groups in seen.regions.items()},
            seen.pooled,
        )
    shown = {ids[region_id]: groups for region_id, groups in everything.regions.items()}
    # The database's sums give exactly what the pure functions give on the generated data.
    expected = {r: shown_groups(sectors, k) for r, sectors in groups_of(programme).items()}
    assert {r: list(g) for r, g in shown.items()} == {r: list(g) for r, g in expected.items() if g}
    check_programme(programme, shown, figures_for)
