"""The relationship-level model: three latent classes fitted on the portfolio by EM.

Each account shows ``x`` (its contact moments per purpose), ``m`` (its meetings) and
``e`` (its exposure: the share of the full windows it existed in). In class ``k`` the
purposes follow a Dirichlet-multinomial with mean mix ``theta_k`` and concentration
``s_k``, and meetings a Poisson count with mean ``e · mu_k``; the classes have weights
``w_k``. The account's log likelihood in class ``k`` is

    log w_k + log DirMult(x | s_k theta_k) + m log(e mu_k) − e mu_k

with ``log DirMult(x | a) = log Γ(S) − log Γ(N + S) + Σ_p [log Γ(x_p + a_p) − log Γ(a_p)]``
(``S = Σ a``, ``N = Σ x``; the multinomial coefficient is the same in every class and
left out). Each account has its own purpose mix, scattered around its class's mix: the
Dirichlet-multinomial models that scatter (its concentration is learned per class), so
an account with many moments is not taken as many independent draws. Nothing is fixed
in advance but the number of classes: weights, mixes, concentrations and meeting rates
are fitted on the portfolio at each as-of date, and the classes are then ordered by
their meeting rate (the article's levels: transactional < fruitful < growing together;
meeting beyond the business at hand is what sets them apart). Ordering by the share of
depth purposes instead was measured and rejected: in noisy worlds EM can find a class
with a high depth share but few meetings (accounts whose few moments happen to be
deep), and ranking it on top mislabels both.

EM starts from splits on ``log(m / e + ½) + 3 · depth share`` at three pairs of quantiles
(:data:`STARTS`). Of the three fits, those whose ordered classes deepen in the depth share
too (the levels are steps of one depth: more meetings *and* more moments beyond buying)
come first, then the highest likelihood: in noisy worlds EM can otherwise settle on a
class told apart by its purpose mix alone (a tight mix, few meetings) and merge fruitful
with growing together. The M-step updates the weights, mean mixes and rates in closed
form and the concentrations by Minka's fixed point at the new mean mix (warm-started,
on histograms of the counts). Deterministic.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy.special import digamma, gammaln, logsumexp

F = NDArray[np.float64]

#: quantile pairs of the start split (transactional | fruitful | growing together)
STARTS = ((0.6, 0.9), (0.5, 0.8), (0.7, 0.95))
#: the concentration a fit starts from, and its bounds
START_CONCENTRATION = 10.0
CONCENTRATION_BOUNDS = (0.1, 1e4)
#: fixed-point steps for the concentrations in each M-step (at most; warm-started)
CONCENTRATION_STEPS = 20


@dataclass(frozen=True)
class LevelModel:
    """Fitted class parameters, ordered from transactional to growing together."""

    weights: F  # [3]
    theta: F  # [3, purposes] mean purpose mix
    concentration: F  # [3] Dirichlet concentration of the account mixes around theta
    mu: F  # [3] meetings per account in the window

    def log_likelihood(self, x: F, m: F, e: F) -> F:
        """[n, 3] log of each account's evidence in each class (without the weights)."""
        return self._log_likelihood(_Counts(x), m, e)

    def posterior(self, x: F, m: F, e: F) -> F:
        """[n, 3] class probabilities of each account."""
        return _normalise(self.log_likelihood(x, m, e) + np.log(self.weights))

    def _log_likelihood(self, counts: _Counts, m: F, e: F) -> F:
        s = self.concentration
        alpha = s[:, None] * self.theta  # [3, P]
        rate = e[:, None] * self.mu[None, :]
        out = gammaln(s)[None, :] - gammaln(counts.total[:, None] + s[None, :])
        for k in range(len(s)):
            out[:, k] += counts.sum_over_purposes(gammaln, alpha[k])
        out += m[:, None] * np.log(rate) - rate
        return np.asarray(out, dtype=float)


class _Counts:
    """Purpose counts with their distinct values. Counts take few distinct values, so
    ``f(x + a) − f(a)`` is computed once per distinct value and purpose and looked up, and
    sums over accounts weighted by their class probabilities run over histograms of the
    distinct values: the Dirichlet-multinomial stays cheap on a large portfolio."""

    def __init__(self, x: F) -> None:
        self.x = x
        self.total = x.sum(axis=1)
        values, inverse = np.unique(x.ravel(), return_inverse=True)
        self.values = values
        self.inverse = inverse.reshape(x.shape)
        self.columns = np.arange(x.shape[1])[None, :]
        totals, total_inverse = np.unique(self.total, return_inverse=True)
        self.totals = totals
        self.total_inverse = total_inverse.ravel()

    def table(self, f: Callable[[F], F], alpha: F) -> F:
        """[U, P] ``f(v + alpha) − f(alpha)`` per distinct value and purpose."""
        return np.asarray(f(self.values[:, None] + alpha[None, :]) - f(alpha)[None, :])

    def sum_over_purposes(self, f: Callable[[F], F], alpha: F) -> F:
        """[n] ``Σ_p f(x_p + alpha_p) − f(alpha_p)`` per account."""
        return np.asarray(self.table(f, alpha)[self.inverse, self.columns].sum(axis=1))

    def histograms(self, weight: F) -> tuple[F, F]:
        """``weight`` summed per distinct value and purpose [U, P] and per distinct total [V]."""
        size = len(self.values)
        columns = range(self.x.shape[1])
        per_value = np.stack(
            [np.bincount(self.inverse[:, p], weights=weight, minlength=size) for p in columns],
            axis=1,
        )
        per_total = np.bincount(self.total_inverse, weights=weight, minlength=len(self.totals))
        return np.asarray(per_value, dtype=float), np.asarray(per_total, dtype=float)


def _normalise(log_joint: F) -> F:
    return np.asarray(np.exp(log_joint - logsumexp(log_joint, axis=1, keepdims=True)), dtype=float)


def fit_levels(x: F, m: F, e: F, depth: NDArray[np.bool_], *, iterations: int) -> LevelModel:
    """Fit the three-class mixture on counts ``x`` [n, purposes], meetings ``m`` [n] and
    exposures ``e`` [n] (in (0, 1]); ``depth`` marks the depth purposes (the starts, and
    ties in the order). Of the fits from :data:`STARTS` the one of highest likelihood."""
    share = x[:, depth].sum(axis=1) / np.maximum(x.sum(axis=1), 1.0)
    start = np.log(m / e + 0.5) + 3.0 * share
    counts = _Counts(x)
    best: tuple[bool, float, LevelModel] | None = None
    for quantiles in STARTS:
        ll, fit = _em(counts, m, e, np.digitize(start, np.quantile(start, quantiles)), iterations)
        fit = _ordered(fit, depth, bool(m.sum() > 0))
        # a fit whose levels deepen in both meetings and depth share comes first
        candidate = (_monotone(fit, depth), ll, fit)
        if best is None or candidate[:2] > best[:2]:
            best = candidate
    assert best is not None
    return best[2]


def _ordered(model: LevelModel, depth: NDArray[np.bool_], meetings: bool) -> LevelModel:
    """The classes in level order: meetings order them, the depth share breaks (near) ties;
    without any meeting in the portfolio the depth share alone."""
    share = model.theta[:, depth].sum(axis=1)
    key = model.mu * (1.0 + 1e-3 * share) if meetings else share
    order = np.argsort(key, kind="stable")
    return LevelModel(
        model.weights[order], model.theta[order], model.concentration[order], model.mu[order]
    )


def _monotone(model: LevelModel, depth: NDArray[np.bool_]) -> bool:
    """Do the (ordered) classes' depth shares rise with their meeting rates?"""
    return bool(np.all(np.diff(model.theta[:, depth].sum(axis=1)) >= 0.0))


def _em(
    counts: _Counts, m: F, e: F, group: NDArray[np.int64], iterations: int
) -> tuple[float, LevelModel]:
    """EM from a hard split into three groups: (log likelihood, model)."""
    n = len(m)
    resp = np.zeros((n, 3))
    resp[np.arange(n), group] = 1.0
    model = _m_step(counts, m, e, resp, np.full(3, START_CONCENTRATION), update=False)
    previous = -np.inf
    for _ in range(iterations):
        joint = model._log_likelihood(counts, m, e) + np.log(model.weights)
        total = float(logsumexp(joint, axis=1).sum())
        resp = _normalise(joint)
        model = _m_step(counts, m, e, resp, model.concentration)
        if total - previous <= 1e-7 * abs(total):
            previous = total
            break
        previous = total
    return previous, model


def _m_step(
    counts: _Counts, m: F, e: F, resp: F, concentration: F, update: bool = True
) -> LevelModel:
    size = resp.sum(axis=0)
    weights = np.maximum(size / max(len(m), 1), 1e-6)
    mixes = resp.T @ counts.x + 0.5
    mixes /= mixes.sum(axis=1, keepdims=True)
    mu = (resp.T @ m + 0.1) / (resp.T @ e + 0.1)
    s = concentration.copy()
    if update:
        for k in range(3):
            s[k] = _concentration(counts, resp[:, k], mixes[k], float(s[k]))
    return LevelModel(weights / weights.sum(), mixes, s, np.maximum(mu, 1e-3))


def _concentration(counts: _Counts, weight: F, theta: F, s: float) -> float:
    """The Dirichlet concentration of a class at mean mix ``theta``: Minka's fixed point,
    on the histograms of the counts (cheap however many accounts)."""
    per_value, per_total = counts.histograms(weight)
    low, high = CONCENTRATION_BOUNDS
    for _ in range(CONCENTRATION_STEPS):
        alpha = s * theta
        num = float(alpha @ (counts.table(digamma, alpha) * per_value).sum(axis=0))
        den = float(per_total @ (digamma(counts.totals + s) - digamma(s)))
        if not (num > 0.0 and den > 0.0):
            break
        new = min(max(num / den, low), high)
        done = abs(new - s) <= 1e-5 * s
        s = new
        if done:
            break
    return s
