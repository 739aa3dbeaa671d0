"""Simple policies to compare a planner with: each week's actions within each account
manager's hours, from what the supplier can see (orders and our own visits), never from
the truth.

Every policy here is a :data:`~goodwill.simulate.generate.Policy` (``World -> {account_id:
action}``) built by a factory, and all share one allocation: walk the policy's ranking of
the active customers (an order in the last 365 days) and give each the policy's action
while its account manager has the hours for it (hours from :mod:`goodwill.plan.costs`, the
cost model goodwill's planner uses; capacity from ``[plan]`` in the settings).

* :func:`no_action` — nothing at all.
* :func:`largest_first` — the largest revenue over the last 52 weeks first.
* :func:`longest_unvisited_first` — the longest since our last visit first (never visited
  first of all, larger revenue breaking ties).
* :func:`random_policy` — a random order, drawn from ``(seed, week)`` so that it is the
  same in every run.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

from goodwill.plan.costs import action_hours, capacity_hours
from goodwill.settings import Settings
from goodwill.simulate.context import DAY_SECONDS
from goodwill.simulate.moments import ACTIONS, CHANNELS, OUTBOUND
from goodwill.simulate.population import SUPPLIER, day_number

if TYPE_CHECKING:
    from goodwill.simulate.world import World

Policy = Callable[["World"], Mapping[str, str]]
ACTIVE_DAYS = 365
NEVER = np.iinfo(np.int64).min // 4


@dataclass(frozen=True)
class Observed:
    """What the supplier can see of each account at the start of the world's next week."""

    candidates: NDArray[np.int64]  # account positions: active customers that exist
    revenue: NDArray[np.float64]  # per account, over the last 52 weeks
    last_visit_day: NDArray[np.int64]  # per account, NEVER if never visited


def observe(world: World) -> Observed:
    """Revenue, last order and last visit per account, from the event log."""
    pop, log = world.population, world.log
    today = day_number(world.week_start)
    acc = log.column("orders", "account")
    day = log.column("orders", "ordered_ts") // DAY_SECONDS
    recent = (day >= today - ACTIVE_DAYS) & (day < today)
    revenue = np.bincount(
        acc[recent], weights=log.column("orders", "amount")[recent], minlength=pop.n
    )
    ordered = np.bincount(acc[recent], minlength=pop.n) > 0
    i_acc = log.column("interactions", "account")
    visit = (log.column("interactions", "channel") == CHANNELS.index("visit")) & (
        log.column("interactions", "direction") == OUTBOUND
    )
    last_visit = np.full(pop.n, NEVER, dtype=np.int64)
    np.maximum.at(last_visit, i_acc[visit], log.column("interactions", "ts")[visit] // DAY_SECONDS)
    exists = pop.created_day <= today
    candidates = np.flatnonzero(exists & ordered & (pop.kind != SUPPLIER)).astype(np.int64)
    return Observed(candidates, revenue.astype(np.float64), last_visit)


def allocate(
    world: World, ranked: NDArray[np.int64], action: str, settings: Settings
) -> dict[str, str]:
    """``action`` for the accounts in ``ranked`` order while their manager has the hours."""
    pop = world.population
    codes = pop.managers.codes
    left = {code: capacity_hours(code, settings) for code in codes}
    hours_by_region: dict[str, float] = {}
    out: dict[str, str] = {}
    for i in ranked.tolist():
        owner = codes[int(pop.owner[i])]
        region = pop.region[i]
        need = hours_by_region.get(region)
        if need is None:
            need = hours_by_region[region] = action_hours(action, region, settings)
        if left[owner] + 1e-9 >= need:
            left[owner] -= need
            out[pop.account_id[i]] = action
        if all(v < need for v in left.values()):
            break
    return out


def actions_hours(world: World, actions: Mapping[str, str], settings: Settings) -> dict[str, float]:
    """Hours per account manager that ``actions`` take (the planner's cost model)."""
    pop = world.population
    index = {a: i for i, a in enumerate(pop.account_id)}
    out: dict[str, float] = {}
    for account_id, action in actions.items():
        i = index[account_id]
        owner = pop.managers.codes[int(pop.owner[i])]
        out[owner] = out.get(owner, 0.0) + action_hours(action, pop.region[i], settings)
    return out


def _check(action: str) -> None:
    if action not in ACTIONS:
        raise ValueError(f"unknown action {action!r}; choose one of: {', '.join(ACTIONS)}")


def no_action() -> Policy:
    """Nothing, every week."""

    def policy(world: World) -> dict[str, str]:
        return {}

    return policy


def largest_first(settings: Settings | None = None, action: str = "visit") -> Policy:
    """The largest revenue over the last 52 weeks first."""
    _check(action)
    cfg = settings or Settings.load()

    def policy(world: World) -> dict[str, str]:
        seen = observe(world)
        c = seen.candidates
        ranked = c[np.lexsort((c, -seen.revenue[c]))]
        return allocate(world, ranked, action, cfg)

    return policy


def longest_unvisited_first(settings: Settings | None = None, action: str = "visit") -> Policy:
    """The longest since our last visit first; never visited first of all."""
    _check(action)
    cfg = settings or Settings.load()

    def policy(world: World) -> dict[str, str]:
        seen = observe(world)
        c = seen.candidates
        ranked = c[np.lexsort((c, -seen.revenue[c], seen.last_visit_day[c]))]
        return allocate(world, ranked, action, cfg)

    return policy


def random_policy(seed: int, settings: Settings | None = None, action: str = "visit") -> Policy:
    """Active customers in a random order, the same for the same seed and week."""
    _check(action)
    cfg = settings or Settings.load()

    def policy(world: World) -> dict[str, str]:
        seen = observe(world)
        rng = np.random.default_rng([seed, world.week])
        ranked = rng.permutation(seen.candidates).astype(np.int64)
        return allocate(world, ranked, action, cfg)

    return policy
