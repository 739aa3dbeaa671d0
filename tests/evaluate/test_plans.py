"""Playing policies forward: hours budgets, intervals, the harness and the world folder."""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path

import pytest

from goodwill.errors import GoodwillError
from goodwill.evaluate.plans import NONE, evaluate_plans, world_config
from goodwill.evaluate.stats import mean_interval
from goodwill.plan.costs import action_hours, capacity_hours
from goodwill.settings import Settings
from goodwill.simulate import World, make_config, simulate, write_world
from goodwill.simulate.policies import (
    actions_hours,
    largest_first,
    longest_unvisited_first,
    no_action,
    random_policy,
)

END = dt.date(2025, 3, 30)


@pytest.fixture(scope="module")
def world() -> World:
    return simulate(make_config(accounts=400, years=1.0, end=END, seed=9))


def test_cost_model_reads_the_plan_settings(tmp_path: Path) -> None:
    s = Settings.load()
    assert action_hours("visit", "Utrecht", s) == pytest.approx(2.5)
    assert action_hours("call", "Utrecht", s) == pytest.approx(0.25)
    assert action_hours("email", None, s) == pytest.approx(0.1)
    assert capacity_hours("XY", s) == pytest.approx(8.0)
    file = tmp_path / "goodwill.toml"
    file.write_text("[plan.capacity]\nXY = 3\n[plan.travel_hours]\nUtrecht = 0.5\n")
    user = Settings.load(file)
    assert capacity_hours("XY", user) == pytest.approx(3.0)
    assert action_hours("visit", "Utrecht", user) == pytest.approx(2.0)
    assert action_hours("visit", "Limburg", user) == pytest.approx(2.5)
    with pytest.raises(GoodwillError, match="unknown action 'lunch'"):
        action_hours("lunch", None, s)


@pytest.mark.parametrize("action", ["visit", "call"])
def test_simple_policies_keep_to_the_hours(world: World, tmp_path: Path, action: str) -> None:
    codes = world.population.managers.codes
    file = tmp_path / "goodwill.toml"
    file.write_text(f"[plan]\nhours_per_week = 5\n[plan.capacity]\n{codes[0]} = 1\n")
    s = Settings.load(file)
    for policy in (
        largest_first(s, action),
        longest_unvisited_first(s, action),
        random_policy(3, s, action),
    ):
        actions = policy(world)
        assert actions
        used = actions_hours(world, actions, s)
        for owner, hours in used.items():
            assert hours <= capacity_hours(owner, s) + 1e-9
        assert set(actions.values()) == {action}
        assert set(actions) <= set(world.account_ids())
    assert no_action()(world) == {}


def test_random_policy_is_reproducible(world: World) -> None:
    s = Settings.load()
    assert random_policy(4, s)(world) == random_policy(4, s)(world)
    assert random_policy(4, s)(world) != random_policy(5, s)(world)


def test_interval_on_known_numbers() -> None:
    iv = mean_interval([1.0, 2.0, 3.0, 4.0, 5.0])
    half = 2.7764451051977987 * math.sqrt(2.5 / 5)
    assert iv.mean == pytest.approx(3.0)
    assert iv.low == pytest.approx(3.0 - half) and iv.high == pytest.approx(3.0 + half)
    assert iv.above_zero
    assert not mean_interval([-1.0, 1.0, 3.0]).above_zero
    single = mean_interval([2.0])
    assert single.mean == 2.0 and math.isnan(single.low)


def test_evaluate_plans_on_a_small_world() -> None:
    result = evaluate_plans([1, 2], accounts=200, years=1.0, end=END, weeks=3)
    assert len(result.runs) == 10  # four simple policies, none and goodwill's plan
    assert set(result.policies) >= {NONE, "goodwill"}
    v = result.runs.set_index(["seed", "policy"])
    assert (v.xs(NONE, level="policy")["time_cost"] == 0).all()
    busy = v.drop([NONE, "goodwill"], level="policy")
    assert (busy["actions"] > 0).all() and (busy["time_cost"] > 0).all()
    assert (v.xs("goodwill", level="policy")["actions"] >= 0).all()  # acts only where it pays
    assert result.best_simple() in ("largest_first", "longest_unvisited_first", "random")
    d = result.difference("largest_first")
    assert d.n == 2 and d.low <= d.mean <= d.high
    excess = result.excess()
    assert excess is not None and excess.n == 2
    assert result.passes() in (True, False)
    again = evaluate_plans([1], accounts=200, years=1.0, end=END, weeks=3)
    first = result.runs[result.runs["seed"] == 1].reset_index(drop=True)
    assert first["value"].tolist() == again.runs["value"].tolist()


def test_world_config_reads_the_folder_back(tmp_path: Path) -> None:
    cfg = make_config("hard", accounts=60, years=0.5, end=END, seed=4)
    write_world(simulate(cfg), tmp_path / "w")
    assert world_config(tmp_path / "w") == cfg
