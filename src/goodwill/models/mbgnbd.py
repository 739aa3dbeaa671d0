"""MBG/NBD: BG/NBD where a customer may also drop out right after the first purchase.

Batislam, Denizel & Filiztekin (2007), "Empirical validation and comparison of models
for customer base analysis", International Journal of Research in Marketing 24(3). As
BG/NBD (λ ~ Gamma(r, α), p ~ Beta(a, b)), but the dropout coin is also tossed at time 0,
so a customer without repeat purchases need not be alive. For history (x, t_x, T):

    L = B(a, b+x+1)/B(a, b) · Γ(r+x) α^r / (Γ(r) (α+T)^(r+x))
        + B(a+1, b+x)/B(a, b) · Γ(r+x) α^r / (Γ(r) (α+t_x)^(r+x))

computed in log space as ``A + logaddexp(0, d)`` with
``d = ln a − ln(b+x) + (r+x)·(ln(α+T) − ln(α+t_x))`` (for every x, also 0).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import numpy as np
from scipy import special

from goodwill.models._arrays import (
    ArrayLike,
    FitData,
    FloatArray,
    as_vector,
    softplus_sigmoid,
    wdot,
)
from goodwill.models._errors import ModelInputError
from goodwill.models._purchase import PurchaseModel, check_frequency_recency_T

__all__ = ["ModifiedBetaGeo"]


@dataclass(frozen=True)
class _Prepared:
    x: FloatArray
    t_x: FloatArray
    T: FloatArray
    w: FloatArray


class ModifiedBetaGeo(PurchaseModel[_Prepared]):
    """MBG/NBD (Batislam, Denizel & Filiztekin 2007) with parameters ``r, alpha, a, b``.

    >>> m = ModifiedBetaGeo.from_params(r=0.5248, alpha=6.183, a=0.891, b=1.614)
    >>> round(float(m.p_alive(0, 0, 38.86)[0]), 3)
    0.39
    """

    param_names: ClassVar[tuple[str, ...]] = ("r", "alpha", "a", "b")
    _advice: ClassVar[str] = (
        "try: check that recency and T are in the same time unit and that enough customers "
        "made repeat purchases; express time in weeks rather than days; or add a small "
        "penalizer (ModifiedBetaGeo(penalizer=0.001))."
    )

    def _prepare(self, data: FitData) -> _Prepared:
        c = data.columns
        return _Prepared(x=c["frequency"], t_x=c["recency"], T=c["T"], w=data.weights)

    def _initial_points(self, data: FitData) -> list[FloatArray]:
        x, big_t, w = data.columns["frequency"], data.columns["T"], data.weights
        exposure = float(np.sum(w * big_t))
        purchases = float(np.sum(w * x))
        if purchases <= 0 or exposure <= 0:
            raise ModelInputError(
                "no customer made a repeat purchase (or every T is 0): MBG/NBD needs repeat "
                "purchases to learn a purchase rate."
            )
        rate = purchases / exposure
        t_max = float(big_t.max())
        return [
            np.array([1.0, 1.0 / rate, 1.0, 3.0]),
            np.array([0.3, 0.3 / rate, 0.7, 2.5]),
            np.array([3.0, 3.0 / rate, 2.0, 10.0]),
            np.array([1.0, t_max / 10.0, 1.0, 1.0]),
        ]

    def _log_likelihood(
        self, theta: FloatArray, prepared: _Prepared
    ) -> tuple[float, FloatArray | None]:
        r, alpha, a, b = (float(v) for v in theta)
        p = prepared
        x, w = p.x, p.w
        log_at = np.log(alpha + p.T)
        log_atx = np.log(alpha + p.t_x)
        rx = r + x
        d = np.log(a) - np.log(b + x) + rx * (log_at - log_atx)
        softplus, sigmoid = softplus_sigmoid(d)
        per_row = (
            special.gammaln(rx)
            - special.gammaln(r)
            + r * np.log(alpha)
            + special.betaln(a, b + x + 1.0)
            - special.betaln(a, b)
            - rx * log_at
            + softplus
        )
        ll = wdot(w, per_row)
        sw = w * sigmoid  # weight of the "dropped out after t_x" branch
        dig_ab = special.digamma(a + b)
        dig_abx = special.digamma(a + b + x + 1.0)
        g_r = wdot(w, special.digamma(rx) - special.digamma(r) + np.log(alpha) - log_at) + wdot(
            sw, log_at - log_atx
        )
        g_alpha = wdot(w, r / alpha - rx / (alpha + p.T)) + wdot(
            sw, rx * (1.0 / (alpha + p.T) - 1.0 / (alpha + p.t_x))
        )
        g_a = (
            wdot(w, special.digamma(a) - dig_abx - special.digamma(a) + dig_ab)
            + float(sw.sum()) / a
        )
        g_b = wdot(w, special.digamma(b + x + 1.0) - dig_abx - special.digamma(b) + dig_ab) - wdot(
            sw, 1.0 / (b + x)
        )
        return ll, np.array([g_r, g_alpha, g_a, g_b])

    # ------------------------------------------------------------------ predictions
    def p_alive(self, frequency: ArrayLike, recency: ArrayLike, T: ArrayLike) -> FloatArray:
        """P(active at T | x, t_x, T) = 1 / (1 + a/(b+x) · ((α+T)/(α+t_x))^(r+x))."""
        r, alpha, a, b = self._theta()
        x, t_x, big_t = check_frequency_recency_T(frequency, recency, T)
        log_odds = (
            np.log(a) - np.log(b + x) + (r + x) * (np.log(alpha + big_t) - np.log(alpha + t_x))
        )
        return np.asarray(special.expit(-log_odds), dtype=np.float64)

    def _purchases_if_alive(
        self, times: FloatArray, frequency: FloatArray, T: FloatArray
    ) -> FloatArray:
        """(a+b+x)/(a−1) · [1 − (1−z)^(a−1) · ₂F₁(a+b−r, a−1; a+b+x; z)], z = t/(α+T+t).

        Lifetimes' ``(1−z)^(r+x) ₂F₁(r+x, b+x+1; a+b+x; z)`` after Euler's transformation
        (BG/NBD's expression with b+1 for b).
        """
        r, alpha, a, b = self._theta()
        t = times[:, None]
        c = a + b + frequency
        z = t / (alpha + T + t)
        log_one_minus_z = np.log(alpha + T) - np.log(alpha + T + t)
        hyp = special.hyp2f1(a + b - r, a - 1.0, c, z)
        g = np.exp((a - 1.0) * log_one_minus_z) * hyp
        return np.asarray(c / (a - 1.0) * (1.0 - g), dtype=np.float64)

    def expected_purchases_new(self, t: ArrayLike) -> FloatArray:
        """Expected purchases in ``(0, t]`` of a customer just acquired at time 0: one who
        is still active after the first purchase (probability b/(a+b)) buys as BG/NBD's.
        """
        _, _, a, b = self._theta()
        return np.asarray(b / (a + b) * super().expected_purchases_new(t), dtype=np.float64)

    def probability_of_n_purchases(self, n: ArrayLike, t: float) -> FloatArray:
        """P(X(t) = n) for a customer just acquired at time 0.

        ``B(a, b+n+1)/B(a, b) · NB(n; r, α/(α+t)) + B(a+1, b+n)/B(a, b) · P(NB >= n)``.
        """
        r, alpha, a, b = self._theta()
        counts = as_vector(n, "n")
        if np.any(counts < 0) or np.any(counts != np.floor(counts)) or not t > 0:
            raise ModelInputError("n must be whole numbers >= 0 and t > 0.")
        nb = (
            special.gammaln(r + counts)
            - special.gammaln(r)
            - special.gammaln(counts + 1.0)
            + r * (np.log(alpha) - np.log(alpha + t))
            + counts * (np.log(t) - np.log(alpha + t))
        )
        first = np.exp(special.betaln(a, b + counts + 1.0) - special.betaln(a, b) + nb)
        tail = np.where(
            counts > 0, special.betainc(np.maximum(counts, 1.0), r, t / (alpha + t)), 1.0
        )
        second = np.exp(special.betaln(a + 1.0, b + counts) - special.betaln(a, b)) * tail
        return np.asarray(first + second, dtype=np.float64)

    def sample(
        self, T: ArrayLike, rng: np.random.Generator
    ) -> tuple[FloatArray, FloatArray, FloatArray]:
        """Simulate ``(frequency, recency, T)`` for customers observed for ``T`` after their
        first purchase — the process this model's likelihood describes.
        """
        r, alpha, a, b = self._theta()
        big_t = as_vector(T, "T")
        n = len(big_t)
        lam = rng.gamma(r, 1.0 / alpha, size=n)
        p = rng.beta(a, b, size=n)
        # repeat purchases while alive: the coin is tossed at the start and after each one
        k = rng.geometric(np.clip(p, 1e-300, 1.0)) - 1
        events = rng.poisson(lam * big_t)
        x = np.minimum(k, events).astype(np.float64)
        has = x > 0
        t_x = np.zeros(n)
        t_x[has] = big_t[has] * rng.beta(x[has], events[has] - x[has] + 1.0)
        return x, t_x, big_t
