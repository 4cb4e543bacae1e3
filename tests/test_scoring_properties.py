"""Invariants of the scoring rules, checked on generated regions (hypothesis)."""

from __future__ import annotations

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
    pool,
    principle_scores,
    shown_groups,
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
