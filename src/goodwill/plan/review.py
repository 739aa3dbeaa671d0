"""Did it happen, and did it help? Planned actions matched with the interactions
recorded afterwards (done / not done), each account's outcome, and — where the plan held
accounts out at random — the plan's effect on the outcome with a confidence interval.

* *Done*: an outbound interaction of the action's channel (a visit for a visit, a call
  for a call, an e-mail for an e-mail, an event or e-mail for an event invitation) with
  the account from the plan's Monday to ``[plan] done_within_days`` after its Sunday.
* *Outcome*: the account's revenue over ``[plan] outcome_weeks`` weeks from the plan's
  Monday (order days kept in the store, test orders excluded).
* *Effect*: over the weeks whose outcome window has passed, the mean outcome of the
  eligible accounts the plan kept (planned or not) minus that of the eligible accounts
  it held out — an intention-to-treat comparison the random hold-out makes fair — with a
  95 % Welch interval.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from goodwill.plan.week import week_start
from goodwill.settings import Settings
from goodwill.store import Store
from goodwill.store.order_days import ORDER_DAYS_TABLE, ensure_order_days

_DONE_SQL = """
SELECT a.plan_id, a.account_id, bool_or(i.interaction_id IS NOT NULL) AS done
FROM plan_actions a JOIN plans p USING (plan_id)
LEFT JOIN interactions i ON i.account_id = a.account_id AND i.direction = 'outbound'
    AND CAST(i.occurred_on AS DATE) BETWEEN $monday AND $until
    AND (i.channel = a.action
         OR (a.action = 'event_invitation' AND i.channel IN ('event', 'email')))
WHERE a.plan_id = $plan
GROUP BY 1, 2
"""


@dataclass
class Effect:
    """The plan's effect on the outcome: kept minus held out, with a 95 % interval."""

    kept: int
    held_out: int
    difference: float
    low: float
    high: float


@dataclass
class Review:
    """Planned actions over the reviewed weeks and what came of them."""

    #: per plan: week, planned, done (None while the week is not over), held_out
    weeks: pd.DataFrame
    #: per planned action: week, owner, account_id, action, done, outcome
    actions: pd.DataFrame
    #: per account manager: planned, done, done share
    owners: pd.DataFrame
    #: the hold-out comparison (None without held-out accounts whose outcome is known)
    effect: Effect | None
    data_end: dt.date


def _outcome(store: Store, accounts: list[str], start: dt.date, weeks: int) -> pd.Series:
    ensure_order_days(store.con)
    frame = store.con.execute(
        f"""
        SELECT account_id, sum(amount) AS revenue FROM {ORDER_DAYS_TABLE}
        WHERE account_id IN (SELECT unnest($ids)) AND d >= $s AND d < $s + $days
        GROUP BY 1
        """,
        {"ids": accounts, "s": start, "days": 7 * weeks},
    ).df()
    out = frame.set_index("account_id")["revenue"].astype(float)
    return out.reindex(accounts).fillna(0.0)


def welch(a: np.ndarray, b: np.ndarray, level: float = 0.95) -> tuple[float, float, float]:
    """Mean of ``a`` minus mean of ``b`` with a Welch ``level`` interval."""
    diff = float(a.mean() - b.mean())
    va, vb = a.var(ddof=1) / a.size, b.var(ddof=1) / b.size
    se = float(np.sqrt(va + vb))
    if se == 0:
        return diff, diff, diff
    df = (va + vb) ** 2 / (va**2 / (a.size - 1) + vb**2 / (b.size - 1))
    t = float(stats.t.ppf(0.5 + level / 2, df))
    return diff, diff - t * se, diff + t * se


def review(store: Store, weeks: int = 12, settings: Settings | None = None) -> Review:
    """Review the plans of the last ``weeks`` weeks saved in ``store``."""
    settings = settings or Settings.for_store(store.path)
    grace = int(float(settings["plan"]["done_within_days"]))
    span = int(float(settings["plan"]["outcome_weeks"]))
    _, data_end = store.order_span()
    last_interaction = store.con.execute(
        "SELECT max(CAST(occurred_on AS DATE)) FROM interactions"
    ).fetchall()[0][0]
    seen = max(d for d in (data_end, last_interaction) if d is not None)
    plans = store.con.execute(
        "SELECT plan_id, week FROM plans ORDER BY week DESC LIMIT ?", [weeks]
    ).df()
    week_rows, action_rows, kept, held = [], [], [], []
    for plan_id, week in plans.itertuples(index=False):
        monday = week_start(week)
        until = monday + dt.timedelta(days=6 + grace)
        actions = store.con.execute(
            "SELECT owner, account_id, action FROM plan_actions WHERE plan_id = ?", [plan_id]
        ).df()
        over = seen >= until
        done = (
            store.con.execute(_DONE_SQL, {"plan": int(plan_id), "monday": monday, "until": until})
            .df()
            .set_index("account_id")["done"]
        )
        actions["done"] = done.reindex(actions["account_id"]).to_numpy() if over else None
        complete = seen >= monday + dt.timedelta(days=7 * span)
        accounts = store.con.execute(
            "SELECT account_id, held_out FROM plan_accounts WHERE plan_id = ?", [plan_id]
        ).df()
        if complete and len(accounts):
            outcome = _outcome(store, accounts["account_id"].tolist(), monday, span)
            accounts["outcome"] = outcome.to_numpy()
            kept.append(accounts.loc[~accounts["held_out"], "outcome"].to_numpy(float))
            held.append(accounts.loc[accounts["held_out"], "outcome"].to_numpy(float))
            actions["outcome"] = outcome.reindex(actions["account_id"]).to_numpy()
        else:
            actions["outcome"] = np.nan
        actions["week"] = week
        action_rows.append(actions)
        week_rows.append(
            {
                "week": week,
                "planned": len(actions),
                "done": int(actions["done"].sum()) if over else None,
                "held_out": int(accounts["held_out"].sum()),
            }
        )
    acts = pd.concat(action_rows, ignore_index=True) if action_rows else pd.DataFrame(
        columns=["owner", "account_id", "action", "done", "outcome", "week"]
    )  # fmt: skip
    known = acts[acts["done"].notna()]
    owners = known.groupby("owner").agg(planned=("action", "size"),
                                        done=("done", "sum"))  # fmt: skip
    owners["done_share"] = owners["done"] / owners["planned"]
    effect = None
    if kept and held:
        a, b = np.concatenate(kept), np.concatenate(held)
        if a.size >= 2 and b.size >= 2:
            diff, low, high = welch(a, b)
            effect = Effect(int(a.size), int(b.size), diff, low, high)
    return Review(pd.DataFrame(week_rows), acts, owners, effect, seen)
