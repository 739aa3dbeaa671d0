"""Pareto/NBD: the original purchase-rhythm model.

Schmittlein, Morrison & Colombo (1987), "Counting Your Customers: Who Are They and What
Will They Do Next?", Management Science 33(1); the likelihood as derived in Fader &
Hardie (2005), "A Note on Deriving the Pareto/NBD Model and Related Expressions". While
active, a customer buys at a Poisson rate λ ~ Gamma(r, α); their lifetime is exponential
with rate μ ~ Gamma(s, β), so a customer can leave at any moment. For a customer with x
repeat purchases, the last at t_x, observed until T:

    L = Γ(r+x) α^r β^s / Γ(r) · [ (α+T)^−(r+x) (β+T)^−s + s · (I(t_x) − I(T)) ]
    I(y) = ∫_y^∞ (α+τ)^−(r+x) (β+τ)^−(s+1) dτ   (a Gauss hypergeometric function)

computed in log space (see :mod:`goodwill.models._hyp`). The gradient is numerical
(forward differences).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import numpy as np
import numpy.typing as npt
from scipy import special

from goodwill.errors import ConvergenceError
from goodwill.models._arrays import (
    ArrayLike,
    FitData,
    FloatArray,
    IntArray,
    as_vector,
    dense_codes,
    group_codes,
    wdot,
)
from goodwill.models._errors import ModelInputError
from goodwill.models._hyp import log_pnbd_tail
from goodwill.models._purchase import PurchaseModel, check_frequency_recency_T
from goodwill.models.bgnbd import BetaGeo

__all__ = ["ParetoNBD"]

# Gauss-Legendre nodes on [0, 1] for P(X(t) = n): the lifetime integral is smooth
_NODES, _WEIGHTS = np.polynomial.legendre.leggauss(96)
_NODES = 0.5 * (_NODES + 1.0)
_WEIGHTS = 0.5 * _WEIGHTS


@dataclass(frozen=True)
class _Prepared:
    """The rows, with the hypergeometric tails computed once per distinct (x, t_x) and
    (x, T) pair — there are far fewer pairs than rows — and gathered by code."""

    w: FloatArray
    w_total: float
    x_unique: FloatArray  # distinct frequencies and their summed weights (for Γ(r+x))
    w_x: FloatArray
    tx_pairs: tuple[FloatArray, FloatArray]  # distinct (x, t_x) and each row's code
    tx_code: IntArray
    t_pairs: tuple[FloatArray, FloatArray]  # distinct (x, T) and each row's code
    t_code: IntArray
    open_rows: npt.NDArray[np.bool_]  # T > t_x: the customer may have left in between


def _log_bracket(
    r: float, alpha: float, s: float, beta: float, x: FloatArray, t_x: FloatArray, T: FloatArray
) -> tuple[FloatArray, FloatArray]:
    """``ln`` of the two parts of the bracket: still active at T, and left in (t_x, T]."""
    active = -(r + x) * np.log(alpha + T) - s * np.log(beta + T)
    tail_tx = log_pnbd_tail(r, alpha, s, beta, x, t_x)
    tail_t = log_pnbd_tail(r, alpha, s, beta, x, T)
    with np.errstate(divide="ignore", invalid="ignore"):
        gap = np.minimum(tail_t - tail_tx, 0.0)
        left = np.log(s) + tail_tx + np.log(-np.expm1(gap))
    return active, np.where(t_x < T, left, -np.inf)


class ParetoNBD(PurchaseModel[_Prepared]):
    """Pareto/NBD (Schmittlein, Morrison & Colombo 1987) with parameters ``r, alpha, s, beta``.

    >>> m = ParetoNBD.from_params(r=0.553, alpha=10.578, s=0.606, beta=11.669)
    >>> round(float(m.p_alive(2, 30.43, 38.86)[0]), 3)
    0.869
    """

    param_names: ClassVar[tuple[str, ...]] = ("r", "alpha", "s", "beta")
    _advice: ClassVar[str] = (
        "try: check that recency and T are in the same time unit and that enough customers "
        "made repeat purchases; express time in weeks rather than days; or add a small "
        "penalizer (ParetoNBD(penalizer=0.001))."
    )

    def _prepare(self, data: FitData) -> _Prepared:
        x, t_x, big_t = data.columns["frequency"], data.columns["recency"], data.columns["T"]
        w = data.weights
        x_unique, x_code = dense_codes(x)
        tx_code, tx_first = group_codes([x, t_x])
        t_code, t_first = group_codes([x, big_t])
        return _Prepared(
            w=w,
            w_total=float(w.sum()),
            x_unique=x_unique,
            w_x=np.bincount(x_code, weights=w, minlength=len(x_unique)).astype(np.float64),
            tx_pairs=(x[tx_first], t_x[tx_first]),
            tx_code=tx_code,
            t_pairs=(x[t_first], big_t[t_first]),
            t_code=t_code,
            open_rows=big_t > t_x,
        )

    def _initial_points(self, data: FitData) -> list[FloatArray]:
        """Two starts: one from a BG/NBD fit on the same rows (its purchase process is
        Pareto/NBD's; its mean lifetime gives s and β), and a generic one."""
        x, big_t, w = data.columns["frequency"], data.columns["T"], data.weights
        exposure = float(np.sum(w * big_t))
        purchases = float(np.sum(w * x))
        if purchases <= 0 or exposure <= 0:
            raise ModelInputError(
                "no customer made a repeat purchase (or every T is 0): Pareto/NBD needs "
                "repeat purchases to learn a purchase rate."
            )
        rate = purchases / exposure
        t_mean = exposure / float(np.sum(w))
        generic = np.array([1.0, 1.0 / rate, 1.0, t_mean])
        try:
            bg = BetaGeo()._fit_columns(dict(data.columns), data.weights)
        except (ConvergenceError, ModelInputError):
            return [generic, np.array([0.5, 0.5 / rate, 0.5, t_mean / 2.0])]
        r, alpha, a, b = (bg.params_[k] for k in ("r", "alpha", "a", "b"))
        # BG/NBD: a purchase every α/r on average, dropout after each with mean a/(a+b)
        dropout_rate = a / (a + b) * r / alpha
        return [np.array([r, alpha, 1.0, 1.0 / dropout_rate]), generic]

    def _log_likelihood(
        self, theta: FloatArray, prepared: _Prepared
    ) -> tuple[float, FloatArray | None]:
        """The log-likelihood and its gradient by forward differences (relative step 2e-7):
        five evaluations per gradient where the base's central differences take nine,
        accurate to about 1e-7 per customer — far inside the convergence tolerance."""
        ll = self._value(theta, prepared)
        grad = np.empty(4)
        for j in range(4):
            step = theta.copy()
            h = 2e-7 * theta[j]
            step[j] += h
            grad[j] = (self._value(step, prepared) - ll) / h
        return ll, grad

    @staticmethod
    def _value(theta: FloatArray, prepared: _Prepared) -> float:
        r, alpha, s, beta = (float(v) for v in theta)
        p = prepared
        (x_tx, t_x), (x_t, big_t) = p.tx_pairs, p.t_pairs
        tail_tx = log_pnbd_tail(r, alpha, s, beta, x_tx, t_x)[p.tx_code]
        tail_t_u = log_pnbd_tail(r, alpha, s, beta, x_t, big_t)
        active_u = -(r + x_t) * np.log(alpha + big_t) - s * np.log(beta + big_t)
        with np.errstate(divide="ignore", invalid="ignore"):
            gap = np.minimum(tail_t_u[p.t_code] - tail_tx, 0.0)
            left = np.where(p.open_rows, np.log(s) + tail_tx + np.log(-np.expm1(gap)), -np.inf)
        per_row = np.logaddexp(active_u[p.t_code], left)
        constant = -special.gammaln(r) + r * np.log(alpha) + s * np.log(beta)
        return (
            wdot(p.w, per_row)
            + wdot(p.w_x, special.gammaln(r + p.x_unique))
            + float(constant) * p.w_total
        )

    # ------------------------------------------------------------------ predictions
    def p_alive(self, frequency: ArrayLike, recency: ArrayLike, T: ArrayLike) -> FloatArray:
        """P(active at T | x, t_x, T): the "still active" share of the likelihood's bracket."""
        r, alpha, s, beta = self._theta()
        x, t_x, big_t = check_frequency_recency_T(frequency, recency, T)
        active, left = _log_bracket(r, alpha, s, beta, x, t_x, big_t)
        return np.asarray(special.expit(active - left), dtype=np.float64)

    def _purchases_if_alive(
        self, times: FloatArray, frequency: FloatArray, T: FloatArray
    ) -> FloatArray:
        """(r+x)(β+T) / ((α+T)(s−1)) · [1 − ((β+T)/(β+T+t))^(s−1)] (the limit at s = 1)."""
        r, alpha, s, beta = self._theta()
        t = times[:, None]
        log_ratio = -np.log1p(t / (beta + T))  # ln((β+T)/(β+T+t)) <= 0
        k = s - 1.0
        shape = -log_ratio if abs(k) < 1e-10 else -np.expm1(k * log_ratio) / k
        return np.asarray((r + frequency) * (beta + T) / (alpha + T) * shape, dtype=np.float64)

    def probability_of_n_purchases(self, n: ArrayLike, t: float) -> FloatArray:
        """P(X(t) = n) for a customer just acquired at time 0.

        Given the lifetime τ, X(t) is negative binomial with exposure min(τ, t); the
        lifetime is Lomax(s, β), so

            P(X(t)=n) = (β/(β+t))^s · NB(n; r, α/(α+t))
                        + ∫_0^t s β^s/(β+u)^(s+1) · NB(n; r, α/(α+u)) du

        with the integral by 96-point Gauss-Legendre quadrature in ``u = t·v²``.
        """
        r, alpha, s, beta = self._theta()
        counts = as_vector(n, "n")
        if np.any(counts < 0) or np.any(counts != np.floor(counts)) or not t > 0:
            raise ModelInputError("n must be whole numbers >= 0 and t > 0.")

        def log_nb(exposure: FloatArray) -> FloatArray:
            e = exposure[..., None]
            return np.asarray(
                special.gammaln(r + counts)
                - special.gammaln(r)
                - special.gammaln(counts + 1.0)
                + r * (np.log(alpha) - np.log(alpha + e))
                + special.xlogy(counts, e)
                - counts * np.log(alpha + e)
            )

        survive = s * (np.log(beta) - np.log(beta + t))
        at_t = np.exp(survive + log_nb(np.array(t)))
        u = t * _NODES**2
        log_density = np.log(s) + s * np.log(beta) - (s + 1.0) * np.log(beta + u)
        jacobian = 2.0 * t * _NODES
        before = np.einsum("k,kn->n", _WEIGHTS * jacobian, np.exp(log_density[:, None] + log_nb(u)))
        return np.asarray(at_t + before, dtype=np.float64)

    def sample(
        self, T: ArrayLike, rng: np.random.Generator
    ) -> tuple[FloatArray, FloatArray, FloatArray]:
        """Simulate ``(frequency, recency, T)`` for customers observed for ``T`` after their
        first purchase — the process this model's likelihood describes.
        """
        r, alpha, s, beta = self._theta()
        big_t = as_vector(T, "T")
        n = len(big_t)
        lam = rng.gamma(r, 1.0 / alpha, size=n)
        mu = rng.gamma(s, 1.0 / beta, size=n)
        lifetime = rng.exponential(1.0 / np.maximum(mu, 1e-300))
        exposure = np.minimum(lifetime, big_t)
        x = rng.poisson(lam * exposure).astype(np.float64)
        # the last of x uniform purchase times on (0, exposure]
        has = x > 0
        t_x = np.zeros(n)
        t_x[has] = exposure[has] * rng.beta(x[has], 1.0)
        return x, t_x, big_t
