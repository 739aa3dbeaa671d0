"""Responsiveness against the truth: does ``response_effect`` rank the truly responsive
accounts first, and how often is the label right?

Needs ``truth/accounts.csv`` with ``account_id`` and ``responsive`` (0/1). With
``truth/latent_monthly.csv`` (``account_id``, ``month``, ``health``, ``leaving``) and the
truth's ``baseline_drift_per_week`` an oracle is measured too: the account's change of
latent health over the same months, less its true baseline drift (what a reader of the
hidden state would see of our attention's effect).
"""

from __future__ import annotations

import datetime as dt
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from goodwill.errors import GoodwillError
from goodwill.evaluate.metrics import roc_auc
from goodwill.evaluate.truth import read_truth
from goodwill.settings import Settings
from goodwill.signals.responsiveness import responsiveness
from goodwill.store import Store

#: weeks observed for "a year of history"
YEAR_WEEKS = 52


@dataclass
class ResponseEvaluation:
    """Responsiveness measured on one world as of one date. Rates are over the customer
    accounts with at least a year of history (``n``)."""

    as_of: dt.date
    n: int
    responsive_share: float
    #: ROC AUC of ``response_effect`` against the true ``responsive``
    auc: float
    #: the same over every customer account estimated
    auc_all: float
    #: share with a label other than not_enough_evidence
    share_labelled: float
    #: share of the truly responsive labelled ``responds``
    recall: float
    #: share of ``responds`` that is truly responsive (nan when none)
    precision: float
    labels: dict[str, int]
    #: AUC of the latent-health oracle (nan without latent_monthly / drift in the truth)
    oracle_auc: float = float("nan")
    notes: list[str] = field(default_factory=list)


def _oracle(
    truth: pd.DataFrame, latent: pd.DataFrame | None, as_of: dt.date, ids: pd.Index
) -> pd.Series | None:
    if latent is None or "baseline_drift_per_week" not in truth.columns:
        return None
    month = as_of.strftime("%Y-%m")
    lat = latent[(latent["month"].astype(str) <= month) & (latent["leaving"] == 0)]
    lat = lat.sort_values(["account_id", "month"])
    g = lat.groupby("account_id")["health"]
    change = g.last() - g.first()
    weeks = (g.size() - 1) * 52.0 / 12.0
    drift = truth.set_index("account_id")["baseline_drift_per_week"].reindex(change.index)
    return (change - drift * weeks).reindex(ids)


def evaluate_responsiveness(
    store: Store,
    truth: pd.DataFrame,
    as_of: dt.date,
    *,
    settings: Settings | None = None,
    latent: pd.DataFrame | None = None,
) -> ResponseEvaluation:
    """Estimate responsiveness in ``store`` as of ``as_of`` and compare with ``truth``
    (the rows of ``truth/accounts.csv``)."""
    for column in ("account_id", "responsive"):
        if column not in truth.columns:
            raise GoodwillError("the truth has no column {column}", column=column)
    est = responsiveness(store.con, as_of, settings or Settings.load())
    true = truth.assign(account_id=truth["account_id"].astype(str)).set_index("account_id")
    known = est.index.intersection(true.index)
    est = est.loc[known]
    y = true.loc[known, "responsive"].to_numpy(dtype=int)
    observed = (est["response_weeks_after"] + est["response_weeks_other"]).to_numpy()
    old = observed >= YEAR_WEEKS
    effect = est["response_effect"].to_numpy(dtype=float)
    label = est["response_label"].to_numpy(dtype=str)
    responds = label == "responds"
    pos = old & (y == 1)
    notes: list[str] = []
    oracle = _oracle(truth.assign(account_id=truth["account_id"].astype(str)), latent, as_of, known)
    oracle_auc = float("nan")
    if oracle is None:
        notes.append("no latent_monthly or baseline drift in the truth: no oracle")
    else:
        o = oracle.to_numpy(dtype=float)
        ok = old & np.isfinite(o)
        oracle_auc = roc_auc(o[ok], y[ok])
    return ResponseEvaluation(
        as_of=as_of,
        n=int(old.sum()),
        responsive_share=float(y[old].mean()) if old.any() else float("nan"),
        auc=roc_auc(effect[old], y[old]),
        auc_all=roc_auc(effect, y),
        share_labelled=float((label[old] != "not_enough_evidence").mean())
        if old.any()
        else float("nan"),
        recall=float((responds & pos).sum() / pos.sum()) if pos.any() else float("nan"),
        precision=float(y[old & responds].mean()) if (old & responds).any() else float("nan"),
        labels={str(k): int(v) for k, v in pd.Series(label[old]).value_counts().items()},
        oracle_auc=oracle_auc,
        notes=notes,
    )


def evaluate_world_responsiveness(
    world: str | Path,
    *,
    db: str | Path | None = None,
    as_of: dt.date | None = None,
    settings: Settings | None = None,
) -> ResponseEvaluation:
    """Import ``world`` (into ``db`` if given and empty, else a temporary store) and
    evaluate responsiveness as of ``as_of`` (default: the last month end on or before
    its last order)."""
    world = Path(world)
    truth, latent = read_truth(world)
    with tempfile.TemporaryDirectory(prefix="goodwill-evaluate-") as tmp:
        path = Path(db) if db else Path(tmp) / "world.duckdb"
        with Store.open(path) as store:
            if store.count("orders") == 0:
                store.import_dir(world)
            if as_of is None:
                _, last = store.order_span()
                as_of = last_month_end(last)
            return evaluate_responsiveness(store, truth, as_of, settings=settings, latent=latent)


def last_month_end(day: dt.date) -> dt.date:
    """The end of ``day``'s month when ``day`` lies in its last week (a world's data end
    on its last working day), else the last day of the month before."""
    end = (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)
    if (end - day).days < 7:
        return end
    return day.replace(day=1) - dt.timedelta(days=1)
