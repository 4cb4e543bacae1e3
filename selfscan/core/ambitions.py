"""Measured scores against a region's ambitions: how far a shown mean lies from the target.

Pure: the measured means come from selfscan.core.scoring's shown groups (rules 5-8), so a
principle hidden there has no measured score here, and then no distance either (as rule 7 shows
a change only where both means are shown)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Standing:
    """A target on the 1-5 scale and the measured mean it is held against (None: not shown)."""

    target: float
    measured: float | None

    @property
    def gap(self) -> float | None:
        """How far the measured mean lies below the target (negative: above), to two decimals."""
        if self.measured is None:
            return None
        return round(self.target - self.measured, 2)

    @property
    def reached(self) -> bool | None:
        """Whether the measured mean, as shown with two decimals, reaches the target."""
        if self.measured is None:
            return None
        return round(self.measured, 2) >= self.target


def status_counts(statuses: list[str], keys: tuple[str, ...]) -> dict[str, int]:
    """How many agreements stand at each status, in the vocabulary's order (zeros included)."""
    return {key: statuses.count(key) for key in keys}


@dataclass(frozen=True)
class RegionAmbitions:
    """One region on the programme overview: its ambitions that aim at the round, each against
    the region's shown mean there, and how its result agreements stand in the round and the
    one before (status counts; `recorded` of `agreements` have a status)."""

    region_id: int
    standings: list[tuple[str, Standing]]  # (principle, standing), in principle order
    agreements: int
    now: dict[str, int]
    before: dict[str, int] | None

    @property
    def recorded(self) -> int:
        return sum(self.now.values())


def region_rows(
    region_ids: list[int],
    principles: tuple[str, ...],
    targets: dict[int, list[tuple[str, float]]],
    means: dict[int, tuple[float | None, ...]],
    agreements: dict[int, int],
    states_now: dict[int, list[str]],
    states_before: dict[int, list[str]] | None,
    statuses: tuple[str, ...],
) -> list[RegionAmbitions]:
    """The overview's rows, in the regions' order, for the regions with an ambition aimed at
    the round or a result agreement. `means` holds only shown means (None where hidden)."""
    rows = []
    for region_id in region_ids:
        if not targets.get(region_id) and not agreements.get(region_id):
            continue
        region_means = means.get(region_id, (None,) * len(principles))
        standings = [
            (principle, Standing(target, region_means[principles.index(principle)]))
            for principle, target in targets.get(region_id, [])
        ]
        rows.append(
            RegionAmbitions(
                region_id=region_id,
                standings=standings,
                agreements=agreements.get(region_id, 0),
                now=status_counts(states_now.get(region_id, []), statuses),
                before=None
                if states_before is None
                else status_counts(states_before.get(region_id, []), statuses),
            )
        )
    return rows
