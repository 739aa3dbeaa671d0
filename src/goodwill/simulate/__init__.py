"""The demo world: a simulated Dutch/Belgian B2B wholesaler with its hidden truth.

>>> from goodwill.simulate import make_config, simulate, write_world
>>> world = simulate(make_config(accounts=50, years=0.5, seed=1))
>>> world.finished
True

Only this package and ``goodwill.evaluate`` may read the truth; features, models,
signals and the planner read the written tables only.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from goodwill.simulate.config import PRESETS, SimConfig, make_config, parameter_docs
from goodwill.simulate.errors import SimulationConfigError, SimulationError, UnknownActionError
from goodwill.simulate.moments import ACTIONS
from goodwill.simulate.policy import habit_policy
from goodwill.simulate.world import World
from goodwill.simulate.writer import truth_tables, world_tables, write_world

Policy = Callable[[World], Mapping[str, str]]


def simulate(
    config: SimConfig,
    policy: Policy = habit_policy,
    progress: Callable[[int, int], None] | None = None,
) -> World:
    """Generate a world from its first week to its configured end.

    Literally the stepping loop: ``world.step(policy(world))`` once per week, so stepping
    a :class:`World` by hand with the same policy gives the same world. ``progress`` is
    called with (weeks done, weeks in total) after each week.
    """
    world = World(config)
    while not world.finished:
        world.step(policy(world))
        if progress is not None:
            progress(world.week, world.weeks)
    return world


__all__ = [
    "ACTIONS",
    "PRESETS",
    "Policy",
    "SimConfig",
    "SimulationConfigError",
    "SimulationError",
    "UnknownActionError",
    "World",
    "habit_policy",
    "make_config",
    "parameter_docs",
    "simulate",
    "truth_tables",
    "world_tables",
    "write_world",
]
