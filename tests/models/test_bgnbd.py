"""BG/NBD: published numbers, lifetimes' predictions, gradients, extremes, persistence.

Golden numbers: Fader, Hardie & Lee (2005), "Counting Your Customers the Easy Way: An
Alternative to the Pareto/NBD Model", Marketing Science 24(2) — section 5 reports
r = 0.243, α = 4.414, a = 0.793, b = 2.426, LL = −9582.4 on the CDNOW 39-week calibration
sample; the exact MLE 0.24259 / 4.41353 / 0.79289 / 2.42575 (LL −9582.43) is the one
several implementations agree on (shared/data/README.md). The companion note
"Implementing the BG/NBD Model for Customer Base Analysis in Excel" (2005) computes
E[X(39) | x = 2, t_x = 30.43, T = 38.86] = 1.226.
"""

from __future__ import annotations

import json
import math

import mpmath as mp
import numpy as np
import pandas as pd
import pytest

from goodwill.errors import ConvergenceError
from goodwill.models import BetaGeo, ModelInputError, NotFittedError

EXACT = {"r": 0.24259, "alpha": 4.41353, "a": 0.79289, "b": 2.42575}
PUBLISHED = {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}

# lifetimes 0.11.3 BetaGeoFitter() on the same data (bench/cdnow_lifetimes_pins.py)
LIFETIMES_IDS = [1, 2, 3, 6, 7, 9, 18, 33, 100, 1516]
LIFETIMES_P_ALIVE = [
    0.7266091367990596, 0.21222738807220765, 1.0, 0.6418006393519198, 0.3149183003973085,
    0.7848075681725668, 0.31091528096614635, 1.0, 0.6469884214257856, 0.9689197159692114,
]  # fmt: skip
LIFETIMES_EXPECTED_39 = [
    1.2259104241744068, 0.20325062425618798, 0.19478085793947836, 3.3372396465269594,
    0.3015979310063082, 1.3241008543218766, 0.2977642307205725, 0.19539146745496752,
    0.6267951461314679, 20.750570498762993,
]  # fmt: skip


@pytest.fixture(scope="module")
def fitted(cdnow: pd.DataFrame) -> BetaGeo:
    return BetaGeo().fit(cdnow["x"], cdnow["t_x"], cdnow["T"])


def test_cdnow_estimates_match_fader_hardie_lee_2005(fitted: BetaGeo) -> None:
    for name, value in EXACT.items():
        assert fitted.params_[name] == pytest.approx(value, rel=1e-4)
        assert round(fitted.params_[name], 3) == PUBLISHED[name]
    assert fitted.log_likelihood_ == pytest.approx(-9582.43, abs=0.05)
    assert round(fitted.log_likelihood_, 1) == -9582.4
    assert fitted.n_customers_ == 2357
    assert fitted.n_rows_fitted_ < 2357  # identical rows were fitted once


def test_spreadsheet_conditional_expectation_is_1_226(fitted: BetaGeo) -> None:
    # FHL (2005) BG/NBD Excel note: E[X(39) | x=2, t_x=30.43, T=38.86] = 1.226
    value = fitted.expected_purchases(39, 2, 30.43, 38.86)
    assert round(float(value[0]), 3) == 1.226


def test_predictions_match_lifetimes(fitted: BetaGeo, cdnow: pd.DataFrame) -> None:
    sel = cdnow.loc[LIFETIMES_IDS]
    args = (sel["x"], sel["t_x"], sel["T"])
    np.testing.assert_allclose(fitted.p_alive(*args), LIFETIMES_P_ALIVE, rtol=1e-5)
    np.testing.assert_allclose(
        fitted.expected_purchases(39, *args), LIFETIMES_EXPECTED_39, rtol=1e-5
    )
    np.testing.assert_allclose(
        fitted.expected_purchases_new([1, 10, 39, 78]),
        [0.0531847368956294, 0.43176098952266456, 1.195016228446194, 1.857971703527763],
        rtol=1e-5,
    )
    np.testing.assert_allclose(
        fitted.probability_of_n_purchases([0, 1, 2, 5, 10], 39),
        [0.5743072834054233, 0.1991930612821033, 0.08532240876046435,
         0.01793839227357502, 0.0035845073806276186],
        rtol=1e-5,
    )  # fmt: skip


def test_probabilities_of_n_purchases_sum_to_one(fitted: BetaGeo) -> None:
    total = fitted.probability_of_n_purchases(np.arange(0, 2000), 39).sum()
    assert total == pytest.approx(1.0, abs=1e-9)
    # and their mean is the expected number of purchases
    n = np.arange(0, 5000)
    mean = float(n @ fitted.probability_of_n_purchases(n, 39))
    assert mean == pytest.approx(float(fitted.expected_purchases_new(39)[0]), rel=1e-6)


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
    model = BetaGeo()
    _, grad = model.log_likelihood(theta, data)
    for name in model.param_names:
        h = 1e-6 * theta[name]
        up = {**theta, name: theta[name] + h}
        down = {**theta, name: theta[name] - h}
        numeric = (model.log_likelihood(up, data)[0] - model.log_likelihood(down, data)[0]) / (
            2 * h
        )
        assert grad[name] == pytest.approx(numeric, rel=1e-5, abs=1e-4)


EXTREMES = [
    (10_000, 7_300.0, 7_305.0),  # a daily buyer for 20 years, in days
    (10_000, 1.0, 7_305.0),  # ... who stopped on day 1
    (10_000, 7_305.0, 7_305.0),
    (0, 0.0, 7_305.0),
    (1, 7_305.0, 7_305.0),
    (0, 0.0, 0.0),
    (5, 1e-9, 1e-9),
]


@pytest.mark.parametrize(("x", "t_x", "big_t"), EXTREMES)
def test_extreme_inputs_give_finite_results(x: int, t_x: float, big_t: float) -> None:
    model = BetaGeo.from_params(r=0.243, alpha=4.414 * 7, a=0.793, b=2.426)
    ll, grad = model.log_likelihood(
        model.params_, {"frequency": [x], "recency": [t_x], "T": [big_t]}
    )
    assert math.isfinite(ll) and all(math.isfinite(g) for g in grad.values())
    p = model.p_alive(x, t_x, big_t)
    assert 0.0 <= p[0] <= 1.0
    expected = model.expected_purchases(365.25, x, t_x, big_t)
    assert np.isfinite(expected).all() and expected[0] >= 0


@pytest.mark.parametrize(
    ("x", "t_x", "big_t"),
    [(10_000, 7_300.0, 7_305.0), (0, 0.0, 7_305.0), (50, 3_000.0, 7_305.0), (3, 0.5, 1.0)],
)
def test_conditional_expectation_matches_mpmath(x: int, t_x: float, big_t: float) -> None:
    # the paper's formula with 50-digit arithmetic, no Euler transformation
    r, alpha, a, b, t = 0.243, 30.898, 0.793, 2.426, 365.0
    model = BetaGeo.from_params(r=r, alpha=alpha, a=a, b=b)
    mp.mp.dps = 50
    R, A, AA, B, X, TX, TT, H = map(mp.mpf, (r, alpha, a, b, x, t_x, big_t, t))
    z = H / (A + TT + H)
    num = (
        (AA + B + X - 1)
        / (AA - 1)
        * (1 - ((A + TT) / (A + TT + H)) ** (R + X) * mp.hyp2f1(R + X, B + X, AA + B + X - 1, z))
    )
    den = 1 + (1 if x > 0 else 0) * AA / (B + X - 1) * ((A + TT) / (A + TX)) ** (R + X)
    assert model.expected_purchases(t, x, t_x, big_t)[0] == pytest.approx(
        float(num / den), rel=1e-10
    )


def test_identical_rows_are_fitted_once_with_a_weight(cdnow: pd.DataFrame) -> None:
    doubled = pd.concat([cdnow, cdnow])
    a = BetaGeo().fit(doubled["x"], doubled["t_x"], doubled["T"])
    b = BetaGeo().fit(cdnow["x"], cdnow["t_x"], cdnow["T"], weights=np.full(len(cdnow), 2.0))
    assert a.n_rows_fitted_ == b.n_rows_fitted_ < len(cdnow)
    assert a.log_likelihood_ == pytest.approx(2 * -9582.4256, abs=0.01)
    for name in EXACT:
        assert a.params_[name] == pytest.approx(b.params_[name], rel=1e-8)
        assert a.params_[name] == pytest.approx(EXACT[name], rel=1e-4)
    # twice the data: standard errors shrink by √2
    single = BetaGeo().fit(cdnow["x"], cdnow["t_x"], cdnow["T"])
    ratio = single.standard_errors_["r"] / a.standard_errors_["r"]
    assert ratio == pytest.approx(math.sqrt(2), rel=1e-4)


def test_to_dict_round_trip_keeps_no_training_data(fitted: BetaGeo) -> None:
    data = json.loads(json.dumps(fitted.to_dict()))
    assert set(data) == {
        "model", "format", "hyperparameters", "params", "covariance_log",
        "log_likelihood", "n_customers", "n_rows_fitted",
    }  # fmt: skip
    loaded = BetaGeo.from_dict(data)
    assert loaded.params_ == fitted.params_
    assert loaded.standard_errors_ == pytest.approx(fitted.standard_errors_)
    assert loaded.confidence_intervals_ == fitted.confidence_intervals_
    assert loaded.summary().to_dict() == fitted.summary().to_dict()
    arrays = [v for v in vars(fitted).values() if isinstance(v, np.ndarray)]
    assert all(a.size <= 16 for a in arrays)  # only the 4x4 covariance


def test_summary_renders_text_html_and_dict(fitted: BetaGeo) -> None:
    summary = fitted.summary()
    text = str(summary)
    assert "BetaGeo" in text and "alpha" in text and "-9582.4256" in text
    html = summary.to_html()
    assert html.startswith("<div") and "<table>" in html and "<th>alpha</th>" in html
    data = summary.to_dict()
    assert [p["name"] for p in data["parameters"]] == ["r", "alpha", "a", "b"]
    json.dumps(data)
    lower, upper = fitted.confidence_intervals_["r"]
    assert lower < fitted.params_["r"] < upper
    assert fitted.aic_ == pytest.approx(2 * 4 + 2 * 9582.4256, abs=1e-3)


def test_unfitted_model_says_what_to_do() -> None:
    with pytest.raises(NotFittedError, match="fit"):
        BetaGeo().p_alive(1, 1, 2)


@pytest.mark.parametrize(
    ("x", "t_x", "big_t", "message"),
    [
        ([1, 2], [3.0, 1.0], [2.0, 2.0], "recency must not exceed T"),
        ([1.5], [1.0], [2.0], "whole number"),
        ([0], [1.0], [2.0], "recency 0"),
        ([1, np.nan], [1.0, 1.0], [2.0, 2.0], "missing"),
        ([1, 2], [1.0], [2.0, 2.0, 3.0], "same length"),
    ],
)
def test_bad_inputs_are_refused_with_a_reason(
    x: list[float], t_x: list[float], big_t: list[float], message: str
) -> None:
    with pytest.raises(ModelInputError, match=message):
        BetaGeo().fit(x, t_x, big_t)


def test_no_repeat_purchases_is_refused() -> None:
    with pytest.raises(ModelInputError, match="repeat purchase"):
        BetaGeo().fit([0, 0, 0], [0, 0, 0], [10, 20, 30])


def test_data_without_dropout_raise_convergence_error_with_advice() -> None:
    # every customer still buys at the end: nothing identifies the dropout process
    rng = np.random.default_rng(7)
    big_t = rng.uniform(10, 50, size=300)
    x = np.ceil(big_t)
    with pytest.raises(ConvergenceError, match="try"):
        BetaGeo().fit(x, big_t, big_t)


def test_dropout_barely_identified_gives_an_open_interval_not_an_overflow() -> None:
    # nearly everyone bought in the last week: the fit converges with a tiny a and a
    # huge standard error of log a; its 95 % interval is (nearly) open above (this
    # overflowed math.exp and stopped scoring a store after a large import, issue 11)
    rng = np.random.default_rng(5)
    big_t = rng.choice([52.0, 104.0, 156.0], 400)
    x = np.round(rng.lognormal(np.log(100), 0.5, 400))
    t_x = big_t - rng.exponential(0.7, 400)
    model = BetaGeo().fit(x, t_x, big_t)
    for name, (lower, upper) in model.confidence_intervals_.items():
        value = model.params_[name]
        assert 0 <= lower <= value <= upper, name
    # where along the ridge the optimiser stops (a ≈ 1e-10 or 1e-6) depends on the
    # machine's floating point; either way the data hardly pin a down
    a, (_, upper) = model.params_["a"], model.confidence_intervals_["a"]
    assert upper == math.inf or upper > 1e6 * a
    assert np.isfinite(model.expected_purchases(52, 80, 100, 104)).all()


def test_sampler_matches_the_model_expectation() -> None:
    # the simulator and the likelihood describe one process: mean repeat purchases agree
    model = BetaGeo.from_params(r=0.5, alpha=8.0, a=0.8, b=2.5)
    rng = np.random.default_rng(3)
    x, t_x, big_t = model.sample(np.full(200_000, 52.0), rng)
    assert np.all(t_x <= big_t) and np.all((x > 0) | (t_x == 0))
    expected = float(model.expected_purchases_new(52.0)[0])
    assert x.mean() == pytest.approx(expected, rel=0.02)
