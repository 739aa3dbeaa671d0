"""Ranking metrics shared by the evaluation and the backtests."""

from __future__ import annotations

import numpy as np
from scipy.stats import rankdata


def roc_auc(score_: np.ndarray, label: np.ndarray) -> float:
    """Area under the ROC curve (Mann-Whitney), ties counted half."""
    pos = label.astype(bool)
    n_pos, n_neg = int(pos.sum()), int((~pos).sum())
    if n_pos == 0 or n_neg == 0:
        return float("nan")
    ranks = rankdata(score_)
    return float((ranks[pos].sum() - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg))


def precision_at(score_: np.ndarray, label: np.ndarray, share: float = 0.1) -> float:
    k = max(1, round(share * len(score_)))
    top = np.argsort(-score_, kind="stable")[:k]
    return float(label[top].mean())
