"""The scoring rules 1-7 of DESIGN.md as pure functions: plain data in, plain data out.

No Flask, no database session, no ORM objects, so that every number can be recomputed by hand
and tested without an app. The database side (selfscan.services.scores) only sums up; this
module decides what those sums mean and what may be shown.

- `principle_scores(answers, items, scale)`: rule 2-3, one response's score per principle.
- `Stats`: sufficient statistics (n, sum, sum of squares, min, max) of principle scores; they add
  up, so groups can be pooled without seeing the responses again.
- `Group`: the submitted responses of one group (rule 5's size) and `Stats` per principle.
- `group_figures(stats)`: rule 4, the figures n, mean, sd, min, max of one principle.
- `shown_groups(sectors, k)`: rule 5, a region's sector groups -> the groups that may be shown
  (`"all"`, sector keys, `OTHER`), with pooling into `OTHER` and the extra suppression.
- `all_regions(regions, k)`: rule 6, pooling the shown groups of several regions.
- `change(before, after)`: rule 7, the difference of two means where both are shown.
- `sector_differences(groups)` and `largest_changes(now, before)`: what the dashboard says in words.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from selfscan.domain import PRINCIPLE_KEYS, SECTOR_KEYS

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


@dataclass(frozen=True)
class Stats:
    """Sufficient statistics of a set of principle scores; `a + b` pools two sets."""

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


@dataclass(frozen=True)
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


@dataclass(frozen=True)
class Group:
    """The submitted responses of one group: their number (the size rule 5 compares with k)
    and the statistics of their principle scores per principle."""

    responses: int = 0
    stats: Mapping[str, Stats] = field(default_factory=dict)

    def __add__(self, other: Group) -> Group:
        keys = list(self.stats) + [p for p in other.stats if p not in self.stats]
        return Group(
            responses=self.responses + other.responses,
            stats={p: self.stats.get(p, Stats()) + other.stats.get(p, Stats()) for p in keys},
        )

    def figures(self, principle: str) -> Figures:
        return group_figures(self.stats.get(principle, Stats()))

    def means(self, principles: Sequence[str] = PRINCIPLE_KEYS) -> list[float | None]:
        return [self.figures(p).mean for p in principles]


def pool(groups: Iterable[Group]) -> Group:
    """All responses of the given groups as one group."""
    pooled = Group()
    for group in groups:
        pooled = pooled + group
    return pooled


# --- rule 5: what a region may show -------------------------------------------------------------


def shown_groups(
    sectors: Mapping[str, Group], k: int, order: Sequence[str] = SECTOR_KEYS
) -> dict[str, Group]:
    """The groups of one region and round that may be shown, in display order: `"all"`, the
    sector groups reaching k, then `OTHER` (the pooled small sectors) when it reaches k.

    A sector group below k goes into `OTHER`; when `OTHER` stays below k it is hidden, and so is
    the smallest remaining sector group (ties: first in `order`), so that nothing hidden can be
    recovered by subtracting shown groups from the total. A region total below k hides all.
    """
    present = {s: g for s, g in sectors.items() if g.responses > 0}
    total = pool(present.values())
    if total.responses < k:
        return {}
    big = [s for s in order if s in present and present[s].responses >= k]
    small = [s for s in order if s in present and present[s].responses < k]
    other = pool(present[s] for s in small)
    shown: dict[str, Group] = {ALL: total}
    if small and other.responses < k:
        smallest = min(big, key=lambda s: (present[s].responses, order.index(s)))
        big.remove(smallest)
    for sector in big:
        shown[sector] = present[sector]
    if small and other.responses >= k:
        shown[OTHER] = other
    return shown


def hidden_sectors(sectors: Mapping[str, Group], shown: Mapping[str, Group]) -> list[str]:
    """Sectors with responses whose figures are not shown on their own."""
    return [s for s, g in sectors.items() if g.responses > 0 and s not in shown]


# --- rule 6: across regions ---------------------------------------------------------------------


def all_regions(
    regions: Iterable[Mapping[str, Group]], k: int, order: Sequence[str] = SECTOR_KEYS
) -> dict[str, Group]:
    """The all-regions groups: per key (`"all"`, a sector, `OTHER`) the pool of exactly the
    regions' shown groups with that key, kept only where the pool reaches k.

    `regions` are results of `shown_groups`, so a hidden group never enters a pool.
    """
    pools: dict[str, Group] = {}
    for shown in regions:
        for key, group in shown.items():
            pools[key] = pools.get(key, Group()) + group
    keys = [ALL, *order, OTHER]
    return {key: pools[key] for key in keys if key in pools and pools[key].responses >= k}


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
