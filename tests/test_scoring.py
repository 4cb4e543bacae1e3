"""The scoring rules 1-7 on hand-computed examples (the numbers in comments are worked by hand)."""

from __future__ import annotations

import math

import pytest

from selfscan.scoring import (
    ALL,
    OTHER,
    Group,
    Stats,
    all_regions,
    change,
    group_figures,
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
    # 3 submitted responses in po, but only 2 have a score on p: the group reaches k = 3 and
    # shows n = 2.
    shown = shown_groups({"po": group(3, 2, 4)}, k=3)
    assert shown["po"].figures("p").n == 2


def test_k_is_configurable():
    sectors = {"po": group(4, 1, 2, 3, 4), "vo": group(5, 1, 2, 3, 4, 5)}
    # k = 5: po (4) alone in other, which stays below 5, so vo is hidden as well.
    assert list(shown_groups(sectors, k=5)) == [ALL]
    assert list(shown_groups(sectors, k=4)) == [ALL, "po", "vo"]
    assert list(shown_groups(sectors, k=10)) == []


# --- rule 6 -------------------------------------------------------------------------------------


def test_all_regions_pools_only_shown_groups():
    region_a = shown_groups({"po": group(3, 2, 2, 2), "vo": group(3, 4, 4, 4)}, k=3)
    # Region b: po 1 pooled alone -> other hidden -> smallest sector (vo 3) hidden too.
    region_b = shown_groups(
        {"po": group(1, 5), "vo": group(3, 1, 1, 1), "ouders": group(4, 3, 3, 3, 3)}, k=3
    )
    pooled = all_regions([region_a, region_b], k=3)
    assert list(pooled) == [ALL, "po", "vo", "ouders"]
    # vo: only region a's vo (b's is hidden): mean 4, n 3.
    assert pooled["vo"].figures("p").mean == 4
    assert pooled["vo"].responses == 3
    # all: a's 6 responses + b's 8: (6 + 12 + 5 + 3 + 12) / 14 = 38 / 14
    assert pooled[ALL].responses == 14
    assert pooled[ALL].figures("p").mean == pytest.approx(38 / 14)


def test_all_regions_groups_below_k_are_hidden():
    region_a = shown_groups({"po": group(3, 2, 2, 2)}, k=3)
    region_b = shown_groups({"vo": group(3, 4, 4, 4)}, k=3)
    pooled = all_regions([region_a, region_b], k=4)
    assert set(pooled) == {ALL}  # all: 3 + 3 = 6 >= 4; po and vo: 3 each, below 4
    pooled = all_regions([region_a, region_b], k=3)
    assert set(pooled) == {ALL, "po", "vo"}


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
