"""Run a world to its end, and the one call a command needs: simulate and write."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from pathlib import Path

from goodwill.progress import ProgressCallback
from goodwill.simulate.config import SimConfig, make_config
from goodwill.simulate.policy import habit_policy
from goodwill.simulate.world import World
from goodwill.simulate.writer import write_world

Policy = Callable[[World], Mapping[str, str]]
SIMULATING = "simulating"
WRITING = "writing"


def default_end(today: dt.date | None = None) -> dt.date:
    """The end of a demo world: the last day of the previous calendar month."""
    today = today or dt.date.today()
    return today.replace(day=1) - dt.timedelta(days=1)


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


def generate_world(
    out_dir: str | Path,
    *,
    accounts: int = 2000,
    years: float = 3.0,
    end: dt.date | None = None,
    seed: int = 0,
    preset: str = "default",
    progress: ProgressCallback | None = None,
) -> tuple[SimConfig, dict[str, int]]:
    """Simulate a world under the managers' habit and write it to ``out_dir``.

    ``end`` defaults to the last day of last month; ``progress`` is called as
    ``progress("simulating", weeks_done, weeks_total)`` and once with ``"writing"``.
    Returns the configuration used and the rows written per file (``"orders"``, ...,
    ``"truth/accounts"``, ...). This is what ``goodwill demo`` needs before it imports
    ``out_dir`` (the importer reads only the eight table files; ``truth/`` is a
    subfolder it ignores).
    """
    config = make_config(
        preset, accounts=accounts, years=years, end=end or default_end(), seed=seed
    )
    report = progress

    def weekly(done: int, total: int) -> None:
        if report is not None:
            report(SIMULATING, float(done), float(total))

    world = simulate(config, progress=weekly)
    if progress is not None:
        progress(WRITING, 0.0, 0.0)
    rows = write_world(world, out_dir)
    return config, rows
