"""Invariants of the scoring rules, checked on generated regions (hypothesis)."""

from __future__ import annotations

from fractions import Fraction
from itertools import combinations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from selfscan.core.scoring import (
    ALL,
    MIN_REGIONS,
    OTHER,
    Group,
    Stats,
    all_regions,
    group_figures,
    hidden_sectors,
    import_refusals,
    pool,
    principle_scores,
    shown_groups,
    small_sectors,
    subtraction_leaks,
)
from selfscan.core.vocabulary import SECTOR_KEYS

score = st.integers(min_value=4, max_value=20).map(lambda quarters: quarters / 4)
sector_keys = st.sampled_from(SECTOR_KEYS[:6])


@st.composite
def sector_group(draw: st.DrawFn) -> Group:
    responses = draw(st.integers(min_value=0, max_value=7))
    scored = draw(st.integers(min_value=0, max_value=responses))
    return Group(
        responses, {"p": Stats.of(draw(st.lists(score, min_size=scored, max_size=scored)))}
    )


regions = st.dictionaries(sector_keys, sector_group(), max_size=6)
ks = st.integers(min_value=1, max_value=6)


@given(st.lists(st.lists(score, max_size=6), max_size=8))
def test_a_pool_holds_the_statistics_of_all_its_groups_scores(parts):
    groups = [Group(len(scores), {"p": Stats.of(scores)} if scores else {}) for scores in parts]
    pooled = pool(groups)
    together = Stats.of(s for scores in parts for s in scores)
    assert pooled.responses == sum(len(scores) for scores in parts)
    assert pooled.stats.get("p", Stats()) == Stats(
        together.n,
        # summed group by group, in the order given (the all-regions pool's fixed order)
        sum(Stats.of(scores).total for scores in parts if scores),
        sum(Stats.of(scores).squares for scores in parts if scores),
        together.low,
        together.high,
    )
    assert pool([*groups, Group()]) == pooled
    if len(groups) >= 2:
        assert groups[0] + groups[1] == pool(groups[:2])


@given(st.lists(score, min_size=1, max_size=30))
def test_mean_lies_between_min_and_max(scores):
    figures = group_figures(Stats.of(scores))
    assert figures.min <= figures.mean <= figures.max
    assert figures.sd is None or figures.sd >= 0


@given(regions, ks)
def test_no_single_hidden_group_follows_from_the_shown_ones(sectors, k):
    shown = shown_groups(sectors, k)
    if not shown:
        return  # the whole region is hidden: there is nothing to subtract from
    hidden = hidden_sectors(sectors, shown)
    # Hidden sectors either all sit in a shown `other`, or at least two of them are hidden
    # together, so `all` minus the shown sectors never equals one hidden sector.
    if OTHER in shown:
        assert all(s not in shown for s in hidden)
        in_other = [s for s in sectors if sectors[s].responses and sectors[s].responses < k]
        assert sorted(hidden) == sorted(in_other)
        assert shown[OTHER].responses == sum(sectors[s].responses for s in in_other)
    else:
        assert len(hidden) != 1
    for key, group in shown.items():
        assert group.responses >= k, key


@given(regions, ks)
def test_shown_groups_add_up_to_the_total_when_nothing_is_hidden(sectors, k):
    shown = shown_groups(sectors, k)
    if shown and (OTHER in shown or not hidden_sectors(sectors, shown)):
        parts = pool(g for key, g in shown.items() if key != ALL)
        assert parts.responses == shown[ALL].responses


@given(st.lists(regions, max_size=5), ks)
@settings(max_examples=200)
def test_all_regions_equal_the_pooled_shown_groups(region_list, k):
    shown = {i: shown_groups(sectors, k) for i, sectors in enumerate(region_list)}
    pooled = all_regions(shown, k).groups
    for key, group in pooled.items():
        expected = pool(region[key] for region in shown.values() if key in region)
        assert group.responses == expected.responses >= k
        got, want = group.stats["p"], expected.stats["p"]
        assert (got.n, got.low, got.high) == (want.n, want.low, want.high)
        assert got.total == pytest.approx(want.total)
        assert got.squares == pytest.approx(want.squares)
    # A key whose pool reaches k on p, from at least three regions, is never left out.
    for key in {key for region in shown.values() for key in region}:
        on_p = [
            region[key] for region in shown.values() if key in region and "p" in region[key].stats
        ]
        total = sum(g.stats["p"].n for g in on_p)
        expected = len(on_p) >= MIN_REGIONS and total >= k
        assert (key in pooled) == expected, key


@given(
    st.dictionaries(
        st.sampled_from(["a1", "a2", "a3", "b1", "b2"]),
        st.one_of(st.none(), st.integers(min_value=-1, max_value=7)),
    )
)
def test_principle_scores_lie_on_the_scale(answers):
    items = {"a1": "p", "a2": "p", "a3": "p", "b1": "q", "b2": "q"}
    for value in principle_scores(answers, items).values():
        assert 1 <= value <= 5


# --- rule 8: nothing shown before and after an import, added or subtracted, gives fewer than k ---
# Worked out response by response, without the cells the app reasons with: every figure shown
# before or after is the sum over a set of people's scores, so a set T of people's scores can
# be worked out exactly when T's indicator is a rational combination of the shown sets'.
# Statements follow the same rules as principles (DESIGN 5b), so a key here is either.

KEYS = ("kind-centraal", "kc-1")
person = st.tuples(
    st.sampled_from(SECTOR_KEYS[:4]),
    st.fixed_dictionaries({}, optional={key: score for key in KEYS}),
)


def _group(people: list[tuple[str, dict[str, float]]]) -> dict[str, Group]:
    by_sector: dict[str, list[dict[str, float]]] = {}
    for sector, scores in people:
        by_sector.setdefault(sector, []).append(scores)
    return {
        sector: Group(
            len(found), {key: Stats.of(s[key] for s in found if key in s) for key in KEYS}
        )
        for sector, found in by_sector.items()
    }


def _shown_sets(people, k: int, key: str) -> list[set[int]]:
    """Each figure shown on `key` as the set of the people (indices) it sums."""
    sectors = _group([p for p in people if p is not None])
    found = []
    for group, figures in shown_groups(sectors, k).items():
        if figures.stats.get(key, Stats()).n == 0 or key not in figures.stats:
            continue
        members = (
            set(sectors)
            if group == ALL
            else set(small_sectors(sectors, k))
            if group == OTHER
            else {group}
        )
        found.append({i for i, p in enumerate(people) if p and p[0] in members and key in p[1]})
    return found


def _rank(rows: list[list[int]]) -> int:
    matrix = [[Fraction(v) for v in row] for row in rows]
    rank, columns = 0, len(matrix[0]) if matrix else 0
    for column in range(columns):
        pivot = next((r for r in range(rank, len(matrix)) if matrix[r][column]), None)
        if pivot is None:
            continue
        matrix[rank], matrix[pivot] = matrix[pivot], matrix[rank]
        for r in range(len(matrix)):
            if r != rank and matrix[r][column]:
                factor = matrix[r][column] / matrix[rank][column]
                matrix[r] = [a - factor * b for a, b in zip(matrix[r], matrix[rank], strict=True)]
        rank += 1
    return rank


def _worked_out(before, added, k: int, key: str) -> list[set[int]]:
    """The sets of 1..k-1 scores on `key` that the figures before and after give."""
    everyone = before + added
    sets = _shown_sets(before + [None] * len(added), k, key) + _shown_sets(everyone, k, key)
    scored = [i for i, p in enumerate(everyone) if key in p[1]]
    rows = [[int(i in s) for i in scored] for s in sets]
    if not rows:
        return []
    rank = _rank(rows)
    return [
        set(chosen)
        for size in range(1, k)
        for chosen in combinations(scored, size)
        if _rank([*rows, [int(i in chosen) for i in scored]]) == rank
    ]


@given(
    st.lists(person, max_size=9),
    st.lists(person, min_size=1, max_size=5),
    st.integers(min_value=2, max_value=4),
)
@settings(max_examples=300, deadline=None)
def test_an_import_that_is_let_in_gives_nobodys_scores(before, added, k):
    old, new = {1: _group(before)}, {1: _group(added)}
    leaks = subtraction_leaks(old, new, k)
    let_in = not leaks and not import_refusals(old, new, k, across_regions=False)
    for key in KEYS:
        worked_out = _worked_out(before, added, k, key)
        if let_in:
            assert worked_out == [], (key, worked_out)
        # And the check names exactly the leaks there are (by size, as it reasons in cells).
        assert bool(worked_out) == any(leak.principle == key for leak in leaks), key
