"""CLV: goodwill reproduces lifetimes' ``customer_lifetime_value`` on the CDNOW fit.

Pinned values come from lifetimes 0.11.3 (``bench/cdnow_lifetimes_pins.py``, run once in
the benchmark environment; lifetimes is no test dependency). Settings: ``BetaGeoFitter()``
on the CDNOW 39-week calibration summary (Fader, Hardie & Lee 2005), ``GammaGammaFitter()``
on its 946 repeat customers, then ``customer_lifetime_value(bgf, x, t_x, T, zbar, time=12,
discount_rate=0.01, freq="W")``: 12 steps of 4.345 weeks, each discounted by 1 % per step.
In goodwill's units: a model in weeks (``period_days=7``), ``step_days = 4.345 * 7``,
``horizon_days = 12 * step_days`` and a yearly rate equivalent to 1 % per step.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from goodwill.models import DAYS_PER_YEAR, BetaGeo, GammaGamma, ModelInputError, clv

IDS = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 18, 33, 100, 1516]
LIFETIMES_CLV = [
    36.278495763627944, 4.637466328570688, 8.34409312180974, 8.34409312180974,
    8.34409312180974, 283.5235925903761, 6.8814069079827584, 8.34409312180974,
    43.353642396863286, 8.34409312180974, 6.349622110039966, 8.369658656591797,
    21.886299408211777, 972.1255634233921,
]  # fmt: skip
LIFETIMES_BG = {
    "r": 0.24259292827982148, "alpha": 4.413532265271809,
    "a": 0.7928859664406578, "b": 2.4257523826257374,
}  # fmt: skip
LIFETIMES_GG = {"p": 6.24880249607099, "q": 3.7445884609237634, "v": 15.447748064943575}

STEP_DAYS = 4.345 * 7  # lifetimes' "month" when freq="W"
SETTINGS = {
    "period_days": 7.0,
    "step_days": STEP_DAYS,
    "horizon_days": 12 * STEP_DAYS,
    "discount_rate_per_year": 1.01 ** (DAYS_PER_YEAR / STEP_DAYS) - 1,
}


def _clv(bg: BetaGeo, gg: GammaGamma, sel: pd.DataFrame) -> np.ndarray:
    return clv(bg, gg, sel["x"], sel["t_x"], sel["T"], sel["zbar"], **SETTINGS)


def test_goodwill_fit_gives_lifetimes_clv(cdnow: pd.DataFrame) -> None:
    bg = BetaGeo().fit(cdnow["x"], cdnow["t_x"], cdnow["T"])
    gg = GammaGamma().fit(cdnow["x"], cdnow["zbar"])
    np.testing.assert_allclose(_clv(bg, gg, cdnow.loc[IDS]), LIFETIMES_CLV, rtol=1e-5)


def test_same_parameters_give_lifetimes_clv_to_rounding(cdnow: pd.DataFrame) -> None:
    bg = BetaGeo.from_params(**LIFETIMES_BG)
    gg = GammaGamma.from_params(**LIFETIMES_GG)
    np.testing.assert_allclose(_clv(bg, gg, cdnow.loc[IDS]), LIFETIMES_CLV, rtol=1e-10)


def test_clv_formula_by_hand(cdnow: pd.DataFrame) -> None:
    # one customer, the documented sum written out with expected_purchases
    bg = BetaGeo.from_params(**LIFETIMES_BG)
    gg = GammaGamma.from_params(**LIFETIMES_GG)
    x, t_x, big_t, m = 2, 30.43, 38.86, 22.35
    ends = np.array([30.0, 60.0, 90.0, 100.0])  # 100 days in steps of 30: last one short
    cumulative = [0.0] + [float(bg.expected_purchases(e / 7, x, t_x, big_t)[0]) for e in ends]
    disc = 1.08 ** (-ends / DAYS_PER_YEAR)
    by_hand = 0.4 * float(gg.expected_spend(x, m)[0]) * float(disc @ np.diff(cumulative))
    value = clv(
        bg, gg, x, t_x, big_t, m,
        period_days=7, horizon_days=100, step_days=30, discount_rate_per_year=0.08, margin=0.4,
    )  # fmt: skip
    assert value[0] == pytest.approx(by_hand, rel=1e-12)


def test_units_are_checked() -> None:
    bg = BetaGeo.from_params(**LIFETIMES_BG)
    gg = GammaGamma.from_params(**LIFETIMES_GG)
    with pytest.raises(ModelInputError, match="horizon_days"):
        clv(bg, gg, 1, 1, 2, 10, period_days=7, horizon_days=0, discount_rate_per_year=0.1)
