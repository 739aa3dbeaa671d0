"""MBG/NBD: CDNOW estimates, gradient, predictions that agree with each other, sampler.

Model: Batislam, Denizel & Filiztekin (2007), "Empirical validation and comparison of
models for customer base analysis", IJRM 24(3). The exact maximum-likelihood estimates on
the CDNOW 39-week calibration sample (Fader, Hardie & Lee 2005), r = 0.5248, α = 6.183,
a = 0.891, b = 1.614, are those of shared/data/README.md (several implementations,
lifetimes' ModifiedBetaGeoFitter among them, agree); its log-likelihood is −9582.13.
"""

from __future__ import annotations

import json

import mpmath as mp
import numpy as np
import pandas as pd
import pytest

from goodwill.models import BetaGeo, ModifiedBetaGeo

EXACT = {"r": 0.5248, "alpha": 6.183, "a": 0.891, "b": 1.614}


@pytest.fixture(scope="module")
def fitted(cdnow: pd.DataFrame) -> ModifiedBetaGeo:
    return ModifiedBetaGeo().fit(cdnow["x"], cdnow["t_x"], cdnow["T"])


def test_cdnow_estimates_and_log_likelihood(fitted: ModifiedBetaGeo) -> None:
    for name, value in EXACT.items():
        assert fitted.params_[name] == pytest.approx(value, rel=1e-3)
    assert fitted.log_likelihood_ == pytest.approx(-9582.13, abs=0.05)
    assert fitted.n_customers_ == 2357


@pytest.mark.parametrize(
    "theta",
    [
        EXACT,
        {"r": 2.0, "alpha": 0.5, "a": 3.0, "b": 0.4},
        {"r": 0.05, "alpha": 90.0, "a": 0.2, "b": 20},
    ],
)
def test_analytic_gradient_matches_finite_differences(
    cdnow: pd.DataFrame, theta: dict[str, float]
) -> None:
    data = {"frequency": cdnow["x"], "recency": cdnow["t_x"], "T": cdnow["T"]}
    model = ModifiedBetaGeo()
    _, grad = model.log_likelihood(theta, data)
    for name in model.param_names:
        h = 1e-6 * theta[name]
        up, down = {**theta, name: theta[name] + h}, {**theta, name: theta[name] - h}
        numeric = (model.log_likelihood(up, data)[0] - model.log_likelihood(down, data)[0]) / (
            2 * h
        )
        assert grad[name] == pytest.approx(numeric, rel=1e-5, abs=1e-4)


def test_conditional_expectation_matches_mpmath() -> None:
    # lifetimes' form, without the Euler transformation, with 50 digits
    r, alpha, a, b, t = 0.5248, 43.3, 0.891, 1.614, 365.0
    model = ModifiedBetaGeo.from_params(r=r, alpha=alpha, a=a, b=b)
    mp.mp.dps = 50
    for x, t_x, big_t in [(10_000, 7_300.0, 7_305.0), (0, 0.0, 7_305.0), (3, 0.5, 1.0)]:
        R, A, AA, B, X, TX, TT, H = map(mp.mpf, (r, alpha, a, b, x, t_x, big_t, t))
        z = H / (A + TT + H)
        num = (
            (AA + B + X)
            / (AA - 1)
            * (
                1
                - ((A + TT) / (A + TT + H)) ** (R + X) * mp.hyp2f1(R + X, B + X + 1, AA + B + X, z)
            )
        )
        den = 1 + AA / (B + X) * ((A + TT) / (A + TX)) ** (R + X)
        got = model.expected_purchases(t, x, t_x, big_t)[0]
        assert got == pytest.approx(float(num / den), rel=1e-10)


def test_predictions_agree_with_each_other(fitted: ModifiedBetaGeo) -> None:
    n = np.arange(0, 3000)
    probs = fitted.probability_of_n_purchases(n, 39)
    assert probs.sum() == pytest.approx(1.0, abs=1e-9)
    new = float(fitted.expected_purchases_new(39)[0])
    assert float(n @ probs) == pytest.approx(new, rel=1e-7)
    # a customer seen at time 0 only is the new customer
    assert fitted.expected_purchases(39, 0, 0, 0)[0] == pytest.approx(new, rel=1e-12)
    # unlike BG/NBD, a customer without repeat purchases may have left
    assert fitted.p_alive(0, 0, 38.86)[0] < 1.0
    assert BetaGeo.from_params(**EXACT).p_alive(0, 0, 38.86)[0] == 1.0


def test_sampler_matches_the_model_expectation() -> None:
    model = ModifiedBetaGeo.from_params(r=0.5, alpha=6.0, a=0.9, b=1.6)
    rng = np.random.default_rng(2007)
    x, t_x, big_t = model.sample(np.full(200_000, 52.0), rng)
    assert np.all(t_x <= big_t) and np.all((x > 0) | (t_x == 0))
    assert x.mean() == pytest.approx(float(model.expected_purchases_new(52.0)[0]), rel=0.02)


def test_to_dict_round_trip(fitted: ModifiedBetaGeo) -> None:
    loaded = ModifiedBetaGeo.from_dict(json.loads(json.dumps(fitted.to_dict())))
    assert loaded.params_ == fitted.params_
    assert "ModifiedBetaGeo" in str(loaded.summary())
