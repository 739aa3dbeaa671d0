"""The portfolio's seasonal pattern, so that a quiet August is not an alarm every year.

From the customers' order days per calendar month over the last three years, each month
gets an index (1 = an average month): a month with half the usual order days per day has
index 0.5. An account's expected activity over a stretch of days is its own rate times
the sum of the daily indices over those days. Months with little history are shrunk
towards 1.
"""

from __future__ import annotations

import calendar
import datetime as dt

import numpy as np
import pandas as pd
from numpy.typing import NDArray

#: pseudo-observations (order days per day) that pull a thin month's index towards 1
_SHRINK_DAYS = 30.0


def month_index(monthly: pd.DataFrame, as_of: dt.date, years: int = 3) -> NDArray[np.float64]:
    """Index per calendar month (12 values, January first) from ``monthly`` (columns
    ``y``, ``m``, ``n``: order days in that month), over the ``years`` before ``as_of``."""
    start = as_of - dt.timedelta(days=round(365.25 * years))
    exposure = np.zeros(12)
    day = start + dt.timedelta(days=1)
    while day <= as_of:  # days observed per calendar month
        _, length = calendar.monthrange(day.year, day.month)
        last = min(dt.date(day.year, day.month, length), as_of)
        exposure[day.month - 1] += (last - day).days + 1
        day = last + dt.timedelta(days=1)
    counts = np.zeros(12)
    for m, n in zip(monthly["m"], monthly["n"], strict=True):
        counts[int(m) - 1] += float(n)
    total_rate = counts.sum() / max(exposure.sum(), 1.0)
    if total_rate <= 0:
        return np.ones(12)
    rate = (counts + _SHRINK_DAYS * total_rate) / (exposure + _SHRINK_DAYS)
    return np.asarray(rate / total_rate, dtype=np.float64)


def seasonal_days(
    index: NDArray[np.float64], since: pd.Series, as_of: dt.date
) -> NDArray[np.float64]:
    """Per account: the sum of daily seasonal indices over the days after ``since`` up to
    and including ``as_of`` (0 where ``since`` is missing or not before ``as_of``)."""
    origin = dt.date(as_of.year - 40, 1, 1)
    n_days = (as_of - origin).days + 1
    months = pd.date_range(origin, periods=n_days, freq="D").month.to_numpy() - 1
    cumulative = np.concatenate([[0.0], np.cumsum(index[months])])
    start = pd.to_datetime(since)
    offsets = (start - pd.Timestamp(origin)).dt.days.to_numpy(dtype=float)
    valid = np.isfinite(offsets) & (offsets >= 0)
    pos = np.where(valid, offsets, n_days).astype(np.int64)
    pos = np.clip(pos + 1, 0, n_days)
    return np.where(valid, cumulative[n_days] - cumulative[pos], 0.0)
