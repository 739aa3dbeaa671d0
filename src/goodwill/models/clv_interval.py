"""Prediction intervals for customer lifetime value: a parametric bootstrap.

The parameters of the purchase model and of the spend model are drawn from their
estimated sampling distributions — normal on the log scale, with the covariance from the
Hessian (``covariance_log_``) — and :func:`~goodwill.models.clv` is recomputed for every
draw. The interval is the equal-tailed ``level`` quantile range over the draws; it shows
how much the value could change with the parameters alone (not the purchase-to-purchase
randomness of one customer, which a point forecast averages out).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from goodwill.models._arrays import ArrayLike, FloatArray
from goodwill.models._errors import ModelError, ModelInputError
from goodwill.models._purchase import PurchaseModel
from goodwill.models.base import ParametricModel
from goodwill.models.clv import clv
from goodwill.models.gammagamma import GammaGamma

__all__ = ["ClvInterval", "clv_interval"]


@dataclass(frozen=True)
class ClvInterval:
    """Per customer: the point estimate (fitted parameters), the bootstrap median and the
    ``level`` interval."""

    estimate: FloatArray
    median: FloatArray
    lower: FloatArray
    upper: FloatArray
    level: float
    n_draws: int


def _draws(model: ParametricModel[Any], n: int, rng: np.random.Generator) -> FloatArray:
    cov = model.covariance_log_
    if not np.all(np.isfinite(cov)):
        raise ModelError(
            f"{type(model).__name__} has no parameter covariance (loaded from parameters "
            "only?); fit it on data to get CLV intervals."
        )
    mean = np.log(model._theta())
    return np.asarray(np.exp(rng.multivariate_normal(mean, cov, size=n)), dtype=np.float64)


def clv_interval(
    transactions: PurchaseModel[Any],
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
    level: float = 0.9,
    n_draws: int = 200,
    rng: np.random.Generator | None = None,
) -> ClvInterval:
    """CLV per customer with a ``level`` prediction interval from ``n_draws`` parameter draws.

    Arguments as :func:`~goodwill.models.clv`; ``transactions`` and ``spend`` must be
    fitted (their covariance is needed). ``rng`` defaults to a generator seeded with 0, so
    the interval is reproducible.
    """
    if not (0.0 < level < 1.0):
        raise ModelInputError(f"level must be between 0 and 1 (0.9 = 90 %); got {level!r}.")
    if n_draws < 20:
        raise ModelInputError(f"n_draws must be at least 20; got {n_draws!r}.")
    generator = np.random.default_rng(0) if rng is None else rng
    settings: dict[str, Any] = {
        "period_days": period_days,
        "horizon_days": horizon_days,
        "discount_rate_per_year": discount_rate_per_year,
        "margin": margin,
        "step_days": step_days,
    }
    history = (frequency, recency, T, monetary_value)
    estimate = clv(transactions, spend, *history, **settings)
    purchase_draws = _draws(transactions, n_draws, generator)
    spend_draws = _draws(spend, n_draws, generator)
    values = np.empty((n_draws, len(estimate)))
    kept = 0
    for theta_t, theta_s in zip(purchase_draws, spend_draws, strict=True):
        if theta_s[1] <= 1.0:  # a spend draw without a finite mean (q <= 1)
            continue
        purchases = type(transactions).from_params(
            **dict(zip(transactions.param_names, theta_t, strict=True))
        )
        spend_model = GammaGamma.from_params(**dict(zip(spend.param_names, theta_s, strict=True)))
        values[kept] = clv(purchases, spend_model, *history, **settings)
        kept += 1
    if kept < n_draws // 2:
        raise ModelError(
            "most parameter draws of the spend model have no finite mean; the spend model is "
            "too uncertain for an interval (fit on more repeat customers)."
        )
    tail = (1.0 - level) / 2.0
    lower, median, upper = np.quantile(values[:kept], [tail, 0.5, 1.0 - tail], axis=0)
    return ClvInterval(
        estimate=np.asarray(estimate, dtype=np.float64),
        median=np.asarray(median, dtype=np.float64),
        lower=np.asarray(lower, dtype=np.float64),
        upper=np.asarray(upper, dtype=np.float64),
        level=level,
        n_draws=kept,
    )
