"""Look-alike potential: what an account could bring us a year, estimated from the
established customers that look like it.

*Established customers* are customer accounts whose first order day is at least a year
(``VALUE_WINDOW_DAYS``) before the as-of date and that ordered in the year up to it; each
one's *yearly value* is its margin over the 365 days up to the as-of date (the recorded
margin, or ``value.default_margin_rate`` × amount where an order has none: the order days'
one definition, test orders left out).

An account's *look-alikes* are the established customers of the same segment, size band
(by employees: 1-9, 10-49, 50-249, 250+) and region. When fewer than
``qualify.min_lookalikes`` of them exist (or the account's region, size or segment is not
known), the estimate backs off to segment and size, then to segment, then to all
established customers. The estimate is the look-alikes' median yearly value, the spread
their 25th to 75th percentile.
"""

from __future__ import annotations

import datetime as dt
from typing import Final

import duckdb
import numpy as np
import pandas as pd

from goodwill.signals.facts import _decimal
from goodwill.store.order_days import ORDER_DAYS_TABLE, ensure_order_days

VALUE_WINDOW_DAYS: Final = 365
#: lower bounds of the size bands by employees, and their labels
SIZE_EDGES: Final = (1, 10, 50, 250)
SIZE_LABELS: Final = ("1-9", "10-49", "50-249", "250+")
#: the groupings tried in turn, finest first: name -> the columns that must match
GROUPINGS: Final[dict[str, tuple[str, ...]]] = {
    "segment_size_region": ("segment", "size_band", "region"),
    "segment_size": ("segment", "size_band"),
    "segment": ("segment",),
    "all": (),
}
#: the columns of :func:`lookalike_potential`'s result
COLUMNS: Final = ("potential", "potential_low", "potential_high", "lookalikes", "grouping")


def size_band(employees: pd.Series) -> pd.Series:
    """The size band of each count of employees (missing, or below 1: missing)."""
    emp = pd.to_numeric(employees, errors="coerce").astype(float)
    bins = [*SIZE_EDGES, np.inf]
    bands = pd.cut(emp, bins=bins, right=False, labels=list(SIZE_LABELS))
    return bands.astype(object).where(bands.notna(), None)


def match_key(values: pd.Series) -> pd.Series:
    """Text matched without regard to case or surrounding spaces; empty is missing."""
    text = values.astype(object).where(values.notna(), None)
    out = text.map(lambda v: str(v).strip().casefold() if v is not None else None)
    return out.where(out != "", None)


def customer_values(
    con: duckdb.DuckDBPyConnection, as_of: dt.date, default_margin_rate: float
) -> pd.DataFrame:
    """The established customers as of ``as_of`` (index ``account_id``) with ``segment``,
    ``region``, ``employees`` and ``value`` (their margin over the last 365 days)."""
    ensure_order_days(con)
    frame = con.execute(
        f"""
        WITH od AS (
            SELECT account_id, min(d) AS first_day,
                   sum(margin_recorded) FILTER (WHERE d > $a - {VALUE_WINDOW_DAYS})
                       + $rate * sum(amount_without_margin)
                           FILTER (WHERE d > $a - {VALUE_WINDOW_DAYS}) AS value,
                   count(*) FILTER (WHERE d > $a - {VALUE_WINDOW_DAYS}) AS days_recent
            FROM {ORDER_DAYS_TABLE} WHERE d <= $a GROUP BY 1
        )
        SELECT a.account_id, a.segment, a.region, a.employees, CAST(od.value AS DOUBLE) AS value
        FROM accounts a JOIN od ON od.account_id = a.account_id
        WHERE a.kind = 'customer' AND od.first_day <= $a - {VALUE_WINDOW_DAYS}
          AND od.days_recent > 0
        ORDER BY a.account_id
        """,
        {"a": as_of, "rate": _decimal(default_margin_rate)},
    ).df()
    return frame.set_index("account_id")


def _groups(frame: pd.DataFrame) -> pd.DataFrame:
    """The matching keys of accounts: ``segment``, ``size_band``, ``region``."""
    return pd.DataFrame(
        {
            "segment": match_key(frame["segment"]),
            "size_band": size_band(frame["employees"]),
            "region": match_key(frame["region"]),
        },
        index=frame.index,
    )


def lookalike_potential(
    accounts: pd.DataFrame,
    customers: pd.DataFrame,
    min_lookalikes: int = 5,
    groupings: tuple[str, ...] = tuple(GROUPINGS),
) -> pd.DataFrame:
    """Per account in ``accounts`` (index ``account_id``; ``segment``, ``region``,
    ``employees``), the estimate from the look-alikes among ``customers`` (as
    :func:`customer_values` gives them): ``potential`` (median yearly value),
    ``potential_low`` and ``potential_high`` (25th and 75th percentile), ``lookalikes``
    (how many) and ``grouping`` (the one used: a key of :data:`GROUPINGS`, or ``none``
    when there are no established customers at all). ``groupings`` are the keys of
    :data:`GROUPINGS` tried in turn (the last should be ``all``).

    The accounts estimated are prospects and new customers, so none is among the
    established customers it is compared with."""
    targets = _groups(accounts)
    out = pd.DataFrame(index=accounts.index)
    out["potential"] = np.nan
    out["potential_low"] = np.nan
    out["potential_high"] = np.nan
    out["lookalikes"] = 0
    out["grouping"] = "none"
    if customers.empty or accounts.empty:
        return out
    ref = _groups(customers)
    ref["value"] = customers["value"].astype(float)
    ref["_all"] = 0
    targets["_all"] = 0
    pending = pd.Series(True, index=accounts.index)
    for name in groupings:
        keys = GROUPINGS[name]
        cols = list(keys) or ["_all"]
        todo = targets[pending & targets[cols].notna().all(axis=1)]
        if todo.empty:
            continue
        grouped = ref.dropna(subset=cols).groupby(cols, observed=True)["value"]
        stats = grouped.quantile(np.array([0.25, 0.5, 0.75])).unstack()
        stats.columns = ["low", "median", "high"]
        stats["n"] = grouped.count()
        matched = todo[cols].join(stats, on=cols)
        least = min_lookalikes if keys else 1
        hit = matched.index[(matched["n"].fillna(0) >= least).to_numpy()]
        out.loc[hit, "potential"] = matched.loc[hit, "median"]
        out.loc[hit, "potential_low"] = matched.loc[hit, "low"]
        out.loc[hit, "potential_high"] = matched.loc[hit, "high"]
        out.loc[hit, "lookalikes"] = matched.loc[hit, "n"].astype(int)
        out.loc[hit, "grouping"] = name
        pending.loc[hit] = False
    out["lookalikes"] = out["lookalikes"].astype(int)
    return out
