"""The scoring rules 1-8 on hand-computed examples (the numbers in comments are worked by hand)."""

from __future__ import annotations

import math

import pytest

from selfscan.core.scoring import (
    ALL,
    OTHER,
    PROGRAMME,
    Group,
    Refusal,
    Stats,
    Viewer,
    all_regions,
    beside_own,
    change,
    for_viewer,
    group_figures,
    import_refusals,
    largest_changes,
    principle_scores,
    sector_differences,
    shown_groups,
)

ITEMS = {"a1": "p", "a2": "p", "a3": "p", "b1": "q", "b2": "q", "b3": "q", "b4": "q"}


def group(responses: int, *scores: float, principle: str = "p") -> Group:
    return Group(responses, {principle: Stats.of(scores)})


# --- rules 2 and 3 ------------------------------------------------------------------------------


def test_principle_score_is_the_mean_of_valid_answers():
    # p: (4 + 2 + 3) / 3 = 3; q: (5 + 4) / 2 = 4.5 with 2 of 4 items: exactly half is enough.
    scores = principle_scores({"a1": 4, "a2": 2, "a3": 3, "b1": 5, "b2": 4}, ITEMS)
    assert scores == {"p": 3.0, "q": 4.5}


def test_dont_know_and_unanswered_are_left_out_of_numerator_and_denominator():
    # p: a1=5, a2 don't know (None), a3 unanswered: 1 valid of 3 < 2 (half rounded up): no score.
    # q: b1=2, b2=None, b3=3, b4 missing: (2 + 3) / 2 = 2.5.
    scores = principle_scores({"a1": 5, "a2": None, "b1": 2, "b2": None, "b3": 3}, ITEMS)
    assert scores == {"q": 2.5}


def test_values_off_the_scale_are_not_valid():
    # 0 and 6 are off the 1-5 scale, True is not an integer answer: only a1 and a3 count.
    scores = principle_scores({"a1": 1, "a2": 6, "a3": 2, "b1": 0, "b2": True}, ITEMS)
    assert scores == {"p": 1.5}


def test_half_of_an_odd_number_of_items_is_rounded_up():
    items = {"x1": "p", "x2": "p", "x3": "p"}
    assert principle_scores({"x1": 4}, items) == {}
    assert principle_scores({"x1": 4, "x2": 5}, items) == {"p": 4.5}


# --- rule 4 -------------------------------------------------------------------------------------


def test_group_figures_by_hand():
    # scores 2, 3, 4.5: mean 9.5/3 = 3.1667; deviations -1.1667, -0.1667, 1.3333;
    # squares 1.3611 + 0.0278 + 1.7778 = 3.1667; / (3-1) = 1.5833; sd = 1.2583.
    figures = group_figures(Stats.of([2, 3, 4.5]))
    assert figures.n == 3
    assert figures.mean == pytest.approx(3.16667, abs=1e-4)
    assert figures.sd == pytest.approx(1.25831, abs=1e-4)
    assert (figures.min, figures.max) == (2, 4.5)


def test_sd_is_none_for_one_score_and_everything_none_for_none():
    assert group_figures(Stats.of([4])).sd is None
    assert group_figures(Stats.of([4])).mean == 4
    assert group_figures(Stats()) == group_figures(Stats.of([]))
    assert group_figures(Stats()).mean is None


def test_stats_add_up_like_the_pooled_scores():
    assert Stats.of([1, 2]) + Stats.of([5]) == Stats.of([1, 2, 5])
    assert Stats() + Stats.of([3]) == Stats.of([3])


def test_each_response_weighs_the_same():
    # Response scores 1 and 5: mean 3 and sd sqrt(((1-3)^2 + (5-3)^2) / 1) = sqrt(8).
    figures = group_figures(Stats.of([1.0, 5.0]))
    assert figures.mean == 3
    assert figures.sd == pytest.approx(math.sqrt(8))


# --- rule 5 -------------------------------------------------------------------------------------


def test_groups_reaching_k_are_shown_and_the_total_too():
    sectors = {"po": group(3, 2, 3, 4), "ouders": group(4, 1, 1, 2, 2)}
    shown = shown_groups(sectors, k=3)
    assert list(shown) == [ALL, "po", "ouders"]
    assert shown[ALL].responses == 7
    # all: (2+3+4+1+1+2+2) / 7 = 15/7
    assert shown[ALL].figures("p").mean == pytest.approx(15 / 7)


def test_small_sectors_are_pooled_into_other():
    # vo 1 + jgz 2 = 3 responses: other reaches k = 3 and is shown; po and gemeente too.
    sectors = {
        "po": group(3, 4, 4, 4),
        "gemeente": group(5, 3, 3, 3, 3, 3),
        "vo": group(1, 1),
        "jgz": group(2, 2, 5),
    }
    shown = shown_groups(sectors, k=3)
    assert list(shown) == [ALL, "po", "gemeente", OTHER]
    # other: (1 + 2 + 5) / 3 = 8/3, min 1, max 5
    other = shown[OTHER].figures("p")
    assert (other.n, other.min, other.max) == (3, 1, 5)
    assert other.mean == pytest.approx(8 / 3)


def test_other_below_k_hides_itself_and_the_smallest_remaining_sector():
    # vo 2 is pooled alone (2 < 3): other is hidden, and so is the smallest sector group:
    # po (3) rather than gemeente (5). Shown: all and gemeente; all - gemeente = vo + po.
    sectors = {"po": group(3, 4, 4, 4), "gemeente": group(5, 3, 3, 3, 3, 3), "vo": group(2, 1, 2)}
    shown = shown_groups(sectors, k=3)
    assert list(shown) == [ALL, "gemeente"]
    assert shown[ALL].responses == 10


def test_the_extra_suppression_breaks_ties_by_the_sector_list():
    # po and ouders both have 3; po comes first in the sector list, so po is hidden.
    sectors = {"ouders": group(3, 1, 1, 1), "po": group(3, 5, 5, 5), "jgz": group(1, 3)}
    assert list(shown_groups(sectors, k=3)) == [ALL, "ouders"]
    # The smaller group goes first, whatever the order: po (4) is kept, ouders (3) hidden.
    sectors = {"ouders": group(3, 1, 1, 1), "po": group(4, 5, 5, 5, 5), "jgz": group(1, 3)}
    assert list(shown_groups(sectors, k=3)) == [ALL, "po"]


def test_a_region_total_below_k_hides_the_whole_region():
    assert shown_groups({"po": group(2, 3, 4)}, k=3) == {}
    assert shown_groups({}, k=3) == {}


def test_all_small_sectors_make_one_shown_other():
    # po 2 + vo 2 = 4 >= 3: other is shown, no sector on its own.
    shown = shown_groups({"po": group(2, 1, 2), "vo": group(2, 3, 4)}, k=3)
    assert list(shown) == [ALL, OTHER]
    assert shown[OTHER].figures("p").mean == 2.5


def test_group_size_counts_submitted_responses_not_scores():
    # 4 submitted responses in po, but only 3 have a score on p: the group reaches k = 3 and
    # shows n = 3.
    shown = shown_groups({"po": group(4, 2, 4, 3)}, k=3)
    assert shown["po"].responses == 4
    assert shown["po"].figures("p").n == 3


def test_k_is_configurable():
    sectors = {"po": group(4, 1, 2, 3, 4), "vo": group(5, 1, 2, 3, 4, 5)}
    # k = 5: po (4) alone in other, which stays below 5, so vo is hidden as well.
    assert list(shown_groups(sectors, k=5)) == [ALL]
    assert list(shown_groups(sectors, k=4)) == [ALL, "po", "vo"]
    assert list(shown_groups(sectors, k=10)) == []


# --- rule 5b: per principle ---------------------------------------------------------------------


def two(p: list[float], q: list[float], responses: int | None = None) -> Group:
    """A group with scores on two principles; by default every response has a score on q."""
    return Group(responses or len(q), {"p": Stats.of(p), "q": Stats.of(q)})


def test_a_principle_with_fewer_than_k_scores_is_hidden_there_only():
    # The third attack: three responses, two answer "don't know" on every statement
    # of p. The region is shown (3 responses) on q, but on p n = 1 would be one person's score.
    shown = shown_groups({"ouders": two([4.5], [3, 4, 5])}, k=3)
    assert list(shown) == [ALL, "ouders"]
    assert shown[ALL].figures("p") == group_figures(Stats())  # as if nobody answered
    assert shown[ALL].figures("q").n == 3
    assert shown[ALL].means(["p", "q"]) == [None, 4.0]


def test_the_remainder_on_a_principle_is_never_between_1_and_k_minus_1():
    # p: po 3 scores, vo 2 (of 3 responses), gemeente 4: total 9. vo is hidden on p (2 < 3);
    # the total minus po and gemeente would be vo's 2 scores, so the smaller of the two, po,
    # is hidden on p as well: 9 - 4 = 5 >= 3. On q everything is shown.
    sectors = {
        "po": two([1, 1, 1], [2, 2, 2]),
        "vo": two([5, 5], [3, 3, 3]),
        "gemeente": two([4, 4, 4, 4], [4, 4, 4, 4]),
    }
    shown = shown_groups(sectors, k=3)
    assert list(shown) == [ALL, "po", "vo", "gemeente"]
    assert [key for key, g in shown.items() if g.figures("p").n] == [ALL, "gemeente"]
    assert [key for key, g in shown.items() if g.figures("q").n] == [ALL, "po", "vo", "gemeente"]
    assert shown[ALL].figures("p").n == 9


def test_the_second_suppression_breaks_ties_by_the_sector_list_and_other_last():
    # p: po 3 and other (so 1 + mbo 2) 3 scores, swv 1 score of 3 responses: total 7, po and
    # other shown leave 1. po and other tie at 3: po goes (first in the sector list); 7 - 3 = 4.
    sectors = {
        "po": two([2, 2, 2], [2, 2, 2]),
        "so": two([3], [3]),
        "mbo": two([3, 3], [3, 3]),
        "swv": two([5], [5, 5, 5]),
    }
    shown = shown_groups(sectors, k=3)
    assert list(shown) == [ALL, "po", "swv", OTHER]
    assert [key for key, g in shown.items() if g.figures("p").n] == [ALL, OTHER]


# --- rule 6 -------------------------------------------------------------------------------------


def test_all_regions_pools_only_shown_groups():
    region_a = shown_groups({"po": group(3, 2, 2, 2), "vo": group(3, 4, 4, 4)}, k=3)
    # Region b: po 1 pooled alone -> other hidden -> smallest sector (vo 3) hidden too.
    region_b = shown_groups(
        {"po": group(1, 5), "vo": group(3, 1, 1, 1), "ouders": group(4, 3, 3, 3, 3)}, k=3
    )
    region_c = shown_groups({"po": group(3, 1, 1, 1), "vo": group(3, 5, 5, 5)}, k=3)
    region_d = shown_groups({"po": group(3, 3, 3, 3), "vo": group(3, 3, 3, 3)}, k=3)
    regions = {1: region_a, 2: region_b, 3: region_c, 4: region_d}
    pooled = all_regions(regions, k=3).groups
    # po and vo: a, c and d (b's are hidden); ouders: b only, too few regions.
    assert list(pooled) == [ALL, "po", "vo"]
    # vo: (12 + 15 + 9) / 9 = 4, n 9.
    assert pooled["vo"].figures("p").mean == 4
    assert pooled["vo"].responses == 9
    # all: 6 + 8 + 6 + 6 = 26 responses: (18 + 20 + 18 + 18) / 26 = 74 / 26
    assert pooled[ALL].responses == 26
    assert pooled[ALL].figures("p").mean == pytest.approx(74 / 26)


def test_all_regions_groups_below_k_or_of_fewer_than_three_regions_are_hidden():
    regions = {
        1: shown_groups({"po": group(3, 2, 2, 2)}, k=3),
        2: shown_groups({"po": group(3, 4, 4, 4)}, k=3),
        3: shown_groups({"vo": group(3, 4, 4, 4)}, k=3),
    }
    # all: three regions; po: two regions; vo: one.
    assert list(all_regions(regions, k=3).groups) == [ALL]
    assert list(all_regions(regions, k=10).groups) == []  # all: 9 < 10
    del regions[3]
    assert list(all_regions(regions, k=3).groups) == []  # two regions are never pooled


def test_a_coordinator_never_sees_a_pool_with_one_region_they_cannot_see():
    # The second attack, with three regions: a (their own) and c (shares by name)
    # with b (private) in every pool. The pool minus a and c would be b.
    regions = {r: shown_groups({"jgz": group(3, r, r, r)}, k=3) for r in (1, 2, 3)}
    pooled = all_regions(regions, k=3)
    assert list(pooled.groups) == [ALL, "jgz"]
    _, seen = for_viewer(regions, pooled, Viewer(frozenset({1, 3})))
    assert seen == {}
    # Seeing only their own region, two regions stay unseen: the pools are shown.
    _, seen = for_viewer(regions, pooled, Viewer(frozenset({1})))
    assert list(seen) == [ALL, "jgz"]
    # The programme team sees every region anyway.
    mine, seen = for_viewer(regions, pooled, PROGRAMME)
    assert list(seen) == [ALL, "jgz"] and list(mine) == [1, 2, 3]


def test_a_pool_that_differs_from_the_all_sectors_pool_by_one_unseen_region_is_hidden():
    # Regions 1-3 have only jgz, region 4 only po. All regions minus the jgz pool would be
    # region 4, which coordinator 1 cannot see: the jgz pool is hidden for them.
    regions = {r: shown_groups({"jgz": group(3, 2, 2, 2)}, k=3) for r in (1, 2, 3)}
    regions[4] = shown_groups({"po": group(3, 5, 5, 5)}, k=3)
    pooled = all_regions(regions, k=3)
    assert list(pooled.groups) == [ALL, "jgz"]
    _, seen = for_viewer(regions, pooled, Viewer(frozenset({1})))
    assert list(seen) == [ALL]
    # When region 4 shares by name there is nothing to hide: they may see it anyway.
    _, seen = for_viewer(regions, pooled, Viewer(frozenset({1, 4})))
    assert list(seen) == [ALL, "jgz"]
    # Coordinators see only the regions they may see by name.
    mine, _ = for_viewer(regions, pooled, Viewer(frozenset({1, 4})))
    assert list(mine) == [1, 4]


# --- rule 7 -------------------------------------------------------------------------------------


def test_change_is_the_difference_of_two_shown_means():
    before, after = group_figures(Stats.of([2, 3])), group_figures(Stats.of([4]))
    assert change(before, after) == 1.5
    assert change(after, before) == -1.5
    assert change(None, after) is None
    assert change(group_figures(Stats()), after) is None


# --- in words -----------------------------------------------------------------------------------


def test_sector_differences_name_the_lowest_and_highest_shown_sector():
    # p: po 4, ouders 2.6, gemeente 3 -> ouders 1.4 lower than po.
    groups = {
        ALL: group(9, 4, 4, 4, 2, 3, 2.8, 3, 3, 3),
        "po": group(3, 4, 4, 4),
        "ouders": group(3, 2, 3, 2.8),
        "gemeente": group(3, 3, 3, 3),
    }
    (difference,) = sector_differences(groups, principles=["p"])
    assert (difference.low, difference.high) == ("ouders", "po")
    assert difference.size == pytest.approx(1.4)


def test_largest_changes_come_first():
    before = Group(3, {"p": Stats.of([3, 3, 3]), "q": Stats.of([2, 2, 2])})
    now = Group(3, {"p": Stats.of([3.5, 3.5, 3.5]), "q": Stats.of([1, 1, 1])})
    changes = largest_changes(now, before, principles=["p", "q"])
    assert [(c.principle, c.size) for c in changes] == [("q", -1.0), ("p", 0.5)]
    assert largest_changes(now, None) == []


# --- rule 8 -------------------------------------------------------------------------------------


def test_a_respondent_sees_the_region_only_where_the_others_reach_k():
    total = Group(4, {"p": Stats.of([1, 2, 3]), "q": Stats.of([1, 2, 3, 4])})
    # Their own score on p: the region's 3 scores minus theirs leave 2 others: hidden.
    region = beside_own(total, {"p": 3.0, "q": 4.0}, k=3)
    assert region is not None and list(region.stats) == ["q"]
    # Without a score of their own on p, the 3 scores are all other people's.
    assert list(beside_own(total, {"q": 4.0}, k=3).stats) == ["p", "q"]
    assert beside_own(total, {"p": 1.0, "q": 4.0}, k=4) is None
    assert beside_own(None, {}, k=3) is None


def test_a_first_import_into_an_empty_released_round_may_show_everything():
    added = {1: {"po": group(3, 2, 3, 4), "vo": group(4, 1, 2, 3, 4)}}
    assert import_refusals({}, added, k=3) == []


def test_an_import_must_add_k_scores_to_every_figure_it_changes():
    before = {1: {"po": group(3, 2, 3, 4), "vo": group(3, 1, 2, 3)}}
    # Two more po responses: po and all change by two scores each.
    refusals = import_refusals(before, {1: {"po": group(2, 5, 5)}}, k=3)
    assert refusals == [Refusal(1, ALL, "p", 2), Refusal(1, "po", "p", 2)]
    # Three are enough.
    assert import_refusals(before, {1: {"po": group(3, 5, 5, 5)}}, k=3) == []


def test_an_import_counts_scores_not_responses():
    before = {1: {"po": group(3, 2, 3, 4), "vo": group(3, 1, 2, 3)}}
    # Three responses, of which two answered "don't know" on all of p: p changes by one score.
    refusals = import_refusals(before, {1: {"po": group(3, 5)}}, k=3)
    assert Refusal(1, "po", "p", 1) in refusals


def test_a_figure_that_appears_counts_as_changed():
    # Before: po 3 and vo 2 -> vo alone in other (2 < 3), so po is hidden too: only all.
    # Adding three vo responses would show po for the first time, with no new score in it:
    # the old all minus the new po would be the two vo responses of before.
    before = {1: {"po": group(3, 2, 3, 4), "vo": group(2, 1, 2)}}
    refusals = import_refusals(before, {1: {"vo": group(3, 5, 5, 5)}}, k=3)
    assert refusals == [Refusal(1, "po", "p", 0)]


def test_changes_of_all_regions_figures_count_too():
    before = {r: {"po": group(3, 2, 3, 4)} for r in (1, 2, 3)}
    # A fourth region with three po responses: its own figures are new and whole (3 each), and
    # the all-regions figures change by 3 as well.
    assert import_refusals(before, {4: {"po": group(3, 5, 5, 5)}}, k=3) == []
    # A fourth region with 2 responses stays hidden, so nothing shown changes.
    assert import_refusals(before, {4: {"po": group(2, 5, 5)}}, k=3) == []
