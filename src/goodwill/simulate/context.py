"""What one weekly step shares between its parts: the week, the active accounts, the
health changes collected so far, and small helpers for drawing days and categories."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from goodwill.simulate.config import SimConfig
from goodwill.simulate.log import EventLog
from goodwill.simulate.population import Population
from goodwill.simulate.state import WorldState
from goodwill.simulate.streams import Draws, LineDraws, WeekStreams, poisson_counts

FloatArr = NDArray[np.float64]
IntArr = NDArray[np.int64]
BoolArr = NDArray[np.bool_]

DAY_SECONDS = 86_400
#: weights of Monday..Sunday for business events
WEEKDAY_WEIGHTS = np.array([0.2, 0.21, 0.21, 0.2, 0.16, 0.015, 0.005])
WEEKDAY_CUM = np.cumsum(WEEKDAY_WEIGHTS / WEEKDAY_WEIGHTS.sum())
BIG_DAY = np.iinfo(np.int64).max // 4


@dataclass
class StepContext:
    """The shared view of one week while it is being generated."""

    cfg: SimConfig
    pop: Population
    st: WorldState
    log: EventLog
    rng: np.random.Generator
    week: int
    start_day: int
    day0: int  # first day (a Monday) of this week
    act: BoolArr  # active this week (started, not churned before the week)
    stop_day: IntArr  # first day on which an account no longer acts (churn), else BIG_DAY
    delta: FloatArr  # health changes to apply at the end of the week
    quiet_mult: FloatArr  # how audible each account is (1 = normal, <1 = quiet)
    order_lift: FloatArr  # order-rate lift our attention this week adds from next week
    streams: WeekStreams  # where each part of the week draws from (see streams.py)
    lines: LineDraws | None = None  # draws keyed by order line (a branch's order lines)

    @property
    def draws(self) -> Draws:
        """What the helpers below draw from: the keyed lines while set, else the stream."""
        return self.lines if self.lines is not None else self.rng

    def use(self, purpose: str) -> np.random.Generator:
        """Draw from ``purpose``'s stream from now on (the one shared stream unless the
        world is a branch); returns it."""
        self.rng = self.streams(purpose)
        self.lines = None
        return self.rng

    def narrow(self, index: IntArr | BoolArr) -> None:
        """Keep the keyed draws of the lines ``index`` selects (nothing in a whole world)."""
        if self.lines is not None:
            self.lines = self.lines.take(index)

    def poisson(self, rate: FloatArr) -> IntArr:
        """One Poisson count per rate from the current stream (by inversion in a branch)."""
        return poisson_counts(self.rng, rate, self.streams.crn)

    def weekdays(self, n: int) -> IntArr:
        """``n`` business-weighted days within this week."""
        off = np.searchsorted(WEEKDAY_CUM, self.draws.random(n), side="right")
        return self.day0 + np.minimum(off, 6).astype(np.int64)

    def seconds(self, days: IntArr, first_hour: float = 7.5, last_hour: float = 17.5) -> IntArr:
        """Timestamps (seconds) at office hours on the given days, rounded to the minute."""
        minute = self.draws.uniform(first_hour * 60, last_hour * 60, len(days)).astype(np.int64)
        return days * DAY_SECONDS + minute * 60

    def week_of(self, days: IntArr) -> IntArr:
        """The step index of each day."""
        return (days - self.start_day) // 7

    def pick(self, cum: FloatArr, rows: IntArr) -> IntArr:
        """Draw a category per row from per-account cumulative probabilities ``cum[rows]``."""
        u = self.draws.random(len(rows))
        hits: IntArr = (u[:, None] > cum[rows]).sum(axis=1).astype(np.int64)
        return hits

    def pick_fixed(self, weights: FloatArr | list[float], n: int) -> IntArr:
        """Draw ``n`` categories from one fixed weight vector."""
        cum = np.cumsum(np.asarray(weights, dtype=np.float64))
        cum /= cum[-1]
        return np.minimum(np.searchsorted(cum, self.draws.random(n), side="right"), len(cum) - 1)

    def contact_of(self, accounts: IntArr) -> IntArr:
        """A random current contact of each account (``-1`` if it has none)."""
        slots = self.st.slots[accounts]
        count = (slots >= 0).sum(axis=1)
        k = np.floor(self.draws.random(len(accounts)) * np.maximum(count, 1)).astype(np.int64)
        chosen = slots[np.arange(len(accounts)), k]
        return np.where(count > 0, chosen, -1)

    def shock(self, accounts: IntArr, amount: FloatArr | float, days: IntArr | None = None) -> None:
        """Lower (or raise) health: now, or in the week of ``days`` if that is later."""
        values = np.broadcast_to(np.asarray(amount, dtype=np.float64), accounts.shape).copy()
        if days is None:
            np.add.at(self.delta, accounts, values)
            return
        weeks = self.week_of(days)
        now = weeks <= self.week
        np.add.at(self.delta, accounts[now], values[now])
        later = ~now
        if later.any():
            for w in np.unique(weeks[later]).tolist():
                sel = later & (weeks == w)
                self.st.schedule(int(w), "shock", accounts[sel], values[sel], days[sel])


def workday(days: IntArr) -> IntArr:
    """Each day, moved from a Saturday or Sunday to the following Monday."""
    weekday = (days + 3) % 7  # 1970-01-01 was a Thursday; Monday = 0
    return days + np.where(weekday == 5, 2, np.where(weekday == 6, 1, 0))


def office_time(ts: IntArr) -> IntArr:
    """Each timestamp, moved forward into office hours (08:00-18:00 on a workday).

    A reply written "after hours" is sent the next working morning, so response times
    measured in hours include nights and weekends, as they do in real ticket systems.
    """
    day = ts // DAY_SECONDS
    sec = ts % DAY_SECONDS
    late = sec >= 18 * 3600
    early = sec < 8 * 3600
    day = np.where(late, day + 1, day)
    # keep the minutes past the hour so moved replies do not all land on 08:00:00
    sec = np.where(late | early, 8 * 3600 + sec % 3600, sec)
    moved = workday(day)
    sec = np.where(moved != day, 8 * 3600 + sec % 3600, sec)
    return moved * DAY_SECONDS + sec


def season_factor(cfg: SimConfig, day: int) -> tuple[float, float]:
    """Demand multiplier for the week containing ``day``: (general, construction).

    Dutch summer holidays (ISO weeks 30-34) and the Christmas break (week 52 and 1)
    lower demand; the weeks before Christmas raise it. Construction (the "bouwvak")
    dips deeper in summer.
    """
    iso_week = np.datetime64(int(day), "D").astype(object).isocalendar()[1]
    general, bouw = 1.0, 1.0
    if 30 <= iso_week <= 34:
        general = 1.0 - cfg.summer_dip
        bouw = 1.0 - min(0.9, cfg.summer_dip * 1.5)
    elif iso_week in (52, 53, 1):
        general = bouw = 1.0 - cfg.year_end_dip
    elif 48 <= iso_week <= 51:
        general = bouw = 1.0 + cfg.year_end_peak
    return general, bouw


def first_of_month(day0: int) -> int | None:
    """The day number of a month's first day within the week starting ``day0``, if any."""
    days = np.arange(day0, day0 + 7, dtype=np.int64)
    firsts = days.astype("datetime64[D]").astype("datetime64[M]").astype("datetime64[D]")
    hit = days[firsts.astype(np.int64) == days]
    return int(hit[0]) if hit.size else None


def iso_week(day: int) -> int:
    """ISO week number of a day number."""
    return int(np.datetime64(int(day), "D").astype(object).isocalendar()[1])


def month_index(days: IntArr) -> IntArr:
    """Months since 1970-01 of each day number."""
    return days.astype("datetime64[D]").astype("datetime64[M]").astype(np.int64)
