"""The net value of a stretch of a simulated world: the margin of customer orders minus
the cost of the time our actions took (``V`` of issue 9, docs/plan-evaluation.md)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

from goodwill.settings import Settings
from goodwill.simulate import World
from goodwill.simulate.context import DAY_SECONDS
from goodwill.simulate.moments import CHANNELS, EVENT, OUTBOUND, VISIT
from goodwill.simulate.population import SUPPLIER, day_number

#: The channels of our own actions (outbound); meetings, inbound contacts and complaint
#: calls happen whatever we plan and are left out.
ACTION_CHANNELS = tuple(range(VISIT, EVENT + 1))


@dataclass(frozen=True)
class NetValue:
    """Margin, the cost of our actions' time and money, and their hours, over a stretch."""

    margin: float
    time_cost: float
    minutes: float
    actions: int

    @property
    def value(self) -> float:
        """Net value: margin minus the cost of the time spent."""
        return self.margin - self.time_cost


def net_value(world: World, start: dt.date, settings: Settings) -> NetValue:
    """``V`` from ``start`` up to the world's last simulated day.

    Margin: every customer order line ordered in the stretch (returns count negative).
    Cost: each of our actions' recorded minutes / 60 × the hourly rate of its channel
    (``[value.hourly_rate]``) plus its recorded cost (mileage, event costs).
    """
    log, pop = world.log, world.population
    first = day_number(start) * DAY_SECONDS
    acc = log.column("orders", "account")
    ts = log.column("orders", "ordered_ts")
    keep = (ts >= first) & (pop.kind[acc] != SUPPLIER)
    margin = float(log.column("orders", "margin")[keep].sum())

    i_ts = log.column("interactions", "ts")
    channel = log.column("interactions", "channel")
    ours = (
        (i_ts >= first)
        & (log.column("interactions", "direction") == OUTBOUND)
        & np.isin(channel, ACTION_CHANNELS)
    )
    rates = settings["value"]["hourly_rate"]
    rate = np.array([float(rates.get(name, 0.0)) for name in CHANNELS])
    minutes = log.column("interactions", "minutes")[ours]
    cost = minutes / 60.0 * rate[channel[ours]] + log.column("interactions", "cost")[ours]
    return NetValue(margin, float(cost.sum()), float(minutes.sum()), int(ours.sum()))
