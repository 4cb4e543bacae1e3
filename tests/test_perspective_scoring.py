"""Rule 5 for perspectives (pure): professionals beside parents and young people, only where
nothing of fewer than k responses can be worked out from them and the sector groups."""

from __future__ import annotations

import pytest

from selfscan.core.scoring import Group, Stats, perspective_groups, shown_groups
from selfscan.core.vocabulary import PRINCIPLE_KEYS

K = 3


def people(*scores: float, missing: tuple[str, ...] = ()) -> Group:
    """Responses with the same score on every principle (none on `missing`)."""
    return Group(
        len(scores),
        {p: Stats.of(scores) for p in PRINCIPLE_KEYS if p not in missing},
    )


def test_professionals_beside_parents_when_each_reaches_k():
    cells = {
        ("po", "professional"): people(2, 2, 3, 3, 4),
        ("vo", "professional"): people(3, 3, 3, 3),
        ("ouders", "parent"): people(4, 5, 3),
    }
    groups = perspective_groups(cells, K)
    assert list(groups) == ["professional", "parent"]
    assert groups["professional"].responses == 9
    assert groups["parent"].figures("kind-centraal").mean == pytest.approx(4.0)
    assert groups["professional"].figures("samen-beter").n == 9


def test_a_young_person_among_parents_shows_all_three_when_each_part_reaches_k():
    cells = {
        ("po", "professional"): people(2, 3, 4),
        ("ouders", "parent"): people(4, 4, 4),
        ("ouders", "young"): people(1, 2, 3),
    }
    groups = perspective_groups(cells, K)
    assert [g.figures("kind-centraal").mean for g in groups.values()] == [3.0, 4.0, 2.0]


def test_only_professionals_gives_no_split():
    cells = {("po", "professional"): people(1, 2, 3), ("vo", "professional"): people(3, 4, 5)}
    assert perspective_groups(cells, K) == {}


def test_parents_below_k_are_never_shown():
    cells = {("po", "professional"): people(2, 3, 4, 4), ("ouders", "parent"): people(5, 5)}
    assert perspective_groups(cells, K) == {}


def test_a_parent_invited_through_a_school_is_not_revealed_by_subtraction():
    """po (4 professionals and a parent) and ouders (3 parents) are both shown sector groups:
    "parent" (4) minus "ouders" (3) would be that one parent's scores."""
    cells = {
        ("po", "professional"): people(2, 2, 3, 3),
        ("po", "parent"): people(5),
        ("ouders", "parent"): people(4, 4, 4),
    }
    assert set(shown_groups({"po": people(2, 2, 3, 3, 5), "ouders": people(4, 4, 4)}, K)) == {
        "all",
        "po",
        "ouders",
    }
    assert perspective_groups(cells, K) == {}


def test_parents_hidden_by_rule_5_stay_hidden_in_the_split():
    """Rule 5 hides the parents' sector group (the smallest, so that the pooled small sectors
    cannot be subtracted); "parent" would show it again."""
    cells = {
        ("po", "professional"): people(2, 2, 3, 3),
        ("kinderopvang", "professional"): people(4),
        ("jgz", "professional"): people(4),
        ("ouders", "parent"): people(5, 5, 5),
    }
    assert "ouders" not in shown_groups(
        {
            "po": people(2, 2, 3, 3),
            "kinderopvang": people(4),
            "jgz": people(4),
            "ouders": people(5, 5, 5),
        },
        K,
    )
    assert perspective_groups(cells, K) == {}


def test_a_principle_where_a_part_falls_below_k_is_hidden_for_every_perspective():
    """Two of three parents have no score on one principle: that principle is hidden in the
    split (as rule 5b hides it for the parents' sector), the others are shown."""
    cells = {
        ("po", "professional"): people(2, 3, 4),
        ("vo", "professional"): people(2, 3, 4),
        ("ouders", "parent"): people(4, 4, missing=("samen-beter",)) + people(5),
    }
    groups = perspective_groups(cells, K)
    assert set(groups) == {"professional", "parent"}
    for group in groups.values():
        assert "samen-beter" not in group.stats
        assert "kind-centraal" in group.stats


def test_a_region_below_k_shows_nothing():
    cells = {("po", "professional"): people(3), ("ouders", "parent"): people(4)}
    assert perspective_groups(cells, K) == {}


def test_no_sum_or_difference_of_shown_groups_isolates_fewer_than_k():
    """For many small regions: add and subtract any of the shown groups (sectors, `other`, all,
    perspectives); whenever that leaves a plain set of responses, it holds none or at least k."""
    import itertools
    import random

    from selfscan.core.scoring import ALL, OTHER, small_sectors

    rng = random.Random(21)
    sectors = ("po", "kinderopvang", "ouders")
    perspectives = ("professional", "parent", "young")
    for _ in range(300):
        sizes = {(s, q): rng.choice((0, 0, 1, 2, 3, 4)) for s in sectors for q in perspectives}
        cells = {c: people(*[3.0] * n) for c, n in sizes.items() if n}
        if not cells:
            continue
        by_sector = {s: Group() for s in sectors}
        for (s, _), g in cells.items():
            by_sector[s] = by_sector[s] + g
        shown = shown_groups({s: g for s, g in by_sector.items() if g.responses}, K)
        small = set(small_sectors(by_sector, K))
        atoms = [c for c in cells]
        vectors = []
        for key in shown:
            members = set(sectors) if key == ALL else small if key == OTHER else {key}
            vectors.append([1 if c[0] in members else 0 for c in atoms])
        for q in perspective_groups(cells, K):
            vectors.append([1 if c[1] == q else 0 for c in atoms])
        for signs in itertools.product((-1, 0, 1), repeat=len(vectors)):
            total = [
                sum(s * v[i] for s, v in zip(signs, vectors, strict=True))
                for i in range(len(atoms))
            ]
            if set(total) <= {0, 1}:
                n = sum(sizes[a] for a, t in zip(atoms, total, strict=True) if t)
                assert n == 0 or n >= K, (sizes, signs)
