"""The hours an action takes: one cost model for goodwill's planner and the policies it is
compared with (``[plan]`` in the settings)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from goodwill.settings import Settings

ACTIONS = ("visit", "call", "email", "event_invitation")


def action_hours(action: str, region: str | None, settings: Settings) -> float:
    """Hours of our time for ``action`` at an account in ``region``.

    ``[plan.hours]`` gives the action's own hours; a visit adds the travel hours of the
    region (``[plan.travel_hours]``, ``default`` for a region not listed or unknown).
    """
    plan = settings["plan"]
    hours: Mapping[str, Any] = plan["hours"]
    if action not in hours:
        raise ValueError(f"unknown action {action!r}; choose one of: {', '.join(hours)}")
    own = float(hours[action])
    if action != "visit":
        return own
    travel: Mapping[str, Any] = plan["travel_hours"]
    return own + float(travel.get(region or "", travel["default"]))


def capacity_hours(owner: str, settings: Settings) -> float:
    """Hours per week an account manager has for planned actions."""
    plan = settings["plan"]
    capacity: Mapping[str, Any] = plan["capacity"]
    return float(capacity.get(owner, plan["hours_per_week"]))
