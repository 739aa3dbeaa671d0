"""Payment behaviour as of a date: per invoice the days beyond its due date, per account
the amount-weighted days beyond terms, their trend, exposure against the credit and
insured limits, the oldest open item, and a payment score 0-100 with its reasons.

One definition, used by the payment score, the credit advice and health's payment
signal (see docs/payments.md):

- An invoice (``amount > 0``) is *paid* by the as-of date up to ``paid_amount`` when
  ``paid_on`` is on or before it; the rest is *open*. A credit note (``amount < 0``) is
  settled on its own terms: it lowers the open balance (if not yet settled) and is no
  late payment.
- Each part of an invoice is *late* by its days beyond the due date: the paid part by
  ``paid_on - due_on``, the open part by ``as_of - due_on`` (open invoices count as late
  from their due date as of the scoring date). Early or on time is 0 days.
- *Days beyond terms* over a window is the mean of those days weighted by amount, over
  the parts *settled* in the window plus the parts *open and past due* at the as-of date
  (an unpaid invoice stays in every window until it is paid). Parts not yet due are left
  out: they have had no chance to be late.
- The *trend* is the last 3 months' days beyond terms against the 9 months before them
  (settled then; open items count in the recent window only).
- An invoice *was paid late* when any part of it was paid after its due date, or it is
  open past its due date.
"""

from __future__ import annotations

import datetime as dt

import duckdb
import numpy as np
import pandas as pd

from goodwill.settings import Settings
from goodwill.signals.reasons import Reason

#: the columns :func:`payment_behaviour` returns, in order
COLUMNS = [
    "payment_terms_days", "credit_limit", "insured_limit", "invoices_12m", "invoiced_12m",
    "days_beyond_terms_3m", "days_beyond_terms_12m", "days_beyond_terms_before",
    "payment_trend_days", "share_paid_late_12m", "late_invoices_12m", "open_amount",
    "overdue_amount", "oldest_open_due", "oldest_overdue_days", "payment_score",
]  # fmt: skip

#: the score's components: name -> the setting holding its maximum points
COMPONENTS = (
    "recent_delay", "growing_delay", "overdue", "oldest_item", "share_late", "over_limit",
)  # fmt: skip

RECENT_DAYS = 91
YEAR_DAYS = 365

_SQL = """
WITH cust AS (
    SELECT account_id, payment_terms_days, credit_limit, insured_limit
    FROM accounts
    WHERE kind = 'customer' AND (created_on IS NULL OR CAST(created_on AS DATE) <= $a)
),
inv AS (
    SELECT i.account_id, CAST(i.due_on AS DATE) AS due, CAST(i.amount AS DOUBLE) AS amount,
           CASE WHEN i.paid_on IS NOT NULL AND CAST(i.paid_on AS DATE) <= $a
                THEN CAST(i.paid_on AS DATE) END AS paid,
           CASE WHEN i.paid_on IS NOT NULL AND CAST(i.paid_on AS DATE) <= $a
                THEN CAST(coalesce(i.paid_amount, i.amount) AS DOUBLE) ELSE 0 END AS paid_amt
    FROM invoices i JOIN cust c USING (account_id)
    WHERE CAST(i.issued_on AS DATE) <= $a
),
parts AS (
    -- the paid part of each invoice (settled on its payment date) ...
    SELECT account_id, due, paid AS settled, least(paid_amt, amount) AS weight,
           greatest(date_diff('day', due, paid), 0) AS late_days, FALSE AS is_open
    FROM inv WHERE amount > 0 AND paid IS NOT NULL AND paid_amt > 0
    UNION ALL
    -- ... and its open part, late from its due date as of the scoring date
    SELECT account_id, due, NULL, amount - paid_amt,
           greatest(date_diff('day', due, CAST($a AS DATE)), 0), TRUE
    FROM inv WHERE amount > 0 AND amount - paid_amt > 0.005
),
by_invoice AS (
    SELECT account_id, due, amount,
           (paid IS NOT NULL AND paid > due AND paid_amt > 0)
               OR (amount - paid_amt > 0.005 AND due < $a) AS was_late
    FROM inv WHERE amount > 0 AND due > $a - 365 AND due <= $a
),
late AS (
    SELECT account_id,
           sum(weight * late_days) FILTER (WHERE settled > $a - 91 OR (is_open AND due < $a))
             / nullif(sum(weight) FILTER (WHERE settled > $a - 91 OR (is_open AND due < $a)), 0)
             AS days_beyond_terms_3m,
           sum(weight * late_days) FILTER (WHERE settled > $a - 365 OR (is_open AND due < $a))
             / nullif(sum(weight) FILTER (WHERE settled > $a - 365 OR (is_open AND due < $a)), 0)
             AS days_beyond_terms_12m,
           sum(weight * late_days) FILTER (WHERE settled > $a - 365 AND settled <= $a - 91)
             / nullif(sum(weight) FILTER (WHERE settled > $a - 365 AND settled <= $a - 91), 0)
             AS days_beyond_terms_before,
           sum(weight) FILTER (WHERE is_open AND due < $a) AS overdue_amount,
           min(due) FILTER (WHERE is_open) AS oldest_open_due,
           max(late_days) FILTER (WHERE is_open AND due < $a) AS oldest_overdue_days
    FROM parts GROUP BY 1
),
balance AS (
    SELECT account_id, sum(amount - paid_amt) AS open_amount FROM inv GROUP BY 1
),
year AS (
    SELECT account_id, count(*) AS invoices_12m, sum(amount) AS invoiced_12m,
           count(*) FILTER (WHERE was_late) AS late_invoices_12m
    FROM by_invoice GROUP BY 1
)
SELECT c.account_id, c.payment_terms_days, CAST(c.credit_limit AS DOUBLE) AS credit_limit,
       CAST(c.insured_limit AS DOUBLE) AS insured_limit,
       coalesce(y.invoices_12m, 0) AS invoices_12m, coalesce(y.invoiced_12m, 0) AS invoiced_12m,
       l.days_beyond_terms_3m, l.days_beyond_terms_12m, l.days_beyond_terms_before,
       coalesce(y.late_invoices_12m, 0) AS late_invoices_12m,
       coalesce(b.open_amount, 0) AS open_amount, coalesce(l.overdue_amount, 0) AS overdue_amount,
       l.oldest_open_due, coalesce(l.oldest_overdue_days, 0) AS oldest_overdue_days
FROM cust c
LEFT JOIN late l USING (account_id)
LEFT JOIN balance b USING (account_id)
LEFT JOIN year y USING (account_id)
ORDER BY c.account_id
"""


def payment_facts(con: duckdb.DuckDBPyConnection, as_of: dt.date) -> pd.DataFrame:
    """Per customer account created by ``as_of`` (index ``account_id``): the payment
    figures of the module's definition, from invoices issued on or before ``as_of``."""
    frame = con.execute(_SQL, {"a": as_of}).df().set_index("account_id")
    recent = frame["days_beyond_terms_3m"]
    before = frame["days_beyond_terms_before"]
    frame["payment_trend_days"] = recent.fillna(0.0) - before.fillna(recent).fillna(0.0)
    frame["share_paid_late_12m"] = np.where(
        frame["invoices_12m"] > 0, frame["late_invoices_12m"] / frame["invoices_12m"].clip(1), 0.0
    )
    frame["oldest_overdue_days"] = frame["oldest_overdue_days"].astype(float)
    return frame


def _scale(x: pd.Series, days: float) -> np.ndarray:
    """0 at 0, about 0.63 at ``days``, towards 1 beyond: how bad a figure in days is."""
    return np.asarray(1.0 - np.exp(-np.clip(x.fillna(0.0).to_numpy(float), 0, None) / days))


def component_badness(frame: pd.DataFrame, settings: Settings) -> dict[str, np.ndarray]:
    """Per component of the score, how bad each account is, from 0 (fine) to 1."""
    p = settings["payments"]
    scale = float(p["days_scale"])
    monthly = (frame["invoiced_12m"].clip(lower=0) / 12.0).to_numpy(float)
    overdue = frame["overdue_amount"].clip(lower=0).to_numpy(float)
    months_overdue = np.divide(
        overdue, monthly, out=np.where(overdue > 0, 3.0, 0.0), where=monthly > 0
    )
    limit = frame["credit_limit"].to_numpy(float)
    use = np.divide(
        frame["open_amount"].to_numpy(float),
        limit,
        out=np.zeros(len(frame)),
        where=np.isfinite(limit) & (limit > 0),
    )
    return {
        "recent_delay": _scale(frame["days_beyond_terms_3m"], scale),
        "growing_delay": _scale(frame["payment_trend_days"], float(p["trend_days_scale"])),
        "overdue": 1.0 - np.exp(-months_overdue),
        "oldest_item": _scale(frame["oldest_overdue_days"], 2 * scale),
        "share_late": frame["share_paid_late_12m"].to_numpy(float),
        "over_limit": np.clip((use - 0.8) / 0.4, 0.0, 1.0),
    }


def payment_behaviour(
    con: duckdb.DuckDBPyConnection, as_of: dt.date, settings: Settings
) -> pd.DataFrame:
    """:func:`payment_facts` with the payment score (100 = pays on time, nothing overdue;
    NaN without any invoice) and each component's points lost (``lost_<component>``)."""
    frame = payment_facts(con, as_of)
    weights = {k: float(v) for k, v in settings["payments"]["weights"].items()}
    bad = component_badness(frame, settings)
    total = np.zeros(len(frame))
    for name in COMPONENTS:
        lost = weights.get(name, 0.0) * np.clip(bad[name], 0.0, 1.0)
        frame[f"lost_{name}"] = lost
        total += lost
    invoiced = (frame["invoices_12m"] > 0) | (frame["open_amount"].abs() > 0.005)
    frame["payment_score"] = np.where(invoiced, np.clip(100.0 - total, 0.0, 100.0), np.nan)
    return frame


def payment_reasons(frame: pd.DataFrame, settings: Settings) -> dict[str, list[Reason]]:
    """Per account, the components that cost the most points (at least
    ``payments.reason_points``), largest first, as reasons with the figures behind them.
    Only the accounts with such a component are visited (most have none)."""
    threshold = float(settings["payments"]["reason_points"])
    ids = frame.index.astype(str).tolist()
    cols = {c: frame[c].to_numpy() for c in frame.columns}
    found: dict[int, list[tuple[float, Reason]]] = {}
    for name in COMPONENTS:
        lost = np.nan_to_num(frame[f"lost_{name}"].to_numpy(float))
        for i in np.flatnonzero(lost >= threshold).tolist():
            reason = Reason("payments", f"payment_{name}", -float(lost[i]), 0.0,
                            _params(name, cols, i))  # fmt: skip
            found.setdefault(i, []).append((float(lost[i]), reason))
    out: dict[str, list[Reason]] = {acc: [] for acc in ids}
    for i, pairs in found.items():
        pairs.sort(key=lambda pr: -pr[0])
        out[ids[i]] = [r for _, r in pairs]
    return out


def _params(name: str, cols: dict[str, np.ndarray], i: int) -> dict[str, object]:
    def days(col: str) -> int:
        v = cols[col][i]
        return 0 if v is None or not np.isfinite(float(v)) else round(float(v))

    if name == "recent_delay":
        return {"days": days("days_beyond_terms_3m"), "terms": days("payment_terms_days")}
    if name == "growing_delay":
        return {"days": days("days_beyond_terms_3m"), "before": days("days_beyond_terms_before")}
    if name == "overdue":
        return {"amount": float(cols["overdue_amount"][i])}
    if name == "oldest_item":
        due = cols["oldest_open_due"][i]
        return {"days": days("oldest_overdue_days"), "due": str(pd.Timestamp(due).date())}
    if name == "share_late":
        return {"late": int(cols["late_invoices_12m"][i]), "n": int(cols["invoices_12m"][i])}
    return {"amount": float(cols["open_amount"][i]), "limit": float(cols["credit_limit"][i])}
