"""Customer lifetime value: expected discounted margin over a horizon.

For a customer with history ``(x, t_x, T)`` and mean repeat spend ``m``:

    CLV = margin · E[spend | x, m] · Σ_{k=1..K} D_k · (E[X(t_k)] − E[X(t_{k−1})])

with steps of ``step_days`` ending at ``e_k = min(k · step_days, horizon_days)`` days
(``K = ⌈horizon_days / step_days⌉``), ``t_k = e_k / period_days`` in the models' time
unit, and the discount factor ``D_k = (1 + discount_rate_per_year)^(−e_k / 365.25)`` —
purchases of a step are discounted from its end. ``E[X(t)]`` is the transactions
model's conditional expectation and ``E[spend | x, m]`` the Gamma-Gamma one.
"""

from __future__ import annotations

import math
from typing import Protocol

import numpy as np

from goodwill.models._arrays import ArrayLike, FloatArray
from goodwill.models._errors import ModelInputError
from goodwill.models.gammagamma import GammaGamma

__all__ = ["DAYS_PER_YEAR", "clv"]

DAYS_PER_YEAR = 365.25


class TransactionsModel(Protocol):
    """What :func:`clv` needs of a purchase model (BetaGeo and its siblings)."""

    def expected_discounted_purchases(
        self,
        times: ArrayLike,
        discount_factors: ArrayLike,
        frequency: ArrayLike,
        recency: ArrayLike,
        T: ArrayLike,
    ) -> FloatArray: ...


def clv(
    transactions: TransactionsModel,
    spend: GammaGamma,
    frequency: ArrayLike,
    recency: ArrayLike,
    T: ArrayLike,
    monetary_value: ArrayLike,
    *,
    period_days: float,
    horizon_days: float,
    discount_rate_per_year: float,
    margin: float | ArrayLike = 1.0,
    step_days: float = 30.0,
) -> FloatArray:
    """Expected discounted value of each customer over the next ``horizon_days``.

    Parameters
    ----------
    transactions, spend:
        Fitted purchase model (e.g. :class:`~goodwill.models.BetaGeo`) and
        :class:`~goodwill.models.GammaGamma`.
    frequency, recency, T, monetary_value:
        Each customer's history in the transactions model's time unit, and mean spend per
        repeat purchase (0 when frequency is 0).
    period_days:
        Length in days of the transactions model's time unit: 1 for a model fitted in
        days, 7 for weeks.
    horizon_days:
        How far ahead to count purchases, in days.
    discount_rate_per_year:
        Annual discount rate (0.1 = 10 % a year; a year is 365.25 days).
    margin:
        Fraction of spend that is margin (1.0 gives revenue), a number or one per customer.
    step_days:
        Purchases are counted and discounted per step of this many days.
    """
    for name, days in (
        ("period_days", period_days),
        ("horizon_days", horizon_days),
        ("step_days", step_days),
    ):
        if not (math.isfinite(days) and days > 0):
            raise ModelInputError(f"{name} must be a positive number of days; got {days!r}.")
    if not (math.isfinite(discount_rate_per_year) and discount_rate_per_year > -1):
        raise ModelInputError(
            f"discount_rate_per_year must be > -1 (0.1 = 10 %); got {discount_rate_per_year!r}."
        )
    n_steps = max(1, math.ceil(horizon_days / step_days - 1e-9))
    ends_days = np.minimum(np.arange(1, n_steps + 1) * step_days, horizon_days)
    factors = (1.0 + discount_rate_per_year) ** (-ends_days / DAYS_PER_YEAR)
    purchases = transactions.expected_discounted_purchases(
        ends_days / period_days, factors, frequency, recency, T
    )
    spend_per_purchase = spend.expected_spend(frequency, monetary_value)
    margin_rate = np.asarray(margin, dtype=np.float64)
    return np.asarray(margin_rate * spend_per_purchase * purchases, dtype=np.float64)
