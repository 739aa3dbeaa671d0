"""BG/NBD: the beta-geometric / negative-binomial purchase model.

Fader, Hardie & Lee (2005), "Counting Your Customers the Easy Way: An Alternative to the
Pareto/NBD Model", Marketing Science 24(2), 275–284. While active, a customer buys at a
Poisson rate λ ~ Gamma(r, α); after every repeat purchase they drop out with probability
p ~ Beta(a, b). For a customer with x repeat purchases, the last at t_x, observed until T:

    L = B(a, b+x)/B(a, b) · Γ(r+x) α^r / (Γ(r) (α+T)^(r+x))
        + [x > 0] · B(a+1, b+x−1)/B(a, b) · Γ(r+x) α^r / (Γ(r) (α+t_x)^(r+x))

computed in log space as ``A + logaddexp(0, d)`` with
``d = ln a − ln(b+x−1) + (r+x)·(ln(α+T) − ln(α+t_x))``.
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
    IntArray,
    as_vector,
    dense_codes,
    softplus_sigmoid,
    wdot,
)
from goodwill.models._errors import ModelInputError
from goodwill.models._purchase import PurchaseModel, check_frequency_recency_T

__all__ = ["BetaGeo"]


@dataclass(frozen=True)
class _Prepared:
    """The compressed rows arranged so that each evaluation touches as little as possible.

    Logs and reciprocals of ``α + T`` and ``α + t_x`` are computed once per distinct
    value and gathered; terms linear in the rows are pre-summed per distinct value.
    """

    x_unique: FloatArray  # distinct frequencies and their summed weights
    w_unique: FloatArray
    t_unique: FloatArray  # distinct T with Σw and Σw·x over all rows
    w_t: FloatArray
    wx_t: FloatArray
    # rows with x > 0: codes into the distinct values, weights and r-free factors
    t_code: IntArray
    tx_unique: FloatArray
    tx_code: IntArray
    xp_unique: FloatArray
    xp_code: IntArray
    xp: FloatArray
    wp: FloatArray


class BetaGeo(PurchaseModel[_Prepared]):
    """BG/NBD (Fader, Hardie & Lee 2005) with parameters ``r, alpha, a, b``.

    >>> import numpy as np
    >>> m = BetaGeo.from_params(r=0.243, alpha=4.414, a=0.793, b=2.426)
    >>> round(float(m.expected_purchases(39, 2, 30.43, 38.86)[0]), 3)
    1.226
    """

    param_names: ClassVar[tuple[str, ...]] = ("r", "alpha", "a", "b")
    _advice: ClassVar[str] = (
        "try: check that recency and T are in the same time unit and that enough customers "
        "made repeat purchases; express time in weeks rather than days; or add a small "
        "penalizer (BetaGeo(penalizer=0.001))."
    )

    def _prepare(self, data: FitData) -> _Prepared:
        x, t_x, big_t = data.columns["frequency"], data.columns["recency"], data.columns["T"]
        w = data.weights
        x_unique, x_code = dense_codes(x)
        t_unique, t_code = dense_codes(big_t)
        pos = x > 0
        tx_unique, tx_code = dense_codes(t_x[pos])
        xp_unique, xp_code = dense_codes(x[pos])
        return _Prepared(
            x_unique=x_unique,
            w_unique=np.bincount(x_code, weights=w, minlength=len(x_unique)).astype(np.float64),
            t_unique=t_unique,
            w_t=np.bincount(t_code, weights=w, minlength=len(t_unique)).astype(np.float64),
            wx_t=np.bincount(t_code, weights=w * x, minlength=len(t_unique)).astype(np.float64),
            t_code=t_code[pos],
            tx_unique=tx_unique,
            tx_code=tx_code,
            xp_unique=xp_unique,
            xp_code=xp_code,
            xp=x[pos],
            wp=w[pos],
        )

    def _initial_points(self, data: FitData) -> list[FloatArray]:
        x, big_t, w = data.columns["frequency"], data.columns["T"], data.weights
        exposure = float(np.sum(w * big_t))
        purchases = float(np.sum(w * x))
        if purchases <= 0 or exposure <= 0:
            raise ModelInputError(
                "no customer made a repeat purchase (or every T is 0): BG/NBD needs repeat "
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
        xu, wu = p.x_unique, p.w_unique
        # terms that depend on x only, summed over distinct frequencies
        ll_x = (
            special.gammaln(r + xu)
            - special.gammaln(r)
            + r * np.log(alpha)
            + special.betaln(a, b + xu)
            - special.betaln(a, b)
        )
        # −(r+x)·ln(α+T) over all rows, summed per distinct T
        log_at_u = np.log(alpha + p.t_unique)
        inv_at_u = 1.0 / (alpha + p.t_unique)
        w_log_at = wdot(p.w_t, log_at_u)
        ll = wdot(wu, ll_x) - r * w_log_at - wdot(p.wx_t, log_at_u)
        # the x > 0 rows: + logaddexp(0, d)
        log_atx_u = np.log(alpha + p.tx_unique)
        inv_atx_u = 1.0 / (alpha + p.tx_unique)
        inv_bx_u = 1.0 / (b + p.xp_unique - 1.0)
        rx = r + p.xp
        log_ratio = log_at_u[p.t_code] - log_atx_u[p.tx_code]
        d = np.log(a) + np.log(inv_bx_u)[p.xp_code] + rx * log_ratio
        softplus, sigmoid = softplus_sigmoid(d)
        ll += wdot(p.wp, softplus)
        s = p.wp * sigmoid  # weight of the "dropped out after t_x" branch
        # gradient
        dig_ab = special.digamma(a + b)
        dig_abx = special.digamma(a + b + xu)
        g_r = (
            wdot(wu, special.digamma(r + xu) - special.digamma(r) + np.log(alpha))
            - w_log_at
            + wdot(s, log_ratio)
        )
        g_alpha = (
            float(wu.sum()) * r / alpha
            - r * wdot(p.w_t, inv_at_u)
            - wdot(p.wx_t, inv_at_u)
            + wdot(s * rx, inv_at_u[p.t_code] - inv_atx_u[p.tx_code])
        )
        g_a = wdot(wu, dig_ab - dig_abx) + float(s.sum()) / a
        g_b = wdot(wu, special.digamma(b + xu) - dig_abx - special.digamma(b) + dig_ab) - wdot(
            s, inv_bx_u[p.xp_code]
        )
        return ll, np.array([g_r, g_alpha, g_a, g_b])

    # ------------------------------------------------------------------ predictions
    def p_alive(self, frequency: ArrayLike, recency: ArrayLike, T: ArrayLike) -> FloatArray:
        """P(active at T | x, t_x, T) = 1 / (1 + [x>0] · a/(b+x−1) · ((α+T)/(α+t_x))^(r+x))."""
        r, alpha, a, b = self._theta()
        x, t_x, big_t = check_frequency_recency_T(frequency, recency, T)
        with np.errstate(divide="ignore"):
            log_odds = (
                np.log(a)
                - np.log(b + np.maximum(x, 1.0) - 1.0)
                + (r + x) * (np.log(alpha + big_t) - np.log(alpha + t_x))
            )
        return np.where(x > 0, special.expit(-log_odds), 1.0)

    def _purchases_if_alive(
        self, times: FloatArray, frequency: FloatArray, T: FloatArray
    ) -> FloatArray:
        """(a+b+x−1)/(a−1) · [1 − (1−z)^(a−1) · ₂F₁(a+b−1−r, a−1; a+b+x−1; z)], z = t/(α+T+t).

        The paper's form ``(1−z)^(r+x) ₂F₁(r+x, b+x; a+b+x−1; z)`` after Euler's
        transformation, which keeps the hypergeometric function's first two arguments
        small however large x is.
        """
        r, alpha, a, b = self._theta()
        t = times[:, None]
        c = a + b + frequency - 1.0
        z = t / (alpha + T + t)
        log_one_minus_z = np.log(alpha + T) - np.log(alpha + T + t)
        with np.errstate(invalid="ignore", over="ignore"):
            hyp = special.hyp2f1(a + b - 1.0 - r, a - 1.0, c, z)
            g = np.exp((a - 1.0) * log_one_minus_z) * hyp
            # a and b both huge (the dropout barely identified, only their ratio pinned
            # down): the transformed function's large first arguments overflow, while the
            # paper's form has a small first argument there
            bad = ~np.isfinite(g)
            if bad.any():
                x = np.broadcast_to(frequency, g.shape)[bad]
                paper = np.exp((r + x) * np.broadcast_to(log_one_minus_z, g.shape)[bad])
                g[bad] = paper * special.hyp2f1(
                    r + x, b + x, np.broadcast_to(c, g.shape)[bad], np.broadcast_to(z, g.shape)[bad]
                )
        return np.asarray(c / (a - 1.0) * (1.0 - g), dtype=np.float64)

    def probability_of_n_purchases(self, n: ArrayLike, t: float) -> FloatArray:
        """P(X(t) = n) for a customer just acquired at time 0 (FHL 2005, eq. 8)."""
        r, alpha, a, b = self._theta()
        counts = as_vector(n, "n")
        if np.any(counts < 0) or np.any(counts != np.floor(counts)) or not t > 0:
            raise ModelInputError("n must be whole numbers >= 0 and t > 0.")
        log_q = np.log(alpha) - np.log(alpha + t)  # ln(α/(α+t))
        log_1mq = np.log(t) - np.log(alpha + t)
        nb = (
            special.gammaln(r + counts)
            - special.gammaln(r)
            - special.gammaln(counts + 1.0)
            + r * log_q
            + counts * log_1mq
        )
        first = np.exp(special.betaln(a, b + counts) - special.betaln(a, b) + nb)
        safe = np.maximum(counts, 1.0)
        tail = special.betainc(safe, r, t / (alpha + t))  # P(NB(r, α/(α+t)) >= n)
        second = np.exp(special.betaln(a + 1.0, b + safe - 1.0) - special.betaln(a, b)) * tail
        return np.asarray(np.where(counts > 0, first + second, first), dtype=np.float64)

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
        # purchases while alive: the customer drops out right after the K-th repeat purchase
        k = rng.geometric(np.clip(p, 1e-300, 1.0))
        events = rng.poisson(lam * big_t)
        x = np.minimum(k, events).astype(np.float64)
        # the x-th of `events` uniform order statistics on (0, T]
        has = x > 0
        t_x = np.zeros(n)
        t_x[has] = big_t[has] * rng.beta(x[has], events[has] - x[has] + 1.0)
        return x, t_x, big_t
