"""What a new account's own first orders say: the look-alike estimate updated with them.

A yearly value is a number of order days times the margin of an order day. The
look-alikes give, for an account of this size, an expected yearly value ``V`` and an
expected number of order days a year ``L`` (:func:`goodwill.qualify.lookalike.
lookalike_potential` of ``value`` and of ``order_days``), so an expected margin per order
day ``V / L``. A new account has shown, since its first order day ``T`` years ago, ``k``
further order days and a margin ``M`` over its ``n = k + 1`` order days. Then, as in
credibility theory (empirical Bayes: the look-alikes are the prior, the own orders the
evidence):

- order days a year: ``(a + k) / (a / L + T)``, the mean of a Gamma-Poisson posterior
  whose prior has mean ``L`` and shape ``a``;
- margin per order day: ``(c × V / L + M) / (c + n)``, the look-alikes' counting as
  ``c`` order days;
- the estimate is their product, and its spread the 25th to 75th percentile of the order
  days' posterior times that margin.

``a`` and ``c`` are not settings: they are estimated at each as-of date from the
established customers (method of moments), so they follow the data. ``a`` says how much
customers' ordering rates differ from what their look-alikes predict (their order days
in the last year have variance ``L + L² / a`` around ``L``); ``c`` is the ratio of the
variance of order day margins within a customer to the variance of the customers' own
mean margin per order day around their look-alikes' (relative to its level). An
account without orders (a prospect) keeps its look-alike estimate.
"""

from __future__ import annotations

import datetime as dt
from typing import Final

import duckdb
import numpy as np
import pandas as pd
from scipy.stats import gamma

from goodwill.qualify.lookalike import VALUE_WINDOW_DAYS, lookalike_potential
from goodwill.signals.facts import _decimal
from goodwill.store.order_days import ORDER_DAYS_TABLE, ensure_order_days

#: the range ``a`` and ``c`` are kept in (a few customers give wild moments)
SHAPE_RANGE: Final = (0.3, 30.0)
WEIGHT_RANGE: Final = (0.3, 30.0)
#: at most this many established customers are used to estimate ``a`` and ``c``
SAMPLE: Final = 5000


def own_orders(
    con: duckdb.DuckDBPyConnection, as_of: dt.date, default_margin_rate: float
) -> pd.DataFrame:
    """Per account with orders up to ``as_of`` (index ``account_id``): ``order_days``,
    ``margin`` (their margin) and ``years`` (since its first order day)."""
    ensure_order_days(con)
    frame = con.execute(
        f"""
        SELECT account_id, CAST(count(*) AS DOUBLE) AS order_days,
               CAST(sum(margin_recorded) + $rate * sum(amount_without_margin) AS DOUBLE)
                   AS margin,
               ($a - min(d)) / 365.0 AS years
        FROM {ORDER_DAYS_TABLE} WHERE d <= $a GROUP BY 1
        """,
        {"a": as_of, "rate": _decimal(default_margin_rate)},
    ).df()
    return frame.set_index("account_id")


def day_margins(
    con: duckdb.DuckDBPyConnection, as_of: dt.date, default_margin_rate: float
) -> pd.DataFrame:
    """Per account, over its order days in the year up to ``as_of``: the ``mean`` margin
    of an order day and their variance ``var`` (null with one order day)."""
    ensure_order_days(con)
    frame = con.execute(
        f"""
        SELECT account_id, avg(m) AS mean, var_samp(m) AS var FROM (
            SELECT account_id,
                   CAST(margin_recorded + $rate * amount_without_margin AS DOUBLE) AS m
            FROM {ORDER_DAYS_TABLE} WHERE d <= $a AND d > $a - {VALUE_WINDOW_DAYS}
        ) GROUP BY 1
        """,
        {"a": as_of, "rate": _decimal(default_margin_rate)},
    ).df()
    return frame.set_index("account_id")


def _sample(customers: pd.DataFrame) -> pd.DataFrame:
    """At most :data:`SAMPLE` customers, every k-th by account id (the same each time)."""
    if len(customers) <= SAMPLE:
        return customers
    step = int(np.ceil(len(customers) / SAMPLE))
    return customers.sort_index().iloc[::step]


def rate_shape(order_days: pd.Series, expected: pd.Series) -> float:
    """The Gamma shape ``a`` of the customers' order rates around ``expected`` (order
    days a year): ``1 / a = Σ((n − L)² − n) / Σ L²`` over a year's counts ``n``."""
    ok = expected.notna() & order_days.notna() & (expected > 0)
    n, lam = order_days[ok].astype(float), expected[ok].astype(float)
    if len(n) < 2:
        return SHAPE_RANGE[1]
    excess = float((((n - lam) ** 2) - n).sum())
    if excess <= 0:
        return SHAPE_RANGE[1]
    return float(np.clip(float((lam**2).sum()) / excess, *SHAPE_RANGE))


def margin_weight(days: pd.DataFrame, expected: pd.Series) -> float:
    """How many order days the look-alikes' margin per order day counts as: the
    within-customer variance of order day margins over the between-customer variance
    of their means, both relative to the level (``days`` as :func:`day_margins` gives
    it, with ``n`` order days; ``expected`` the look-alikes' margin per order day)."""
    frame = days.join(expected.rename("expected"), how="inner")
    frame = frame[(frame["mean"] > 0) & (frame["expected"] > 0)]
    several = frame[frame["n"] >= 2].dropna(subset=["var"])
    if len(several) < 2:
        return WEIGHT_RANGE[1]
    within = float((several["var"] / several["mean"] ** 2).mean())
    ratio = frame["mean"] / frame["expected"]
    noise = within * float((ratio**2 / frame["n"]).mean())
    between = float(ratio.var()) - noise
    if between <= 0:
        return WEIGHT_RANGE[1]
    return float(np.clip(within / between, *WEIGHT_RANGE))


def update_with_own_orders(
    prior: pd.DataFrame,
    rate: pd.Series,
    own: pd.DataFrame,
    shape: float,
    weight: float,
) -> pd.DataFrame:
    """``prior`` (``potential``, ``potential_low``, ``potential_high`` per account)
    updated with each account's ``own`` orders (``order_days``, ``margin``, ``years``)
    given the look-alikes' order days a year ``rate``, the shape ``a`` and the weight
    ``c``; accounts without orders or without an estimate keep the prior."""
    out = prior[["potential", "potential_low", "potential_high"]].copy()
    mine = own.reindex(prior.index)
    lam = rate.reindex(prior.index).astype(float)
    value = prior["potential"].astype(float)
    use = (mine["order_days"] > 0) & (lam > 0) & value.notna()
    if not use.any():
        return out
    n = mine.loc[use, "order_days"].astype(float)
    years = mine.loc[use, "years"].astype(float).clip(lower=0.0)
    lam_u = lam[use]
    alpha = shape + (n - 1.0)
    beta = shape / lam_u + years
    per_day = (weight * value[use] / lam_u + mine.loc[use, "margin"].astype(float)) / (weight + n)
    per_day = per_day.clip(lower=0.0)
    out.loc[use, "potential"] = alpha / beta * per_day
    out.loc[use, "potential_low"] = gamma.ppf(0.25, alpha, scale=1 / beta) * per_day
    out.loc[use, "potential_high"] = gamma.ppf(0.75, alpha, scale=1 / beta) * per_day
    return out


def first_order_potential(
    con: duckdb.DuckDBPyConnection,
    as_of: dt.date,
    accounts: pd.DataFrame,
    customers: pd.DataFrame,
    prior: pd.DataFrame,
    default_margin_rate: float,
    min_lookalikes: int = 5,
) -> pd.DataFrame:
    """The estimate of :func:`update_with_own_orders` for ``accounts`` (``segment``,
    ``region``, ``employees``) from ``prior`` (their look-alike estimate of ``value``)
    and their orders up to ``as_of``; ``a`` and ``c`` from ``customers``. Adds
    ``order_days``, ``years`` (since the first order day), ``shape`` and ``weight``."""
    rate = lookalike_potential(accounts, customers, min_lookalikes, column="order_days")
    sample = _sample(customers)
    # each sampled customer's own look-alike estimates (itself among its look-alikes)
    est_days = lookalike_potential(sample, customers, min_lookalikes, column="order_days")
    est_value = lookalike_potential(sample, customers, min_lookalikes)
    shape = rate_shape(sample["order_days"], est_days["potential"])
    days = day_margins(con, as_of, default_margin_rate).join(sample["order_days"].rename("n"))
    weight = margin_weight(days, est_value["potential"] / est_days["potential"])
    own = own_orders(con, as_of, default_margin_rate)
    out = update_with_own_orders(prior, rate["potential"], own, shape, weight)
    mine = own.reindex(prior.index)
    out["order_days"] = mine["order_days"].fillna(0).astype(int)
    out["years"] = mine["years"]
    out["shape"] = shape
    out["weight"] = weight
    return out
