"""The payment score against the truth: do accounts whose financial trouble began at
least ``lead_days`` (30) before the scoring date rank below the rest?

Needs ``truth/accounts.csv`` with ``account_id`` and ``distress_on`` (the day trouble
began; empty if never) and, when there, ``churn_on``: accounts gone by the scoring date
are left out. Only accounts with a payment score (an invoice) are compared.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from goodwill.errors import GoodwillError
from goodwill.evaluate.metrics import roc_auc
from goodwill.settings import Settings
from goodwill.signals.credit import credit_advice
from goodwill.signals.payments import payment_behaviour
from goodwill.store import Store

LEAD_DAYS = 30


@dataclass
class PaymentEvaluation:
    """The payment score on one world, over account-months at one or more dates."""

    as_of: list[dt.date]
    #: account-months compared (with a payment score, not gone)
    n: int
    #: of those, in financial trouble for at least LEAD_DAYS
    troubled: int
    #: ROC AUC of a low payment score against trouble (target >= 0.85)
    auc: float
    #: share of the troubled advised to tighten or to deliver against prepayment
    troubled_flagged: float
    #: share of the others advised so
    others_flagged: float


def _one_date(
    store: Store, true: pd.DataFrame, as_of: dt.date, settings: Settings
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    paid = payment_behaviour(store.con, as_of, settings)
    advice, _ = credit_advice(paid, settings)
    known = paid.index.isin(true.index)
    keep = paid["payment_score"].notna().to_numpy() & known
    truth = true.reindex(paid.index)
    distress = pd.to_datetime(truth["distress_on"], errors="coerce")
    if "churn_on" in truth.columns:
        churn = pd.to_datetime(truth["churn_on"], errors="coerce")
        keep &= ~(churn <= pd.Timestamp(as_of)).fillna(False).to_numpy(bool)
    limit = pd.Timestamp(as_of - dt.timedelta(days=LEAD_DAYS))
    label = (distress <= limit).fillna(False).to_numpy(bool)[keep]
    score = paid["payment_score"].to_numpy(float)[keep]
    flagged = (advice["credit_advice"] != "keep").to_numpy()[keep]
    return label, score, flagged


def evaluate_payments(
    store: Store,
    truth: pd.DataFrame,
    as_of: dt.date | list[dt.date],
    *,
    settings: Settings | None = None,
) -> PaymentEvaluation:
    """Score payments in ``store`` as of ``as_of`` (one date, or several: their
    account-months pooled) and compare with ``truth``."""
    for column in ("account_id", "distress_on"):
        if column not in truth.columns:
            raise GoodwillError("the truth has no column {column}", column=column)
    settings = settings or Settings.load()
    dates = as_of if isinstance(as_of, list) else [as_of]
    true = truth.assign(account_id=truth["account_id"].astype(str)).set_index("account_id")
    parts = [_one_date(store, true, day, settings) for day in dates]
    label = np.concatenate([p[0] for p in parts])
    score = np.concatenate([p[1] for p in parts])
    flagged = np.concatenate([p[2] for p in parts])
    return PaymentEvaluation(
        as_of=dates,
        n=int(label.size),
        troubled=int(label.sum()),
        auc=roc_auc(-score, label),
        troubled_flagged=float(flagged[label].mean()) if label.any() else float("nan"),
        others_flagged=float(flagged[~label].mean()) if (~label).any() else float("nan"),
    )
