"""Which regions a region could learn from (the learning network's matching), as pure logic.

A region that takes part is suggested, for each of its focus principles, the other taking-part
regions that score clearly higher on that principle in the same closed round and have shown
progress on it: their mean rose since their own previous closed round. Every figure that goes
in is a shown one (DESIGN rules 5, 5b and 8): the caller passes only released region totals, so
a hidden figure is simply absent and can never produce a suggestion.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

# "Clearly higher": at least half a point on the 1-5 scale. Half a point is one step between two
# answer labels halfway, well beyond what a handful of differently-minded respondents moves a
# region's mean, so the partner's practice is noticeably different rather than a coincidence of
# who answered; a smaller gap would suggest nearly every region to every other one.
CLEARLY_HIGHER = 0.5
# "Progress": any rise of the mean since the region's previous closed round. The suggestion says
# the partner moved in the right direction; how much is for the two regions to talk about.
PROGRESS = 0.0


@dataclass(frozen=True)
class Standing:
    """One region's shown mean on one principle in the round compared, and in its own previous
    closed round (None where not shown)."""

    region_id: int
    mean: float | None
    previous: float | None


@dataclass(frozen=True)
class Suggestion:
    region_id: int
    principle: str
    gap: float  # how much higher the other region's mean is
    rise: float  # how much its mean rose since its previous closed round


def suggestions(
    own: Mapping[str, float | None],
    focus: Sequence[str],
    others: Mapping[str, Iterable[Standing]],
    *,
    clearly_higher: float = CLEARLY_HIGHER,
) -> list[Suggestion]:
    """Per focus principle (in the given order) the regions that score at least `clearly_higher`
    above `own` mean and rose, largest gap first (ties by region id). A principle without an own
    shown mean gives no suggestion: there is nothing to compare with."""
    found: list[Suggestion] = []
    for principle in focus:
        mine = own.get(principle)
        if mine is None:
            continue
        matches = [
            Suggestion(s.region_id, principle, s.mean - mine, s.mean - s.previous)
            for s in others.get(principle, ())
            if s.mean is not None
            and s.previous is not None
            and s.mean - mine >= clearly_higher - 1e-9
            and s.mean - s.previous > PROGRESS
        ]
        found.extend(sorted(matches, key=lambda m: (-m.gap, m.region_id)))
    return found
