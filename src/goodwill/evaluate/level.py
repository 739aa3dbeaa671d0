"""Relationship level against the truth: balanced accuracy, per-class recall, confusion.

Population: customer accounts in both the store and ``truth`` (``kind`` customer when the
truth says), still in a relationship at the as-of date (``churn_on`` empty or later,
when the truth has that column): the level of a relationship that has ended is not
observable. The accuracy over every customer, gone ones included, is reported too.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from goodwill.errors import GoodwillError
from goodwill.settings import Settings
from goodwill.signals.level import LEVELS, relationship_levels
from goodwill.store import Store


@dataclass(frozen=True)
class LevelEvaluation:
    """What ``goodwill evaluate`` reports on the relationship level."""

    as_of: dt.date
    n: int
    balanced_accuracy: float
    recall: dict[str, float]
    #: rows: true level, columns: predicted level (counts), in :data:`LEVELS` order
    confusion: pd.DataFrame
    #: balanced accuracy over every customer in the truth, ended relationships included
    balanced_accuracy_all: float
    method: str


def _balanced(true: pd.Series, pred: pd.Series) -> tuple[float, dict[str, float]]:
    recall = {
        name: float((pred[true == name] == name).mean()) for name in LEVELS if (true == name).any()
    }
    return (float(np.mean(list(recall.values()))) if recall else float("nan")), recall


def evaluate_levels(
    store: Store, truth: pd.DataFrame, as_of: dt.date, settings: Settings | None = None
) -> LevelEvaluation:
    """Score the level of every customer as of ``as_of`` and compare with ``truth``
    (``account_id``, ``level``; optionally ``kind`` and ``churn_on``)."""
    if "level" not in truth or "account_id" not in truth:
        raise GoodwillError(
            "the truth has no columns account_id and level; evaluating the relationship "
            "level needs truth/accounts.csv from goodwill simulate (or the same format)"
        )
    levels = relationship_levels(store.con, as_of, settings or Settings.load())
    known = truth.copy()
    known["account_id"] = known["account_id"].astype(str)
    if "kind" in known:
        known = known[known["kind"] == "customer"]
    known = known.set_index("account_id")
    known = known[known["level"].isin(LEVELS) & known.index.isin(levels.index)]
    if known.empty:
        raise GoodwillError("no customer in the truth has a level the store knows")
    pred_all = levels["level"].reindex(known.index)
    all_score, _ = _balanced(known["level"], pred_all)
    alive = pd.Series(True, index=known.index)
    if "churn_on" in known:
        churn = pd.to_datetime(known["churn_on"])
        alive = churn.isna() | (churn > pd.Timestamp(as_of))
    true, pred = known.loc[alive, "level"], pred_all[alive]
    score, recall = _balanced(true, pred)
    confusion = pd.crosstab(
        pd.Categorical(true, LEVELS), pd.Categorical(pred, LEVELS), dropna=False
    )
    confusion.index.name, confusion.columns.name = "true", "predicted"
    return LevelEvaluation(
        as_of=as_of,
        n=int(alive.sum()),
        balanced_accuracy=score,
        recall=recall,
        confusion=confusion,
        balanced_accuracy_all=all_score,
        method=str(levels["level_method"].iloc[0]) if len(levels) else "none",
    )
