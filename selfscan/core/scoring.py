"""The scoring and privacy rules 1-8 of DESIGN.md as pure functions: plain data in, plain data out.

No Flask, no database session, no ORM objects, so that every number can be recomputed by hand
and tested without an app. The database side (selfscan.services.scores) only sums up; this
module decides what those sums mean and what may be shown.

- `principle_scores(answers, items, scale)`: rule 2-3, one response's score per principle.
- `Stats`: sufficient statistics (n, sum, sum of squares, min, max) of principle scores; they add
  up, so groups can be pooled without seeing the responses again.
- `Group`: the submitted responses of one group (rule 5's size) and `Stats` per principle.
- `group_figures(stats)`: rule 4, the figures n, mean, sd, min, max of one principle.
- `shown_groups(sectors, k)`: rules 5 and 5b, a region's sector groups -> the groups that may be
  shown (`"all"`, sector keys, `OTHER`), with pooling into `OTHER` and the extra suppression,
  each on the principles where it may be shown.
- `all_regions(regions, k)`: rule 6, pooling the shown groups of several regions; `Pooled.
  for_viewer` and `for_viewer` what one viewer (`Viewer`) may see of them and of the regions.
- `SHOWN_RULES`: a fingerprint of the code of rules 5, 5b and 6, kept beside their results in
  the database, so that results made by other rules are never read back.
- `change(before, after)`: rule 7, the difference of two means where both are shown.
- `beside_own(total, own, k)`, `import_refusals(before, added, k)` and `subtraction_leaks(before,
  added, k)`: rule 8, what a respondent sees beside their own scores, and which imports may
  change released figures.
- `sector_differences(groups)` and `largest_changes(now, before)`: what the dashboard says in words.
- `perspective_groups(cells, k)`: rule 5 for professionals beside parents and young people: a
  region's perspective groups, only where no figure of fewer than k can be worked out from
  them and the sector groups together.
"""

from __future__ import annotations

import hashlib
import math
import types
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from itertools import combinations

from selfscan.core.vocabulary import PERSPECTIVE_KEYS, PRINCIPLE_KEYS, SECTOR_KEYS

ALL = "all"
OTHER = "other"


# --- rules 2 and 3: one response -----------------------------------------------------------------


def principle_scores(
    answers: Mapping[str, int | None],
    items: Mapping[str, str],
    scale: tuple[int, int] = (1, 5),
) -> dict[str, float]:
    """A response's score per principle: the mean of its valid answers on that principle's
    items, only where at least half of the principle's items (rounded up) have a valid answer.

    `answers` maps item key -> value (None for "don't know" or unanswered); `items` maps every
    item key of the questionnaire version -> its principle.
    """
    low, high = scale
    per_principle: dict[str, int] = {}
    valid: dict[str, list[int]] = {}
    for item_key, principle in items.items():
        per_principle[principle] = per_principle.get(principle, 0) + 1
        value = answers.get(item_key)
        if _is_valid(value, low, high):
            valid.setdefault(principle, []).append(value)  # type: ignore[arg-type]
    return {
        principle: sum(values) / len(values)
        for principle, values in valid.items()
        if 2 * len(values) >= per_principle[principle]
    }


def _is_valid(value: object, low: int, high: int) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and low <= value <= high


# --- rule 4: figures of a group -----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Stats:
    """Sufficient statistics of a set of principle scores; `a + b` pools two sets.

    With slots, like Group: a worker keeps these for every region, sector and principle of
    each kept round (some 20,000 a round at 400 regions), and an instance dictionary each would
    more than double what that holds in memory."""

    n: int = 0
    total: float = 0.0
    squares: float = 0.0
    low: float | None = None
    high: float | None = None

    @classmethod
    def of(cls, scores: Iterable[float]) -> Stats:
        values = list(scores)
        if not values:
            return cls()
        return cls(
            n=len(values),
            total=float(sum(values)),
            squares=float(sum(v * v for v in values)),
            low=min(values),
            high=max(values),
        )

    def __add__(self, other: Stats) -> Stats:
        if not other.n:
            return self
        if not self.n:
            return other
        return Stats(
            n=self.n + other.n,
            total=self.total + other.total,
            squares=self.squares + other.squares,
            low=min(self.low, other.low),  # type: ignore[type-var]
            high=max(self.high, other.high),  # type: ignore[type-var]
        )


@dataclass(frozen=True, slots=True)
class Figures:
    """What is shown of one principle in one group (rule 4)."""

    n: int
    mean: float | None
    sd: float | None
    min: float | None
    max: float | None


def group_figures(stats: Stats) -> Figures:
    """n, mean, sample standard deviation (none when n < 2), min and max of a group."""
    if not stats.n:
        return Figures(0, None, None, None, None)
    mean = stats.total / stats.n
    sd = None
    if stats.n >= 2:
        # Sums of squares can come out a hair below zero for equal scores; that is rounding.
        variance = max(0.0, (stats.squares - stats.n * mean * mean) / (stats.n - 1))
        sd = math.sqrt(variance)
    # Rounding of the sum may put the mean a hair outside [min, max]; it cannot really be.
    mean = min(max(mean, stats.low), stats.high)  # type: ignore[type-var]
    return Figures(stats.n, mean, sd, stats.low, stats.high)


@dataclass(frozen=True, slots=True)
class Group:
    """The submitted responses of one group: their number (the size rule 5 compares with k)
    and the statistics of their principle scores per principle."""

    responses: int = 0
    stats: Mapping[str, Stats] = field(default_factory=dict)

    def __add__(self, other: Group) -> Group:
        return pool((self, other))

    def figures(self, principle: str) -> Figures:
        return group_figures(self.stats.get(principle, Stats()))

    def means(self, principles: Sequence[str] = PRINCIPLE_KEYS) -> list[float | None]:
        return [self.figures(p).mean for p in principles]


def pool(groups: Iterable[Group]) -> Group:
    """All responses of the given groups as one group: per principle, the groups' statistics
    summed in the order given (as `a + b + c` would, without the groups in between)."""
    responses = 0
    parts: dict[str, list[Stats]] = {}
    for group in groups:
        responses += group.responses
        for principle, stats in group.stats.items():
            parts.setdefault(principle, []).append(stats)
    return Group(responses, {p: _summed(found) for p, found in parts.items()})


def _summed(parts: Sequence[Stats]) -> Stats:
    """`Stats() + parts[0] + parts[1] + ...` in one pass."""
    present = [s for s in parts if s.n]
    if len(present) <= 1:
        return present[0] if present else Stats()
    return Stats(
        n=sum(s.n for s in present),
        total=sum(s.total for s in present),
        squares=sum(s.squares for s in present),
        low=min(s.low for s in present),  # type: ignore[type-var]
        high=max(s.high for s in present),  # type: ignore[type-var]
    )


# --- rule 5: what a region may show -------------------------------------------------------------


def shown_groups(
    sectors: Mapping[str, Group], k: int, order: Sequence[str] = SECTOR_KEYS
) -> dict[str, Group]:
    """The groups of one region and round that may be shown, in display order: `"all"`, the
    sector groups reaching k, then `OTHER` (the pooled small sectors) when it reaches k; each
    with only the principles it may be shown on (rule 5b, `per_principle`).

    A sector group below k goes into `OTHER`; when `OTHER` stays below k it is hidden, and so is
    the smallest remaining sector group (ties: first in `order`), so that nothing hidden can be
    recovered by subtracting shown groups from the total. A region total below k hides all.
    """
    present = {s: g for s, g in sectors.items() if g.responses > 0}
    total = pool(present.values())
    if total.responses < k:
        return {}
    big = [s for s in order if s in present and present[s].responses >= k]
    small = small_sectors(present, k, order)
    other = pool(present[s] for s in small)
    shown: dict[str, Group] = {ALL: total}
    if small and other.responses < k:
        smallest = min(big, key=lambda s: (present[s].responses, order.index(s)))
        big.remove(smallest)
    for sector in big:
        shown[sector] = present[sector]
    if small and other.responses >= k:
        shown[OTHER] = other
    return per_principle(shown, k, order)


def small_sectors(
    sectors: Mapping[str, Group], k: int, order: Sequence[str] = SECTOR_KEYS
) -> list[str]:
    """The sectors with responses below k: the members of a region's `OTHER` group."""
    return [s for s in order if s in sectors and 0 < sectors[s].responses < k]


def per_principle(
    shown: Mapping[str, Group], k: int, order: Sequence[str] = SECTOR_KEYS
) -> dict[str, Group]:
    """Rule 5b: each shown group keeps only the principles on which its n reaches k; then, per
    principle, while the region total's n minus the n of the groups still shown there is between
    1 and k - 1, the smallest of those groups (ties: first in `order`, `OTHER` last) is hidden on
    it too. Otherwise two "don't know" answers out of three would show one person's score."""
    if ALL not in shown:
        return {}
    rank = {key: i for i, key in enumerate([*order, OTHER])}
    kept: dict[str, set[str]] = {key: set() for key in shown}
    for principle, total in shown[ALL].stats.items():
        if total.n < k:
            continue
        kept[ALL].add(principle)
        n = {
            key: group.stats[principle].n
            for key, group in shown.items()
            if key != ALL and group.stats.get(principle, Stats()).n >= k
        }
        parts = list(n)
        while parts and 0 < total.n - sum(n[key] for key in parts) < k:
            parts.remove(min(parts, key=lambda key: (n[key], rank[key])))
        for key in parts:
            kept[key].add(principle)
    return {
        key: Group(group.responses, {p: s for p, s in group.stats.items() if p in kept[key]})
        for key, group in shown.items()
    }


# --- rule 5 for perspectives: professionals beside parents and young people ----------------------


def perspective_groups(
    cells: Mapping[tuple[str, str], Group],
    k: int,
    order: Sequence[str] = SECTOR_KEYS,
    perspectives: Sequence[str] = PERSPECTIVE_KEYS,
) -> dict[str, Group]:
    """A region's groups per perspective (professional, parent, young), each on the principles
    where it may be shown; nothing when only one perspective answered.

    `cells` maps (sector, perspective) to the group of those responses. The perspectives cut
    across the sectors that the region's page already shows (rules 5 and 5b), so a perspective
    group minus sector groups could leave a few people (a parent invited through a school, or
    the parents of a sector group that rule 5 hid). So the sectors are taken in the blocks the
    viewer can tell apart (each shown sector group, `OTHER` when shown, and the rest of the
    region), and a perspective is shown only where each block's part in every perspective holds
    none or at least k responses, and on a principle only where each part's n is none or at
    least k: whatever is subtracted then, nothing smaller than k remains.
    """
    sectors: dict[str, Group] = {}
    for (sector, _), group in cells.items():
        sectors[sector] = sectors.get(sector, Group()) + group
    shown = shown_groups(sectors, k, order)
    present = [q for q in perspectives if any(g.responses for (_, p), g in cells.items() if p == q)]
    if ALL not in shown or len(present) < 2:
        return {}
    small = small_sectors(sectors, k, order)

    def blocks(principle: str | None) -> list[set[str]]:
        """The sets of sectors the page tells apart (on one principle, or in responses)."""
        showing = [key for key, g in shown.items() if principle is None or principle in g.stats]
        found = [{s} for s in showing if s not in (ALL, OTHER)]
        if OTHER in showing:
            found.append(set(small))
        found.append(set(sectors).difference(*found))
        return found

    def size(block: set[str], perspective: str, principle: str | None) -> int:
        part = pool(g for (s, p), g in cells.items() if s in block and p == perspective)
        return part.responses if principle is None else part.stats.get(principle, Stats()).n

    def safe(principle: str | None) -> bool:
        return all(
            size(block, q, principle) == 0 or size(block, q, principle) >= k
            for block in blocks(principle)
            for q in present
        )

    if not safe(None):
        return {}
    principles = [p for p in shown[ALL].stats if safe(p)]
    groups = {q: pool(g for (_, p), g in cells.items() if p == q) for q in present}
    return {
        q: Group(
            group.responses,
            {p: group.stats[p] for p in principles if group.stats.get(p, Stats()).n >= k},
        )
        for q, group in groups.items()
    }


def hidden_sectors(sectors: Mapping[str, Group], shown: Mapping[str, Group]) -> list[str]:
    """Sectors with responses whose figures are not shown on their own."""
    return [s for s, g in sectors.items() if g.responses > 0 and s not in shown]


# --- rule 6: across regions ---------------------------------------------------------------------

MIN_REGIONS = 3  # an all-regions figure pools at least this many regions


@dataclass(frozen=True)
class Pooled:
    """The all-regions groups (rule 6) as the programme team sees them: per key (`"all"`, a
    sector, `OTHER`) the pool of the regions' shown groups with that key, on the principles
    where it may be shown; and per key and principle the n each pooled region brings, from
    which `for_viewer` decides what a coordinator may see."""

    groups: Mapping[str, Group] = field(default_factory=dict)
    members: Mapping[str, Mapping[str, Mapping[int, int]]] = field(default_factory=dict)

    def for_viewer(self, unseen: Collection[int] = frozenset()) -> dict[str, Group]:
        """The groups shown to someone who cannot see the regions `unseen` by name.

        Per principle: a figure pooling exactly one such region is hidden (the pool minus the
        regions they see would be that region). Then, if the all-sectors figure minus every
        other shown key's figure would leave exactly one such region (in every other one the
        shown keys cover the whole region), the smallest key that covers one of the others is
        hidden too, until at least two such regions remain in that difference or none does.
        """
        if not unseen:
            return dict(self.groups)
        unseen = frozenset(unseen)
        kept: dict[str, set[str]] = {key: set() for key in self.groups}
        for key, group in self.groups.items():
            for principle in group.stats:
                if len(unseen.intersection(self.members[key][principle])) != 1:
                    kept[key].add(principle)
        for principle in kept.get(ALL, ()):
            total = self.members[ALL][principle]
            parts = [key for key in self.groups if key != ALL and principle in kept[key]]

            while True:
                # What each region they cannot see has beyond the other keys' figures.
                left = {
                    r: n - sum(self.members[key][principle].get(r, 0) for key in parts)
                    for r, n in total.items()
                    if r in unseen
                }
                behind = [r for r, n in left.items() if n > 0]
                covered = [r for r, n in left.items() if n == 0]
                if len(behind) != 1 or not covered:
                    break
                candidates = [
                    key for key in parts if any(r in self.members[key][principle] for r in covered)
                ]
                smallest = min(candidates, key=lambda key: self.groups[key].stats[principle].n)
                parts.remove(smallest)
                kept[smallest].discard(principle)
        shown = {
            key: Group(group.responses, {p: s for p, s in group.stats.items() if p in kept[key]})
            for key, group in self.groups.items()
        }
        return {key: group for key, group in shown.items() if group.stats}


def all_regions(
    regions: Mapping[int, Mapping[str, Group]], k: int, order: Sequence[str] = SECTOR_KEYS
) -> Pooled:
    """The all-regions groups: per key (`"all"`, a sector, `OTHER`) the pool of exactly the
    regions' shown groups with that key (on each principle, of those shown on it), kept where
    the pool reaches k and pools at least MIN_REGIONS regions, on each principle likewise.

    `regions` maps region ids to results of `shown_groups`, so a hidden group never enters a
    pool.
    """
    keyed: dict[str, list[Group]] = {}
    members: dict[str, dict[str, dict[int, int]]] = {}
    for region_id in sorted(regions):  # a fixed order: the pool's sums do not vary
        for key, group in regions[region_id].items():
            keyed.setdefault(key, []).append(group)
            for principle, stats in group.stats.items():
                members.setdefault(key, {}).setdefault(principle, {})[region_id] = stats.n
    groups: dict[str, Group] = {}
    for key in (ALL, *order, OTHER):
        if key not in keyed or len(keyed[key]) < MIN_REGIONS:
            continue
        group = pool(keyed[key])
        if group.responses < k:
            continue
        stats = {
            p: s for p, s in group.stats.items() if s.n >= k and len(members[key][p]) >= MIN_REGIONS
        }
        if stats:
            groups[key] = Group(group.responses, stats)
    return Pooled(groups, {key: members.get(key, {}) for key in groups})


def _code_text(code: types.CodeType) -> str:
    """What a function does, as text: its bytecode, the names it uses and its constants (nested
    functions and comprehensions included), without its file name or line numbers, and with
    sets of constants in sorted order, so that every process and installation of the same code
    on the same Python gives the same text."""
    parts = [code.co_code.hex(), repr(code.co_names)]
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            parts.append(_code_text(const))
        elif isinstance(const, frozenset):
            parts.append(repr(sorted(map(repr, const))))
        else:
            parts.append(repr(const))
    return "|".join(parts)


def fingerprint(functions: Sequence[Callable[..., object]], *constants: object) -> str:
    """A short fingerprint of what these functions do with these constants."""
    text = "\n".join([*(_code_text(f.__code__) for f in functions), repr(constants)])
    return hashlib.sha256(text.encode()).hexdigest()[:16]


# The rules that decide what is shown of a region and of all regions together: results the
# database keeps (selfscan.services.region_sums) are read back only under this same fingerprint,
# so that a new version of these rules never shows what an older one kept.
SHOWN_RULES = fingerprint(
    [shown_groups, small_sectors, per_principle, pool, _summed, all_regions],
    ALL,
    OTHER,
    MIN_REGIONS,
    SECTOR_KEYS,
)


@dataclass(frozen=True)
class Viewer:
    """Who looks at figures: the programme team sees every region; a coordinator sees their own
    regions and those that share by name (`visible`), and the rest only inside all-regions
    figures that satisfy rule 6."""

    visible: frozenset[int] | None = None  # None: every region

    def sees(self, region_id: int) -> bool:
        return self.visible is None or region_id in self.visible

    def unseen(self, region_ids: Iterable[int]) -> frozenset[int]:
        if self.visible is None:
            return frozenset()
        return frozenset(r for r in region_ids if r not in self.visible)


PROGRAMME = Viewer()


def for_viewer(
    regions: Mapping[int, Mapping[str, Group]], pooled: Pooled, viewer: Viewer
) -> tuple[dict[int, dict[str, Group]], dict[str, Group]]:
    """What one viewer is shown of a round: the shown groups of the regions they may see by
    name, and the all-regions groups as rule 6 allows them for that viewer."""
    seen = {r: dict(groups) for r, groups in regions.items() if viewer.sees(r)}
    return seen, pooled.for_viewer(viewer.unseen(regions))


# --- rule 8: release, and imports into released rounds ------------------------------------------


def beside_own(total: Group | None, own: Mapping[str, float], k: int) -> Group | None:
    """The region's all-sectors figures a respondent may see beside their own scores: on each
    principle only where the others still reach k (their own score subtracted from the region's
    figures must not give fewer than k other people's)."""
    if total is None:
        return None
    stats = {p: s for p, s in total.stats.items() if s.n - (1 if p in own else 0) >= k}
    return Group(total.responses, stats) if stats else None


@dataclass(frozen=True)
class Refusal:
    """A shown figure that an import would change with fewer than k new scores."""

    region: int | None  # None: all regions
    key: str
    principle: str
    added: int


def import_refusals(
    before: Mapping[int, Mapping[str, Group]],
    added: Mapping[int, Mapping[str, Group]],
    k: int,
    order: Sequence[str] = SECTOR_KEYS,
    *,
    across_regions: bool = True,
) -> list[Refusal]:
    """Rule 8: the figures of a released round may change only by an import that adds at least
    k scores to every shown figure it changes (one that appears counts as changed).

    `before` and `added` map region id -> sector -> Group: the round's submitted responses and
    the import's. Returns every shown figure (as the programme team sees them) that the import
    would change with fewer than k new scores on that principle; none means it may go ahead.
    The groups' stats may be kept per statement instead of per principle (statement figures
    follow rules 5 and 5b the same way); those are shown per region only, so the all-regions
    pool is left out with `across_regions=False`.
    """
    after: dict[int, dict[str, Group]] = {}
    for region in {*before, *added}:
        sectors = dict(before.get(region, {}))
        for sector, group in added.get(region, {}).items():
            sectors[sector] = sectors.get(sector, Group()) + group
        after[region] = sectors
    shown_before = {r: shown_groups(g, k, order) for r, g in before.items()}
    shown_after = {r: shown_groups(g, k, order) for r, g in after.items()}
    if across_regions:
        pooled_before = all_regions(shown_before, k, order)
        pooled_after = all_regions(shown_after, k, order)

    def new_scores(region: int, key: str, principle: str) -> int:
        sectors = after[region]
        if key == ALL:
            members = list(sectors)
        elif key == OTHER:
            members = small_sectors(sectors, k, order)
        else:
            members = [key]
        found = added.get(region, {})
        return sum(found.get(s, Group()).stats.get(principle, Stats()).n for s in members)

    refusals = []
    figures = [(r, shown_after[r], shown_before.get(r, {})) for r in sorted(shown_after)]
    if across_regions:
        figures.append((None, pooled_after.groups, pooled_before.groups))
    for region, now, then in figures:
        for key, group in now.items():
            for principle, stats in group.stats.items():
                if then.get(key, Group()).stats.get(principle) == stats:
                    continue
                if region is None:
                    pooled = pooled_after.members[key][principle]
                    count = sum(new_scores(r, key, principle) for r in pooled)
                else:
                    count = new_scores(region, key, principle)
                if count < k:
                    refusals.append(Refusal(region, key, principle, count))
    return refusals


@dataclass(frozen=True)
class Leak:
    """Scores of fewer than k responses that the figures before and after an import, taken
    together, would give: `size` scores on `principle` of `cells`, each a sector's responses
    already stored (False) or in the import (True)."""

    region: int
    principle: str
    cells: tuple[tuple[str, bool], ...]
    size: int


def subtraction_leaks(
    before: Mapping[int, Mapping[str, Group]],
    added: Mapping[int, Mapping[str, Group]],
    k: int,
    order: Sequence[str] = SECTOR_KEYS,
) -> list[Leak]:
    """The one test behind rules 5-8, for a region's figures before and after an import: no
    sum or difference of the figures shown before and after may give the figures of fewer
    than k scores. (Rule 8's count alone does not see it when an import moves rule 5's
    suppression: a sector shown before may be hidden after, and the total minus the shown
    sectors after, minus that sector before, is one small sector's answers.)

    Every shown figure is the sum over whole cells, a cell being a sector's old or new scores
    on a principle, so a figure can be worked out exactly when its cells' indicator lies in the
    span of the shown groups' indicators; only sets of cells with 1..k-1 scores are tried.
    """
    leaks = []
    for region, adding in sorted(added.items()):
        old = dict(before.get(region, {}))
        new = {s: old.get(s, Group()) + g for s, g in adding.items()}
        after = {**old, **new}
        keys = {p for g in after.values() for p in g.stats}
        for principle in sorted(keys):
            cells = [(s, False) for s in order if s in old] + [
                (s, True) for s in order if s in adding
            ]
            size = {
                (s, fresh): (adding if fresh else old)[s].stats.get(principle, Stats()).n
                for s, fresh in cells
            }
            cells = [c for c in cells if size[c] > 0]
            rows = [
                [int(c in members) for c in cells]
                for members in (
                    *_shown_cells(old, {}, principle, k, order),
                    *_shown_cells(after, adding, principle, k, order),
                )
            ]
            span = _Span(rows)
            small = [c for c in cells if size[c] < k]
            for count in range(1, k):
                for chosen in combinations(small, count):
                    total = sum(size[c] for c in chosen)
                    if total < k and span.holds([int(c in chosen) for c in cells]):
                        leaks.append(Leak(region, principle, chosen, total))
    return leaks


def _shown_cells(
    sectors: Mapping[str, Group],
    adding: Mapping[str, Group],
    principle: str,
    k: int,
    order: Sequence[str],
) -> list[set[tuple[str, bool]]]:
    """The cells of each group shown on the principle (rules 5 and 5b)."""
    present = {s: g for s, g in sectors.items() if g.responses > 0}
    found = []
    for key, group in shown_groups(present, k, order).items():
        if principle not in group.stats:
            continue
        if key == ALL:
            members = list(present)
        elif key == OTHER:
            members = small_sectors(present, k, order)
        else:
            members = [key]
        found.append({(s, fresh) for s in members for fresh in (False, s in adding)})
    return found


class _Span:
    """The span of some 0/1 vectors over the rationals, kept in echelon form: whether another
    vector is a combination of them."""

    def __init__(self, rows: Iterable[Sequence[int]]) -> None:
        self.basis: list[tuple[int, list[Fraction]]] = []
        for row in rows:
            rest = self._reduce([Fraction(v) for v in row])
            pivot = next((i for i, v in enumerate(rest) if v), None)
            if pivot is not None:
                self.basis.append((pivot, [v / rest[pivot] for v in rest]))

    def _reduce(self, vector: list[Fraction]) -> list[Fraction]:
        for pivot, row in self.basis:
            if vector[pivot]:
                factor = vector[pivot]
                vector = [v - factor * r for v, r in zip(vector, row, strict=True)]
        return vector

    def holds(self, vector: Sequence[int]) -> bool:
        return not any(self._reduce([Fraction(v) for v in vector]))


# --- rule 7: changes ----------------------------------------------------------------------------


def change(before: Figures | None, after: Figures | None) -> float | None:
    """The difference of two means (after - before); none unless both are shown."""
    if before is None or after is None or before.mean is None or after.mean is None:
        return None
    return after.mean - before.mean


# --- in words -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Difference:
    """Within one principle, the shown sector groups scoring lowest and highest."""

    principle: str
    low: str
    low_mean: float
    high: str
    high_mean: float

    @property
    def size(self) -> float:
        return self.high_mean - self.low_mean


def sector_differences(
    groups: Mapping[str, Group], principles: Sequence[str] = PRINCIPLE_KEYS
) -> list[Difference]:
    """Per principle the largest gap between two shown sector groups, largest first."""
    found = []
    for principle in principles:
        means = [
            (key, group.figures(principle).mean)
            for key, group in groups.items()
            if key != ALL and group.figures(principle).mean is not None
        ]
        if len(means) < 2:
            continue
        low = min(means, key=lambda m: m[1])  # type: ignore[arg-type,return-value]
        high = max(means, key=lambda m: m[1])  # type: ignore[arg-type,return-value]
        if high[1] > low[1]:  # type: ignore[operator]
            found.append(Difference(principle, low[0], low[1], high[0], high[1]))  # type: ignore[arg-type]
    return sorted(found, key=lambda d: -d.size)


@dataclass(frozen=True)
class Change:
    principle: str
    before: float
    after: float

    @property
    def size(self) -> float:
        return self.after - self.before


def largest_changes(
    now: Group | None, before: Group | None, principles: Sequence[str] = PRINCIPLE_KEYS
) -> list[Change]:
    """The principles whose mean changed between two shown groups, largest change first."""
    if now is None or before is None:
        return []
    found = []
    for principle in principles:
        old, new = before.figures(principle), now.figures(principle)
        if change(old, new):
            found.append(Change(principle, old.mean, new.mean))  # type: ignore[arg-type]
    return sorted(found, key=lambda c: -abs(c.size))
