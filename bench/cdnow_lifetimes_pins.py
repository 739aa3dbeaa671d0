"""Print the lifetimes 0.11.3 values that tests/models/test_clv.py pins (run once, by hand).

Run in the benchmark's own environment (see bench/requirements-lifetimes.txt):

    bench/.venv-lifetimes/bin/python bench/cdnow_lifetimes_pins.py

Settings: BetaGeoFitter() and GammaGammaFitter() with default arguments, fitted on the
CDNOW 39-week calibration summary (tests/data/cdnow/cdnow_customers_summary_with_transactions.csv,
BG/NBD on all 2,357 customers, Gamma-Gamma on the 946 with x > 0);
customer_lifetime_value(bgf, x, t_x, T, zbar, time=12, discount_rate=0.01, freq="W").
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
from lifetimes import BetaGeoFitter, GammaGammaFitter

DATA = Path(__file__).resolve().parents[1] / "tests/data/cdnow"
IDS = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 18, 33, 100, 1516]


def main() -> None:
    df = pd.read_csv(DATA / "cdnow_customers_summary_with_transactions.csv", index_col="ID")
    bgf = BetaGeoFitter().fit(df["x"], df["t_x"], df["T"])
    rep = df[df["x"] > 0]
    ggf = GammaGammaFitter().fit(rep["x"], rep["zbar"])
    sel = df.loc[IDS]
    value = ggf.customer_lifetime_value(
        bgf, sel["x"], sel["t_x"], sel["T"], sel["zbar"], time=12, discount_rate=0.01, freq="W"
    )
    out = {
        "bgnbd": {k: float(v) for k, v in bgf.params_.items()},
        "gammagamma": {k: float(v) for k, v in ggf.params_.items()},
        "ids": IDS,
        "clv_12_months_1pct_W": [float(v) for v in value],
        "p_alive": [
            float(v) for v in bgf.conditional_probability_alive(sel["x"], sel["t_x"], sel["T"])
        ],
        "expected_purchases_39": [
            float(v)
            for v in bgf.conditional_expected_number_of_purchases_up_to_time(
                39, sel["x"], sel["t_x"], sel["T"]
            )
        ],
        "expected_purchases_new": [
            float(bgf.expected_number_of_purchases_up_to_time(t)) for t in (1, 10, 39, 78)
        ],
        "probability_of_n_purchases_39": [
            float(bgf.probability_of_n_purchases_up_to_time(39, n)) for n in (0, 1, 2, 5, 10)
        ],
    }
    print(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
