"""The week's plan for a report: the plan saved for that week (``goodwill plan``) when
there is one, else a plan computed for the report with :func:`goodwill.plan.plan_week`
and not saved — said so on the page, as its hold-out is then not recorded for review."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field

import pandas as pd

from goodwill.plan import plan_week, week_name, week_start
from goodwill.plan.saved import saved_actions
from goodwill.plan.stop import stop_list
from goodwill.plan.week import facts_date
from goodwill.progress import ProgressCallback
from goodwill.report.saved import NotScoredError, load_saved
from goodwill.score import score
from goodwill.settings import Settings
from goodwill.store import Store

__all__ = ["WeekPlan", "default_week", "week_plan"]


@dataclass(frozen=True)
class WeekPlan:
    """What a report shows of one week's plan."""

    week: str
    #: the date of the facts the plan rests on
    as_of: dt.date
    #: True: the plan saved for the week; False: computed for the report, not saved
    saved: bool
    #: owner, account_id, name, action, hours, expected_value, cost, net, purpose (Purpose)
    actions: pd.DataFrame
    #: goodwill.plan.stop.stop_list, without the accounts planned this week
    stop: pd.DataFrame
    #: hours per account manager
    capacity: dict[str, float]
    notes: list[str] = field(default_factory=list)


def default_week(as_of: dt.date) -> str:
    """The week a report plans by default: the week of the day after its facts."""
    return week_name(as_of + dt.timedelta(days=1))


def _saved(store: Store, week: str) -> WeekPlan | None:
    row = store.con.execute(
        "SELECT as_of, capacity, settings FROM plans WHERE week = ? ORDER BY plan_id DESC",
        [week],
    ).fetchone()
    if row is None:
        return None
    as_of, capacity, settings_json = row
    settings = Settings(json.loads(settings_json), f"plan of {week}")
    actions = saved_actions(store, week)
    names = store.con.execute("SELECT account_id, name FROM accounts").df()
    name_of = dict(zip(names["account_id"].tolist(), names["name"].tolist(), strict=True))
    actions.insert(2, "name", [name_of.get(a, a) for a in actions["account_id"].tolist()])
    actions = actions.drop(columns="plan_id")
    notes: list[str] = []
    try:
        snapshot = load_saved(store, as_of)
    except NotScoredError:
        snapshot = None
    if snapshot is None or snapshot.as_of != as_of:
        # the snapshot the plan rests on is gone: no stop list rather than another's
        stop = pd.DataFrame(columns=["owner", "name", "why", "margin_12m", "attention_12m",
                                     "cost_to_serve_12m", "suggestion"])  # fmt: skip
        notes.append("stop_list_missing")
    else:
        stop = stop_list(snapshot.table, settings)
    stop = stop[~stop.index.isin(actions["account_id"].tolist())]
    hours = {str(k): float(v) for k, v in json.loads(capacity).items()}
    return WeekPlan(week, as_of, True, actions, stop, hours, notes)


def week_plan(
    store: Store,
    week: str,
    settings: Settings | None = None,
    *,
    progress: ProgressCallback | None = None,
) -> WeekPlan:
    """The plan of ``week`` (``2026-W48``): saved, or computed and not saved. A computed
    plan draws its hold-out with a seed from the week, so the same store gives the same
    report."""
    monday = week_start(week)
    found = _saved(store, week_name(monday))
    if found is not None:
        return found
    settings = settings or Settings.for_store(store.path)
    as_of, ends_early = facts_date(store, monday)
    snapshot = score(store, as_of, settings=settings, save=False, progress=progress)
    year, number, _ = monday.isocalendar()
    plan = plan_week(store, week, settings, snapshot=snapshot, seed=year * 100 + number)
    notes = ["not_saved"] + (["ends_early"] if ends_early else [])
    return WeekPlan(plan.week, plan.as_of, False, plan.actions, plan.stop, plan.capacity, notes)
