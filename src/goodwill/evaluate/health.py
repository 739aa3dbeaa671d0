"""Health against the truth: score a simulated world month by month and compare.

Works on any world in the simulator's format (the eight tables, plus ``truth/accounts.csv``
with ``account_id`` and ``churn_on``; ``truth/latent_monthly.csv`` with ``account_id``,
``month`` and ``churn_hazard`` for the oracle). This module is the only reader of the
truth; scoring never sees it.

Population at each as-of date: customer accounts scored (they have ordered) and still
alive in the truth. Label: the account churns within the next ``horizon_days``.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from goodwill.errors import GoodwillError
from goodwill.evaluate.level import LevelEvaluation, evaluate_levels
from goodwill.evaluate.metrics import precision_at, roc_auc
from goodwill.evaluate.payments import PaymentEvaluation, evaluate_payments
from goodwill.evaluate.qualify import QualifyEvaluation, evaluate_qualification
from goodwill.evaluate.responsiveness import (
    ResponseEvaluation,
    evaluate_responsiveness,
    last_month_end,
)
from goodwill.evaluate.service import ServiceEvaluation, evaluate_service, pooled
from goodwill.evaluate.truth import read_truth
from goodwill.progress import ProgressCallback
from goodwill.score import score
from goodwill.settings import Settings
from goodwill.signals.calibrate import month_ends
from goodwill.store import Store

#: risk scores compared: higher = more likely to churn
RANKERS: dict[str, Callable[[pd.DataFrame], pd.Series]] = {
    "health": lambda t: -t["health"],
    "baseline: days since order / own rhythm": lambda t: (
        t["days_since_order"] / t["order_gap_days"]
    ),
    "baseline: days since heard / own norm": lambda t: t["days_since_heard"] / t["heard_gap_days"],
    "baseline: P(alive)": lambda t: 1 - t["p_alive"].fillna(1.0),
}


@dataclass
class Evaluation:
    """What ``goodwill evaluate`` prints."""

    world: str
    as_of_dates: list[dt.date]
    observations: int
    churn_rate_90d: float
    auc: dict[str, float]
    precision_top10: dict[str, float]
    alarm_recall_180d: float
    alarm_lift_180d: float
    alarm_share_marked: float
    median_lead_days: float
    churners: int
    churners_warned: int
    notes: list[str] = field(default_factory=list)
    #: the relationship level and the response to our attention against the truth, as of
    #: the world's last month end (None when the truth has no such columns)
    level: LevelEvaluation | None = None
    responsiveness: ResponseEvaluation | None = None
    #: the payment score against the truth's financial trouble, over the month ends
    #: (None when the truth has no distress_on)
    payments: PaymentEvaluation | None = None
    #: the neglect list against the truth's neglected new accounts, at the last month
    #: end and a year before it, pooled (None when the truth has no neglected)
    service: ServiceEvaluation | None = None
    #: the potential and advice for new accounts against their next three years (None
    #: when the world is shorter than the four years that takes)
    qualification: QualifyEvaluation | None = None

    def best_baseline(self) -> tuple[str, float]:
        base = {k: v for k, v in self.auc.items() if k.startswith("baseline")}
        name = max(base, key=lambda k: base[k])
        return name, base[name]


def evaluate_world(
    world: str | Path,
    *,
    db: str | Path | None = None,
    warmup_days: int = 365,
    horizon_days: int = 90,
    alarm_days: int = 180,
    settings: Settings | None = None,
    calibrate: bool = True,
    progress: ProgressCallback | None = None,
) -> Evaluation:
    """Import ``world`` (into ``db`` or a temporary store), score it at every month end
    from ``warmup_days`` after its first order to ``horizon_days`` before its end, and
    compare with ``truth/``.

    With ``calibrate`` the health weights are first fitted on the world's own observed
    history, as ``goodwill backtest-health --fit`` does on real data (the truth is not
    used for that); the defaults are evaluated too, in ``auc["health, default weights"]``.
    """
    world = Path(world)
    truth, latent = read_truth(world)
    churn_on = truth.set_index("account_id")["churn_on"]
    level: LevelEvaluation | None = None
    response: ResponseEvaluation | None = None
    payments: PaymentEvaluation | None = None
    service: ServiceEvaluation | None = None
    qualification: QualifyEvaluation | None = None
    settings = settings or Settings.load()
    notes: list[str] = []
    with tempfile.TemporaryDirectory(prefix="goodwill-evaluate-") as tmp:
        path = Path(db) if db else Path(tmp) / "world.duckdb"
        with Store.open(path) as store:
            if store.count("orders") == 0:
                store.import_dir(world, progress=progress)
            first, last = store.order_span()
            dates = month_ends(
                first + dt.timedelta(days=warmup_days), last - dt.timedelta(days=horizon_days)
            )
            if not dates:
                raise GoodwillError(
                    "{world} is too short to evaluate: it needs {days} days of history "
                    "before the first as-of date and {horizon} after the last",
                    world=world,
                    days=warmup_days,
                    horizon=horizon_days,
                )
            defaults = settings
            if calibrate:
                from goodwill.signals.calibrate import calibrate as fit

                try:
                    settings = fit(store, settings, progress=progress)[0]
                except GoodwillError as exc:
                    notes.append(f"not calibrated: {exc}")
            frames = []
            for i, day in enumerate(dates):
                if progress is not None:
                    progress("scoring", float(i), float(len(dates)))
                snap = score(store, day, settings=settings, save=False, profile=False)
                t = snap.table.copy()
                t["as_of"] = pd.Timestamp(day)
                if settings is not defaults:
                    t["health_default"] = score(
                        store, day, settings=defaults, save=False, profile=False
                    ).table["health"]
                frames.append(t)
            profile_day = last_month_end(last)
            if "level" in truth:
                level = evaluate_levels(store, truth, profile_day, defaults)
            if "responsive" in truth:
                response = evaluate_responsiveness(
                    store, truth, profile_day, settings=defaults, latent=latent
                )
            if "distress_on" in truth:
                payments = evaluate_payments(store, truth, dates, settings=defaults)
            if "neglected" in truth:
                year_before = last_month_end(profile_day - dt.timedelta(days=365))
                service = pooled(
                    [evaluate_service(store, truth, day, settings=defaults)
                     for day in (year_before, profile_day) if day >= first]
                )  # fmt: skip
            qualification = evaluate_qualification(store, defaults, truth)
    data = pd.concat(frames)
    data["churn_on"] = churn_on.reindex(data.index).to_numpy()
    alive = data["churn_on"].isna() | (data["churn_on"] > data["as_of"])
    data = data[alive].copy()
    days_to_churn = (data["churn_on"] - data["as_of"]).dt.days
    data["label"] = (days_to_churn <= horizon_days).fillna(False).astype(bool)
    data["label_alarm"] = (days_to_churn <= alarm_days).fillna(False).astype(bool)
    rankers = dict(RANKERS)
    if "health_default" in data:
        rankers["health, default weights"] = lambda t: -t["health_default"]
    if latent is not None and "churn_hazard" in latent:
        hazard = latent.set_index(["account_id", "month"])["churn_hazard"]
        keys = list(zip(data.index, data["as_of"].dt.strftime("%Y-%m"), strict=True))
        data["oracle"] = hazard.reindex(keys).to_numpy()
        rankers["oracle: true latent hazard"] = lambda t: t["oracle"].fillna(0.0)
    else:
        notes.append("no truth/latent_monthly.csv: no oracle")
    label = data["label"].to_numpy()
    auc, prec = {}, {}
    for name, rank in rankers.items():
        values = rank(data).to_numpy(dtype=float)
        values = np.nan_to_num(values, nan=np.nanmedian(values))
        auc[name] = roc_auc(values, label)
        per_date = [
            precision_at(
                values[(data["as_of"] == d).to_numpy()], label[(data["as_of"] == d).to_numpy()]
            )
            for d in data["as_of"].unique()
        ]
        prec[name] = float(np.mean(per_date))
    marked = (data["status"] == "at_risk").to_numpy()
    alarm = data["label_alarm"].to_numpy()
    recall = float(alarm[marked].sum() / max(alarm.sum(), 1))
    base = float(alarm.mean())
    lift = float(alarm[marked].mean() / base) if marked.any() and base > 0 else float("nan")
    churners = data[
        data["churn_on"].notna()
        & (data["churn_on"] <= data["as_of"].max() + pd.Timedelta(days=horizon_days))
    ]
    leads = []
    warned = 0
    for _, rows in churners.groupby(level=0):
        churn = rows["churn_on"].iloc[0]
        flagged = rows[rows["status"] == "at_risk"]
        if len(flagged):
            warned += 1
            leads.append((churn - flagged["as_of"].min()).days)
    n_churners = churners.index.nunique()
    return Evaluation(
        world=str(world),
        as_of_dates=dates,
        observations=len(data),
        churn_rate_90d=float(label.mean()),
        auc=auc,
        precision_top10=prec,
        alarm_recall_180d=recall,
        alarm_lift_180d=lift,
        alarm_share_marked=float(marked.mean()),
        median_lead_days=float(np.median(leads)) if leads else float("nan"),
        churners=n_churners,
        churners_warned=warned,
        notes=notes,
        level=level,
        responsiveness=response,
        payments=payments,
        service=service,
        qualification=qualification,
    )
