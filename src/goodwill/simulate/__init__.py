"""The demo world: a simulated Dutch/Belgian B2B wholesaler with its hidden truth.

>>> from goodwill.simulate import make_config, simulate, write_world
>>> world = simulate(make_config(accounts=50, years=0.5, seed=1))
>>> world.finished
True

Only this package and ``goodwill.evaluate`` may read the truth; features, models,
signals and the planner read the written tables only.
"""

from __future__ import annotations

from goodwill.simulate.config import PRESETS, SimConfig, make_config, parameter_docs
from goodwill.simulate.errors import SimulationConfigError, SimulationError, UnknownActionError
from goodwill.simulate.generate import Policy, default_end, generate_world, simulate
from goodwill.simulate.moments import ACTIONS
from goodwill.simulate.policy import habit_policy
from goodwill.simulate.world import World
from goodwill.simulate.writer import truth_tables, world_tables, write_world

__all__ = [
    "ACTIONS",
    "PRESETS",
    "Policy",
    "SimConfig",
    "SimulationConfigError",
    "SimulationError",
    "UnknownActionError",
    "World",
    "default_end",
    "generate_world",
    "habit_policy",
    "make_config",
    "parameter_docs",
    "simulate",
    "truth_tables",
    "world_tables",
    "write_world",
]
