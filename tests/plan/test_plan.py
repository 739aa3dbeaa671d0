"""The weekly plan on a small simulated world and on hand-made cases: capacity, the
optimum against brute force, no action without a reason, the recorded hold-out, done /
not done, purposes in Dutch and English, calendar and digest, the commands."""

from __future__ import annotations

import datetime as dt
import itertools
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from goodwill.errors import GoodwillError
from goodwill.plan import plan_week, week_name, week_start
from goodwill.plan.calendar import digest, ics
from goodwill.plan.costs import action_hours
from goodwill.plan.optimize import choose
from goodwill.plan.purpose import purpose_for
from goodwill.plan.review import review, welch
from goodwill.plan.saved import save_plan, saved_actions
from goodwill.plan.value import action_values
from goodwill.score import Snapshot, score
from goodwill.settings import Settings
from goodwill.signals.reasons import Reason
from goodwill.simulate import generate_world
from goodwill.store import Store

END = dt.date(2025, 6, 30)
WEEK = "2025-W27"  # the week after the data


def _own_source() -> dict[str, str]:
    """PYTHONPATH kept, so the command runs this checkout's source (a worktree's), not
    the installed one, which may read an older store version."""
    return {k: v for k, v in os.environ.items() if k == "PYTHONPATH"}


@pytest.fixture(scope="module")
def world_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("plan")
    generate_world(out / "world", accounts=400, years=2.5, end=END, seed=5)
    with Store.open(out / "w.duckdb") as store:
        store.import_dir(out / "world")
    return out / "w.duckdb"


@pytest.fixture(scope="module")
def snapshot(world_db: Path) -> Snapshot:
    with Store.open(world_db) as store:
        return score(store, END, settings=Settings.load(), save=False)


def _settings(tmp: Path, text: str) -> Settings:
    path = tmp / "goodwill.toml"
    path.write_text(text, encoding="utf-8")
    return Settings.load(path)


def test_capacity_is_never_exceeded(world_db: Path, snapshot: Snapshot, tmp_path: Path) -> None:
    for hours in (0.3, 2.0, 8.0, 40.0):
        conf = _settings(tmp_path, f"[plan]\nhours_per_week = {hours}\n")
        with Store.open(world_db) as store:
            plan = plan_week(store, WEEK, conf, snapshot=snapshot, seed=1)
        used = plan.actions.groupby("owner")["hours"].sum()
        assert (used <= hours + 1e-9).all()
        assert plan.actions["account_id"].is_unique
        assert (plan.actions["net"] > 0).all()
        assert plan.objective == pytest.approx(plan.bound)  # solved to optimality
    assert len(plan.actions) > 0
    # more hours never plan less value
    small = _settings(tmp_path, "[plan]\nhours_per_week = 2.0\n")
    with Store.open(world_db) as store:
        less = plan_week(store, WEEK, small, snapshot=snapshot, seed=1)
    assert plan.objective >= less.objective


def test_capacity_per_account_manager(world_db: Path, snapshot: Snapshot, tmp_path: Path) -> None:
    owner = str(snapshot.table["owner"].dropna().iloc[0])
    conf = _settings(tmp_path, f"[plan]\nhours_per_week = 4.0\n[plan.capacity]\n{owner} = 0.0\n")
    with Store.open(world_db) as store:
        plan = plan_week(store, WEEK, conf, snapshot=snapshot, seed=1)
    assert owner not in set(plan.actions["owner"])
    assert plan.capacity[owner] == 0.0


def _brute(net: np.ndarray, hours: np.ndarray, cap: float) -> float:
    best = 0.0
    for combo in itertools.product(range(-1, net.shape[1]), repeat=net.shape[0]):
        used = sum(hours[i, a] for i, a in enumerate(combo) if a >= 0)
        if used <= cap + 1e-9:
            best = max(best, sum(net[i, a] for i, a in enumerate(combo) if a >= 0))
    return best


def test_the_integer_program_agrees_with_brute_force() -> None:
    rng = np.random.default_rng(7)
    for _ in range(60):
        n = int(rng.integers(1, 7))
        net = rng.normal(10, 25, (n, 4))
        hours = np.tile(rng.choice([0.1, 0.25, 1.5, 2.5], 4), (n, 1))
        hours[:, 0] += rng.choice([0.0, 0.5, 1.0], n)  # travel differs by region
        cap = float(rng.uniform(0.0, 5.0))
        got = choose(net, hours, cap)
        assert got.objective == pytest.approx(_brute(net, hours, cap), abs=1e-6)
        chosen = got.action >= 0
        assert hours[chosen, got.action[chosen]].sum() <= cap + 1e-9


def _table(**columns: list[object]) -> pd.DataFrame:
    base: dict[str, list[object]] = {
        "owner": ["AB", "AB", "AB"],
        "name": ["x", "y", "z"],
        "health": [80.0, 30.0, 80.0],
        "status": ["healthy", "at_risk", "healthy"],
        "margin_12m": [50_000.0, 50_000.0, 50_000.0],
        "dormant": [False, False, False],
        "credit_advice": ["keep", "keep", "keep"],
        "response_effect": [0.0, 0.0, 0.5],
    }
    base.update(columns)
    return pd.DataFrame(base, index=pd.Index(["HEALTHY", "RISK", "GROWS"], name="account_id"))


def test_no_reason_to_act_no_action(tmp_path: Path) -> None:
    t = _table()
    alert = t["status"] != "healthy"
    values = action_values(t, pd.Series(dtype=object), alert, pd.Series(dtype=float),
                           Settings.load())  # fmt: skip
    assert values["eligible"].tolist() == [False, True, True]
    # contacted within a pause the user set, gone, or on prepayment: not eligible either
    recent = pd.Series({"RISK": 3.0})
    pause = _settings(tmp_path, "[plan]\nmin_days_between = 14\n")
    assert not action_values(t, pd.Series(dtype=object), alert, recent,
                             pause).loc["RISK", "eligible"]  # fmt: skip
    assert action_values(t, pd.Series(dtype=object), alert, recent,
                         Settings.load()).loc["RISK", "eligible"]  # fmt: skip
    gone = _table(dormant=[False, True, False], credit_advice=["keep", "keep", "prepayment"])
    v = action_values(gone, pd.Series(dtype=object), alert, pd.Series(dtype=float),
                      Settings.load())  # fmt: skip
    assert v["eligible"].tolist() == [False, False, False]


def test_risk_and_response_raise_the_value(tmp_path: Path) -> None:
    t = _table()
    alert, none, recent = t["status"] != "healthy", pd.Series(dtype=object), pd.Series(dtype=float)
    v = action_values(t, none, alert, recent, Settings.load())
    # by default only the measured response wins value: no assumed rescue of the risk
    assert v.loc["RISK", "value_visit"] == v.loc["HEALTHY", "value_visit"] == 0.0
    assert v.loc["GROWS", "value_visit"] > 0.0
    assert (v["cost_visit"] == action_hours("visit", None, Settings.load()) * 95.0).all()
    # with an effect of attention on the risk of leaving (from a hold-out), risk weighs in
    conf = _settings(tmp_path, "[plan.effect]\nvisit = 0.05\n")
    w = action_values(t, none, alert, recent, conf)
    assert w.loc["RISK", "value_visit"] > w.loc["HEALTHY", "value_visit"] > 0.0


def test_the_hold_out_is_random_and_recorded(world_db: Path, snapshot: Snapshot,
                                             tmp_path: Path) -> None:  # fmt: skip
    conf = _settings(
        tmp_path,
        "[plan]\nholdout_share = 0.3\nhours_per_week = 40.0\n[plan.effect]\nvisit = 0.1\n",
    )
    with Store.open(world_db) as store:
        a = plan_week(store, WEEK, conf, snapshot=snapshot, seed=1)
        b = plan_week(store, WEEK, conf, snapshot=snapshot, seed=2)
        plan_id = save_plan(store, a, conf)
        saved = store.con.execute(
            "SELECT account_id, held_out FROM plan_accounts WHERE plan_id = ?", [plan_id]
        ).df()
        seed = store.con.execute("SELECT seed FROM plans WHERE plan_id = ?", [plan_id]).fetchall()
        store.con.execute("DELETE FROM plan_accounts; DELETE FROM plan_actions; DELETE FROM plans")
    held_a = set(a.eligible.index[a.eligible["held_out"]])
    held_b = set(b.eligible.index[b.eligible["held_out"]])
    with Store.open(world_db) as store:
        shares = [
            plan_week(store, WEEK, conf, snapshot=snapshot, seed=k).eligible["held_out"].mean()
            for k in range(3, 23)
        ]
    assert 0.25 < float(np.mean(shares)) < 0.35  # a 30 % hold-out, unbiased over draws
    assert held_a != held_b  # another draw, other accounts
    assert not held_a & set(a.actions["account_id"])  # held out: no action
    assert set(saved.loc[saved["held_out"], "account_id"]) == held_a
    assert seed == [("1",)]


def test_purposes_in_dutch_and_english() -> None:
    silent = Reason("order_silence", "order_silence", 1.0, 3.0, {"days": 74, "gap": 21})
    p = purpose_for([silent], 0.0)
    assert p.text("en") == (
        "silent for 74 days where it normally orders every 21: ask what changed and who decides now"
    )
    assert p.text("nl").startswith("al 74 dagen stil, terwijl deze klant normaal elke 21")
    promises = Reason("promises", "promises", 1.0, 3.0, {"broken": 2, "due": 3})
    assert "serviceleider" in purpose_for([promises], 0.0).text("nl")
    grows = purpose_for([], 0.4)
    assert grows.text("en").startswith("orders 40% more")
    odd = purpose_for([Reason("engagement", "engagement_x", 1.0, 2.0, {})], 0.0)
    assert odd.code == "other"


def test_done_and_not_done_on_hand_made_data(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    folder.mkdir()
    (folder / "accounts.csv").write_text(
        "account_id,name,kind,owner\nA,Alpha,customer,AB\nB,Beta,customer,AB\n"
        "C,Gamma,customer,AB\n",
        encoding="utf-8",
    )
    (folder / "orders.csv").write_text(
        "order_id,account_id,ordered_on,amount\nO1,A,2025-01-06,100\nO2,B,2025-03-20,50\n",
        encoding="utf-8",
    )
    # A visited in the plan's week (done); B called instead of visited (not done);
    # C e-mailed 5 days after the week (done, within done_within_days)
    (folder / "interactions.csv").write_text(
        "interaction_id,account_id,occurred_on,channel,direction\n"
        "I1,A,2025-01-08 10:00,visit,outbound\nI2,B,2025-01-07 10:00,call,outbound\n"
        "I3,C,2025-01-17 10:00,email,outbound\nI4,A,2025-03-28 10:00,call,outbound\n",
        encoding="utf-8",
    )
    with Store.open(tmp_path / "s.duckdb") as store:
        store.import_dir(folder)
        from goodwill.plan.purpose import Purpose
        from goodwill.plan.week import Plan

        purpose = Purpose("growth", {"pct": 10})
        actions = pd.DataFrame(
            {"owner": ["AB"] * 3, "account_id": ["A", "B", "C"], "name": ["a", "b", "c"],
             "action": ["visit", "visit", "email"], "hours": [2.5, 2.5, 0.1],
             "expected_value": [10.0] * 3, "cost": [1.0] * 3, "net": [9.0] * 3,
             "purpose": [purpose] * 3}
        )  # fmt: skip
        eligible = pd.DataFrame(
            {"owner": ["AB"] * 3, "held_out": [False] * 3, "planned": [True] * 3,
             "best_net": [9.0] * 3},
            index=pd.Index(["A", "B", "C"]),
        )  # fmt: skip
        plan = Plan("2025-W02", dt.date(2025, 1, 5), actions, pd.DataFrame(), eligible,
                    {"AB": 8.0}, 27.0, 27.0, 3, 0.0)  # fmt: skip
        save_plan(store, plan, Settings.load())
        result = review(store, 12, Settings.load())
        again = saved_actions(store, "2025-W02")
    done = result.actions.set_index("account_id")["done"]
    assert done.to_dict() == {"A": True, "B": False, "C": True}
    assert result.weeks.loc[0, "planned"] == 3 and result.weeks.loc[0, "done"] == 2
    assert result.owners.loc["AB", "done_share"] == pytest.approx(2 / 3)
    assert result.effect is None  # nothing held out
    assert again["purpose"].iloc[0].text("en").startswith("orders 10% more")


def test_welch_interval_on_known_numbers() -> None:
    a, b = np.array([1.0, 2.0, 3.0, 4.0]), np.array([0.0, 1.0, 2.0])
    diff, low, high = welch(a, b)
    assert diff == pytest.approx(1.5)
    # se = sqrt(1.6667/4 + 1/3) = 0.866; df ≈ 4.87; t ≈ 2.59
    assert (high - low) / 2 == pytest.approx(0.866 * 2.59, rel=0.02)


def test_calendar_and_digest(world_db: Path, snapshot: Snapshot) -> None:
    with Store.open(world_db) as store:
        plan = plan_week(store, WEEK, Settings.load(), snapshot=snapshot, seed=1)
    owner = str(plan.actions["owner"].iloc[0])
    text = ics(plan, owner, "nl")
    assert text.startswith("BEGIN:VCALENDAR\r\n") and text.endswith("END:VCALENDAR\r\n")
    n = int((plan.actions["owner"] == owner).sum())
    assert text.count("BEGIN:VEVENT") == n
    assert all(len(line.encode()) <= 75 for line in text.split("\r\n"))
    assert "DTSTART:20250630T090000" in text  # Monday of the week, 9:00
    mail = digest(plan, owner, "nl")
    assert mail.startswith(f"Je week {plan.week}")
    html = digest(plan, owner, "en", as_html=True)
    assert html.startswith("<h2>Your week") and html.count("<li>") >= n


def test_weeks() -> None:
    assert week_start("2026-W48") == dt.date(2026, 11, 23)
    assert week_name(dt.date(2026, 11, 29)) == "2026-W48"
    with pytest.raises(GoodwillError, match="is not a week like"):
        week_start("2026-48")
    with pytest.raises(GoodwillError, match="is not a week like"):
        week_start("2026-W60")


def test_plan_and_review_commands(world_db: Path, tmp_path: Path) -> None:
    db = tmp_path / "p.duckdb"
    db.write_bytes(world_db.read_bytes())
    env = {"COLUMNS": "200", "PATH": "", "GOODWILL_LANG": "en", **_own_source()}
    (tmp_path / "goodwill.toml").write_text("[plan]\nholdout_share = 0.2\n", encoding="utf-8")
    out = subprocess.run(
        [sys.executable, "-m", "goodwill", "plan", "--db", str(db), "--week", "2025-W15",
         "--out", str(tmp_path / "plan.csv"), "--calendar", str(tmp_path / "cal"),
         "--digest", str(tmp_path / "mail"), "--html"],
        capture_output=True, text=True, env=env, timeout=300,
    )  # fmt: skip
    assert out.returncode == 0, out.stderr
    assert "Plan for 2025-W15" in out.stdout and "Where time does not pay" in out.stdout
    frame = pd.read_csv(tmp_path / "plan.csv")
    assert list(frame.columns) == ["owner", "account_id", "name", "action", "hours",
                                   "expected_value", "cost", "net", "purpose"]  # fmt: skip
    assert (frame["purpose"].str.len() > 10).all()
    assert list((tmp_path / "cal").glob("*.ics")) and list((tmp_path / "mail").glob("*.html"))
    rev = subprocess.run(
        [sys.executable, "-m", "goodwill", "--lang", "nl", "plan-review", "--db", str(db)],
        capture_output=True, text=True, env=env, timeout=300,
    )  # fmt: skip
    assert rev.returncode == 0, rev.stderr
    assert "2025-W15" in rev.stdout and "Effect van het plan" in rev.stdout
    bad = subprocess.run(
        [sys.executable, "-m", "goodwill", "plan", "--db", str(db), "--week", "next"],
        capture_output=True, text=True, env=env, timeout=300,
    )  # fmt: skip
    assert bad.returncode == 2 and "is not a week like 2026-W48" in bad.stderr
