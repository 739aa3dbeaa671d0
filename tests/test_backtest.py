"""The purchase backtest, model choice and CLV intervals, on CDNOW and on a real store.

Golden numbers: Fader, Hardie & Lee (2005), "Counting Your Customers the Easy Way: An
Alternative to the Pareto/NBD Model", Marketing Science 24(2), 275–284, Figure 4 —
"Conditional expectations" of the CDNOW sample's repeat transactions in weeks 40–78 by
number of repeat transactions in weeks 1–39 (x = 0 … 7+): actual 0.237, 0.697, 1.393,
1.560, 2.532, 2.947, 3.862, 6.359; BG/NBD 0.225, 0.523, 1.044, 1.520, 2.164, 2.654,
3.504, 6.157 (the values of the authors' BG/NBD Excel note, which reproduces the figure).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest

from goodwill.backtest import BacktestError, PurchaseBacktest, purchase_backtest
from goodwill.features import rfm_summary
from goodwill.models import (
    PURCHASE_MODELS,
    BetaGeo,
    GammaGamma,
    ModelError,
    clv,
    clv_interval,
    select,
)
from goodwill.report import tracking_html
from goodwill.store import Store

ROOT = Path(__file__).resolve().parents[1]
CDNOW = ROOT / "tests" / "data" / "cdnow" / "CDNOW_sample.txt"
ACTUAL = [0.237, 0.697, 1.393, 1.560, 2.532, 2.947, 3.862, 6.359]
BGNBD = [0.225, 0.523, 1.044, 1.520, 2.164, 2.654, 3.504, 6.157]


def _cdnow_orders() -> pd.DataFrame:
    raw = pd.read_csv(
        CDNOW,
        sep=r"\s+",
        header=None,
        names=["master_id", "sample_id", "date", "cds", "dollars"],
        dtype={"date": str},
    )
    return pd.DataFrame(
        {
            "order_id": [f"O{i}" for i in range(len(raw))],
            "account_id": raw["sample_id"].astype(str),
            "ordered_on": pd.to_datetime(raw["date"], format="%Y%m%d"),
            "amount": raw["dollars"],
        }
    )


@pytest.fixture(scope="module")
def cdnow_con() -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    orders = _cdnow_orders()
    con.register("orders_df", orders)
    con.execute("CREATE TABLE orders AS SELECT * FROM orders_df")
    return con


@pytest.fixture(scope="module")
def bgnbd_backtest(cdnow_con: duckdb.DuckDBPyConnection) -> PurchaseBacktest:
    # weeks 1–39 calibration (to 1997-09-30), weeks 40–78 holdout (to 1998-06-30)
    return purchase_backtest(cdnow_con, "1997-09-30", "1998-06-30", model="bgnbd", period="W")


def test_cdnow_conditional_expectations_match_fhl_2005_figure_4(
    bgnbd_backtest: PurchaseBacktest,
) -> None:
    b = bgnbd_backtest
    assert [r.label for r in b.by_frequency] == ["0", "1", "2", "3", "4", "5", "6", "7+"]
    np.testing.assert_allclose([r.actual_mean for r in b.by_frequency], ACTUAL, atol=0.0005)
    np.testing.assert_allclose([r.predicted_mean for r in b.by_frequency], BGNBD, atol=0.005)
    assert b.accounts == 2357 and b.holdout_length == 39.0
    assert b.params["r"] == pytest.approx(0.243, abs=5e-4)
    assert b.actual_total == sum(r.actual_total for r in b.by_frequency)
    assert b.predicted_total == pytest.approx(sum(r.predicted_total for r in b.by_frequency))
    assert 0 < b.mae < b.rmse


def test_tracking_agrees_with_the_summary_at_both_ends(
    bgnbd_backtest: PurchaseBacktest, cdnow_con: duckdb.DuckDBPyConnection
) -> None:
    t = bgnbd_backtest.tracking
    summary = rfm_summary(
        cdnow_con, calibration_end="1997-09-30", holdout_end="1998-06-30", period="W"
    )
    at_cal = t.weeks.index(t.calibration_week)
    assert t.actual[at_cal] == summary["frequency_cal"].sum()
    assert t.actual[-1] == summary["frequency_cal"].sum() + summary["frequency_holdout"].sum()
    assert str(t.start) == "1997-01-01" and t.weeks[-1] == pytest.approx(545 / 7)
    assert all(np.diff(t.actual) >= 0) and all(np.diff(t.model) >= 0)
    assert t.forecast[at_cal - 1] is None and t.forecast[at_cal] == t.actual[at_cal]
    # the forecast's end is the table's predicted total on top of the calibration count
    assert t.forecast[-1] == pytest.approx(t.actual[at_cal] + bgnbd_backtest.predicted_total)
    # FHL (2005) Figure 2: the model tracks cumulative repeat purchases within a few %
    assert t.model[-1] == pytest.approx(t.actual[-1], rel=0.05)


def test_a_parquet_file_of_orders_gives_the_same_backtest(
    bgnbd_backtest: PurchaseBacktest, tmp_path: Path
) -> None:
    path = tmp_path / "orders.parquet"
    _cdnow_orders().to_parquet(path)
    b = purchase_backtest(path, "1997-09-30", "1998-06-30", model="bgnbd")
    a = bgnbd_backtest
    assert [r.actual_total for r in b.by_frequency] == [r.actual_total for r in a.by_frequency]
    np.testing.assert_allclose(
        [r.predicted_mean for r in b.by_frequency],
        [r.predicted_mean for r in a.by_frequency],
        rtol=1e-9,
    )
    assert b.tracking.actual == a.tracking.actual and b.tracking.weeks == a.tracking.weeks


def test_every_purchase_model_gives_clv(cdnow_con: duckdb.DuckDBPyConnection) -> None:
    # CLV takes any purchase model; on CDNOW the three agree within a few per cent in total
    s = rfm_summary(cdnow_con, as_of="1997-09-30", period="W")
    args = (s["frequency"], s["recency"], s["T"], s["monetary_value"])
    gg = GammaGamma().fit(s["frequency"], s["monetary_value"])
    settings = {"period_days": 7.0, "horizon_days": 365.0, "discount_rate_per_year": 0.1}
    totals = {
        name: float(clv(cls().fit(*args[:3]), gg, *args, **settings).sum())
        for name, cls in PURCHASE_MODELS.items()
    }
    assert max(totals.values()) / min(totals.values()) < 1.1, totals


def test_auto_compares_all_three_models_and_keeps_the_lowest_mae(
    cdnow_con: duckdb.DuckDBPyConnection,
) -> None:
    b = purchase_backtest(cdnow_con, "1997-09-30", "1998-06-30", model="auto")
    assert b.selection is not None
    names = [c.name for c in b.selection.candidates]
    assert names == ["bgnbd", "pnbd", "mbgnbd"]
    maes = {c.name: c.mae for c in b.selection.candidates}
    assert b.model == min(maes, key=lambda k: maes[k]) and b.mae == maes[b.model]
    data = json.loads(json.dumps(b.to_dict()))
    assert data["selection"]["best"] == b.model and len(data["tracking"]["weeks"]) > 70
    text = str(b.selection)
    assert all(n in text for n in names) and "*" in text
    assert "<table" in b.selection.to_html()


def test_select_reports_every_candidate(cdnow_con: duckdb.DuckDBPyConnection) -> None:
    s = rfm_summary(cdnow_con, calibration_end="1997-09-30", holdout_end="1998-06-30", period="W")
    selection = select(
        s["frequency_cal"], s["recency_cal"], s["T_cal"], s["frequency_holdout"], 39.0,
        candidates=["bgnbd", "mbgnbd"],
    )  # fmt: skip
    lls = {c.name: c.log_likelihood for c in selection.candidates}
    assert lls["mbgnbd"] == pytest.approx(-9582.13, abs=0.05)
    assert selection.model.params_ == selection.fitted[selection.best].params_
    with pytest.raises(ValueError, match="candidates"):
        select([1], [1], [2], [0], 1.0, candidates=["weibull"])  # type: ignore[list-item]


def test_backtest_refuses_bad_requests_with_a_reason(
    cdnow_con: duckdb.DuckDBPyConnection,
) -> None:
    with pytest.raises(BacktestError, match="must be after"):
        purchase_backtest(cdnow_con, "1998-01-01", "1997-12-31")
    with pytest.raises(BacktestError, match="no customer bought"):
        purchase_backtest(cdnow_con, "1990-01-01", "1998-06-30")
    with pytest.raises(BacktestError, match="unknown model"):
        purchase_backtest(cdnow_con, "1997-09-30", "1998-06-30", model="arima")  # type: ignore[arg-type]
    with pytest.raises(BacktestError, match="date"):
        purchase_backtest(cdnow_con, "not a date", "1998-06-30")
    err = BacktestError("unknown model {model}; choose one of {choices}", model="x", choices="y")
    assert err.message("nl") != str(err)  # the message exists in Dutch


def test_html_report_is_one_self_contained_file(bgnbd_backtest: PurchaseBacktest) -> None:
    page = tracking_html(bgnbd_backtest, "nl")
    assert page.startswith("<!doctype html>") and page.rstrip().endswith("</html>")
    # no CDN, no external file: every script and stylesheet is inline (uPlot's banner
    # comment names its home page, which the page never fetches)
    assert not re.search(r"<script[^>]*\bsrc=|<link\b|@import|url\(\s*['\"]?https?:", page)
    assert "/*! https://github.com/leeoniya/uPlot (v1.6.32) */" in page
    assert "uPlot" in page and "new uPlot(" in page
    assert "werkelijk" in page  # Dutch labels
    data = json.loads(re.search(r"const data = (\{.*?\});\n", page, flags=re.S).group(1))  # type: ignore[union-attr]
    assert len(data["x"]) == len(data["actual"]) == len(data["model"]) == len(data["forecast"])
    assert data["forecast"][0] is None and data["calibrationWeek"] == pytest.approx(272 / 7)
    assert len(page.encode()) < 200_000


def test_clv_interval_contains_the_point_estimate_and_is_reproducible() -> None:
    s = pd.read_csv(ROOT / "tests/data/cdnow/cdnow_customers_summary_with_transactions.csv")
    bg = BetaGeo().fit(s["x"], s["t_x"], s["T"])
    gg = GammaGamma().fit(s["x"], s["zbar"])
    args = (bg, gg, s["x"], s["t_x"], s["T"], s["zbar"])
    settings = {"period_days": 7.0, "horizon_days": 365.0, "discount_rate_per_year": 0.1}
    first = clv_interval(*args, **settings, n_draws=100, rng=np.random.default_rng(1))
    again = clv_interval(*args, **settings, n_draws=100, rng=np.random.default_rng(1))
    np.testing.assert_array_equal(first.lower, again.lower)
    np.testing.assert_allclose(first.estimate, clv(*args, **settings))
    assert np.all(first.lower <= first.estimate) and np.all(first.estimate <= first.upper)
    assert np.all(first.lower < first.upper)
    # four times the customers: parameter uncertainty, and so the interval, halves
    four = np.full(len(s), 4.0)
    bg4 = BetaGeo().fit(s["x"], s["t_x"], s["T"], weights=four)
    gg4 = GammaGamma().fit(s["x"], s["zbar"], weights=four)
    narrow = clv_interval(
        bg4, gg4, *args[2:], **settings, n_draws=100, rng=np.random.default_rng(1)
    )
    ratio = np.median((first.upper - first.lower) / (narrow.upper - narrow.lower))
    assert ratio == pytest.approx(2.0, rel=0.1)
    with pytest.raises(ModelError, match="covariance"):
        clv_interval(BetaGeo.from_params(**bg.params_), gg, *args[2:], **settings)


def test_cli_backtest_on_a_real_store_in_dutch_and_english(tmp_path: Path) -> None:
    orders = _cdnow_orders()
    orders["ordered_on"] = orders["ordered_on"].dt.strftime("%Y-%m-%d")
    accounts = pd.DataFrame({"account_id": sorted(orders["account_id"].unique())})
    accounts["name"] = "CDNOW " + accounts["account_id"]
    accounts["kind"] = "customer"
    accounts.to_csv(tmp_path / "accounts.csv", index=False)
    orders.to_csv(tmp_path / "orders.csv", index=False)
    db = tmp_path / "cdnow.duckdb"
    with Store.open(db) as store:
        store.import_file("accounts", tmp_path / "accounts.csv")
        store.import_file("orders", tmp_path / "orders.csv")
    report = tmp_path / "tracking.html"
    env = {**os.environ, "COLUMNS": "200"}
    args = [sys.executable, "-m", "goodwill", "backtest", "--db", str(db)]
    dates = ["--calibration-end", "1997-09-30", "--holdout-end", "1998-06-30"]
    out = subprocess.run(
        [*args, *dates, "--report", str(report)],
        capture_output=True, text=True, env={**env, "GOODWILL_LANG": "en"}, timeout=120,
    )  # fmt: skip
    assert out.returncode == 0, out.stderr
    assert "Repeat purchases in the holdout" in out.stdout and "7+" in out.stdout
    assert "0.237" in out.stdout and "0.225" in out.stdout and "6.157" in out.stdout
    assert report.read_text(encoding="utf-8").count("new uPlot(") == 1
    nl = subprocess.run(
        [*args, *dates, "--model", "auto"],
        capture_output=True, text=True, env={**env, "GOODWILL_LANG": "nl"}, timeout=120,
    )  # fmt: skip
    assert nl.returncode == 0, nl.stderr
    assert "Herhaalaankopen in de toetsperiode" in nl.stdout and "0,237" in nl.stdout
    bad = subprocess.run(
        [*args, "--calibration-end", "1998-06-30", "--holdout-end", "1997-09-30"],
        capture_output=True, text=True, env={**env, "GOODWILL_LANG": "en"}, timeout=120,
    )  # fmt: skip
    assert bad.returncode == 2 and "Traceback" not in bad.stderr
    assert "must be after" in bad.stderr
