"""Where a week's randomness comes from: one shared generator, or common random numbers.

A world generated from its start draws everything from the one generator in its state,
in a fixed order (:func:`goodwill.simulate.step.advance`), so the same seed gives the same
bytes. A *branch* of a world (:meth:`goodwill.simulate.world.World.branch`) is meant to
be continued under several policies and compared: there each part of a week draws from
its own generator, seeded by ``(seed, BRANCH_TAG, week, purpose)``. Two branches of one
world then see the same draws for every part of a week whose inputs are the same, however
many actions a policy took, and the draws of one part never shift those of another.

Within a part, the details of order lines (spend, category, price, margin, complaints)
are keyed by the line itself, the account and its how-manieth line this week
(:class:`LineDraws`): when a policy changes how many lines one account orders, the lines
of every other account keep their draws. Without that, one extra order shifted all later
lines of the week and the value of two policies differed by noise the size of the effect.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray
from scipy import special, stats

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

    def lines(self, purpose: str, keys: NDArray[np.uint64]) -> LineDraws | None:
        """Draws keyed by ``keys`` (one per line) in a branch; ``None`` in a whole world."""
        if self._shared is not None:
            return None
        base = np.array([self._seed, BRANCH_TAG, self._week, PURPOSES.index(purpose)])
        return LineDraws(keys, int(_mix(base.astype(np.uint64)).sum(dtype=np.uint64)))

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


_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)
_TO_UNIT = 2.0**-53
_MASK = 2**64 - 1


def _mix(x: NDArray[np.uint64]) -> NDArray[np.uint64]:
    """SplitMix64's finaliser, element-wise (unsigned arithmetic wraps, as it must)."""
    x = x + _GOLDEN
    x = (x ^ (x >> np.uint64(30))) * _M1
    x = (x ^ (x >> np.uint64(27))) * _M2
    return np.asarray(x ^ (x >> np.uint64(31)), dtype=np.uint64)


def line_keys(accounts: NDArray[np.int64], tag: int = 0) -> NDArray[np.uint64]:
    """One key per line: its account, ``tag`` (the kind of line) and its rank among the
    account's lines in ``accounts`` (in the order given)."""
    n = accounts.size
    order = np.argsort(accounts, kind="stable")
    sorted_acc = accounts[order]
    first = np.r_[True, sorted_acc[1:] != sorted_acc[:-1]] if n else np.zeros(0, bool)
    start = np.maximum.accumulate(np.where(first, np.arange(n), 0)) if n else first
    rank = np.empty(n, dtype=np.int64)
    rank[order] = np.arange(n) - start
    return (
        (accounts.astype(np.uint64) << np.uint64(24))
        | (np.uint64(tag) << np.uint64(16))
        | rank.astype(np.uint64)
    )


class LineDraws:
    """Random numbers keyed by line, with the methods of a NumPy generator that order
    lines use.

    The ``j``-th draw of a line is a hash of the week's base, the line's key and ``j``
    (counter-based, like Random123's generators), turned into the wanted distribution by
    its inverse distribution function. Every call draws one number per line, so the
    arrays passed along must stay aligned with the keys: :meth:`take` follows a subset or
    a reordering of the lines.
    """

    def __init__(self, keys: NDArray[np.uint64], base: int, calls: int = 0) -> None:
        self.keys = keys
        self._base = base
        self._calls = calls

    def __len__(self) -> int:
        return int(self.keys.size)

    def take(self, index: NDArray[np.int64] | NDArray[np.bool_]) -> LineDraws:
        """The draws of the lines ``index`` selects, continuing from this point."""
        return LineDraws(self.keys[index], self._base, self._calls)

    def _unit(self, size: int) -> NDArray[np.float64]:
        if size != self.keys.size:
            raise ValueError(f"{size} draws asked of {self.keys.size} keyed lines")
        salt = _mix(np.array([(self._base + self._calls) & _MASK], dtype=np.uint64))
        self._calls += 1
        h = _mix(self.keys ^ salt)
        # open interval (0, 1): every inverse distribution function is finite there
        return ((h >> np.uint64(11)).astype(np.float64) + 0.5) * _TO_UNIT

    def random(self, size: int) -> NDArray[np.float64]:
        return self._unit(size)

    def uniform(self, low: float, high: float, size: int) -> NDArray[np.float64]:
        return low + (high - low) * self._unit(size)

    def normal(self, loc: float, scale: float, size: int) -> NDArray[np.float64]:
        return loc + scale * np.asarray(special.ndtri(self._unit(size)), dtype=np.float64)

    def gamma(self, shape: float, scale: float, size: int) -> NDArray[np.float64]:
        u = self._unit(size)
        return scale * np.asarray(special.gammaincinv(shape, u), dtype=np.float64)

    def integers(self, low: int, high: int, size: int) -> NDArray[np.int64]:
        u = self._unit(size)
        return np.minimum(low + np.floor(u * (high - low)).astype(np.int64), high - 1)

    def poisson(self, lam: float, size: int) -> NDArray[np.int64]:
        u = self._unit(size)
        return np.asarray(stats.poisson.ppf(u, lam), dtype=np.float64).astype(np.int64)


#: What order lines draw from: the week's stream, or draws keyed by line in a branch.
Draws = np.random.Generator | LineDraws
