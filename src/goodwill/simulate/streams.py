"""Where a week's randomness comes from: one shared generator, or common random numbers.

A world generated from its start draws everything from the one generator in its state,
in a fixed order (:func:`goodwill.simulate.step.advance`), so the same seed gives the same
bytes. A *branch* of a world (:meth:`goodwill.simulate.world.World.branch`) is meant to
be continued under several policies and compared: there each part of a week draws from
its own generator, seeded by ``(seed, BRANCH_TAG, week, purpose)``. Two branches of one
world then see the same draws for every part of a week whose inputs are the same, however
many actions a policy took, and the draws of one part never shift those of another.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray
from scipy import stats

#: The parts of a week, each with its own stream in a branch (the order never changes:
#: a purpose's position is part of its seed).
PURPOSES = (
    "fate",  # deciding to leave, financial trouble, drifting to a competitor
    "contacts",  # contact persons leaving and arriving
    "actions",  # our actions: days, minutes, costs, attendance, promises made
    "meetings",
    "inbound",
    "orders",  # how many order lines each account places (one uniform per account)
    "order_lines",  # the lines' details, complaints, chasing
    "purchases",
    "supplier_quotes",
    "quotes",
    "billing",
    "health",  # the weekly health noise
)
BRANCH_TAG = 0x627261  # "bra"


class WeekStreams:
    """The generator each part of a week draws from.

    ``WeekStreams(rng)`` hands out ``rng`` for every purpose (a world generated at once);
    ``WeekStreams.common(seed, week)`` a generator per purpose seeded by the seed, the
    week and the purpose (a branch).
    """

    def __init__(self, shared: np.random.Generator | None, seed: int = 0, week: int = 0) -> None:
        self._shared = shared
        self._seed = seed
        self._week = week
        self._made: dict[str, np.random.Generator] = {}

    @classmethod
    def common(cls, seed: int, week: int) -> WeekStreams:
        """Common random numbers: every purpose its own stream for this seed and week."""
        return cls(None, seed, week)

    @property
    def crn(self) -> bool:
        """True when each purpose has its own stream (a branch)."""
        return self._shared is None

    def __call__(self, purpose: str) -> np.random.Generator:
        if self._shared is not None:
            return self._shared
        rng = self._made.get(purpose)
        if rng is None:
            key = [self._seed, BRANCH_TAG, self._week, PURPOSES.index(purpose)]
            rng = np.random.default_rng(key)
            self._made[purpose] = rng
        return rng


def poisson_counts(
    rng: np.random.Generator, rate: NDArray[np.float64], crn: bool
) -> NDArray[np.int64]:
    """One Poisson count per rate.

    With ``crn`` by inversion of one uniform per rate: an account whose rate is the same
    in two branches gets the same count, one whose rate is higher never gets fewer, and
    the number of draws does not depend on the rates. Otherwise NumPy's own sampler (whose
    consumption of the stream depends on the rates), as a world has always been drawn.
    """
    if not crn:
        return rng.poisson(rate).astype(np.int64)
    u = rng.random(rate.shape)
    positive = rate > 0
    counts = np.zeros(rate.shape, dtype=np.int64)
    if positive.any():
        counts[positive] = stats.poisson.ppf(u[positive], rate[positive]).astype(np.int64)
    return counts
