"""The Gauss hypergeometric term of the Pareto/NBD model, in log space.

Pareto/NBD needs, for y = t_x and y = T,

    I(y) = ∫_y^∞ (α+τ)^−(r+x) (β+τ)^−(s+1) dτ
         = ₂F₁(c, b; c+1; z) / (c · (M+y)^c),     c = r+s+x,   z = |α−β| / (M+y),

with M = max(α, β) and b = s+1 when α ≥ β, b = r+x when α < β (Fader & Hardie 2005,
"A Note on Deriving the Pareto/NBD Model and Related Expressions": the form is chosen so
that 0 ≤ z < 1). With b = r+x and x = 10,000 the ₂F₁ value itself overflows, so Pfaff's
transformation is applied twice,

    ₂F₁(c, b; c+1; z) = (1−z)^(1−b) · G,     G = ₂F₁(1, c+1−b; c+1; z),

which moves the large power into a closed form: ``G`` is an average of ``1/(1 − z·u)``
over a Beta distribution, so ``1 ≤ G ≤ 1/(1−z)`` whatever the parameters.

``G`` comes from SciPy where SciPy is accurate (checked against mpmath: c < 150 or
z ≤ 0.85), from its power series where that converges quickly, and otherwise by adaptive
quadrature of its Beta-average form in log space (z close to 1 with c large: a customer
with hundreds of purchases who stopped almost at once, under parameters far from any
real fit — rare rows, so the slower route costs little).
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import numpy.typing as npt
from scipy import integrate, optimize, special

from goodwill.models._arrays import FloatArray

__all__ = ["log_hyp2f1_one", "log_pnbd_tail"]

_SCIPY_MAX_C = 150.0
_SCIPY_MAX_Z = 0.85
_SERIES_TERMS = 4000


def log_hyp2f1_one(big_b: FloatArray, big_c: FloatArray, z: FloatArray) -> FloatArray:
    """``ln ₂F₁(1, B; C; z)`` for ``0 < B < C`` and ``0 ≤ z < 1`` (elementwise)."""
    big_b, big_c, z = np.broadcast_arrays(
        np.asarray(big_b, np.float64), np.asarray(big_c, np.float64), np.asarray(z, np.float64)
    )
    shape = z.shape
    big_b, big_c, z = big_b.ravel(), big_c.ravel(), z.ravel()
    out = np.empty(z.shape)
    upper = -np.log1p(-z)  # G <= 1/(1-z)
    easy = (big_c < _SCIPY_MAX_C) | (z <= _SCIPY_MAX_Z)
    with np.errstate(all="ignore"):
        value = np.log(special.hyp2f1(1.0, big_b[easy], big_c[easy], z[easy]))
    out[easy] = value
    bad = ~easy
    bad[easy] = ~(np.isfinite(value) & (value >= -1e-12) & (value <= upper[easy] + 1e-12))
    if np.any(bad):
        idx = np.flatnonzero(bad)
        series, converged = _series(big_b[idx], big_c[idx], z[idx])
        out[idx[converged]] = np.log(series[converged])
        for i in idx[~converged]:
            out[i] = _quadrature_log(float(big_b[i]), float(big_c[i]), float(z[i]))
    return np.clip(out, 0.0, upper).reshape(shape)


def _series(
    big_b: FloatArray, big_c: FloatArray, z: FloatArray
) -> tuple[FloatArray, npt.NDArray[np.bool_]]:
    """Σ (B)_n/(C)_n zⁿ, summed while the terms matter; which rows converged."""
    total = np.ones_like(z)
    term = np.ones_like(z)
    active = np.ones(z.shape, dtype=bool)
    for n in range(_SERIES_TERMS):
        ratio = z * (big_b + n) / (big_c + n)
        term = np.where(active, term * ratio, 0.0)
        total += term
        # the remaining tail is at most term · ratio/(1 − ratio) once the ratio decreases
        # no more (it tends to z from below when B < C)
        tail = term * z / (1.0 - z)
        active &= tail > 1e-17 * total
        if not active.any():
            break
    return total, ~active


def _quadrature_log(big_b: float, big_c: float, z: float) -> float:
    """``ln G`` with ``G = E[1 / (ε + z·S)]``, ``S ~ Beta(C−B, B)``, ``ε = 1 − z``.

    In ``v = ln S`` the integrand is log-concave; it is integrated on both sides of its
    mode, scaled by its value there so nothing under- or overflows.
    """
    b, eps = big_c - big_b, 1.0 - z
    log_norm = float(special.betaln(b, big_b))

    def log_f(v: float) -> float:
        ev = math.exp(v)
        return b * v + (big_b - 1.0) * math.log1p(-ev) - math.log(eps + z * ev) - log_norm

    def slope(v: float) -> float:
        ev = math.exp(v)
        return b - (big_b - 1.0) * ev / (1.0 - ev) - z * ev / (eps + z * ev)

    hi = -1e-15
    lo = -1.0
    while slope(lo) < 0:
        lo *= 2.0
    mode = hi if slope(hi) > 0 else optimize.brentq(slope, lo, hi, xtol=1e-14)
    peak = log_f(mode)

    def scaled(v: float) -> float:
        return math.exp(log_f(v) - peak) if math.exp(v) < 1.0 else 0.0

    with warnings.catch_warnings():
        # QUADPACK warns when it cannot reach 1e-12; what it reaches is still ~1e-10
        warnings.simplefilter("ignore", integrate.IntegrationWarning)
        left = integrate.quad(scaled, -np.inf, mode, epsabs=0.0, epsrel=1e-12, limit=200)[0]
        right = integrate.quad(scaled, mode, 0.0, epsabs=0.0, epsrel=1e-12, limit=200)[0]
    return peak + math.log(left + right)


def log_pnbd_tail(
    r: float, alpha: float, s: float, beta: float, x: FloatArray, y: FloatArray
) -> FloatArray:
    """``ln I(y) = ln ∫_y^∞ (α+τ)^−(r+x) (β+τ)^−(s+1) dτ``, elementwise over ``x, y``."""
    c = r + s + x
    if alpha >= beta:
        big_m, small_m, b = alpha, beta, s + 1.0 + 0.0 * x
    else:
        big_m, small_m, b = beta, alpha, r + x
    log_big = np.log(big_m + y)
    z = (big_m - small_m) / (big_m + y)
    log_one_minus_z = np.log(small_m + y) - log_big
    log_g = log_hyp2f1_one(c + 1.0 - b, c + 1.0, z)
    return np.asarray(-c * log_big + (1.0 - b) * log_one_minus_z + log_g - np.log(c))
