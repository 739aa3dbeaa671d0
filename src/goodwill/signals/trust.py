"""Trust index per account, 0-100: promises kept and complaint handling speed (health's
definitions, :mod:`goodwill.signals.facts`) and how little of the contact time goes to
transactional matters (trust lowers the cost of the relationship: less checking,
chasing and fixing). See docs/payments.md#trust.

Each part is shrunk to the portfolio's own figure when the account has little evidence
(two pseudo-promises, ``trust.prior_minutes`` pseudo-minutes), so one broken promise or
one long phone call does not decide an account's trust.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from goodwill.settings import Settings
from goodwill.signals.reasons import Reason

PARTS = ("promises", "complaints", "relational")

#: the columns :func:`trust_index` returns, in order
COLUMNS = [
    "trust_index", "trust_promises", "trust_complaints", "trust_relational",
    "transactional_share_12m",
]  # fmt: skip


def trust_index(
    facts: pd.DataFrame, settings: Settings
) -> tuple[pd.DataFrame, dict[str, list[Reason]]]:
    """Per account of ``facts`` (:func:`goodwill.signals.facts.account_facts`' accounts):
    the index, its parts (0-1 each) and the reasons for the parts below
    ``trust.reason_below``."""
    t = settings["trust"]
    weights = {k: float(v) for k, v in t["weights"].items()}
    total_w = sum(weights.get(p, 0.0) for p in PARTS) or 1.0

    def num(col: str) -> np.ndarray:
        return np.asarray(pd.to_numeric(facts[col], errors="coerce").to_numpy(float))

    due, broken = np.nan_to_num(num("promises_due")), np.nan_to_num(num("promises_broken"))
    norm_broken = broken.sum() / due.sum() if due.sum() else 0.1
    promises = 1.0 - (broken + 2 * norm_broken) / (due + 2)

    hours, unanswered = num("response_hours"), np.nan_to_num(num("unanswered_complaints"))
    known = hours[np.isfinite(hours)]
    norm_hours = float(np.median(known)) if known.size else 24.0
    complaints = np.where(
        np.isfinite(hours), np.minimum(1.0, norm_hours / np.maximum(np.nan_to_num(hours), 0.1)), 1.0
    )
    complaints = np.clip(complaints * 0.7**unanswered, 0.0, 1.0)

    minutes = np.nan_to_num(num("contact_minutes_12m"))
    busy = np.nan_to_num(num("transactional_minutes_12m"))
    norm_share = busy.sum() / minutes.sum() if minutes.sum() else 0.5
    prior = float(t["prior_minutes"])
    share = (busy + prior * norm_share) / (minutes + prior)
    # relational: 1 where no more than the portfolio's share is transactional, falling to 0
    # where all of it is
    relational = np.clip((1.0 - share) / max(1.0 - norm_share, 1e-9), 0.0, 1.0)

    parts = {"promises": promises, "complaints": complaints, "relational": relational}
    index = sum(weights.get(p, 0.0) * parts[p] for p in PARTS) / total_w * 100.0
    frame = pd.DataFrame(
        {
            "trust_index": np.round(index, 1),
            "trust_promises": promises,
            "trust_complaints": complaints,
            "trust_relational": relational,
            "transactional_share_12m": np.where(minutes > 0, busy / np.maximum(minutes, 1), np.nan),
        },
        index=facts.index,
    )
    below = float(t["reason_below"])
    ids = facts.index.astype(str).tolist()
    reasons: dict[str, list[Reason]] = {acc: [] for acc in ids}
    weak = (promises < below) & (due > 0)
    weak |= complaints < below
    weak |= (relational < below) & (minutes > 0)
    for i in np.flatnonzero(weak).tolist():
        why: list[Reason] = []
        if promises[i] < below and due[i] > 0:
            why.append(Reason("trust", "trust_promises", 0.0, 0.0,
                              {"broken": int(broken[i]), "due": int(due[i])}))  # fmt: skip
        if complaints[i] < below:
            why.append(Reason("trust", "trust_complaints", 0.0, 0.0,
                              {"hours": round(float(np.nan_to_num(hours[i]))),
                               "norm": round(norm_hours), "open": int(unanswered[i])}))  # fmt: skip
        if relational[i] < below and minutes[i] > 0:
            why.append(Reason("trust", "trust_transactional", 0.0, 0.0,
                              {"pct": round(100 * busy[i] / minutes[i]),
                               "norm": round(100 * norm_share)}))  # fmt: skip
        reasons[ids[i]] = why
    return frame, reasons
