"""Weekly panels for the responsiveness estimate: per customer account and week, its
order days and our attention (dose-weighted outbound contacts), as of a date.

Weeks are counted back from the as-of date: week ``W - 1`` is the seven days ending on
it, week 0 starts ``7 * W - 1`` days before it. Only facts dated on or before the as-of
date are read.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import duckdb
import numpy as np
import pandas as pd

from goodwill.errors import GoodwillError
from goodwill.signals.facts import _rates_sql
from goodwill.store.order_days import ORDER_DAYS_TABLE, ensure_order_days


@dataclass(frozen=True)
class Panel:
    """Per account (rows, in ``accounts.index`` order) and week (columns)."""

    #: customer accounts created by the as-of date: ``segment``, ``first_week`` (first
    #: week the account is observed), ``last_week`` (last week observed, inclusive)
    accounts: pd.DataFrame
    #: order days per week
    orders: np.ndarray
    #: dose-weighted outbound contacts per week (visit = 1)
    dose: np.ndarray
    #: outbound contacts per week and channel, summed over the panel: channel -> counts
    contacts: dict[str, np.ndarray]
    #: our contacts (any dosed channel) in the last 365 days
    contacts_12m: np.ndarray

    @property
    def weeks(self) -> int:
        return int(self.orders.shape[1])

    def observed(self) -> np.ndarray:
        """Boolean mask of the weeks each account is observed."""
        w = np.arange(self.weeks)[None, :]
        first = self.accounts["first_week"].to_numpy()[:, None]
        last = self.accounts["last_week"].to_numpy()[:, None]
        return (w >= first) & (w <= last)


def _grid(frame: pd.DataFrame, index: pd.Index, weeks: int, value: str) -> np.ndarray:
    out = np.zeros((len(index), weeks))
    if len(frame):
        rows = index.get_indexer(pd.Index(frame["account_id"]))
        keep = rows >= 0
        np.add.at(
            out,
            (rows[keep], frame["week"].to_numpy()[keep].astype(int)),
            frame[value].to_numpy(dtype=float)[keep],
        )
    return out


def attention_panel(
    con: duckdb.DuckDBPyConnection, as_of: dt.date, settings: dict[str, object]
) -> Panel:
    """The weekly panel of every customer account as of ``as_of`` (``settings`` is the
    ``[responsiveness]`` table)."""
    weeks = int(float(settings["history_weeks"]))  # type: ignore[arg-type]
    if weeks < 8:
        raise GoodwillError(
            "responsiveness.history_weeks must be at least 8 (it is {weeks})", weeks=weeks
        )
    dormant = int(float(settings["dormant_after_days"]))  # type: ignore[arg-type]
    dose_weights = dict(settings["dose"])  # type: ignore[call-overload]
    start = as_of - dt.timedelta(days=7 * weeks - 1)
    params = {"a": as_of, "s": start}
    week = "CAST(FLOOR(date_diff('day', $s, CAST({col} AS DATE)) / 7) AS INTEGER)"
    ensure_order_days(con)
    accounts = con.execute(
        f"""
        SELECT a.account_id, coalesce(a.segment, '') AS segment,
               CAST(a.created_on AS DATE) AS created_on,
               min(o.d) AS first_order, max(o.d) AS last_order
        FROM accounts a
        LEFT JOIN {ORDER_DAYS_TABLE} o ON o.account_id = a.account_id AND o.d <= $a
        WHERE a.kind = 'customer' AND (a.created_on IS NULL OR CAST(a.created_on AS DATE) <= $a)
        GROUP BY ALL ORDER BY a.account_id
        """,
        {"a": as_of},
    ).df()
    accounts = accounts.set_index("account_id")
    index = accounts.index
    orders = con.execute(
        f"""
        SELECT account_id, {week.format(col="d")} AS week, count(*) AS n
        FROM {ORDER_DAYS_TABLE}
        WHERE d BETWEEN $s AND $a
        GROUP BY ALL
        """,
        params,
    ).df()
    dose_sql = _rates_sql(dose_weights, "channel", 0.0)
    channels = ", ".join(f"'{c}'" for c in sorted(dose_weights))
    contacts = con.execute(
        f"""
        SELECT account_id, channel, {week.format(col="occurred_on")} AS week,
               count(*) AS n, sum({dose_sql}) AS dose
        FROM interactions
        WHERE CAST(occurred_on AS DATE) BETWEEN $s AND $a
          AND direction = 'outbound' AND channel IN ({channels})
        GROUP BY ALL
        """,
        params,
    ).df()
    order_grid = _grid(orders, index, weeks, "n")
    dose_grid = _grid(contacts, index, weeks, "dose")
    per_channel = {
        ch: _grid(contacts[contacts["channel"] == ch], index, weeks, "n").sum(axis=1)
        for ch in sorted(dose_weights)
    }
    recent = weeks - 52
    contacts_12m = _grid(contacts[contacts["week"] >= recent], index, weeks, "n").sum(axis=1)

    def week_of(day: pd.Series) -> np.ndarray:
        days = (pd.to_datetime(day) - pd.Timestamp(start)).dt.days
        return np.floor(days.to_numpy(dtype=float) / 7)

    first = np.nanmax(
        np.vstack(
            [
                np.zeros(len(index)),
                np.nan_to_num(week_of(accounts["created_on"]), nan=0.0),
                np.nan_to_num(week_of(accounts["first_order"]), nan=float(weeks)),
            ]
        ),
        axis=0,
    )
    silent = (pd.Timestamp(as_of) - pd.to_datetime(accounts["last_order"])).dt.days
    last = np.where(
        silent.to_numpy(dtype=float, na_value=np.nan) > dormant,
        np.nan_to_num(week_of(accounts["last_order"]), nan=-1.0),
        weeks - 1,
    )
    frame = pd.DataFrame(
        {"segment": accounts["segment"], "first_week": first.astype(int)}, index=index
    )
    frame["last_week"] = last.astype(int)
    return Panel(frame, order_grid, dose_grid, per_channel, contacts_12m)
