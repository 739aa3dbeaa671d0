"""Look-alike potential: what an account could bring us a year, estimated from the
established customers that look like it.

*Established customers* are customer accounts whose first order day is at least a year
(``VALUE_WINDOW_DAYS``) before the as-of date and that ordered in the year up to it; each
one's *yearly value* is its margin over the 365 days up to the as-of date (the recorded
margin, or ``value.default_margin_rate`` × amount where an order has none: the order days'
one definition, test orders left out), and its ``order_days`` the days it ordered on then.

An account's *look-alikes* are the established customers of the same segment, size band
(by employees: 1-9, 10-49, 50-249, 250+) and region. When fewer than
``qualify.min_lookalikes`` of them exist (or the account's region, size or segment is not
known), the estimate backs off to segment and size, then to segment, then to all
established customers.

Within a size band, and more so across bands, a customer's value grows with its size.
So each look-alike's value is scaled to the account's size: multiplied by
``(employees of the account / employees of the look-alike) ** b``, where ``b`` is the
*size elasticity* fitted on the established customers (:func:`size_elasticity`: the
slope of log value on log employees within segments; 0 with fewer than ``MIN_FIT`` of
them). A look-alike whose size is not known counts as of the customers' median size; an
account whose size is not known is compared unscaled. The estimate is the median of the
scaled values, the spread their 25th to 75th percentile.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Final

import duckdb
import numpy as np
import pandas as pd
from pandas.core.groupby import SeriesGroupBy

from goodwill.signals.facts import _decimal
from goodwill.store.order_days import ORDER_DAYS_TABLE, ensure_order_days

VALUE_WINDOW_DAYS: Final = 365
#: the fewest established customers (with a size and a positive value) to fit the size
#: elasticity on
MIN_FIT: Final = 30
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
    ``region``, ``employees``, ``value`` (their margin over the last 365 days) and
    ``order_days`` (the days they ordered on then)."""
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
        SELECT a.account_id, a.segment, a.region, a.employees, CAST(od.value AS DOUBLE) AS value,
               CAST(od.days_recent AS DOUBLE) AS order_days
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


def log_size(employees: pd.Series) -> pd.Series:
    """log(employees); missing where not known or below 1."""
    emp = pd.to_numeric(employees, errors="coerce").astype(float)
    return pd.Series(np.log(emp.where(emp >= 1)), index=employees.index)


def size_elasticity(customers: pd.DataFrame, column: str = "value", least: int = MIN_FIT) -> float:
    """How ``column`` grows with size: the least-squares slope of its log on
    log(employees) within segments, over the customers with both known and a positive
    ``column``; 0 with fewer than ``least`` of them or no spread in size."""
    values = customers[column].astype(float)
    frame = pd.DataFrame(
        {
            "y": np.log(values.where(values > 0)),
            "x": log_size(customers["employees"]),
            "segment": match_key(customers["segment"]).fillna(""),
        }
    ).dropna(subset=["x", "y"])
    if len(frame) < least:
        return 0.0
    centred = frame[["x", "y"]] - frame.groupby("segment")[["x", "y"]].transform("mean")
    spread = float((centred["x"] ** 2).sum())
    if spread <= 1e-9:
        return 0.0
    return float((centred["x"] * centred["y"]).sum() / spread)


def _quartiles(grouped: SeriesGroupBy[float, Any]) -> pd.DataFrame:
    """The 25th, 50th and 75th percentile per group, as ``low``, ``median``, ``high``."""
    stats = pd.DataFrame(grouped.quantile(np.array([0.25, 0.5, 0.75])).unstack())
    stats.columns = pd.Index(["low", "median", "high"])
    return stats


def lookalike_potential(
    accounts: pd.DataFrame,
    customers: pd.DataFrame,
    min_lookalikes: int = 5,
    groupings: tuple[str, ...] = tuple(GROUPINGS),
    column: str = "value",
    elasticity: float | None = None,
) -> pd.DataFrame:
    """Per account in ``accounts`` (index ``account_id``; ``segment``, ``region``,
    ``employees``), the estimate from the look-alikes among ``customers`` (as
    :func:`customer_values` gives them): ``potential`` (median yearly value, each
    look-alike's scaled to the account's size), ``potential_low`` and ``potential_high``
    (25th and 75th percentile), ``lookalikes`` (how many) and ``grouping`` (the one used:
    a key of :data:`GROUPINGS`, or ``none`` when there are no established customers at
    all). ``groupings`` are the keys of :data:`GROUPINGS` tried in turn (the last should
    be ``all``); ``column`` is the customers' column estimated (e.g. ``order_days``);
    ``elasticity`` the size elasticity (default: :func:`size_elasticity` of ``column``;
    0 compares unscaled).

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
    b = size_elasticity(customers, column) if elasticity is None else float(elasticity)
    ref_size = log_size(customers["employees"])
    centre = float(ref_size.median()) if ref_size.notna().any() else 0.0
    ref = _groups(customers)
    ref["value"] = customers[column].astype(float)
    # the value at the median size: a look-alike scaled to an account's size is this
    # times the account's own factor
    ref["scaled"] = ref["value"] * np.exp(-b * (ref_size.fillna(centre) - centre))
    factor = np.exp(b * (log_size(accounts["employees"]) - centre))
    ref["_all"] = 0
    targets["_all"] = 0
    pending = pd.Series(True, index=accounts.index)
    for name in groupings:
        keys = GROUPINGS[name]
        cols = list(keys) or ["_all"]
        todo = targets[pending & targets[cols].notna().all(axis=1)]
        if todo.empty:
            continue
        grouped = ref.dropna(subset=cols).groupby(cols, observed=True)
        raw = _quartiles(grouped["value"]).add_suffix("_raw")
        stats = _quartiles(grouped["scaled"]).join(raw)
        stats["n"] = grouped["value"].count()
        matched = todo[cols].join(stats, on=cols)
        least = min_lookalikes if keys else 1
        hit = matched.index[(matched["n"].fillna(0) >= least).to_numpy()]
        known = factor.reindex(hit).notna()
        for q, col in (("median", "potential"), ("low", "potential_low"),
                       ("high", "potential_high")):  # fmt: skip
            scaled = matched.loc[hit, q] * factor.reindex(hit)
            out.loc[hit, col] = scaled.where(known, matched.loc[hit, f"{q}_raw"])
        out.loc[hit, "lookalikes"] = matched.loc[hit, "n"].astype(int)
        out.loc[hit, "grouping"] = name
        pending.loc[hit] = False
    out["lookalikes"] = out["lookalikes"].astype(int)
    return out
