"""Plans kept in the store: planning a week again replaces its plan; every eligible
account is recorded with whether it was held out or planned, so the plan's effect can
be measured later (goodwill.plan.review)."""

from __future__ import annotations

import json

import pandas as pd

from goodwill.plan.purpose import Purpose
from goodwill.plan.week import Plan
from goodwill.settings import Settings
from goodwill.store import Store


def save_plan(store: Store, plan: Plan, settings: Settings) -> int:
    """Write ``plan`` (replacing any plan of its week) and return its id."""
    from goodwill import __version__

    con = store.con
    actions = plan.actions.assign(
        purpose=[json.dumps(p.to_dict()) for p in plan.actions["purpose"]]
    )
    eligible = plan.eligible.reset_index(names="account_id")
    con.execute("BEGIN TRANSACTION")
    try:
        old = [r[0] for r in con.execute("SELECT plan_id FROM plans WHERE week = ?",
                                         [plan.week]).fetchall()]  # fmt: skip
        for table in ("plan_actions", "plan_accounts", "plans"):
            con.execute(f"DELETE FROM {table} WHERE plan_id IN (SELECT unnest(?))", [old])
        plan_id = int(
            con.execute("SELECT coalesce(max(plan_id), 0) + 1 FROM plans").fetchall()[0][0]
        )
        con.execute(
            "INSERT INTO plans VALUES (?, ?, ?, now(), ?, ?, ?, ?, ?, ?, ?)",
            [plan_id, plan.week, plan.as_of, str(plan.seed), plan.holdout_share,
             plan.objective, plan.bound, json.dumps(plan.capacity), settings.to_json(),
             __version__],
        )  # fmt: skip
        con.register("plan_rows", actions.assign(plan_id=plan_id))
        con.execute(
            "INSERT INTO plan_actions SELECT plan_id, owner, account_id, action, hours,"
            " expected_value, cost, net, purpose FROM plan_rows"
        )
        con.unregister("plan_rows")
        con.register("plan_rows", eligible.assign(plan_id=plan_id))
        con.execute(
            "INSERT INTO plan_accounts SELECT plan_id, account_id, owner, held_out, planned,"
            " best_net FROM plan_rows"
        )
        con.unregister("plan_rows")
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    return plan_id


def saved_actions(store: Store, week: str) -> pd.DataFrame:
    """The planned actions of ``week`` as saved (purpose as a :class:`Purpose`)."""
    frame = store.con.execute(
        "SELECT a.* FROM plan_actions a JOIN plans p USING (plan_id) WHERE p.week = ? "
        "ORDER BY owner, net DESC",
        [week],
    ).df()
    frame["purpose"] = pd.Series(
        [Purpose(**json.loads(p)) for p in frame["purpose"]], index=frame.index, dtype=object
    )
    return frame
