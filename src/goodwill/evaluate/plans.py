"""Playing policies forward: does goodwill's plan keep more value than simple rules?

For each seed a world is simulated under the managers' habit up to its end, then
branched (:meth:`goodwill.simulate.World.branch`) and continued ``weeks`` weeks under each
policy with common random numbers, every policy with the same hours per account manager
(``[plan]`` in the settings). ``V`` is the net value of the continuation
(:mod:`goodwill.evaluate.plan_value`); differences to doing nothing are paired by seed
and summarised with a t-based 95 % interval. The check of issue 9:
``(V_plan − V_none) ≥ 1.1 × (V_best simple − V_none)`` with the interval of the per-seed
excess above zero. See docs/plan-evaluation.md.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from goodwill.evaluate.plan_value import net_value
from goodwill.evaluate.stats import Interval, mean_interval
from goodwill.settings import Settings
from goodwill.simulate import SimConfig, World, make_config, simulate
from goodwill.simulate.policies import (
    Policy,
    largest_first,
    longest_unvisited_first,
    no_action,
    random_policy,
)

#: ``(seed, settings) -> policy``: a fresh policy for each seed's continuation.
PolicyFactory = Callable[[int, Settings], Policy]
NONE = "none"
GOODWILL = "goodwill"
FACTOR = 1.1

SIMPLE_POLICIES: dict[str, PolicyFactory] = {
    NONE: lambda seed, s: no_action(),
    "largest_first": lambda seed, s: largest_first(s),
    "longest_unvisited_first": lambda seed, s: longest_unvisited_first(s),
    "random": lambda seed, s: random_policy(seed, s),
}


def default_policies(with_goodwill: bool = True) -> dict[str, PolicyFactory]:
    """The simple policies, and goodwill's planner when asked for."""
    from goodwill.evaluate.goodwill_policy import GoodwillPolicy

    out = dict(SIMPLE_POLICIES)
    if with_goodwill:
        out[GOODWILL] = lambda seed, s: GoodwillPolicy(s)
    return out


@dataclass(frozen=True)
class PlanEvaluation:
    """Per seed and policy the continuation's value; differences to no action."""

    runs: pd.DataFrame  # seed, policy, margin, time_cost, value, actions, minutes, seconds
    weeks: int
    start: dict[int, dt.date]  # first day of the continuation, per seed

    @property
    def seeds(self) -> list[int]:
        return sorted(self.runs["seed"].unique().tolist())

    @property
    def policies(self) -> list[str]:
        return list(dict.fromkeys(self.runs["policy"].tolist()))

    def values(self) -> pd.DataFrame:
        """``V`` as seeds × policies."""
        return self.runs.pivot(index="seed", columns="policy", values="value")[self.policies]

    def difference(self, policy: str, base: str = NONE) -> Interval:
        """Mean of ``V_policy − V_base`` over the seeds, with its 95 % interval."""
        v = self.values()
        return mean_interval((v[policy] - v[base]).tolist())

    def best_simple(self) -> str | None:
        """The simple policy (not no action, not goodwill) with the largest mean ``V``."""
        v = self.values().mean()
        simple = [p for p in self.policies if p not in (NONE, GOODWILL)]
        return max(simple, key=lambda p: float(v[p])) if simple else None

    def excess(self, policy: str = GOODWILL, factor: float = FACTOR) -> Interval | None:
        """Per seed ``(V_policy − V_none) − factor × (V_best − V_none)``: mean and interval."""
        best = self.best_simple()
        if best is None or policy not in self.policies:
            return None
        v = self.values()
        gain = v[policy] - v[NONE]
        bar = factor * (v[best] - v[NONE])
        return mean_interval((gain - bar).tolist())

    def passes(self, policy: str = GOODWILL, factor: float = FACTOR) -> bool | None:
        """The check of issue 9 (None when the policy or a simple one is missing)."""
        ex = self.excess(policy, factor)
        if ex is None:
            return None
        return ex.mean >= 0 and ex.above_zero


def world_config(folder: str | Path) -> SimConfig:
    """The configuration a world folder was simulated with (``truth/parameters.json``)."""
    path = Path(folder) / "truth" / "parameters.json"
    try:
        params = json.loads(path.read_text(encoding="utf-8"))["config"]
    except FileNotFoundError as exc:
        raise FileNotFoundError(f"{path} is missing: is {folder} a simulated world?") from exc
    values = {}
    for f in dataclasses.fields(SimConfig):
        if f.name in params:
            value = params[f.name]
            values[f.name] = dt.date.fromisoformat(value) if f.name == "end" else value
    preset = str(values.pop("preset", "default"))
    return make_config(preset, **values)


def continue_world(world: World, policy: Policy, weeks: int) -> World:
    """A branch of ``world`` continued ``weeks`` weeks under ``policy``."""
    branch = world.branch()
    for _ in range(weeks):
        branch.step(policy(branch))
    return branch


def evaluate_plans(
    seeds: Sequence[int],
    preset: str = "default",
    weeks: int = 26,
    accounts: int = 1000,
    *,
    years: float = 2.0,
    end: dt.date = dt.date(2025, 6, 29),
    policies: Mapping[str, PolicyFactory] | None = None,
    settings: Settings | None = None,
    config: SimConfig | None = None,
    progress: Callable[[str, float, float], None] | None = None,
) -> PlanEvaluation:
    """Continue each seed's world under each policy for ``weeks`` weeks and value them.

    ``config`` (e.g. from :func:`world_config`) replaces ``preset``, ``accounts``,
    ``years`` and ``end``; its seed is replaced by each of ``seeds``. ``policies`` maps
    names to factories (default: the simple policies, and goodwill's planner when it is
    available); ``none`` (no action) is always included as the base.
    """
    cfg = settings or Settings.load()
    chosen = dict(policies) if policies is not None else default_policies()
    chosen = {NONE: SIMPLE_POLICIES[NONE], **{k: v for k, v in chosen.items() if k != NONE}}
    rows: list[dict[str, object]] = []
    starts: dict[int, dt.date] = {}
    total = float(len(seeds) * len(chosen))
    done = 0.0
    for seed in seeds:
        if config is not None:
            sim = dataclasses.replace(config, seed=seed)
        else:
            sim = make_config(preset, accounts=accounts, years=years, end=end, seed=seed)
        base = simulate(sim)
        start = base.week_start
        starts[seed] = start
        for name, factory in chosen.items():
            if progress is not None:
                progress(f"seed {seed}: {name}", done, total)
            t0 = time.perf_counter()
            policy = factory(seed, cfg)
            try:
                world = continue_world(base, policy, weeks)
            finally:
                close = getattr(policy, "close", None)
                if callable(close):
                    close()
            nv = net_value(world, start, cfg)
            rows.append(
                {
                    "seed": seed,
                    "policy": name,
                    "margin": nv.margin,
                    "time_cost": nv.time_cost,
                    "value": nv.value,
                    "actions": nv.actions,
                    "minutes": nv.minutes,
                    "seconds": time.perf_counter() - t0,
                }
            )
            done += 1
    if progress is not None:
        progress("done", total, total)
    return PlanEvaluation(pd.DataFrame(rows), weeks, starts)
