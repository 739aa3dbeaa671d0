"""Backtest the health score on a store's own history, and fit its weights there.

On real data nobody records when a customer left, so churn is what the data shows: an
account *churned* the day after its last order when it never ordered again and the data
runs on for at least ``churn_silence_days`` (settings, default 180) after that order. An
account that came back after a long pause had not left; counting it as churned (as a
"first long gap" rule would) makes a quarter of the labels wrong on simulated worlds.
At past month ends, each account still active is scored with the facts known then, and
labelled by whether it churned within the next ``horizon_days`` (90). Only month ends
whose labels can be known are used.

The fit keeps the scorecard's form (each signal's points are its weight × a fraction in
[0, 1]) and finds non-negative weights that make health best predict that churn (logistic
likelihood with a small ridge penalty); weights are scaled to add up to 100. The status
thresholds are set so that, over that history, the 10 % least healthy accounts are *at
risk* and the next 20 % *watch*.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.optimize import minimize

from goodwill.errors import GoodwillError
from goodwill.progress import ProgressCallback
from goodwill.settings import Settings
from goodwill.signals.health import SIGNALS
from goodwill.store import Store

AT_RISK_SHARE = 0.10
WATCH_SHARE = 0.20


def observed_churn(store: Store, settings: Settings) -> pd.Series:
    """Per customer account that has left as the data shows it: the day after its last
    order, when no order followed for at least ``churn_silence_days`` up to the last
    order date in the store."""
    silence = int(settings["health"]["churn_silence_days"])
    frame = store.con.execute(
        f"""
        WITH last AS (
            SELECT o.account_id, max(CAST(o.ordered_on AS DATE)) AS day
            FROM orders o JOIN accounts a USING (account_id)
            WHERE a.kind = 'customer' AND NOT coalesce(o.is_test, false)
            GROUP BY 1
        )
        SELECT account_id, day + 1 AS churned_on FROM last
        WHERE (SELECT max(day) FROM last) - day > {silence}
        """
    ).df()
    return pd.to_datetime(frame.set_index("account_id")["churned_on"])


def month_ends(first: dt.date, last: dt.date) -> list[dt.date]:
    """The last days of the months between ``first`` and ``last`` (both inclusive)."""
    out: list[dt.date] = []
    y, m = first.year, first.month
    while True:
        nxt = dt.date(y + (m == 12), m % 12 + 1, 1)
        end = nxt - dt.timedelta(days=1)
        if end > last:
            return out
        if end >= first:
            out.append(end)
        y, m = nxt.year, nxt.month


@dataclass
class History:
    """Scored past month ends with observed labels."""

    frame: pd.DataFrame  # per (account, as_of): signal points, health, label
    dates: list[dt.date]


def history(
    store: Store,
    settings: Settings,
    *,
    horizon_days: int = 90,
    warmup_days: int = 365,
    progress: ProgressCallback | None = None,
) -> History:
    """Score the month ends whose churn labels the data can tell."""
    from goodwill.score import score

    first, last = store.order_span()
    silence = int(settings["health"]["churn_silence_days"])
    dates = month_ends(
        first + dt.timedelta(days=warmup_days),
        last - dt.timedelta(days=horizon_days + silence),
    )
    if len(dates) < 3:
        raise GoodwillError(
            "the history is too short to backtest health: it needs {days} days of orders "
            "before the first month end and {after} days after the last (three month ends "
            "at least)",
            days=warmup_days,
            after=horizon_days + silence,
        )
    churned = observed_churn(store, settings)
    frames = []
    for i, day in enumerate(dates):
        if progress is not None:
            progress("backtest", float(i), float(len(dates)))
        snap = score(store, day, settings=settings, save=False, profile=False)
        t = snap.table
        cols = [f"{s}_points" for s in SIGNALS] + ["health", "status"]
        part = t[cols].copy()
        churn_day = churned.reindex(part.index)
        stamp = pd.Timestamp(day)
        alive = churn_day.isna() | (churn_day > stamp)
        part = part[alive.to_numpy()]
        days = (churn_day[alive.to_numpy()] - stamp).dt.days
        part["label"] = (days <= horizon_days).fillna(False).to_numpy()
        part["as_of"] = stamp
        frames.append(part)
    return History(pd.concat(frames), dates)


def _fractions(frame: pd.DataFrame, settings: Settings) -> np.ndarray:
    weights = settings["health"]["weights"]
    cols = []
    for name in SIGNALS:
        w = float(weights.get(name, 0.0))
        points = frame[f"{name}_points"].to_numpy(dtype=float)
        cols.append(points / w if w > 0 else np.full(len(frame), np.nan))
    return np.column_stack(cols)


def fit_weights(hist: History, settings: Settings, ridge: float = 1.0) -> dict[str, float]:
    """Non-negative weights (adding up to 100) that make health predict observed churn.

    Signals whose current weight is 0 cannot be read back from the points and keep 0.
    """
    X = _fractions(hist.frame, settings)
    usable = ~np.isnan(X).any(axis=0)
    X = np.nan_to_num(X[:, usable])
    y = hist.frame["label"].to_numpy(dtype=float)
    if y.sum() < 10:
        raise GoodwillError(
            "too few churned accounts in the history ({n}) to fit health weights",
            n=int(y.sum()),
        )
    k = X.shape[1]

    def objective(v: np.ndarray) -> tuple[float, np.ndarray]:
        a, w = v[0], v[1:]
        z = a - X @ w
        p = 1.0 / (1.0 + np.exp(-z))
        nll = float(np.sum(np.logaddexp(0.0, z) - y * z)) + ridge * float(np.sum(w**2))
        grad_z = p - y
        grad = np.concatenate([[grad_z.sum()], -(X.T @ grad_z) + 2 * ridge * w])
        return nll, grad

    start = np.concatenate([[0.0], np.ones(k)])
    bounds = [(None, None)] + [(0.0, None)] * k
    result = minimize(objective, start, jac=True, method="L-BFGS-B", bounds=bounds)
    raw = np.zeros(len(SIGNALS))
    raw[usable] = result.x[1:]
    if raw.sum() <= 0:
        raise GoodwillError("no signal predicts churn in this history; weights are kept")
    scaled = 100.0 * raw / raw.sum()
    return {name: round(float(v), 2) for name, v in zip(SIGNALS, scaled, strict=True)}


def thresholds(health: pd.Series) -> tuple[float, float]:
    """(at_risk_below, watch_below): the 10 % and 30 % quantiles of health."""
    return (
        round(float(health.quantile(AT_RISK_SHARE)), 1),
        round(float(health.quantile(AT_RISK_SHARE + WATCH_SHARE)), 1),
    )


@dataclass(frozen=True)
class Backtest:
    """How well health predicted observed churn within the horizon."""

    dates: list[dt.date]
    observations: int
    churn_rate: float
    auc: float
    lift_top10: float
    at_risk_share: float
    at_risk_lift: float


def backtest(hist: History) -> Backtest:
    from goodwill.evaluate.metrics import precision_at, roc_auc

    f = hist.frame
    label = f["label"].to_numpy(dtype=bool)
    risk = -f["health"].to_numpy(dtype=float)
    rate = float(label.mean())
    precisions = [
        precision_at(risk[(f["as_of"] == d).to_numpy()], label[(f["as_of"] == d).to_numpy()])
        for d in f["as_of"].unique()
    ]
    marked = (f["status"] == "at_risk").to_numpy()
    return Backtest(
        dates=hist.dates,
        observations=len(f),
        churn_rate=rate,
        auc=roc_auc(risk, label),
        lift_top10=float(np.mean(precisions)) / rate if rate else float("nan"),
        at_risk_share=float(marked.mean()),
        at_risk_lift=float(label[marked].mean()) / rate if rate and marked.any() else float("nan"),
    )


def calibrated(
    settings: Settings, weights: dict[str, float], limits: tuple[float, float]
) -> Settings:
    """A copy of ``settings`` with fitted weights and status thresholds."""
    import copy

    data = copy.deepcopy(dict(settings.data))
    data["health"] = dict(data["health"])
    data["health"]["weights"] = dict(weights)
    data["health"]["at_risk_below"], data["health"]["watch_below"] = limits
    return Settings(data, settings.source + " (calibrated)")


def calibrate(
    store: Store, settings: Settings, progress: ProgressCallback | None = None
) -> tuple[Settings, Backtest, Backtest]:
    """Fit weights and thresholds on the store's history; return the calibrated settings
    and the backtest before and after (on the same month ends)."""
    before = history(store, settings, progress=progress)
    weights = fit_weights(before, settings)
    draft = calibrated(settings, weights, (0.0, 0.0))
    after = history(store, draft, progress=progress)
    tuned = calibrated(settings, weights, thresholds(after.frame["health"]))
    after.frame["status"] = np.where(
        after.frame["health"] < tuned["health"]["at_risk_below"],
        "at_risk",
        np.where(after.frame["health"] < tuned["health"]["watch_below"], "watch", "healthy"),
    )
    return tuned, backtest(before), backtest(after)
