"""What qualification adds to the weekly plan: a buyer's test comes before other accounts
(in person or by phone) and growth potential is value to win, each with its purpose —
on the hand-made qualification portfolio (tests/qualify/world.py) with an owner, and on
hand-made numbers."""

from __future__ import annotations

import itertools
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from goodwill.plan import plan_week
from goodwill.plan.opportunity import BUYER_TEST, GROWTH, opportunities
from goodwill.plan.optimize import choose
from goodwill.plan.purpose import Purpose
from goodwill.plan.saved import save_plan, saved_actions
from goodwill.plan.value import action_values
from goodwill.qualify import StrategyProfile
from goodwill.score import Snapshot, score
from goodwill.settings import Settings
from goodwill.store import Store
from tests.qualify.world import AS_OF, write_world

WEEK = "2025-W27"  # the week after AS_OF


@pytest.fixture(scope="module")
def owned_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The qualification portfolio, every account owned by AB."""
    folder = tmp_path_factory.mktemp("opportunity")
    data = write_world(folder / "data")
    lines = (data / "accounts.csv").read_text(encoding="utf-8").splitlines()
    owned = [lines[0] + ",owner", *(line + ",AB" for line in lines[1:])]
    (data / "accounts.csv").write_text("\n".join(owned) + "\n", encoding="utf-8")
    with Store.open(folder / "s.duckdb") as store:
        store.import_dir(data)
    return folder / "s.duckdb"


@pytest.fixture(scope="module")
def snapshot(owned_db: Path) -> Snapshot:
    with Store.open(owned_db) as store, np.errstate(divide="ignore"):  # one order: no rate
        return score(store, AS_OF, settings=Settings.load(), save=False)


def _settings(tmp: Path, text: str) -> Settings:
    path = tmp / "goodwill.toml"
    path.write_text(text, encoding="utf-8")
    return Settings.load(path)


def test_the_stakes_of_buyers_tests_and_growth(owned_db: Path, tmp_path: Path) -> None:
    with Store.open(owned_db) as store:
        opps = opportunities(store.con, AS_OF, Settings.load())
        # a profile N_TEST does not fit: not advised to pursue, so no buyer's test to plan
        bouw = StrategyProfile.from_mapping({"segments": ["bouw"]})
        other = opportunities(store.con, AS_OF, Settings.load(), bouw)
        none = opportunities(
            store.con, AS_OF, _settings(tmp_path, "[plan]\nbuyer_test_win = 0\ngrowth_win = 0\n")
        )
    assert opps.index.is_unique
    # N_TEST: a first order of 50 from an account like food/20 customers (median 4,000)
    test = opps.loc["N_TEST"]
    assert test["kind"] == BUYER_TEST
    assert test["stake"] == pytest.approx(0.1 * 4000)
    assert test["first_order_amount"] == pytest.approx(50)
    assert set(opps.index[opps["kind"] == BUYER_TEST]) == {"N_TEST"}
    # E1 (1,000 a year) against food/20's 75th percentile of 7,500
    e1 = opps.loc["E1"]
    assert e1["kind"] == GROWTH and e1["growth"] == pytest.approx(6500)
    assert e1["stake"] == pytest.approx(0.002 * 6500)
    # E9 and E10 (bouw/5) have two of their kind: a wallet of all customers is not theirs
    assert not {"E9", "E10"} & set(opps.index)
    assert "N_TEST" not in other.index and "E1" in other.index
    assert none.empty and list(none.columns) == list(opps.columns)


def _brute(net: np.ndarray, hours: np.ndarray, cap: float, first: np.ndarray) -> tuple[int, float]:
    """The most accounts of ``first``, then the most net value, by trying every plan."""
    best = (0, 0.0)
    for combo in itertools.product(range(-1, net.shape[1]), repeat=net.shape[0]):
        picked = [(i, a) for i, a in enumerate(combo) if a >= 0]
        if any(net[i, a] <= 0 for i, a in picked):
            continue
        if sum(hours[i, a] for i, a in picked) <= cap + 1e-9:
            key = (sum(int(first[i]) for i, _ in picked), sum(net[i, a] for i, a in picked))
            best = max(best, key)
    return best


def test_accounts_first_come_before_net_value_against_brute_force() -> None:
    rng = np.random.default_rng(11)
    for _ in range(60):
        n = int(rng.integers(1, 7))
        net = rng.normal(10, 25, (n, 4))
        hours = np.tile(rng.choice([0.1, 0.25, 1.5, 2.5], 4), (n, 1))
        hours[:, 0] += rng.choice([0.0, 0.5, 1.0], n)
        cap = float(rng.uniform(0.0, 5.0))
        first = rng.random(n) < 0.4
        got = choose(net, hours, cap, first)
        chosen = got.action >= 0
        count, value = _brute(net, hours, cap, first)
        assert int(first[chosen].sum()) == count
        assert got.objective == pytest.approx(value, abs=1e-6)
        assert got.bound == pytest.approx(got.objective, abs=1e-6)
        assert hours[chosen, got.action[chosen]].sum() <= cap + 1e-9


def test_a_stake_is_won_by_the_dose_of_fresh_attention() -> None:
    table = pd.DataFrame(
        {"owner": ["AB", "AB"], "name": ["x", "y"], "health": [80.0, 80.0],
         "status": ["healthy", "healthy"], "margin_12m": [5000.0, 5000.0],
         "dormant": [False, False], "credit_advice": ["keep", "keep"],
         "response_effect": [0.0, 0.0]},
        index=pd.Index(["FRESH", "VISITED"], name="account_id"),
    )  # fmt: skip
    no_reason = pd.Series(False, index=table.index)
    stake = pd.Series({"FRESH": 400.0, "VISITED": 400.0})
    visited_last_week = pd.DataFrame({1: [1.0], 2: [0.0], 3: [0.0]}, index=["VISITED"])
    s = Settings.load()
    v = action_values(table, pd.Series(dtype=object), no_reason, pd.Series(dtype=float), s,
                      visited_last_week, stake)  # fmt: skip
    assert v["eligible"].all()  # a stake to win is a reason to act
    # full attention (a visit's dose over the four weeks) wins the stake; a call half
    assert v.loc["FRESH", "value_visit"] == pytest.approx(400.0)
    assert v.loc["FRESH", "value_call"] == pytest.approx(200.0)
    assert v.loc["FRESH", "value_email"] == pytest.approx(40.0)
    assert v.loc["FRESH", "stake_visit"] == pytest.approx(400.0)
    # visited last week: a visit renews one week of four, a call half of that week
    assert v.loc["VISITED", "value_visit"] == pytest.approx(100.0)
    assert v.loc["VISITED", "value_call"] == pytest.approx(50.0)
    without = action_values(table, pd.Series(dtype=object), no_reason,
                            pd.Series(dtype=float), s)  # fmt: skip
    assert not without["eligible"].any() and (without["value_visit"] == 0).all()


def test_a_buyers_test_is_not_drowned(owned_db: Path, snapshot: Snapshot, tmp_path: Path) -> None:
    # an hour for one call; growth made so valuable that E1's call would be worth more
    conf = _settings(tmp_path, "[plan]\nhours_per_week = 0.3\ngrowth_win = 0.5\n")
    with Store.open(owned_db) as store:
        plan = plan_week(store, WEEK, conf, snapshot=snapshot, seed=1)
        without = plan_week(
            store,
            WEEK,
            _settings(tmp_path, "[plan]\nhours_per_week = 0.3\ngrowth_win = 0.5\n"
                      "buyer_test_win = 0\n"),
            snapshot=snapshot,
            seed=1,
        )  # fmt: skip
    assert plan.eligible.loc["E1", "best_net"] > plan.eligible.loc["N_TEST", "best_net"]
    assert plan.actions["account_id"].tolist() == ["N_TEST"]
    row = plan.actions.iloc[0]
    assert row["action"] == "call"  # in person or by phone, never only a message
    assert row["expected_value"] == pytest.approx(0.5 * 0.1 * 4000)
    purpose = row["purpose"]
    assert purpose.code == "buyer_test"
    assert purpose.text("en") == (
        "first order is a buyer's test: a small first order (€50) from an account like "
        "customers worth €4,000 a year; make sure the next order goes perfectly"
    )
    assert purpose.text("nl").startswith("eerste order is een inkoperstest: ")
    assert "€ 4.000" in purpose.text("nl")
    assert "N_TEST" not in set(without.actions["account_id"])


def test_growth_is_value_won_with_its_reason(
    owned_db: Path, snapshot: Snapshot, tmp_path: Path
) -> None:
    conf = _settings(tmp_path, "[plan]\nhours_per_week = 40.0\ngrowth_win = 0.02\n")
    with Store.open(owned_db) as store:
        plan = plan_week(store, WEEK, conf, snapshot=snapshot, seed=1)
        save_plan(store, plan, conf)
        again = saved_actions(store, WEEK)
        store.con.execute("DELETE FROM plan_accounts; DELETE FROM plan_actions; DELETE FROM plans")
        off = plan_week(store, WEEK, _settings(tmp_path, "[plan]\nhours_per_week = 40.0\n"
                                                         "growth_win = 0\n"),
                        snapshot=snapshot, seed=1)  # fmt: skip
        modest = plan_week(store, WEEK, _settings(tmp_path, "[plan]\nhours_per_week = 40.0\n"),
                           snapshot=snapshot, seed=1)  # fmt: skip
    by_id = plan.actions.set_index("account_id")
    # E1: 6,500 to grow, 2 % with full attention — a call wins half of 130, for 15 of time
    assert by_id.loc["E1", "action"] == "call"
    assert by_id.loc["E1", "expected_value"] == pytest.approx(0.5 * 0.02 * 6500)
    assert by_id.loc["E1", "purpose"].code == "growth_wallet"
    assert by_id.loc["E1", "purpose"].text("en") == (
        "buys 13% of what similar customers buy from us: ask what else they need "
        "(room to grow: €6,500 a year)"
    )
    assert "E6" not in by_id.index  # buys more than the 75th percentile: nothing to grow
    saved = again.set_index("account_id")
    assert saved.loc["E1", "purpose"].text("nl") == by_id.loc["E1", "purpose"].text("nl")
    assert not {"E1", "E2"} & set(off.actions["account_id"])
    # by default (0.002) a call pays from about 15,000 of room: none of these has as much
    assert set(modest.actions["account_id"]) == {"N_TEST"}


def test_purposes_name_the_missing_categories() -> None:
    p = Purpose("growth_categories", {"categories": ["elektra", "pbm"], "growth_eur": 8150})
    assert p.text("en") == (
        "buys no elektra, pbm from us, where most similar customers do: show what we offer "
        "there (room to grow: €8,150 a year)"
    )
    assert p.text("nl").startswith("koopt geen elektra, pbm bij ons")
    assert "€ 8.150" in p.text("nl")


def test_the_plan_command_takes_a_strategy_file(owned_db: Path, tmp_path: Path) -> None:
    db = tmp_path / "p.duckdb"
    db.write_bytes(owned_db.read_bytes())
    env = {"COLUMNS": "200", "PATH": "", "GOODWILL_LANG": "en",
           **{k: v for k, v in os.environ.items() if k == "PYTHONPATH"}}  # fmt: skip
    good, bad = tmp_path / "strategy.toml", tmp_path / "bad.toml"
    good.write_text('segments = ["food"]\n', encoding="utf-8")
    bad.write_text("employees_min = -1\n", encoding="utf-8")
    args = [sys.executable, "-m", "goodwill", "plan", "--db", str(db), "--week", WEEK]
    run = subprocess.run([*args, "--strategy", str(good), "--out", str(tmp_path / "p.csv")],
                         capture_output=True, text=True, env=env, timeout=300)  # fmt: skip
    assert run.returncode == 0, run.stderr
    purposes = pd.read_csv(tmp_path / "p.csv").set_index("account_id")["purpose"]
    assert purposes["N_TEST"].startswith("first order is a buyer's test")
    refused = subprocess.run([*args, "--strategy", str(bad)], capture_output=True, text=True,
                             env=env, timeout=300)  # fmt: skip
    assert refused.returncode == 2 and "bad.toml: 'employees_min'" in refused.stderr
    assert len(refused.stderr.strip().splitlines()) == 1
