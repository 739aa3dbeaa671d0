"""Qualification: which prospects and new accounts to pursue, which to serve efficiently
and which to decline politely, each with its reasons.

The accounts qualified, as of a date, are the prospects and the *new* customers (first
order day at most ``qualify.new_account_days`` before it). For each:

- **fit** with the strategy profile: segment, country, region and size (employees), each
  met or not (a value not known does not meet a criterion the profile sets);
- **potential**: the estimate of its yearly value: the look-alikes' (scaled to its size,
  :mod:`goodwill.qualify.lookalike`), weighed with its own first orders for a new
  customer (:mod:`goodwill.qualify.firstorders`); *high* when at least the profile's
  ``min_yearly_value_eur``;
- **effort** points: an address in a region outside the target regions (1); from an
  account without high potential, a small first order (1) and asking
  ``qualify.quotes_many`` quotes or more in the last 12 months while accepting fewer
  than ``qualify.quotes_won_share`` of them (2); *high* from
  ``qualify.effort_high_points``. An account with high potential is worth a small
  first order and many quotes: bigger customers ask more quotes.

A first order is *small* below the ``qualify.small_first_order_percentile`` of all
customers' first order days (test orders left out). A new account with a small first
order whose look-alikes' estimate is at least the profile's minimum *and* the median
established customer's value is flagged ``buyer_test``: a buyer testing how a new
customer is served (judged on the look-alikes, as the small order itself is the test).

Advice:

- ``pursue``: fits and high potential, and the effort is not high — or a buyer's test
  from an account that fits (it deserves full attention whatever the effort);
- ``decline_politely``: potential not high, and it does not fit or the effort is high;
- ``serve_efficiently``: every other account.

With ``new_accounts_per_quarter`` in the profile, at most that many are advised to pursue
(buyer's tests first, then by potential); the others are served efficiently.

Reasons are ranked: what decided the advice first.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Final, Literal

import duckdb
import numpy as np
import pandas as pd

from goodwill.qualify.firstorders import first_order_potential
from goodwill.qualify.lookalike import GROUPINGS, customer_values, lookalike_potential
from goodwill.qualify.profile import StrategyProfile
from goodwill.settings import Settings
from goodwill.signals.reasons import Reason
from goodwill.store.order_days import ORDER_DAYS_TABLE, ensure_order_days

Advice = Literal["pursue", "serve_efficiently", "decline_politely"]
ADVICE: Final[tuple[Advice, ...]] = ("pursue", "serve_efficiently", "decline_politely")
#: the fit criteria, in the order they are reported
CRITERIA: Final = ("segment", "country", "region", "size")
QUOTE_WINDOW_DAYS: Final = 365


@dataclass(frozen=True)
class Qualification:
    """The qualified accounts (index ``account_id``) and each one's ranked reasons."""

    table: pd.DataFrame
    reasons: dict[str, list[Reason]] = field(default_factory=dict)
    #: a first order below this amount is small
    small_first_order: float = float("nan")
    #: a potential of at least this makes a small first order a buyer's test
    buyer_test_potential: float = float("nan")


def candidates(con: duckdb.DuckDBPyConnection, as_of: dt.date, new_days: int) -> pd.DataFrame:
    """The prospects and new customers as of ``as_of`` with what qualifying them reads."""
    ensure_order_days(con)
    frame = con.execute(
        f"""
        WITH od AS (
            SELECT account_id, min(d) AS first_order,
                   CAST(arg_min(amount, d) AS DOUBLE) AS first_order_amount
            FROM {ORDER_DAYS_TABLE} WHERE d <= $a GROUP BY 1
        ),
        q AS (
            SELECT account_id, count(*) AS quotes_12m,
                   count(*) FILTER (WHERE status = 'won' AND decided_on IS NOT NULL
                       AND CAST(decided_on AS DATE) <= $a) AS quotes_won_12m
            FROM quotes
            WHERE CAST(issued_on AS DATE) <= $a
              AND CAST(issued_on AS DATE) > $a - {QUOTE_WINDOW_DAYS}
            GROUP BY 1
        )
        SELECT a.account_id, a.name, a.kind, a.owner, a.segment, a.country, a.region,
               CAST(a.employees AS DOUBLE) AS employees, od.first_order,
               od.first_order_amount,
               coalesce(q.quotes_12m, 0) AS quotes_12m,
               coalesce(q.quotes_won_12m, 0) AS quotes_won_12m
        FROM accounts a LEFT JOIN od ON od.account_id = a.account_id
        LEFT JOIN q ON q.account_id = a.account_id
        WHERE (a.created_on IS NULL OR CAST(a.created_on AS DATE) <= $a)
          AND (a.kind = 'prospect'
               OR (a.kind = 'customer' AND od.first_order > $a - {int(new_days)}))
        ORDER BY a.account_id
        """,
        {"a": as_of},
    ).df()
    frame["first_order"] = pd.to_datetime(frame["first_order"]).dt.date
    return frame.set_index("account_id")


def first_order_threshold(con: duckdb.DuckDBPyConnection, as_of: dt.date, pct: float) -> float:
    """The ``pct``-th percentile of customers' first order days' amounts up to ``as_of``."""
    row = con.execute(
        f"""
        SELECT quantile_cont(first_amount, $p) FROM (
            SELECT CAST(arg_min(o.amount, o.d) AS DOUBLE) AS first_amount
            FROM {ORDER_DAYS_TABLE} o JOIN accounts a ON a.account_id = o.account_id
            WHERE a.kind = 'customer' AND o.d <= $a GROUP BY o.account_id
        )
        """,
        {"a": as_of, "p": pct / 100.0},
    ).fetchone()
    return float(row[0]) if row and row[0] is not None else float("nan")


def _fit(frame: pd.DataFrame, profile: StrategyProfile) -> pd.DataFrame:
    """Per criterion: ``True`` met, ``False`` not met, for each account."""

    def member(column: str, targets: frozenset[str]) -> pd.Series:
        if not targets:
            return pd.Series(True, index=frame.index)
        values = frame[column].map(lambda v: str(v).strip().casefold() if pd.notna(v) else None)
        return values.isin(targets)

    emp = frame["employees"].astype(float)
    size = pd.Series(True, index=frame.index)
    if profile.employees_min is not None:
        size &= emp >= profile.employees_min
    if profile.employees_max is not None:
        size &= emp <= profile.employees_max
    return pd.DataFrame(
        {
            "fit_segment": member("segment", profile.segments),
            "fit_country": member("country", profile.countries),
            "fit_region": member("region", profile.regions),
            "fit_size": size,
        },
        index=frame.index,
    )


def qualify(
    con: duckdb.DuckDBPyConnection,
    as_of: dt.date,
    settings: Settings,
    profile: StrategyProfile | None = None,
) -> Qualification:
    """Qualify the prospects and new customers as of ``as_of`` against ``profile``
    (default: everything fits)."""
    profile = profile or StrategyProfile()
    cfg = settings["qualify"]
    frame = candidates(con, as_of, int(cfg["new_account_days"]))
    rate = float(settings["value"]["default_margin_rate"])
    customers = customer_values(con, as_of, rate)
    pct = float(cfg["small_first_order_percentile"])
    small_below = first_order_threshold(con, as_of, pct)
    median_value = float(customers["value"].median()) if len(customers) else float("nan")
    buyer_test_potential = max(profile.min_yearly_value_eur, median_value)

    frame = frame.join(_fit(frame, profile))
    frame["fits"] = frame[[f"fit_{c}" for c in CRITERIA]].all(axis=1)
    least = int(cfg["min_lookalikes"])
    prior = lookalike_potential(frame, customers, least)
    estimate = first_order_potential(con, as_of, frame, customers, prior, rate, least)
    frame = frame.join(prior[["potential", "lookalikes", "grouping"]].rename(
        columns={"potential": "lookalike_value"}))  # fmt: skip
    frame = frame.join(estimate[["potential", "potential_low", "potential_high", "order_days"]])
    frame["potential_ok"] = frame["potential"] >= profile.min_yearly_value_eur

    is_new = frame["kind"].eq("customer") & frame["first_order"].notna()
    small = is_new & (frame["first_order_amount"] < small_below)
    frame["small_first_order"] = small
    quotes_many = (frame["quotes_12m"] >= int(cfg["quotes_many"])) & (
        frame["quotes_won_12m"] < float(cfg["quotes_won_share"]) * frame["quotes_12m"]
    )
    frame["quotes_many"] = quotes_many
    far = ~frame["fit_region"] & frame["region"].notna()
    # effort weighs against an account that brings too little for it: an account with
    # high potential is worth a small first order and many quotes
    low = ~frame["potential_ok"]
    frame["effort_points"] = (
        far.astype(int) + (small & low).astype(int) + 2 * (quotes_many & low).astype(int)
    )
    frame["effort_high"] = frame["effort_points"] >= float(cfg["effort_high_points"])
    frame["buyer_test"] = small & (frame["lookalike_value"] >= buyer_test_potential)

    pursue = (frame["fits"] & frame["potential_ok"] & ~frame["effort_high"]) | (
        frame["fits"] & frame["buyer_test"]
    )
    decline = ~frame["potential_ok"] & (~frame["fits"] | frame["effort_high"])
    advice = np.where(pursue, "pursue", np.where(decline, "decline_politely", "serve_efficiently"))
    frame["advice"] = advice
    frame["over_capacity"] = False
    capacity = profile.new_accounts_per_quarter
    if capacity is not None and int(pursue.sum()) > capacity:
        ranked = frame[pursue].sort_values(
            ["buyer_test", "potential"], ascending=[False, False], kind="stable"
        )
        over = ranked.index[capacity:]
        frame.loc[over, "advice"] = "serve_efficiently"
        frame.loc[over, "over_capacity"] = True

    records: list[dict[str, Any]] = frame.to_dict("records")  # type: ignore[assignment]
    reasons = {
        str(acc): _reasons(row, profile, pct, capacity, as_of)
        for acc, row in zip(frame.index, records, strict=True)
    }
    return Qualification(frame, reasons, small_below, buyer_test_potential)


def _reason(signal: str, code: str, weight: float, **params: Any) -> Reason:
    """A reason whose ``points`` is its weight in the advice (ranked by it)."""
    return Reason(signal, code, weight, 0.0, params)


def _reasons(
    row: dict[str, Any],
    profile: StrategyProfile,
    pct: float,
    capacity: int | None,
    as_of: dt.date,
) -> list[Reason]:
    """The reasons behind one account's advice, what decided it first."""
    advice = row["advice"]
    out: list[Reason] = []
    # what decided the advice weighs most: misfits and effort for a decline, potential
    # for pursuing, whatever held it back for serving efficiently
    against = 3.0 if advice != "pursue" else 1.0
    in_favour = 3.0 if advice == "pursue" else 1.0
    if row["over_capacity"]:
        out.append(_reason("capacity", "qualify_capacity", 5.0, capacity=capacity))
    if row["buyer_test"]:
        amount = round(float(row["first_order_amount"]))
        out.append(_reason("buyer_test", "qualify_buyer_test", 4.0, amount=amount, pct=pct))
    if row["fits"]:
        out.append(_reason("fit", "qualify_fits", in_favour - 0.5))
    else:
        for criterion in CRITERIA:
            if not row[f"fit_{criterion}"]:
                out.append(_misfit(criterion, row, profile, against + 0.5))
    potential = row["potential"]
    if potential != potential:
        out.append(_reason("potential", "qualify_potential_unknown", against + 0.2))
    else:
        code = "qualify_potential_high" if row["potential_ok"] else "qualify_potential_low"
        weight = in_favour if row["potential_ok"] else against + 0.2
        extra: dict[str, Any] = {}
        if row["order_days"] > 0:  # the estimate weighs the account's own first orders
            code += "_orders"
            first = row["first_order"]
            extra = {
                "orders": int(row["order_days"]),
                "days": (as_of - first).days if isinstance(first, dt.date) else 0,
                "lookalike": round(float(row["lookalike_value"])),
            }
        out.append(
            _reason(
                "potential",
                code,
                weight,
                n=int(row["lookalikes"]),
                value=round(float(potential)),
                low=round(float(row["potential_low"])),
                high=round(float(row["potential_high"])),
                min=round(profile.min_yearly_value_eur),
                **extra,
            )
        )
        if row["grouping"] != next(iter(GROUPINGS)):
            out.append(_reason("potential", f"qualify_lookalike_{row['grouping']}", 0.1))
    if row["quotes_many"]:
        out.append(
            _reason(
                "effort",
                "qualify_quotes_many",
                against,
                n=int(row["quotes_12m"]),
                won=int(row["quotes_won_12m"]),
            )
        )
    if row["small_first_order"] and not row["buyer_test"]:
        amount = round(float(row["first_order_amount"]))
        out.append(_reason("effort", "qualify_small_first_order", 0.5, amount=amount, pct=pct))
    out.sort(key=lambda r: -r.points)
    return out


def _misfit(criterion: str, row: dict[str, Any], profile: StrategyProfile, w: float) -> Reason:
    if criterion == "size":
        emp = row["employees"]
        if emp != emp or emp is None:
            return _reason("fit", "qualify_size_unknown", w)
        if profile.employees_min is not None and emp < profile.employees_min:
            return _reason("fit", "qualify_size_small", w, employees=int(emp),
                           min=profile.employees_min)  # fmt: skip
        return _reason("fit", "qualify_size_large", w, employees=int(emp),
                       max=profile.employees_max)  # fmt: skip
    value = row[criterion]
    if value is None or value != value or str(value).strip() == "":
        return _reason("fit", f"qualify_{criterion}_unknown", w)
    return _reason("fit", f"qualify_{criterion}_no", w, **{criterion: str(value)})
