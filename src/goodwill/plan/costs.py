"""What an action costs: hours (the action's own plus travel for a visit, by region) and
money (hours × the channel's hourly rate). One cost model for the plan and for the
policies it is compared with."""

from __future__ import annotations

import pandas as pd

from goodwill.errors import GoodwillError
from goodwill.settings import Settings

ACTIONS = ("visit", "call", "email", "event_invitation")
#: the channel whose hourly rate (``[value.hourly_rate]``) an action's time costs
RATE_CHANNEL = {"visit": "visit", "call": "call", "email": "email", "event_invitation": "email"}


def action_hours(action: str, region: str | None, settings: Settings) -> float:
    """Hours one ``action`` takes for an account in ``region`` (travel for visits)."""
    plan = settings["plan"]
    if action not in ACTIONS:
        raise GoodwillError(
            "unknown action '{action}'; choose one of {known}",
            action=action,
            known=", ".join(ACTIONS),
        )
    hours = float(plan["hours"][action])
    if action == "visit":
        travel = dict(plan["travel_hours"])
        hours += float(travel.get(region or "", plan["travel_hours_default"]))
    return hours


def hours_table(regions: pd.Series, settings: Settings) -> pd.DataFrame:
    """Hours per account (rows, index of ``regions``) and action (columns)."""
    plan = settings["plan"]
    travel = {str(k): float(v) for k, v in dict(plan["travel_hours"]).items()}
    default = float(plan["travel_hours_default"])
    trip = regions.fillna("").astype(str).map(lambda r: travel.get(r, default)).to_numpy(float)
    out = pd.DataFrame(index=regions.index)
    for action in ACTIONS:
        out[action] = float(plan["hours"][action]) + (trip if action == "visit" else 0.0)
    return out


def hourly_rates(settings: Settings) -> dict[str, float]:
    """Cost of an hour of each action, from ``[value.hourly_rate]``."""
    rates = dict(settings["value"]["hourly_rate"])
    return {a: float(rates.get(RATE_CHANNEL[a], 0.0)) for a in ACTIONS}


def capacity(owners: pd.Series, settings: Settings) -> dict[str, float]:
    """Hours per account manager this week: ``[plan.capacity]`` or ``hours_per_week``."""
    plan = settings["plan"]
    own = {str(k): float(v) for k, v in dict(plan["capacity"]).items()}
    default = float(plan["hours_per_week"])
    return {str(o): own.get(str(o), default) for o in pd.unique(owners.dropna().astype(str))}


def capacity_hours(owner: str, settings: Settings) -> float:
    """Hours per week one account manager has for planned actions."""
    plan = settings["plan"]
    own = {str(k): float(v) for k, v in dict(plan["capacity"]).items()}
    return own.get(owner, float(plan["hours_per_week"]))
