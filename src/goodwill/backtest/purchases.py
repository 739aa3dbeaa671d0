"""The purchase backtest: fit on a calibration period, compare with the holdout.

Before trusting a forecast, a user fits the purchase model on their history up to a
calibration end and compares its forecast with what happened afterwards: in total, by
calibration frequency (0, 1, …, 7+, the table of Fader, Hardie & Lee 2005, Figure 4),
per account (mean absolute and root mean squared error), and week by week (the tracking
chart of cumulative repeat purchases).
"""

from __future__ import annotations

import datetime as dt
import math
import os
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, get_args

import duckdb
import numpy as np
import pandas as pd

from goodwill._typing import Period
from goodwill.errors import GoodwillError
from goodwill.features.rfm import rfm_summary
from goodwill.i18n import N_
from goodwill.models._arrays import FloatArray
from goodwill.models._purchase import PurchaseModel
from goodwill.models.selection import PURCHASE_MODELS, Selection, holdout_errors, select

if TYPE_CHECKING:
    from goodwill.store import Store

__all__ = [
    "BacktestError",
    "BacktestModel",
    "FrequencyRow",
    "PurchaseBacktest",
    "Tracking",
    "purchase_backtest",
]

BacktestModel = Literal["bgnbd", "pnbd", "mbgnbd", "auto"]
BACKTEST_MODELS: tuple[BacktestModel, ...] = get_args(BacktestModel)
DateLike = dt.date | str | pd.Timestamp
_DAYS_PER_PERIOD = {"D": 1.0, "W": 7.0}
#: calibration frequencies shown one by one; the last group holds this many and more
TOP_FREQUENCY = 7


class BacktestError(GoodwillError, ValueError):
    """A backtest cannot run as asked (dates, model name, no customers)."""


@dataclass(frozen=True)
class FrequencyRow:
    """Accounts with one calibration frequency (``label`` "0" … "6", or "7+")."""

    label: str
    accounts: int
    actual_mean: float
    predicted_mean: float
    actual_total: float
    predicted_total: float


@dataclass(frozen=True)
class Tracking:
    """Cumulative repeat purchases of the calibration cohort, week by week.

    ``weeks`` counts from the cohort's first purchase day. ``model`` is the model's
    expectation from each account's first purchase on (the tracking plot of Fader,
    Hardie & Lee 2005, Figure 2); ``forecast`` starts from the actual count at the
    calibration end and adds each account's conditional expectation (``None`` before).
    """

    start: dt.date
    calibration_week: float
    weeks: tuple[float, ...]
    actual: tuple[float, ...]
    model: tuple[float, ...]
    forecast: tuple[float | None, ...]


@dataclass(frozen=True)
class PurchaseBacktest:
    """What a backtest found; render it as text (:meth:`to_text`), a dict or HTML."""

    model: str
    model_class: str
    params: dict[str, float]
    log_likelihood: float
    calibration_end: dt.date
    holdout_end: dt.date
    period: str
    holdout_length: float
    accounts: int
    actual_total: float
    predicted_total: float
    mae: float
    rmse: float
    by_frequency: tuple[FrequencyRow, ...]
    tracking: Tracking
    selection: Selection | None

    def to_dict(self) -> dict[str, Any]:
        """Plain data (JSON-serialisable)."""
        out = asdict(self)
        out["calibration_end"] = self.calibration_end.isoformat()
        out["holdout_end"] = self.holdout_end.isoformat()
        out["tracking"]["start"] = self.tracking.start.isoformat()
        out["selection"] = None if self.selection is None else self.selection.to_dict()
        return out

    def to_text(self) -> str:
        """A plain-text report (the CLI renders its own Rich tables)."""
        lines = [
            f"{self.model_class} fitted on purchases up to {self.calibration_end}, "
            f"compared with {self.calibration_end} – {self.holdout_end} "
            f"({self.holdout_length:g} {'weeks' if self.period == 'W' else 'days'}, "
            f"{self.accounts:,} accounts)",
            f"repeat purchases: actual {self.actual_total:,.0f}, predicted "
            f"{self.predicted_total:,.1f}; per account MAE {self.mae:.4f}, RMSE {self.rmse:.4f}",
            "",
            f"{'x':>4} {'accounts':>9} {'actual':>9} {'predicted':>9}",
        ]
        for row in self.by_frequency:
            lines.append(
                f"{row.label:>4} {row.accounts:>9,} {row.actual_mean:>9.3f} "
                f"{row.predicted_mean:>9.3f}"
            )
        if self.selection is not None:
            lines += ["", self.selection.to_text()]
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.to_text()


def _as_date(value: DateLike, name: str) -> dt.date:
    try:
        stamp = pd.Timestamp(value)
    except (ValueError, TypeError) as err:
        raise BacktestError(
            N_("{name} must be a date such as 1997-09-30; got {value}"), name=name, value=value
        ) from err
    if pd.isna(stamp):
        raise BacktestError(
            N_("{name} must be a date such as 1997-09-30; got {value}"), name=name, value=value
        )
    return stamp.date()


def purchase_backtest(
    source: Store | duckdb.DuckDBPyConnection | str | os.PathLike[str],
    calibration_end: DateLike,
    holdout_end: DateLike,
    *,
    model: BacktestModel = "bgnbd",
    period: Period = "W",
    penalizer: float = 0.0,
) -> PurchaseBacktest:
    """Fit a purchase model on the orders up to ``calibration_end`` and compare its forecast
    with the repeat purchases in ``(calibration_end, holdout_end]``.

    Parameters
    ----------
    source:
        A :class:`~goodwill.store.Store`, a DuckDB connection with an ``orders`` table, or
        a Parquet file of orders (as :func:`~goodwill.features.rfm_summary` takes).
    calibration_end, holdout_end:
        Last day of the calibration period and of the holdout (both inclusive).
    model:
        ``"bgnbd"``, ``"pnbd"``, ``"mbgnbd"``, or ``"auto"`` to fit all three and keep the
        one with the lowest holdout MAE (:func:`goodwill.models.select`; the choice then
        uses the holdout, so its error is optimistic — the selection table shows all).
    period:
        Time unit of the models: ``"W"`` (weeks, days / 7) or ``"D"`` (days).

    Only accounts whose first purchase is on or before ``calibration_end`` take part.
    """
    if model not in BACKTEST_MODELS:
        raise BacktestError(
            N_("unknown model {model}; choose one of {choices}"),
            model=model,
            choices=", ".join(BACKTEST_MODELS),
        )
    cal_end = _as_date(calibration_end, "calibration_end")
    hold_end = _as_date(holdout_end, "holdout_end")
    if hold_end <= cal_end:
        raise BacktestError(
            N_("holdout_end {holdout_end} must be after calibration_end {calibration_end}"),
            holdout_end=hold_end.isoformat(),
            calibration_end=cal_end.isoformat(),
        )
    summary = rfm_summary(source, calibration_end=cal_end, holdout_end=hold_end, period=period)
    if summary.empty:
        raise BacktestError(
            N_("no customer bought on or before {date}; choose a later calibration end"),
            date=cal_end.isoformat(),
        )
    x = summary["frequency_cal"].to_numpy(np.float64)
    t_x = summary["recency_cal"].to_numpy(np.float64)
    big_t = summary["T_cal"].to_numpy(np.float64)
    actual = summary["frequency_holdout"].to_numpy(np.float64)
    days_per_period = _DAYS_PER_PERIOD[period]
    length = (hold_end - cal_end).days / days_per_period
    if not np.any(x > 0):
        raise BacktestError(
            N_("no customer made a repeat purchase by {date}; a purchase model needs some"),
            date=cal_end.isoformat(),
        )

    selection: Selection | None = None
    fitted: PurchaseModel[Any]
    if model == "auto":
        selection = select(x, t_x, big_t, actual, length, penalizer=penalizer)
        name = selection.best
        fitted = selection.model
    else:
        name = model
        fitted = PURCHASE_MODELS[model](penalizer=penalizer).fit(x, t_x, big_t)
    predicted = fitted.expected_purchases(length, x, t_x, big_t)
    mae, rmse = holdout_errors(predicted, actual)
    tracking = _tracking(source, fitted, summary, cal_end, hold_end, days_per_period)
    return PurchaseBacktest(
        model=name,
        model_class=type(fitted).__name__,
        params=dict(fitted.params_),
        log_likelihood=fitted.log_likelihood_,
        calibration_end=cal_end,
        holdout_end=hold_end,
        period=period,
        holdout_length=length,
        accounts=len(x),
        actual_total=float(actual.sum()),
        predicted_total=float(predicted.sum()),
        mae=mae,
        rmse=rmse,
        by_frequency=_by_frequency(x, actual, predicted),
        tracking=tracking,
        selection=selection,
    )


def _by_frequency(
    x: FloatArray, actual: FloatArray, predicted: FloatArray
) -> tuple[FrequencyRow, ...]:
    group = np.minimum(x, TOP_FREQUENCY).astype(np.int64)
    rows = []
    for g in range(TOP_FREQUENCY + 1):
        members = group == g
        n = int(members.sum())
        a_total = float(actual[members].sum())
        p_total = float(predicted[members].sum())
        rows.append(
            FrequencyRow(
                label=f"{g}+" if g == TOP_FREQUENCY else str(g),
                accounts=n,
                actual_mean=a_total / n if n else math.nan,
                predicted_mean=p_total / n if n else math.nan,
                actual_total=a_total,
                predicted_total=p_total,
            )
        )
    return tuple(rows)


def _tracking(
    source: Store | duckdb.DuckDBPyConnection | str | os.PathLike[str],
    model: PurchaseModel[Any],
    summary: pd.DataFrame,
    cal_end: dt.date,
    hold_end: dt.date,
    days_per_period: float,
) -> Tracking:
    """Week-by-week cumulative repeat purchases of the cohort: actual, model, forecast."""
    # each account's first purchase day, in days after the cohort's first
    t_cal_days = np.rint(summary["T_cal"].to_numpy(np.float64) * days_per_period).astype(np.int64)
    first_offsets = int(t_cal_days.max()) - t_cal_days
    start = cal_end - dt.timedelta(days=int(t_cal_days.max()))
    cal_day = int(t_cal_days.max())
    end_day = cal_day + (hold_end - cal_end).days
    points = np.unique(np.concatenate([np.arange(7, end_day, 7), [cal_day, end_day]]))
    # actual: repeat purchase days of the cohort, by day offset
    offsets, counts = _repeat_purchase_days(source, start, cal_end, hold_end)
    cumulative = np.concatenate([[0], np.cumsum(counts)])
    actual = cumulative[np.searchsorted(offsets, points, side="right")].astype(np.float64)
    # model: Σ over accounts of E[X(τ − first)] for a new customer
    cohort_days, cohort_sizes = np.unique(first_offsets, return_counts=True)
    ages = np.maximum(points[None, :] - cohort_days[:, None], 0) / days_per_period
    expected = model.expected_purchases_new(ages.ravel()).reshape(ages.shape)
    from_start = cohort_sizes.astype(np.float64) @ expected
    # forecast from the calibration end, conditional on each account's history
    x = summary["frequency_cal"].to_numpy(np.float64)
    t_x = summary["recency_cal"].to_numpy(np.float64)
    big_t = summary["T_cal"].to_numpy(np.float64)
    at_cal = float(actual[points == cal_day][0])
    forecast: list[float | None] = []
    for p in points:
        if p < cal_day:
            forecast.append(None)
        elif p == cal_day:
            forecast.append(at_cal)
        else:
            horizon = (p - cal_day) / days_per_period
            forecast.append(at_cal + float(model.expected_purchases(horizon, x, t_x, big_t).sum()))
    return Tracking(
        start=start,
        calibration_week=cal_day / 7.0,
        weeks=tuple(float(p) / 7.0 for p in points),
        actual=tuple(float(v) for v in actual),
        model=tuple(float(v) for v in from_start),
        forecast=tuple(forecast),
    )


def _repeat_purchase_days(
    source: Store | duckdb.DuckDBPyConnection | str | os.PathLike[str],
    start: dt.date,
    cal_end: dt.date,
    hold_end: dt.date,
) -> tuple[np.ndarray[Any, np.dtype[np.int64]], np.ndarray[Any, np.dtype[np.int64]]]:
    """Repeat purchase days of accounts that first bought by ``cal_end``, counted per day
    offset from ``start`` — with :func:`rfm_summary`'s definition of a purchase day
    (amount >= 0 on some line, no test orders, customers only); a test checks that the
    totals agree with it at both ends.
    """
    own = False
    params: dict[str, object] = {"start": start, "cal": cal_end, "end": hold_end}
    if isinstance(source, duckdb.DuckDBPyConnection):
        con = source
    elif isinstance(source, (str, os.PathLike)):
        con = duckdb.connect(config={"autoinstall_known_extensions": False})
        own = True
    else:
        con = source.con
    try:
        if own:
            relation = "read_parquet($path)"
            params["path"] = str(Path(source))  # type: ignore[arg-type]
        else:
            relation = "orders"
        # execute(), not sql(): DuckDB 2 refuses sql() while a caller's result is open
        described = con.execute(
            f"SELECT * FROM {relation} LIMIT 0", _params_for(params, relation)
        ).description
        columns = {str(d[0]) for d in described or []}
        where = ["CAST(ordered_on AS DATE) <= $end"]
        if "is_test" in columns:
            where.append("NOT coalesce(is_test, false)")
        has_accounts = not own and bool(
            con.execute(
                "SELECT count(*) FROM information_schema.tables WHERE table_name = 'accounts'"
            ).fetchall()[0][0]
        )
        if has_accounts:
            where.append(
                "account_id IN (SELECT account_id FROM accounts "
                "WHERE coalesce(kind, 'customer') = 'customer')"
            )
        sql = (
            f"WITH days AS (SELECT account_id, CAST(ordered_on AS DATE) AS day FROM {relation} "
            f"WHERE {' AND '.join(where)} GROUP BY ALL HAVING max(amount) >= 0), "
            "firsts AS (SELECT account_id, min(day) AS first_day FROM days GROUP BY account_id "
            "HAVING min(day) <= CAST($cal AS DATE)) "
            "SELECT date_diff('day', CAST($start AS DATE), day) AS offset_days, count(*) AS n "
            "FROM days JOIN firsts USING (account_id) WHERE day > first_day "
            "GROUP BY 1 ORDER BY 1"
        )
        rows = con.execute(sql, params).fetchnumpy()
    finally:
        if own:
            con.close()
    return (
        np.asarray(rows["offset_days"], dtype=np.int64),
        np.asarray(rows["n"], dtype=np.int64),
    )


def _params_for(params: dict[str, object], relation: str) -> dict[str, object]:
    """The query parameters a statement over ``relation`` uses (DuckDB refuses extras)."""
    return {"path": params["path"]} if "$path" in relation else {}
