"""Gamma-Gamma on CDNOW: Fader, Hardie & Lee (2005), "RFM and CLV: Using Iso-Value Curves
for Customer Base Analysis", JMR 42(4) report p = 6.25, q = 3.74, γ = 15.44 on the 946
repeat customers' mean spend; the exact MLE 6.2488 / 3.7446 / 15.4477 (LL −4055.92) is the
one several implementations agree on (shared/data/README.md).
"""

from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd
import pytest

from goodwill.models import GammaGamma, ModelError, ModelInputError

EXACT = {"p": 6.2488, "q": 3.7446, "v": 15.4477}


@pytest.fixture(scope="module")
def fitted(cdnow: pd.DataFrame) -> GammaGamma:
    return GammaGamma().fit(cdnow["x"], cdnow["zbar"])


def test_cdnow_estimates_match_fader_hardie_lee_2005(fitted: GammaGamma) -> None:
    for name, value in EXACT.items():
        assert fitted.params_[name] == pytest.approx(value, rel=1e-4)
    assert (round(fitted.params_["p"], 2), round(fitted.params_["q"], 2)) == (6.25, 3.74)
    assert fitted.log_likelihood_ == pytest.approx(-4055.92, abs=0.05)
    assert fitted.n_customers_ == 946  # customers with x = 0 carry no spend information


def test_expected_spend_matches_lifetimes_formula(fitted: GammaGamma) -> None:
    p, q, v = (fitted.params_[k] for k in ("p", "q", "v"))
    x = np.array([0, 1, 2, 10])
    m = np.array([0.0, 20.0, 22.35, 5.0])
    weight = p * x / (p * x + q - 1)
    expected = (1 - weight) * v * p / (q - 1) + weight * m
    np.testing.assert_allclose(fitted.expected_spend(x, m), expected, rtol=1e-12)
    assert fitted.expected_spend(0, 0)[0] == pytest.approx(p * v / (q - 1))


@pytest.mark.parametrize(
    "theta", [EXACT, {"p": 0.3, "q": 0.8, "v": 200.0}, {"p": 40.0, "q": 15.0, "v": 2.0}]
)
def test_analytic_gradient_matches_finite_differences(
    cdnow: pd.DataFrame, theta: dict[str, float]
) -> None:
    rep = cdnow[cdnow["x"] > 0]
    data = {"frequency": rep["x"], "monetary_value": rep["zbar"]}
    model = GammaGamma()
    _, grad = model.log_likelihood(theta, data)
    for name in model.param_names:
        h = 1e-6 * theta[name]
        up = {**theta, name: theta[name] + h}
        down = {**theta, name: theta[name] - h}
        numeric = (model.log_likelihood(up, data)[0] - model.log_likelihood(down, data)[0]) / (
            2 * h
        )
        assert grad[name] == pytest.approx(numeric, rel=1e-5, abs=1e-4)


@pytest.mark.parametrize(("x", "m"), [(10_000, 1e-6), (10_000, 1e7), (1, 1e-9), (1, 1e9)])
def test_extreme_inputs_give_finite_results(x: int, m: float) -> None:
    model = GammaGamma.from_params(**EXACT)
    ll, grad = model.log_likelihood(model.params_, {"frequency": [x], "monetary_value": [m]})
    assert math.isfinite(ll) and all(math.isfinite(g) for g in grad.values())
    assert np.isfinite(model.expected_spend(x, m)).all()


def test_round_trip_and_summary(fitted: GammaGamma) -> None:
    loaded = GammaGamma.from_dict(json.loads(json.dumps(fitted.to_dict())))
    assert loaded.params_ == fitted.params_
    assert "q" in str(loaded.summary()) and "<table>" in loaded.summary().to_html()


def test_bad_spend_is_refused() -> None:
    with pytest.raises(ModelInputError, match="> 0"):
        GammaGamma().fit([1, 2], [10.0, 0.0])
    with pytest.raises(ModelInputError, match="repeat purchase"):
        GammaGamma().fit([0, 0], [0.0, 0.0])


def test_spend_without_finite_mean_is_refused() -> None:
    with pytest.raises(ModelError, match="no finite mean"):
        GammaGamma.from_params(p=1.0, q=0.9, v=1.0).expected_spend(1, 1.0)
