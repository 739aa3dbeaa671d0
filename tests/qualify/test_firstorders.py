"""A new account's first orders weighed with its look-alikes: the update's exact formula,
and the shape ``a`` and weight ``c`` recovered from customers drawn with known ones."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy.stats import gamma

from goodwill.qualify.firstorders import (
    SHAPE_RANGE,
    WEIGHT_RANGE,
    margin_weight,
    rate_shape,
    update_with_own_orders,
)


def test_the_update_by_hand() -> None:
    prior = pd.DataFrame(
        {"potential": [12_000.0, 12_000.0, 5_000.0, np.nan],
         "potential_low": [6_000.0, 6_000.0, 2_000.0, np.nan],
         "potential_high": [20_000.0, 20_000.0, 9_000.0, np.nan]},
        index=["new", "busy", "prospect", "unknown"],
    )  # fmt: skip
    # 24 order days a year expected, so €500 an order day
    rate = pd.Series(24.0, index=prior.index)
    own = pd.DataFrame(
        # new: one order day today (€200); busy: 7 order days in a quarter (€7,000)
        {"order_days": [1.0, 7.0, np.nan, 2.0], "margin": [200.0, 7_000.0, np.nan, 50.0],
         "years": [0.0, 0.25, np.nan, 0.1]},
        index=["new", "busy", "prospect", "unknown"],
    )  # fmt: skip
    got = update_with_own_orders(prior, rate, own, shape=2.0, weight=3.0)
    # new: order days 2 / (2/24) = 24 a year; margin (3 × 500 + 200) / 4 = 425 a day
    assert got.loc["new", "potential"] == pytest.approx(24 * 425)
    # busy: (2 + 6) / (2/24 + 0.25) = 24 a year; (3 × 500 + 7,000) / 10 = 850 a day
    assert got.loc["busy", "potential"] == pytest.approx(24 * 850)
    low = gamma.ppf(0.25, 8.0, scale=1 / (2 / 24 + 0.25)) * 850
    assert got.loc["busy", "potential_low"] == pytest.approx(low)
    assert got.loc["busy", "potential_low"] < 24 * 850 < got.loc["busy", "potential_high"]
    # no orders, or no estimate: the prior as it was
    assert got.loc["prospect"].tolist() == [5_000.0, 2_000.0, 9_000.0]
    assert got.loc["unknown"].isna().all()


def test_the_shape_of_order_rates_is_recovered() -> None:
    rng = np.random.default_rng(4)
    expected = pd.Series(rng.uniform(5, 60, 20_000))
    rates = expected * rng.gamma(2.5, 1 / 2.5, len(expected))
    counts = pd.Series(rng.poisson(rates).astype(float))
    assert rate_shape(counts, expected) == pytest.approx(2.5, rel=0.1)
    # counts exactly as expected: no spread beyond chance, trust the look-alikes
    assert rate_shape(expected.round(), expected.round()) == SHAPE_RANGE[1]


def test_the_weight_of_the_lookalikes_margin_is_recovered() -> None:
    rng = np.random.default_rng(5)
    n_customers, per = 4000, 12
    expected = pd.Series(rng.uniform(100, 1000, n_customers))
    own_mean = expected * rng.gamma(1 / 0.2, 0.2, n_customers)  # between: var 0.2
    days = rng.gamma(1 / 0.6, own_mean.to_numpy()[:, None] * 0.6, (n_customers, per))
    frame = pd.DataFrame({"mean": days.mean(axis=1), "var": days.var(axis=1, ddof=1), "n": per})
    # within: var 0.6 relative to the level, so c = 0.6 / 0.2 = 3
    assert margin_weight(frame, expected) == pytest.approx(3.0, rel=0.15)
    alike = pd.DataFrame({"mean": [100.0, 100.0], "var": [5.0, 5.0], "n": [4, 4]})
    assert margin_weight(alike, pd.Series([100.0, 100.0])) == WEIGHT_RANGE[1]
