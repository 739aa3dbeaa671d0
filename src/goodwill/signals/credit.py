"""Credit advice per account from its payment behaviour: keep delivering on current
terms, tighten (shorter terms, a lower limit, with suggested values), or deliver only
against prepayment — with its reasons, and what changes when credit-insurance cover is
withdrawn (for one account or all). See docs/payments.md.

Cover is *withdrawn* when an account has a credit limit and an insured limit of 0 (no
insured limit recorded at all means never insured: the supplier carries the risk as
agreed). Without cover the supplier can carry at most ``credit.uninsured_allowance``
on its own.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

import numpy as np
import pandas as pd

from goodwill.settings import Settings
from goodwill.signals.reasons import Reason

ADVICE = ("keep", "tighten", "prepayment")

#: the columns :func:`credit_advice` returns, in order
COLUMNS = ["credit_advice", "cover_withdrawn", "suggested_terms_days", "suggested_limit"]


def _round_up(value: float, step: float) -> float:
    return float(math.ceil(value / step) * step) if value > 0 else 0.0


def credit_advice(
    payments: pd.DataFrame,
    settings: Settings,
    withdraw: bool | Iterable[str] = False,
) -> tuple[pd.DataFrame, dict[str, list[Reason]]]:
    """The advice per account of ``payments`` (a :func:`payment_behaviour` frame) and its
    reasons. ``withdraw``: True treats credit-insurance cover as withdrawn for every
    account, an iterable of account ids for those only (a what-if)."""
    c = settings["credit"]
    prepay_below, tighten_below = float(c["prepay_below"]), float(c["tighten_below"])
    prepay_days, tighten_days = float(c["prepay_overdue_days"]), float(c["tighten_days"])
    allowance, min_terms = float(c["uninsured_allowance"]), int(c["min_terms_days"])
    step = float(c["limit_step"])

    ids = payments.index.astype(str)
    if withdraw is True:
        forced = np.ones(len(payments), dtype=bool)
    elif withdraw is False:
        forced = np.zeros(len(payments), dtype=bool)
    else:
        forced = ids.isin(pd.Index([str(a) for a in withdraw]))
    limit = payments["credit_limit"].to_numpy(float)
    insured = payments["insured_limit"].to_numpy(float)
    withdrawn = forced | ((insured == 0) & np.isfinite(limit) & (limit > 0))
    score = payments["payment_score"].to_numpy(float)
    recent = np.nan_to_num(payments["days_beyond_terms_3m"].to_numpy(float))
    oldest = np.nan_to_num(payments["oldest_overdue_days"].to_numpy(float))
    open_amount = payments["open_amount"].to_numpy(float)
    terms = payments["payment_terms_days"].to_numpy(float)
    monthly = np.clip(payments["invoiced_12m"].to_numpy(float), 0, None) / 12.0
    known = np.isfinite(score)

    cap_all = np.where(np.isfinite(limit) & (limit > 0), limit, np.inf)
    carry_all = np.where(withdrawn, np.minimum(cap_all, allowance), cap_all)
    # only these accounts can get advice other than keep, or a reason (most get neither)
    visit = (
        (known & (score < tighten_below))
        | (oldest > prepay_days)
        | (recent > tighten_days)
        | (open_amount > carry_all)
        | withdrawn
    )
    names = ids.tolist()
    advice_col = np.full(len(names), "keep", dtype=object)
    terms_col = np.full(len(names), math.nan)
    limit_col = np.full(len(names), math.nan)
    reasons: dict[str, list[Reason]] = {acc: [] for acc in names}
    for i in np.flatnonzero(visit).tolist():
        acc = names[i]
        why: list[Reason] = []
        s = score[i]
        cap = limit[i] if np.isfinite(limit[i]) and limit[i] > 0 else math.inf
        carry = min(cap, allowance) if withdrawn[i] else cap
        if known[i] and s < prepay_below:
            why.append(Reason("credit", "credit_score_poor", 0.0, 0.0, {"score": round(s)}))
        if oldest[i] > prepay_days:
            why.append(Reason("credit", "credit_item_old", 0.0, 0.0, {"days": round(oldest[i])}))
        if withdrawn[i] and known[i] and s < tighten_below:
            why.append(Reason("credit", "credit_uninsured_risk", 0.0, 0.0, {"score": round(s)}))
        if why:
            advice = "prepayment"
        else:
            if known[i] and s < tighten_below:
                why.append(Reason("credit", "credit_score_weak", 0.0, 0.0, {"score": round(s)}))
            if recent[i] > tighten_days:
                why.append(Reason("credit", "credit_paying_late", 0.0, 0.0,
                                  {"days": round(recent[i])}))  # fmt: skip
            if open_amount[i] > carry:
                code = "credit_over_cover" if carry < cap else "credit_over_limit"
                amounts = {"amount": round(open_amount[i]), "limit": round(carry)}
                why.append(Reason("credit", code, 0.0, 0.0, amounts))
            advice = "tighten" if why else "keep"
        new_terms, new_limit = math.nan, math.nan
        if advice == "tighten":
            t = terms[i] if np.isfinite(terms[i]) else 30.0
            shorter = 7 * math.ceil(max(recent[i], 7.0) / 7)
            new_terms = float(max(min_terms, t - shorter))
            need = _round_up(monthly[i] * (new_terms / 30.0 + 1.0), step)
            new_limit = min(carry, need) if math.isfinite(carry) else need
            why.append(Reason("credit", "credit_suggest", 0.0, 0.0,
                              {"terms": int(new_terms), "limit": round(new_limit)}))  # fmt: skip
        if withdrawn[i]:
            why.append(Reason("credit", "credit_cover_withdrawn", 0.0, 0.0,
                              {"allowance": round(allowance)}))  # fmt: skip
        reasons[acc] = why
        advice_col[i], terms_col[i], limit_col[i] = advice, new_terms, new_limit
    frame = pd.DataFrame(
        {
            "credit_advice": advice_col,
            "cover_withdrawn": withdrawn,
            "suggested_terms_days": terms_col,
            "suggested_limit": limit_col,
        },
        index=payments.index,
    )
    return frame, reasons


def cover_withdrawn_what_if(
    payments: pd.DataFrame, settings: Settings, accounts: Iterable[str] | None = None
) -> pd.DataFrame:
    """The accounts whose advice changes when credit-insurance cover is withdrawn (for
    ``accounts``, or every account when None): ``advice_now``, ``advice_without_cover``,
    the suggested terms and limit without cover, and the open amount, most exposed first."""
    now, _ = credit_advice(payments, settings)
    then, _ = credit_advice(payments, settings, withdraw=True if accounts is None else accounts)
    changed = now["credit_advice"] != then["credit_advice"]
    out = pd.DataFrame(
        {
            "advice_now": now["credit_advice"],
            "advice_without_cover": then["credit_advice"],
            "suggested_terms_days": then["suggested_terms_days"],
            "suggested_limit": then["suggested_limit"],
            "open_amount": payments["open_amount"],
            "payment_score": payments["payment_score"],
        }
    )[changed]
    return out.sort_values("open_amount", ascending=False)
