"""The weekly plan: which accounts get which action this week, within each account
manager's hours, buyer's tests first and then the most expected value net of the cost of
the time (growth potential counted as value to win) — with a purpose for each action,
the accounts where time does not pay, and an optional random hold-out (docs/plan.md)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from goodwill.errors import GoodwillError
from goodwill.plan.costs import ACTIONS, capacity
from goodwill.plan.exposure import recent_doses
from goodwill.plan.opportunity import (
    BUYER_TEST,
    IN_PERSON,
    opportunities,
    opportunity_purpose,
)
from goodwill.plan.optimize import choose
from goodwill.plan.purpose import Purpose, purpose_for
from goodwill.plan.stop import stop_list
from goodwill.plan.value import action_values, column
from goodwill.qualify import StrategyProfile
from goodwill.score import Snapshot, score
from goodwill.settings import Settings
from goodwill.store import Store

_WEEK = re.compile(r"^(\d{4})-?W(\d{1,2})$")


def week_start(week: str) -> dt.date:
    """The Monday of an ISO week such as ``2026-W48``."""
    m = _WEEK.match(week.strip().upper())
    if not m:
        raise GoodwillError("'{week}' is not a week like 2026-W48", week=week)
    try:
        return dt.date.fromisocalendar(int(m.group(1)), int(m.group(2)), 1)
    except ValueError as exc:
        raise GoodwillError("'{week}' is not a week like 2026-W48", week=week) from exc


def week_name(day: dt.date) -> str:
    """``2026-W48`` for a day in that ISO week."""
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


@dataclass
class Plan:
    """One week's plan."""

    week: str
    #: the snapshot's date (the day before the week, or the data's last day)
    as_of: dt.date
    #: one row per planned action: owner, account_id, name, action, hours, expected_value
    #: (value protected or won), cost, net, purpose (a Purpose)
    actions: pd.DataFrame
    #: where not to spend time (goodwill.plan.stop.stop_list)
    stop: pd.DataFrame
    #: per eligible account: owner, held_out, planned, best_net
    eligible: pd.DataFrame
    #: hours per account manager, and the hours planned
    capacity: dict[str, float]
    #: total net value planned and the solver's bound on the best possible
    objective: float
    bound: float
    seed: int
    holdout_share: float
    notes: list[str] = field(default_factory=list)

    def purposes(self, lang: str = "en") -> list[str]:
        return [p.text(lang) for p in self.actions["purpose"]]  # type: ignore[arg-type]


def _context(store: Store, as_of: dt.date) -> tuple[pd.Series, pd.Series]:
    regions = (
        store.con.execute("SELECT account_id, region FROM accounts WHERE kind = 'customer'")
        .df()
        .set_index("account_id")["region"]
    )
    last = (
        store.con.execute(
            """
        SELECT account_id, date_diff('day', max(CAST(occurred_on AS DATE)), $a) AS days
        FROM interactions
        WHERE direction = 'outbound' AND channel IN ('visit', 'call', 'email')
          AND CAST(occurred_on AS DATE) <= $a
        GROUP BY 1
        """,
            {"a": as_of},
        )
        .df()
        .set_index("account_id")["days"]
    )
    return regions, last


def facts_date(store: Store, monday: dt.date) -> tuple[dt.date, bool]:
    """The date a plan for the week of ``monday`` is scored as of: the day before it, or
    the last order day when the data end earlier — and whether they end more than a week
    before it (worth telling the user)."""
    eve = monday - dt.timedelta(days=1)
    as_of = min(eve, store.order_span()[1])
    return as_of, (eve - as_of).days > 7


def _event_ahead(monday: dt.date, settings: Settings) -> bool:
    """Is one of ``[plan] event_weeks`` within the four weeks from ``monday``?"""
    for week in settings["plan"]["event_weeks"]:
        days = (week_start(str(week)) - monday).days
        if 0 <= days <= 28:
            return True
    return False


def _purpose(
    account: str,
    effect: float,
    from_stake: float,
    value: float,
    snapshot: Snapshot,
    opps: pd.DataFrame,
) -> Purpose:
    """The purpose of acting on ``account``: its buyer's test, or its growth when that
    carries most of the action's value, else its most pressing reason."""
    if account in opps.index:
        row: pd.Series = opps.loc[account]  # type: ignore[assignment]  # (the index is unique)
        if row["kind"] == BUYER_TEST or from_stake >= 0.5 * value:
            return opportunity_purpose(row)
    return purpose_for(snapshot.reasons.get(account, []), effect)


def plan_week(
    store: Store,
    week: str,
    settings: Settings | None = None,
    *,
    snapshot: Snapshot | None = None,
    seed: int | None = None,
    profile: StrategyProfile | None = None,
) -> Plan:
    """Plan ``week`` (``2026-W48``) from ``snapshot`` (default: score the store as of the
    day before the week, or its last order day if the data ends earlier, and save it).
    ``profile``: the strategy buyer's tests are qualified against (default: everything
    fits)."""
    settings = settings or Settings.for_store(store.path)
    monday = week_start(week)
    notes: list[str] = []
    if snapshot is None:
        as_of, ends_early = facts_date(store, monday)
        if ends_early:
            notes.append(f"the data ends on {as_of}: the plan rests on the facts up to then")
        snapshot = score(store, as_of, settings=settings)
    table = snapshot.table
    regions, last_contact = _context(store, snapshot.as_of)
    alert = table["status"].isin(["at_risk", "watch"])
    if "credit_advice" in table:
        alert |= table["credit_advice"] == "tighten"
    if "service_neglected" in table:
        alert |= table["service_neglected"].fillna(False).astype(bool)
    response = settings["responsiveness"]
    doses = recent_doses(
        store.con,
        snapshot.as_of,
        int(float(response["window_weeks"])),
        {str(k): float(v) for k, v in dict(response["dose"]).items()},
    )
    opps = opportunities(store.con, snapshot.as_of, settings, profile)
    values = action_values(table, regions, alert, last_contact, settings, doses, opps["stake"])
    if not _event_ahead(monday, settings):
        values["net_event_invitation"] = -np.inf  # no event to invite to
    is_test = (opps["kind"] == BUYER_TEST).astype(bool)
    first = is_test.reindex(table.index, fill_value=False).to_numpy(bool)  # before others
    for a in ACTIONS:
        if a not in IN_PERSON:  # ... and is met in person or by phone, not by a message
            values.loc[first, f"net_{a}"] = -np.inf
    net = values[[f"net_{a}" for a in ACTIONS]].to_numpy(float)
    hours = values[[f"hours_{a}" for a in ACTIONS]].to_numpy(float)
    best = net.max(axis=1)
    eligible = values["eligible"].to_numpy(bool) & (best > 0)

    # the hold-out: a random share of the eligible accounts, left out and recorded
    share = float(settings["plan"]["holdout_share"])
    if seed is None:
        seed = int(np.random.default_rng().integers(0, 2**62))
    rng = np.random.default_rng(seed)
    held = eligible & (rng.random(len(values)) < share)
    open_ = eligible & ~held

    owners = values["owner"].astype(str).to_numpy()
    hours_of = capacity(values.loc[open_, "owner"], settings)
    chosen = np.full(len(values), -1, dtype=np.int64)
    objective = bound = 0.0
    for owner, cap in sorted(hours_of.items()):
        rows = np.flatnonzero(open_ & (owners == owner))
        pick = choose(net[rows], hours[rows], cap, first[rows])
        chosen[rows] = pick.action
        objective += pick.objective
        bound += pick.bound
    at = np.flatnonzero(chosen >= 0)
    col = chosen[at]
    ids = table.index.to_numpy()[at]
    effects = column(table, "response_effect")[at]
    from_stake = values[[f"stake_{a}" for a in ACTIONS]].to_numpy(float)[at, col]
    worth = values[[f"value_{a}" for a in ACTIONS]].to_numpy(float)[at, col]
    purposes = [
        _purpose(str(a), float(e), float(s), float(v), snapshot, opps)
        for a, e, s, v in zip(ids.tolist(), effects.tolist(), from_stake.tolist(),
                              worth.tolist(), strict=True)
    ]  # fmt: skip
    actions = pd.DataFrame(
        {
            "owner": owners[at],
            "account_id": ids,
            "name": table["name"].to_numpy()[at],
            "action": np.asarray(ACTIONS, dtype=object)[col],
            "hours": hours[at, col],
            "expected_value": values[[f"value_{a}" for a in ACTIONS]].to_numpy(float)[at, col],
            "cost": values[[f"cost_{a}" for a in ACTIONS]].to_numpy(float)[at, col],
            "net": net[at, col],
            "purpose": pd.Series(purposes, dtype=object).to_numpy(),
        }
    ).sort_values(["owner", "net"], ascending=[True, False], ignore_index=True)
    elig = pd.DataFrame(
        {
            "owner": owners[eligible],
            "held_out": held[eligible],
            "planned": chosen[eligible] >= 0,
            "best_net": best[eligible],
        },
        index=table.index[eligible],
    )
    planned = set(actions["account_id"].tolist())
    stop = stop_list(table, settings)
    stop = stop[~stop.index.isin(list(planned))]
    return Plan(
        week=week_name(monday),
        as_of=snapshot.as_of,
        actions=actions,
        stop=stop,
        eligible=elig,
        capacity=hours_of,
        objective=objective,
        bound=bound,
        seed=seed,
        holdout_share=share,
        notes=notes,
    )
