"""BG/BB: the beta-geometric / beta-Bernoulli model for discrete purchase opportunities.

Fader, Hardie & Shang (2010), "Customer-Base Analysis in a Discrete-Time Noncontractual
Setting", Marketing Science 29(6), 1086–1108. At each of ``n`` opportunities after the
first purchase (yearly events, weekly markets, ...) an active customer buys with
probability p ~ Beta(α, β), and before each opportunity an active customer leaves for
good with probability θ ~ Beta(γ, δ). For x purchases, the last at opportunity t_x, out
of n:

    L = B(α+x, β+n−x)/B(α, β) · B(γ, δ+n)/B(γ, δ)
        + Σ_{i=0}^{n−t_x−1} B(α+x, β+t_x−x+i)/B(α, β) · B(γ+1, δ+t_x+i)/B(γ, δ)

computed as a log-sum-exp over its terms, with the analytic gradient.
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
    same_length,
    wdot,
)
from goodwill.models._errors import ModelInputError
from goodwill.models.base import ParametricModel

__all__ = ["BetaGeoBetaBinom"]


def check_frequency_recency_n(
    frequency: ArrayLike, recency: ArrayLike, n_periods: ArrayLike
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Validated ``(frequency, recency, n_periods)``: whole numbers, x <= t_x <= n."""
    x = as_vector(frequency, "frequency")
    t_x = as_vector(recency, "recency")
    n = as_vector(n_periods, "n_periods")
    size = max(len(x), len(t_x), len(n))
    x, t_x, n = (np.broadcast_to(a, (size,)) if len(a) == 1 else a for a in (x, t_x, n))
    same_length({"frequency": x, "recency": t_x, "n_periods": n})
    for name, arr in (("frequency", x), ("recency", t_x), ("n_periods", n)):
        if np.any(arr < 0) or np.any(arr != np.floor(arr)):
            raise ModelInputError(
                f"{name} must be a whole number of opportunities (>= 0) in BG/BB; "
                f"found {arr[(arr < 0) | (arr != np.floor(arr))][:3].tolist()}."
            )
    if np.any(t_x > n):
        i = int(np.argmax(t_x > n))
        raise ModelInputError(
            f"recency must not exceed n_periods (row {i}: recency={t_x[i]}, n_periods={n[i]})."
        )
    if np.any(x > t_x) or np.any((x == 0) & (t_x != 0)) or np.any((x > 0) & (t_x == 0)):
        i = int(np.argmax((x > t_x) | ((x == 0) & (t_x != 0)) | ((x > 0) & (t_x == 0))))
        raise ModelInputError(
            f"frequency and recency do not fit together (row {i}: frequency={x[i]}, "
            f"recency={t_x[i]}): x purchases need a last one at opportunity t_x >= x, and "
            "t_x = 0 means no repeat purchase."
        )
    return x, t_x, n


@dataclass(frozen=True)
class _Prepared:
    x: FloatArray
    t_x: FloatArray
    n: FloatArray
    w: FloatArray
    i: FloatArray  # 0..max(n − t_x) − 1, the terms of the sum
    mask: np.ndarray[tuple[int, int], np.dtype[np.bool_]]  # term i exists on row j


def _dbetaln(u: FloatArray, v: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Derivatives of ``ln B(u, v)`` with respect to u and v."""
    both = special.digamma(u + v)
    return special.digamma(u) - both, special.digamma(v) - both


class BetaGeoBetaBinom(ParametricModel[_Prepared]):
    """BG/BB (Fader, Hardie & Shang 2010) with parameters ``alpha, beta, gamma, delta``.

    Inputs are whole numbers of opportunities: ``frequency`` repeat purchases, ``recency``
    the opportunity of the last one (0 without), ``n_periods`` the opportunities observed.

    >>> m = BetaGeoBetaBinom.from_params(alpha=1.204, beta=0.750, gamma=0.657, delta=2.783)
    >>> round(float(m.expected_purchases_new(6)[0]), 3)
    2.22
    """

    param_names: ClassVar[tuple[str, ...]] = ("alpha", "beta", "gamma", "delta")
    data_names: ClassVar[tuple[str, ...]] = ("frequency", "recency", "n_periods")
    _advice: ClassVar[str] = (
        "try: check that recency counts opportunities up to n_periods and that enough "
        "customers bought again; or add a small penalizer (BetaGeoBetaBinom(penalizer=0.001))."
    )

    def fit(
        self,
        frequency: ArrayLike,
        recency: ArrayLike,
        n_periods: ArrayLike,
        weights: ArrayLike | None = None,
    ) -> Self:
        """Fit by maximum likelihood; identical rows are fitted once with their summed weight."""
        columns = self._validated(
            {"frequency": frequency, "recency": recency, "n_periods": n_periods}
        )
        return self._fit_columns(columns, check_weights(weights, len(columns["n_periods"])))

    def _validated(self, columns: Mapping[str, ArrayLike]) -> dict[str, FloatArray]:
        x, t_x, n = check_frequency_recency_n(
            columns["frequency"], columns["recency"], columns["n_periods"]
        )
        return {
            "frequency": np.ascontiguousarray(x),
            "recency": np.ascontiguousarray(t_x),
            "n_periods": np.ascontiguousarray(n),
        }

    def _prepare(self, data: FitData) -> _Prepared:
        c = data.columns
        x, t_x, n = c["frequency"], c["recency"], c["n_periods"]
        width = int(np.max(n - t_x, initial=0))
        i = np.arange(max(width, 1), dtype=np.float64)
        return _Prepared(
            x=x, t_x=t_x, n=n, w=data.weights, i=i, mask=i[None, :] < (n - t_x)[:, None]
        )

    def _initial_points(self, data: FitData) -> list[FloatArray]:
        x, n, w = data.columns["frequency"], data.columns["n_periods"], data.weights
        if float(np.sum(w * x)) <= 0:
            raise ModelInputError(
                "no customer made a repeat purchase: BG/BB needs repeat purchases to learn "
                "a purchase probability."
            )
        if float(np.sum(w * n)) <= 0:
            raise ModelInputError("every n_periods is 0: BG/BB needs opportunities to learn from.")
        return [
            np.array([1.0, 1.0, 1.0, 1.0]),
            np.array([1.2, 0.75, 0.66, 2.8]),
            np.array([0.5, 2.0, 2.0, 5.0]),
            np.array([3.0, 1.0, 0.3, 1.0]),
        ]

    def _log_likelihood(
        self, theta: FloatArray, prepared: _Prepared
    ) -> tuple[float, FloatArray | None]:
        al, be, ga, de = (float(v) for v in theta)
        p = prepared
        x, t_x, n = p.x[:, None], p.t_x[:, None], p.n[:, None]
        ab, gd = special.betaln(al, be), special.betaln(ga, de)
        # column 0: still active after n; columns 1..: left after opportunity t_x + i
        u1 = np.concatenate([x + al, np.broadcast_to(x + al, (len(p.x), len(p.i)))], axis=1)
        v1 = np.concatenate([be + n - x, be + t_x - x + p.i[None, :]], axis=1)
        u2 = np.concatenate([np.full_like(x, ga), np.full((len(p.x), len(p.i)), ga + 1.0)], axis=1)
        v2 = np.concatenate([de + n, de + t_x + p.i[None, :]], axis=1)
        present = np.concatenate([np.ones_like(x, dtype=bool), p.mask], axis=1)
        terms = np.where(present, special.betaln(u1, v1) + special.betaln(u2, v2), -np.inf)
        log_l = special.logsumexp(terms, axis=1) - ab - gd
        weight = np.exp(terms - (log_l + ab + gd)[:, None])  # each term's share, rows sum to 1
        d_u1, d_v1 = _dbetaln(u1, v1)
        d_u2, d_v2 = _dbetaln(u2, v2)
        d_ab = _dbetaln(np.array(al), np.array(be))
        d_gd = _dbetaln(np.array(ga), np.array(de))
        w = p.w

        def share(values: FloatArray) -> FloatArray:
            return np.asarray(np.sum(np.where(present, weight * values, 0.0), axis=1))

        grad = np.array(
            [
                wdot(w, share(d_u1)) - float(w.sum()) * float(d_ab[0]),
                wdot(w, share(d_v1)) - float(w.sum()) * float(d_ab[1]),
                wdot(w, share(d_u2)) - float(w.sum()) * float(d_gd[0]),
                wdot(w, share(d_v2)) - float(w.sum()) * float(d_gd[1]),
            ]
        )
        return wdot(w, log_l), grad

    def _log_terms(
        self, x: FloatArray, t_x: FloatArray, n: FloatArray
    ) -> tuple[FloatArray, FloatArray]:
        """``ln L`` per row and ``ln`` of its "still active after n" term."""
        al, be, ga, de = self._theta()
        width = int(np.max(n - t_x, initial=0))
        i = np.arange(max(width, 1), dtype=np.float64)[None, :]
        xx, tt = x[:, None], t_x[:, None]
        left = np.where(
            i < (n - t_x)[:, None],
            special.betaln(al + xx, be + tt - xx + i) + special.betaln(ga + 1.0, de + tt + i),
            -np.inf,
        )
        active = special.betaln(al + x, be + n - x) + special.betaln(ga, de + n)
        log_l = np.logaddexp(active, special.logsumexp(left, axis=1))
        return log_l, active

    # ------------------------------------------------------------------ predictions
    def p_alive(self, frequency: ArrayLike, recency: ArrayLike, n_periods: ArrayLike) -> FloatArray:
        """P(active at opportunity n+1 | x, t_x, n) (FHS 2010, eq. 11)."""
        x, t_x, n = check_frequency_recency_n(frequency, recency, n_periods)
        _, _, ga, de = self._theta()
        log_l, active = self._log_terms(x, t_x, n)
        # still active after n, and survives the toss before opportunity n+1
        log_next = active + np.log(de + n) - np.log(ga + de + n)
        return np.asarray(np.exp(log_next - log_l), dtype=np.float64)

    def _survival_sum(self, n: FloatArray, future: FloatArray) -> FloatArray:
        """δ/(γ−1) · Γ(γ+δ)/Γ(1+δ) · [Γ(1+δ+n)/Γ(γ+δ+n) − Γ(1+δ+n+n*)/Γ(γ+δ+n+n*)]."""
        _, _, ga, de = self._theta()
        log_a = special.gammaln(1.0 + de + n) - special.gammaln(ga + de + n)
        log_b = special.gammaln(1.0 + de + n + future) - special.gammaln(ga + de + n + future)
        scale = de * np.exp(special.gammaln(ga + de) - special.gammaln(1.0 + de))
        if abs(ga - 1.0) < 1e-8:  # the limit γ → 1
            diff = special.digamma(1.0 + de + n + future) - special.digamma(1.0 + de + n)
            return np.asarray(scale * diff, dtype=np.float64)
        return np.asarray(scale * -np.expm1(log_b - log_a) * np.exp(log_a) / (ga - 1.0))

    def expected_purchases(
        self, t: float, frequency: ArrayLike, recency: ArrayLike, n_periods: ArrayLike
    ) -> FloatArray:
        """Expected purchases in the next ``t`` opportunities given the history (eq. 13)."""
        x, t_x, n = check_frequency_recency_n(frequency, recency, n_periods)
        al, be, _, _ = self._theta()
        log_l, _ = self._log_terms(x, t_x, n)
        future = float(t)
        if not future >= 0:
            raise ModelInputError("t must be >= 0 opportunities.")
        # log_l leaves out the normalising B(α, β) B(γ, δ); the survival sum includes B(γ, δ)
        log_buy = special.betaln(al + x + 1.0, be + n - x) + special.betaln(*self._theta()[2:])
        return np.asarray(
            np.exp(log_buy - log_l) * self._survival_sum(n, np.full_like(n, future)),
            dtype=np.float64,
        )

    def expected_purchases_new(self, t: ArrayLike) -> FloatArray:
        """Expected purchases in the first ``t`` opportunities of a new customer (eq. 7)."""
        al, be, _, _ = self._theta()
        times = as_vector(t, "t")
        if np.any(times < 0):
            raise ModelInputError("t must be >= 0.")
        return np.asarray(al / (al + be) * self._survival_sum(np.zeros_like(times), times))

    def probability_of_n_purchases(self, n: ArrayLike, t: int) -> FloatArray:
        """P(X(t) = x) purchases in the first ``t`` opportunities of a new customer (eq. 6)."""
        al, be, ga, de = self._theta()
        counts = as_vector(n, "n")
        if np.any(counts < 0) or np.any(counts != np.floor(counts)) or t != int(t) or t < 0:
            raise ModelInputError("n must be whole numbers >= 0 and t a whole number >= 0.")
        ab, gd = special.betaln(al, be), special.betaln(ga, de)

        def log_choose(top: FloatArray, k: FloatArray) -> FloatArray:
            return np.asarray(
                special.gammaln(top + 1.0)
                - special.gammaln(k + 1.0)
                - special.gammaln(top - k + 1.0)
            )

        out = np.zeros(len(counts))
        ok = counts <= t
        k = counts[ok]
        first = np.exp(
            log_choose(np.full_like(k, t), k)
            + special.betaln(al + k, be + t - k)
            - ab
            + special.betaln(ga, de + t)
            - gd
        )
        i = np.arange(t, dtype=np.float64)[None, :]
        kk = k[:, None]
        with np.errstate(invalid="ignore"):
            terms = np.where(
                i >= kk,
                log_choose(np.maximum(i, kk), kk)
                + special.betaln(al + kk, be + np.maximum(i - kk, 0.0))
                - ab
                + special.betaln(ga + 1.0, de + i)
                - gd,
                -np.inf,
            )
        second = np.exp(special.logsumexp(terms, axis=1)) if t > 0 else np.zeros(len(k))
        out[ok] = first + second
        return out

    def sample(
        self, n_periods: ArrayLike, rng: np.random.Generator
    ) -> tuple[FloatArray, FloatArray, FloatArray]:
        """Simulate ``(frequency, recency, n_periods)`` — the process of the likelihood."""
        al, be, ga, de = self._theta()
        n = as_vector(n_periods, "n_periods")
        size = len(n)
        p = rng.beta(al, be, size=size)
        theta = rng.beta(ga, de, size=size)
        # the customer is active at opportunities 1..K, K = geometric(θ) − 1 (0: left at once)
        alive = np.minimum(rng.geometric(np.clip(theta, 1e-300, 1.0)) - 1, n).astype(np.int64)
        n_max = int(n.max(initial=0))
        buys = rng.random((size, max(n_max, 1))) < p[:, None]
        period = np.arange(1, max(n_max, 1) + 1)[None, :]
        buys &= period <= alive[:, None]
        x = buys.sum(axis=1).astype(np.float64)
        t_x = np.where(x > 0, np.max(np.where(buys, period, 0), axis=1), 0).astype(np.float64)
        return x, t_x, n.copy()
