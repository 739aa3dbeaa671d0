"""The statistics behind responsiveness: each account's own effect of our attention on
its order rate (a conditional Poisson fit: the account's own level drops out), and an
empirical-Bayes prior to shrink it to: a share of accounts respond (their effects spread
normally), the rest share the portfolio's background level, fitted by marginal
likelihood.

All functions are vectorised over accounts (rows) and weeks (columns).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.special import ndtr


@dataclass(frozen=True)
class OwnEstimate:
    """Per account: the log rate ratio of weeks after our attention to other weeks."""

    effect: np.ndarray
    se: np.ndarray
    order_days: np.ndarray
    weeks_after: np.ndarray
    weeks_other: np.ndarray


def portfolio_season(orders: np.ndarray, observed: np.ndarray) -> np.ndarray:
    """The portfolio's order days per observed account in each week, relative to its
    mean: season, holidays and the portfolio's own trend, which no account's attention
    explains. A week nobody is observed gets 1."""
    n = observed.sum(axis=0)
    rate = np.where(n > 0, (orders * observed).sum(axis=0) / np.maximum(n, 1), np.nan)
    mean = np.nanmean(rate) if np.isfinite(rate).any() else 1.0
    season = rate / mean if mean > 0 else np.ones_like(rate)
    return np.where(np.isfinite(season) & (season > 0), season, 1.0)


def exposure(dose: np.ndarray, window: int) -> np.ndarray:
    """How much each week follows our attention: the dose in the ``window`` weeks before
    it (not the week itself), capped at 1."""
    cum = np.concatenate([np.zeros((dose.shape[0], 1)), np.cumsum(dose, axis=1)], axis=1)
    t = np.arange(dose.shape[1])
    lo = np.maximum(t - window, 0)
    return np.asarray(np.minimum(cum[:, t] - cum[:, lo], 1.0))


def own_effect(
    orders: np.ndarray,
    expo: np.ndarray,
    season: np.ndarray,
    observed: np.ndarray,
    penalty_sd: float,
    iterations: int = 25,
) -> OwnEstimate:
    """Per account, the maximum (weakly penalised) conditional likelihood of ``beta`` in

        orders[i, t] ~ Poisson(mu_i * season[t] * exp(beta_i * expo[i, t]))

    over its observed weeks. Conditioning on the account's total order days removes
    ``mu_i``: each account is compared with itself only. The standard error is from the
    observed information; it is infinite when the exposure never varies."""
    y = orders * observed
    x = expo * observed
    n = y.sum(axis=1)
    beta = np.zeros(orders.shape[0])
    ridge = 1.0 / penalty_sd**2 if penalty_sd > 0 else 0.0
    info = np.zeros_like(beta)
    base = season[None, :] * observed
    yx = (y * x).sum(axis=1)
    for _ in range(iterations):
        w = base * np.exp(beta[:, None] * x)
        s0 = w.sum(axis=1)
        s0 = np.where(s0 > 0, s0, 1.0)
        m1 = (w * x).sum(axis=1) / s0
        var = np.maximum((w * x * x).sum(axis=1) / s0 - m1**2, 0.0)
        grad = yx - n * m1 - ridge * beta
        info = n * var + ridge
        step = np.clip(grad / info, -1.0, 1.0)
        beta = beta + step
        if np.all(np.abs(step) < 1e-7):
            break
    data_info = info - ridge
    se = np.where(data_info > 1e-9, 1.0 / np.sqrt(np.maximum(info, 1e-12)), np.inf)
    se = se * np.sqrt(dispersion(y, x, base, beta, observed))
    after = (x > 0).sum(axis=1)
    return OwnEstimate(
        effect=beta,
        se=se,
        order_days=n,
        weeks_after=after,
        weeks_other=observed.sum(axis=1) - after,
    )


#: pseudo-weeks of Poisson dispersion (1) behind each account's own dispersion
DISPERSION_PRIOR_WEEKS = 10.0


def dispersion(
    y: np.ndarray, x: np.ndarray, base: np.ndarray, beta: np.ndarray, observed: np.ndarray
) -> np.ndarray:
    """Each account's quasi-Poisson dispersion: the Pearson statistic of its fit per
    degree of freedom, shrunk towards 1 with :data:`DISPERSION_PRIOR_WEEKS` and kept
    within [0.3, 3]. Order *days* per week are bounded by the working days, so a busy
    account's weeks vary less than a Poisson count would (dispersion below 1) and its
    standard error is smaller than the Poisson one; bursty ordering works the other way."""
    w = base * np.exp(beta[:, None] * x)
    total = w.sum(axis=1)
    mu = w * (y.sum(axis=1) / np.where(total > 0, total, 1.0))[:, None]
    pearson = np.where(observed & (mu > 0), (y - mu) ** 2 / np.maximum(mu, 1e-12), 0.0).sum(1)
    df = np.maximum(observed.sum(axis=1) - 2, 0)
    prior = DISPERSION_PRIOR_WEEKS
    return np.asarray(np.clip((pearson + prior) / (df + prior), 0.3, 3.0))


@dataclass(frozen=True)
class Mixture:
    """The prior of the accounts' own effects: a share ``weight`` respond, their effects
    ``Normal(slab_mean, slab_sd)``; the rest share one background level ``null_mean`` (the
    order rate after our contacts that no account's response explains: the season left
    over, our habit of calling when they are about to order anyway)."""

    null_mean: float
    weight: float
    slab_mean: float
    slab_sd: float


def _normal(x: np.ndarray, mean: np.ndarray | float, var: np.ndarray) -> np.ndarray:
    return np.asarray(np.exp(-0.5 * (x - mean) ** 2 / var) / np.sqrt(2 * np.pi * var))


def _em(
    b: np.ndarray, v: np.ndarray, start: Mixture, sd_min: float, iterations: int
) -> tuple[Mixture, float]:
    w0 = 1.0 / v
    mu0, pi, mu1, tau2 = start.null_mean, start.weight, start.slab_mean, start.slab_sd**2
    for _ in range(iterations):
        f1 = pi * _normal(b, mu1, v + tau2)
        f0 = (1 - pi) * _normal(b, mu0, v)
        r = f1 / np.maximum(f1 + f0, 1e-300)
        pi_new = float(np.clip(r.mean(), 1e-4, 1 - 1e-4))
        q = 1 - r
        mu0_new = float((q * w0 * b).sum() / max((q * w0).sum(), 1e-12))
        w1 = r / (v + tau2)
        mu1_new = max(float((w1 * b).sum() / max(w1.sum(), 1e-12)), mu0_new)
        w2 = r / (v + tau2) ** 2
        tau2_new = float((w2 * ((b - mu1_new) ** 2 - v)).sum() / max(w2.sum(), 1e-12))
        tau2_new = max(tau2_new, sd_min**2)
        done = abs(pi_new - pi) + abs(mu1_new - mu1) + abs(mu0_new - mu0) < 1e-9
        pi, mu0, mu1, tau2 = pi_new, mu0_new, mu1_new, tau2_new
        if done:
            break
    f = pi * _normal(b, mu1, v + tau2) + (1 - pi) * _normal(b, mu0, v)
    return Mixture(mu0, pi, mu1, float(np.sqrt(tau2))), float(np.log(np.maximum(f, 1e-300)).sum())


def mixture_prior(
    effect: np.ndarray, se: np.ndarray, sd_min: float, iterations: int = 300
) -> Mixture:
    """Fit the two-group prior to the accounts' own estimates and standard errors by
    maximum marginal likelihood: EM (the slab's spread by weighted moments in the
    M-step) from several starting points, the best kept. The responding group's mean is
    kept at or above the background."""
    ok = np.isfinite(effect) & np.isfinite(se) & (se > 0)
    b, v = effect[ok], se[ok] ** 2
    if b.size < 4:
        return Mixture(0.0, 0.5, 0.0, max(sd_min, 1.0))
    w0 = 1.0 / v
    mu0 = float((w0 * b).sum() / w0.sum())
    typical = float(np.sqrt(np.median(v)))
    best: tuple[Mixture, float] | None = None
    for pi in (0.1, 0.3, 0.5, 0.7):
        for gap in (0.5, 1.0, 2.0):
            start = Mixture(mu0, pi, mu0 + gap * typical, max(sd_min, 0.5 * typical))
            fit = _em(b, v, start, sd_min, iterations)
            if best is None or fit[1] > best[1] + 1e-9:
                best = fit
    assert best is not None
    return best[0]


@dataclass(frozen=True)
class Posterior:
    """Per account, the effect beyond the background (``effect - null_mean``)."""

    p_responds: np.ndarray
    mean: np.ndarray
    p_positive: np.ndarray
    low: np.ndarray
    high: np.ndarray


def mixture_posterior(
    effect: np.ndarray,
    se: np.ndarray,
    null_mean: float,
    weight: np.ndarray,
    slab_mean: float,
    slab_sd: float,
    interval: float,
) -> Posterior:
    """The posterior of each account's effect beyond the background under the two-group
    prior (``weight`` per account: its segment's share that responds). Without own
    information (infinite standard error) an account keeps its prior."""
    own = np.isfinite(se) & np.isfinite(effect)
    v = np.where(own, se**2, 1.0)
    b = np.where(own, effect, slab_mean)
    tau2 = slab_sd**2
    f1 = weight * _normal(b, slab_mean, v + tau2)
    f0 = (1 - weight) * _normal(b, null_mean, v)
    p = np.where(own, f1 / np.maximum(f1 + f0, 1e-300), weight)
    own_prec = np.where(own, 1.0 / v, 0.0)
    prec = own_prec + 1.0 / tau2
    m = (slab_mean / tau2 + own_prec * b) / prec - null_mean
    sd = 1.0 / np.sqrt(prec)

    def cdf(x: np.ndarray) -> np.ndarray:
        return np.asarray((1 - p) * (x >= 0) + p * _phi((x - m) / sd))

    def quantile(q: float) -> np.ndarray:
        lo = np.minimum(m - 10 * sd, -1e-9)
        hi = np.maximum(m + 10 * sd, 1e-9)
        for _ in range(60):
            mid = (lo + hi) / 2
            below = cdf(mid) < q
            lo, hi = np.where(below, mid, lo), np.where(below, hi, mid)
        return np.where(np.abs(hi) < 1e-9, 0.0, hi)  # the background itself

    tail = (1 - interval) / 2
    return Posterior(
        p_responds=p,
        mean=p * m,
        p_positive=p * (1 - _phi(-m / sd)),
        low=quantile(tail),
        high=quantile(1 - tail),
    )


def _phi(z: np.ndarray) -> np.ndarray:
    return np.asarray(ndtr(z))
