"""Gamma-Gamma: the spend per purchase.

Fader, Hardie & Lee (2005), "RFM and CLV: Using Iso-Value Curves for Customer Base
Analysis", JMR 42(4); the note "The Gamma-Gamma Model of Monetary Value" (2013). Each
purchase's value is Gamma(p, ν) with ν ~ Gamma(q, γ) across customers (γ is ``v`` in
code). The mean m of a customer's x repeat purchases has the density

    f(m | x) = Γ(px+q) / (Γ(px) Γ(q)) · γ^q · m^(px−1) · x^(px) / (γ + m x)^(px+q),

whose logarithm, summed over customers, is the log-likelihood (constants included).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import ClassVar, Self

import numpy as np
from scipy import special

from goodwill.models._arrays import (
    ArrayLike,
    FitData,
    FloatArray,
    as_vector,
    check_weights,
    dense_codes,
    same_length,
    wdot,
)
from goodwill.models._errors import ModelError, ModelInputError
from goodwill.models.base import ParametricModel

__all__ = ["GammaGamma"]


@dataclass(frozen=True)
class _Prepared:
    x_unique: FloatArray  # distinct frequencies and their summed weights
    w_unique: FloatArray
    w: FloatArray  # per row
    wx: FloatArray  # w · x
    mx: FloatArray  # m · x
    w_total: float
    w_const: float  # Σ w·x·(ln m + ln x), the coefficient of p
    w_log_m: float  # Σ w·ln m


def _check(frequency: ArrayLike, monetary_value: ArrayLike) -> tuple[FloatArray, FloatArray]:
    x = as_vector(frequency, "frequency")
    m = as_vector(monetary_value, "monetary_value")
    n = max(len(x), len(m))
    x, m = (np.broadcast_to(arr, (n,)) if len(arr) == 1 else arr for arr in (x, m))
    same_length({"frequency": x, "monetary_value": m})
    if np.any(x < 0) or np.any(x != np.floor(x)):
        raise ModelInputError("frequency must be a whole number of repeat purchases (>= 0).")
    if np.any(m < 0):
        raise ModelInputError(
            f"monetary_value must be >= 0; found {m[m < 0][:3].tolist()} (net returns?)."
        )
    return x, m


class GammaGamma(ParametricModel[_Prepared]):
    """Gamma-Gamma spend model with parameters ``p, q, v`` (v is the paper's γ).

    Fitted on customers with at least one repeat purchase; rows with ``frequency == 0``
    carry no spend information and are left out of the fit.
    """

    param_names: ClassVar[tuple[str, ...]] = ("p", "q", "v")
    data_names: ClassVar[tuple[str, ...]] = ("frequency", "monetary_value")
    _advice: ClassVar[str] = (
        "try: check monetary_value is the mean spend per repeat purchase (not the total) "
        "and that no extreme outliers dominate; or add a small penalizer "
        "(GammaGamma(penalizer=0.001))."
    )

    def fit(
        self, frequency: ArrayLike, monetary_value: ArrayLike, weights: ArrayLike | None = None
    ) -> Self:
        """Fit on the mean spend per repeat purchase of customers with ``frequency > 0``."""
        columns = self._validated({"frequency": frequency, "monetary_value": monetary_value})
        x = columns["frequency"]
        w = check_weights(weights, len(x)) if weights is not None else np.ones(len(x))
        keep = columns["frequency"] > 0
        if not np.any(keep):
            raise ModelInputError(
                "no customer has a repeat purchase: Gamma-Gamma needs frequency > 0 rows."
            )
        return self._fit_columns({k: v[keep] for k, v in columns.items()}, w[keep])

    def _validated(self, columns: Mapping[str, ArrayLike]) -> dict[str, FloatArray]:
        x, m = _check(columns["frequency"], columns["monetary_value"])
        if np.any((x > 0) & (m <= 0)):
            raise ModelInputError(
                "monetary_value must be > 0 for customers with repeat purchases; drop or "
                "floor the rows whose repeat purchases net to zero or less."
            )
        return {"frequency": np.ascontiguousarray(x), "monetary_value": np.ascontiguousarray(m)}

    def _prepare(self, data: FitData) -> _Prepared:
        x, m = data.columns["frequency"], data.columns["monetary_value"]
        if np.any(x <= 0):
            raise ModelInputError("Gamma-Gamma's likelihood needs frequency > 0 on every row.")
        w = data.weights
        x_unique, inverse = dense_codes(x)
        log_m = np.log(m)
        return _Prepared(
            x_unique=x_unique,
            w_unique=np.bincount(inverse, weights=w, minlength=len(x_unique)).astype(np.float64),
            w=w,
            wx=w * x,
            mx=m * x,
            w_total=float(w.sum()),
            w_const=wdot(w * x, log_m + np.log(x)),
            w_log_m=wdot(w, log_m),
        )

    def _initial_points(self, data: FitData) -> list[FloatArray]:
        mean = float(np.average(data.columns["monetary_value"], weights=data.weights))
        # each start has population mean spend p·v/(q−1) equal to the observed mean
        return [
            np.array([1.0, 2.0, mean]),
            np.array([5.0, 4.0, 0.6 * mean]),
            np.array([2.0, 3.0, mean]),
            np.array([10.0, 10.0, 0.9 * mean]),
        ]

    def _log_likelihood(
        self, theta: FloatArray, prepared: _Prepared
    ) -> tuple[float, FloatArray | None]:
        p, q, v = (float(val) for val in theta)
        d = prepared
        # terms that depend on x only, summed over distinct frequencies
        pxu = p * d.x_unique
        dig_u = special.digamma(pxu + q)
        ll_x = wdot(d.w_unique, special.gammaln(pxu + q) - special.gammaln(pxu))
        # the one per-row term: ln(v + m·x)
        log_vmx = np.log(v + d.mx)
        inv_vmx = 1.0 / (v + d.mx)
        wx_log, w_log = wdot(d.wx, log_vmx), wdot(d.w, log_vmx)
        wx_inv, w_inv = wdot(d.wx, inv_vmx), wdot(d.w, inv_vmx)
        ll = (
            ll_x
            + p * d.w_const
            - d.w_log_m
            - p * wx_log
            - q * w_log
            + d.w_total * (q * np.log(v) - special.gammaln(q))
        )
        g_p = wdot(d.w_unique, d.x_unique * (dig_u - special.digamma(pxu))) - wx_log + d.w_const
        g_q = wdot(d.w_unique, dig_u) - w_log + d.w_total * (np.log(v) - special.digamma(q))
        g_v = d.w_total * q / v - p * wx_inv - q * w_inv
        return float(ll), np.array([g_p, g_q, g_v])

    # ------------------------------------------------------------------ predictions
    def expected_spend(self, frequency: ArrayLike, monetary_value: ArrayLike) -> FloatArray:
        """E[spend per purchase | x, m] = (q−1)/(px+q−1) · p·v/(q−1) + px/(px+q−1) · m.

        A customer without repeat purchases (x = 0) gets the population mean p·v/(q−1).
        """
        p, q, v = self._theta()
        if q <= 1:
            raise ModelError(
                f"the fitted spend distribution has no finite mean (q = {q:.4g} <= 1); "
                "check monetary_value for extreme outliers or fit with a penalizer."
            )
        x, m = _check(frequency, monetary_value)
        return np.asarray(p * (v + x * m) / (p * x + q - 1.0), dtype=np.float64)

    def sample(self, frequency: ArrayLike, rng: np.random.Generator) -> FloatArray:
        """Simulate each customer's mean spend over ``frequency`` purchases (0 when x = 0)."""
        p, q, v = self._theta()
        x = as_vector(frequency, "frequency")
        nu = rng.gamma(q, 1.0 / v, size=len(x))
        has = x > 0
        out = np.zeros(len(x))
        out[has] = rng.gamma(p * x[has], 1.0 / (nu[has] * x[has]))
        return out
