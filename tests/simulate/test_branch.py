"""Branches of a world: the same actions give the same world, different actions share the
random draws that do not depend on them (common random numbers)."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from goodwill.simulate import World, make_config, simulate
from goodwill.simulate.policy import habit_policy

END = dt.date(2025, 3, 30)


@pytest.fixture(scope="module")
def world() -> World:
    return simulate(make_config(accounts=300, years=1.0, end=END, seed=5))


def _columns(w: World, table: str) -> dict[str, np.ndarray]:
    from goodwill.simulate.log import LOG_COLUMNS

    return {c: w.log.column(table, c) for c in LOG_COLUMNS[table]}


def _same(a: dict[str, np.ndarray], b: dict[str, np.ndarray]) -> bool:
    return all(np.array_equal(a[k], b[k], equal_nan=True) for k in a)


def _customers(w: World, k: int) -> list[str]:
    ids = [a for a in w.account_ids() if a.startswith("K")]
    return ids[:k]


def test_branches_under_the_same_policy_are_identical(world: World) -> None:
    a, b = world.branch(), world.branch()
    for _ in range(6):
        a.step(habit_policy(a))
        b.step(habit_policy(b))
    for table in ("orders", "interactions", "complaints", "promises", "quotes", "invoices"):
        assert _same(_columns(a, table), _columns(b, table)), table
    assert np.array_equal(a.state.health, b.state.health)


def test_branching_leaves_the_world_alone(world: World) -> None:
    rows, week = world.log.rows("orders"), world.week
    health = world.state.health.copy()
    branch = world.branch()
    branch.step({a: "visit" for a in _customers(branch, 20)})
    assert world.log.rows("orders") == rows and world.week == week
    assert np.array_equal(world.state.health, health)
    assert branch.crn and not world.crn


def test_actions_do_not_shift_the_other_draws(world: World) -> None:
    quiet, busy = world.branch(), world.branch()
    touched = _customers(world, 40)
    quiet.step({})
    busy.step({a: "visit" for a in touched})
    # the first week: the same orders, meetings, inbound contacts, complaints, quotes
    for table in ("orders", "complaints", "quotes", "invoices"):
        assert _same(_columns(quiet, table), _columns(busy, table)), table
    # the same health noise and fates: untouched accounts' health is the same
    idx = {a: i for i, a in enumerate(world.population.account_id)}
    hit = np.zeros(world.population.n, dtype=bool)
    hit[[idx[a] for a in touched]] = True
    assert np.array_equal(quiet.state.health[~hit], busy.state.health[~hit])
    assert np.array_equal(quiet.state.leave_day, busy.state.leave_day)
    # our visits reached the responsive accounts, and only those
    gain = busy.state.health - quiet.state.health
    responsive = world.population.response_effect > 0
    assert (gain[hit & responsive] > 0).any()
    assert np.allclose(gain[hit & ~responsive], 0.0)
    # later weeks: the same churn decisions for accounts whose health is the same
    for _ in range(3):
        quiet.step({})
        busy.step({})
    same = quiet.state.health == busy.state.health
    assert same.sum() > 0.5 * world.population.n
    assert np.array_equal(quiet.state.distress_day, busy.state.distress_day)


def test_order_counts_follow_the_rate_monotonically(world: World) -> None:
    """An account's order count in a branch comes from one uniform by inversion."""
    from goodwill.simulate.streams import poisson_counts

    rng = np.random.default_rng(1)
    rate = np.full(10_000, 0.8)
    low = poisson_counts(np.random.default_rng(3), rate, crn=True)
    high = poisson_counts(np.random.default_rng(3), rate * 1.5, crn=True)
    assert (high >= low).all() and high.sum() > low.sum()
    assert abs(low.mean() - 0.8) < 0.05
    zero = poisson_counts(rng, np.zeros(5), crn=True)
    assert (zero == 0).all()


Line = tuple[int, float, float | None, int]


def _lines_by_account(w: World, since: int) -> dict[int, list[Line]]:
    cols = _columns(w, "orders")
    out: dict[int, list[Line]] = {}
    for i in range(since, cols["account"].size):
        margin = float(cols["margin"][i])
        row = (
            int(cols["ordered_ts"][i]),
            float(cols["amount"][i]),
            None if np.isnan(margin) else margin,  # some lines have no margin recorded
            int(cols["category"][i]),
        )
        out.setdefault(int(cols["account"][i]), []).append(row)
    return {a: sorted(rows, key=repr) for a, rows in out.items()}


def test_more_orders_of_one_account_leave_the_other_lines_alone(world: World) -> None:
    """Order lines are drawn per line: when attention makes some accounts order more,
    every other account's lines keep their days, amounts, margins and categories."""
    quiet, busy = world.branch(), world.branch()
    touched = _customers(world, 40)
    since = world.log.rows("orders")
    for _ in range(5):
        quiet.step({})
        busy.step({a: "visit" for a in touched})
    idx = {a: i for i, a in enumerate(world.population.account_id)}
    hit = {idx[a] for a in touched}
    a, b = _lines_by_account(quiet, since), _lines_by_account(busy, since)
    assert sum(len(v) for k, v in b.items() if k in hit) > sum(
        len(v) for k, v in a.items() if k in hit
    ), "the visits should have brought orders"
    same_health = quiet.state.health == busy.state.health
    others = [k for k in set(a) | set(b) if k not in hit and same_health[k]]
    assert len(others) > 100
    assert all(a.get(k) == b.get(k) for k in others)


def test_keyed_line_draws_have_the_right_distributions() -> None:
    from scipy import stats

    from goodwill.simulate.streams import LineDraws, line_keys

    acc = np.repeat(np.arange(20_000, dtype=np.int64), 3)
    keys = line_keys(acc)
    assert np.unique(keys).size == keys.size
    d = LineDraws(keys, base=12345)
    u = d.random(keys.size)
    assert u.min() > 0 and u.max() < 1
    assert stats.kstest(u, "uniform").pvalue > 1e-3
    g = d.gamma(2.0, 0.5, keys.size)
    assert stats.kstest(g, "gamma", args=(2.0, 0, 0.5)).pvalue > 1e-3
    z = d.normal(1.0, 2.0, keys.size)
    assert stats.kstest(z, "norm", args=(1.0, 2.0)).pvalue > 1e-3
    k = d.integers(3, 7, keys.size)
    assert set(np.unique(k).tolist()) == {3, 4, 5, 6}
    p = d.poisson(0.8, keys.size)
    assert abs(p.mean() - 0.8) < 0.02 and abs(p.var() - 0.8) < 0.03
    # successive draws of one line are independent; a subset keeps its lines' draws
    again = LineDraws(keys, base=12345)
    first, second = again.random(keys.size), again.random(keys.size)
    assert np.array_equal(first, u) and abs(np.corrcoef(first, second)[0, 1]) < 0.02
    part = LineDraws(keys, base=12345).take(np.arange(0, keys.size, 2))
    assert np.array_equal(part.random(part.keys.size), u[::2])
    with pytest.raises(ValueError, match="keyed lines"):
        part.random(3)
