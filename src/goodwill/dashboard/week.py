"""Weekly plans as the dashboard shows them: the weeks planned, a saved plan read back
as a :class:`~goodwill.plan.Plan` (for its tables and calendar files), and the week to
show by default."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import replace

import pandas as pd

from goodwill.plan import Plan, week_name
from goodwill.plan.review import Review
from goodwill.plan.saved import saved_actions
from goodwill.plan.stop import stop_list
from goodwill.settings import Settings
from goodwill.store import Store


def planned_weeks(store: Store) -> list[str]:
    """The weeks with a saved plan, newest first."""
    return [r[0] for r in store.con.execute("SELECT week FROM plans ORDER BY week DESC").fetchall()]


def default_week(store: Store) -> str:
    """The newest saved plan's week, else the week after the data's last order day."""
    weeks = planned_weeks(store)
    if weeks:
        return weeks[0]
    row = store.con.execute("SELECT CAST(max(ordered_on) AS DATE) FROM orders").fetchone()
    last = row[0] if row and row[0] else dt.date.today()
    return week_name(last + dt.timedelta(days=7 - last.weekday()))


def _snapshot_table(store: Store, as_of: dt.date, settings: Settings) -> pd.DataFrame:
    """The columns the stop list reads, from the snapshot saved as of ``as_of``."""
    frame = store.con.execute(
        """SELECT s.account_id, a.owner, a.name, s.margin_12m, s.cost_to_serve_12m,
                  s.responsiveness,
                  TRY_CAST(json_extract(s.profile, '$.attention_12m') AS DOUBLE)
                      AS attention_12m,
                  coalesce(TRY_CAST(json_extract(s.signals, '$.days_since_order') AS DOUBLE),
                           0) > $silence AS dormant
           FROM health_snapshots s JOIN accounts a USING (account_id)
           WHERE s.as_of = $as_of""",
        {"as_of": as_of, "silence": float(settings["health"]["churn_silence_days"])},
    ).df()
    return frame.set_index("account_id")


def load_plan(store: Store, week: str, settings: Settings) -> Plan | None:
    """The saved plan of ``week`` (None when the week was not planned), with its stop
    list computed again from the snapshot it was made from."""
    row = store.con.execute(
        "SELECT plan_id, week, as_of, seed, holdout_share, objective, bound, capacity "
        "FROM plans WHERE week = ?",
        [week],
    ).fetchone()
    if row is None:
        return None
    plan_id, week, as_of, seed, share, objective, bound, capacity = row
    actions = saved_actions(store, week)
    names = store.con.execute(
        "SELECT account_id, name FROM accounts WHERE account_id IN "
        "(SELECT account_id FROM plan_actions WHERE plan_id = ?)",
        [plan_id],
    ).df()
    actions = actions.drop(columns="plan_id").merge(names, on="account_id", how="left")
    actions = actions[
        [
            "owner",
            "account_id",
            "name",
            "action",
            "hours",
            "expected_value",
            "cost",
            "net",
            "purpose",
        ]
    ]
    eligible = (
        store.con.execute(
            "SELECT account_id, owner, held_out, planned, best_net FROM plan_accounts "
            "WHERE plan_id = ?",
            [plan_id],
        )
        .df()
        .set_index("account_id")
    )
    table = _snapshot_table(store, as_of, settings)
    stop = (
        stop_list(table, settings)
        if len(table)
        else pd.DataFrame(
            columns=[
                "owner",
                "name",
                "why",
                "margin_12m",
                "attention_12m",
                "cost_to_serve_12m",
                "suggestion",
            ]
        )
    )
    stop = stop[~stop.index.isin(actions["account_id"].tolist())]
    return Plan(
        week=str(week),
        as_of=as_of,
        actions=actions.sort_values(["owner", "net"], ascending=[True, False], ignore_index=True),
        stop=stop,
        eligible=eligible,
        capacity={str(k): float(v) for k, v in json.loads(capacity or "{}").items()},
        objective=float(objective or 0.0),
        bound=float(bound or 0.0),
        seed=int(seed) if str(seed).isdigit() else 0,
        holdout_share=float(share or 0.0),
    )


def scoped_plan(plan: Plan, scope: str | None) -> Plan:
    """The plan as the account manager ``scope`` sees it: their actions, their part of
    the stop list, their eligible accounts and their capacity (``None``: all of it)."""
    if scope is None:
        return plan
    return replace(
        plan,
        actions=plan.actions[plan.actions["owner"] == scope].reset_index(drop=True),
        stop=plan.stop[plan.stop["owner"] == scope],
        eligible=plan.eligible[plan.eligible["owner"] == scope],
        capacity={k: v for k, v in plan.capacity.items() if k == scope},
        objective=float(plan.actions.loc[plan.actions["owner"] == scope, "net"].sum()),
    )


def scoped_review(store: Store, reviewed: Review, scope: str | None) -> Review:
    """The review of past plans as the account manager ``scope`` sees it: their actions,
    and per week how many they had planned, done and held out. The plan's measured
    effect compares every account and is left out."""
    if scope is None:
        return reviewed
    actions = reviewed.actions[reviewed.actions["owner"] == scope]
    held = dict(
        store.con.execute(
            "SELECT p.week, count(*) FILTER (WHERE a.held_out) FROM plans p "
            "JOIN plan_accounts a USING (plan_id) WHERE a.owner = ? GROUP BY 1",
            [scope],
        ).fetchall()
    )
    weeks = reviewed.weeks.copy()
    if len(weeks):
        planned = actions.groupby("week").size()
        done = (
            actions.assign(done=actions["done"].astype(float).fillna(0.0))
            .groupby("week")["done"]
            .sum()
        )
        weeks["planned"] = [int(planned.get(w, 0)) for w in weeks["week"]]
        weeks["done"] = [
            None if pd.isna(d) else int(done.get(w, 0))
            for w, d in zip(weeks["week"], weeks["done"], strict=True)
        ]
        weeks["held_out"] = [int(held.get(w, 0)) for w in weeks["week"]]
    return replace(
        reviewed,
        weeks=weeks,
        actions=actions,
        owners=reviewed.owners[reviewed.owners.index == scope],
        effect=None,
    )


def plan_summaries(store: Store, scope: str | None = None) -> pd.DataFrame:
    """Every saved plan, newest week first: week, as_of, created_at and actions (how many
    of its actions are on accounts ``scope`` owns; all when None)."""
    return store.con.execute(
        """WITH mine AS (
               SELECT pa.plan_id, pa.account_id
               FROM plan_actions pa JOIN accounts a USING (account_id)
               WHERE CAST($scope AS VARCHAR) IS NULL OR a.owner = $scope)
           SELECT p.week, p.as_of, p.created_at, count(m.account_id) AS actions
           FROM plans p LEFT JOIN mine m USING (plan_id)
           GROUP BY p.week, p.as_of, p.created_at ORDER BY p.week DESC""",
        {"scope": scope},
    ).df()
