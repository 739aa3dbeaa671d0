"""BG/BB: a likelihood computed by hand, the published donation estimates, recovery.

Model and data: Fader, Hardie & Shang (2010), "Customer-Base Analysis in a Discrete-Time
Noncontractual Setting", Marketing Science 29(6). Table 2 reports, for the 11,104 donors
of 1995 over six annual opportunities, α = 1.204, β = 0.750, γ = 0.657, δ = 2.783 and
LL = −33,225.6 (tests/data/donations/README.md).
"""

from __future__ import annotations

import json
import math
from math import comb
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from goodwill.models import BetaGeoBetaBinom, ModelInputError

DONATIONS = Path(__file__).resolve().parents[1] / "data" / "donations" / "donations.csv"
PUBLISHED = {"alpha": 1.204, "beta": 0.750, "gamma": 0.657, "delta": 2.783}


def _beta(a: float, b: float) -> float:
    return math.gamma(a) * math.gamma(b) / math.gamma(a + b)


def test_likelihood_of_a_tiny_data_set_computed_by_hand() -> None:
    # three customers, n = 3 opportunities, at α = 1, β = 2, γ = 1, δ = 3: every Beta
    # function is a ratio of factorials, so each term is written out as a fraction.
    #   B(1,2) = 1/2, B(1,3) = 1/3
    # (x=0, t_x=0): B(1,5)/B(1,2)·B(1,6)/B(1,3) + Σ_{i=0..2} B(1,2+i)/B(1,2)·B(2,3+i)/B(1,3)
    #   = (1/5)/(1/2)·(1/6)/(1/3) + (1/2)/(1/2)·(1/12)/(1/3) + (1/3)/(1/2)·(1/20)/(1/3)
    #     + (1/4)/(1/2)·(1/30)/(1/3)
    #   = 1/5 + 1/4 + 1/10 + 1/20 = 3/5
    # (x=1, t_x=2): B(2,4)/B(1,2)·B(1,6)/B(1,3) + B(2,3)/B(1,2)·B(2,5)/B(1,3)
    #   = (1/20)/(1/2)·(1/2) + (1/12)/(1/2)·(1/30)/(1/3) = 1/20 + 1/60 = 1/15
    # (x=3, t_x=3): B(4,2)/B(1,2)·B(1,6)/B(1,3) = (1/20)/(1/2)·(1/2) = 1/20
    expected = math.log(3 / 5) + math.log(1 / 15) + math.log(1 / 20)
    model = BetaGeoBetaBinom()
    params = {"alpha": 1.0, "beta": 2.0, "gamma": 1.0, "delta": 3.0}
    data = {"frequency": [0, 1, 3], "recency": [0, 2, 3], "n_periods": [3, 3, 3]}
    ll, _ = model.log_likelihood(params, data)
    assert ll == pytest.approx(expected, rel=1e-12)
    # and the same with the Beta functions evaluated directly
    direct = math.log(
        _beta(1, 5) / _beta(1, 2) * _beta(1, 6) / _beta(1, 3)
        + sum(_beta(1, 2 + i) / _beta(1, 2) * _beta(2, 3 + i) / _beta(1, 3) for i in range(3))
    )
    assert direct == pytest.approx(math.log(3 / 5), rel=1e-12)


@pytest.fixture(scope="module")
def donations() -> pd.DataFrame:
    return pd.read_csv(DONATIONS)


@pytest.fixture(scope="module")
def fitted(donations: pd.DataFrame) -> BetaGeoBetaBinom:
    d = donations
    return BetaGeoBetaBinom().fit(d["frequency"], d["recency"], d["periods"], d["weights"])


def test_donations_estimates_match_fader_hardie_shang_2010(fitted: BetaGeoBetaBinom) -> None:
    for name, value in PUBLISHED.items():
        assert round(fitted.params_[name], 3) == value
    assert round(fitted.log_likelihood_, 1) == -33225.6
    assert fitted.n_customers_ == 11104


@pytest.mark.parametrize(
    "theta", [PUBLISHED, {"alpha": 2.0, "beta": 0.5, "gamma": 3.0, "delta": 0.7}]
)
def test_analytic_gradient_matches_finite_differences(
    donations: pd.DataFrame, theta: dict[str, float]
) -> None:
    d = donations
    data = {"frequency": d["frequency"], "recency": d["recency"], "n_periods": d["periods"]}
    model = BetaGeoBetaBinom()
    _, grad = model.log_likelihood(theta, data, d["weights"])
    for name in model.param_names:
        h = 1e-6 * theta[name]
        up, down = {**theta, name: theta[name] + h}, {**theta, name: theta[name] - h}
        numeric = (
            model.log_likelihood(up, data, d["weights"])[0]
            - model.log_likelihood(down, data, d["weights"])[0]
        ) / (2 * h)
        assert grad[name] == pytest.approx(numeric, rel=1e-5, abs=1e-4)


def test_predictions_agree_with_each_other(fitted: BetaGeoBetaBinom) -> None:
    n, future = 6, 5
    probs = fitted.probability_of_n_purchases(np.arange(0, n + 2), n)
    assert probs.sum() == pytest.approx(1.0, abs=1e-12) and probs[-1] == 0.0
    new = fitted.expected_purchases_new([n, n + future])
    assert float(np.arange(0, n + 2) @ probs) == pytest.approx(new[0], rel=1e-12)
    # averaging the conditional expectation over every history of n opportunities gives
    # the unconditional purchases in the next `future` ones; a history (x, t_x) is
    # C(t_x − 1, x − 1) purchase patterns, each with probability L(x, t_x, n)
    xs, txs, counts = [0], [0], [1]
    for t_x in range(1, n + 1):
        for x in range(1, t_x + 1):
            xs.append(x)
            txs.append(t_x)
            counts.append(comb(t_x - 1, x - 1))
    x, t_x = np.array(xs, float), np.array(txs, float)
    log_l = np.array(
        [
            fitted.log_likelihood(
                fitted.params_, {"frequency": [a], "recency": [b], "n_periods": [n]}
            )[0]
            for a, b in zip(xs, txs, strict=True)
        ]
    )
    weights = np.array(counts) * np.exp(log_l)
    assert weights.sum() == pytest.approx(1.0, abs=1e-12)
    conditional = fitted.expected_purchases(future, x, t_x, n)
    assert float(weights @ conditional) == pytest.approx(new[1] - new[0], rel=1e-10)
    alive = fitted.p_alive(x, t_x, n)
    assert np.all((alive > 0) & (alive < 1))
    assert alive[-1] == pytest.approx(alive.max())  # bought at every opportunity


def test_confidence_intervals_cover_the_truth() -> None:
    # the recovery test of test_recovery.py for BG/BB, with the model's own simulator
    truth = {"alpha": 1.2, "beta": 0.75, "gamma": 0.66, "delta": 2.8}
    model = BetaGeoBetaBinom.from_params(**truth)
    rng = np.random.default_rng(2010)
    replications, hits = 200, dict.fromkeys(truth, 0)
    for _ in range(replications):
        x, t_x, n = model.sample(rng.integers(6, 11, size=3000), rng)
        fit = BetaGeoBetaBinom().fit(x, t_x, n)
        for name, (lower, upper) in fit.confidence_intervals_.items():
            hits[name] += lower <= truth[name] <= upper
    coverage = {k: v / replications for k, v in hits.items()}
    assert all(0.90 <= c <= 0.99 for c in coverage.values()), coverage


def test_sampler_matches_the_model_expectation() -> None:
    model = BetaGeoBetaBinom.from_params(**PUBLISHED)
    x, t_x, n = model.sample(np.full(200_000, 6), np.random.default_rng(6))
    assert np.all(x <= t_x) and np.all(t_x <= n)
    assert x.mean() == pytest.approx(float(model.expected_purchases_new(6)[0]), rel=0.01)


@pytest.mark.parametrize(
    ("x", "t_x", "n", "message"),
    [
        ([1], [4], [3], "must not exceed"),
        ([2], [1], [3], "fit together"),
        ([0.5], [1], [3], "whole"),
    ],
)
def test_bad_inputs_are_refused(
    x: list[float], t_x: list[float], n: list[float], message: str
) -> None:
    with pytest.raises(ModelInputError, match=message):
        BetaGeoBetaBinom().fit(x, t_x, n)


def test_to_dict_round_trip(fitted: BetaGeoBetaBinom) -> None:
    loaded = BetaGeoBetaBinom.from_dict(json.loads(json.dumps(fitted.to_dict())))
    assert loaded.params_ == fitted.params_
    assert "BetaGeoBetaBinom" in str(loaded.summary())
