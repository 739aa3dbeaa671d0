"""Service to small and new accounts: do we serve a new customer's first orders as well
as we serve the customers we already have? (docs/service.md)

Per customer account, as of a date, the service it got on a *sample* of its orders:

- a *new* account's sample is its first ``first_orders`` orders; an established
  account's its last ``first_orders`` orders on or before the as-of date (so both are
  compared on the same number of orders, and the established accounts show how we serve
  today);
- an *order* is a customer order line with a positive amount (test orders and returns
  excluded), ranked by ``ordered_on`` then ``order_id``.

On that sample:

- *hours to confirmation*: ``confirmed_on - ordered_on``; an order not confirmed by the
  as-of date counts with the hours it has waited so far (as a complaint's response time
  does, :data:`goodwill.signals.facts.RESPONSE_HOURS`). Order channels confirm at very
  different speeds (a webshop at once, an e-mail by hand), so each order's hours are also
  divided by the median hours of the established accounts' sample orders on the same
  channel in the last 12 months: the *confirmation ratio* (1 = as usual);
- *on time in full* (OTIF): delivered by the as-of date, on or before ``promised_on``,
  with ``delivered_quantity`` ≥ ``quantity`` (missing delivered quantity: in full). An
  order not delivered by the as-of date is late once its promised day has passed, else
  not yet known; an order without ``promised_on`` is known only to be short or not;
- *days late*: days from ``promised_on`` to delivery (or to the as-of date while not
  delivered), at least 0;
- *chasing*: inbound interactions (not meetings or events; purpose service, complaint,
  other or none — not sales) from the moment an order was placed until it was delivered
  (at most ``chase_days`` days, and not after the as-of date): the customer asking where
  its order is. An interaction in the windows of two orders counts once;
- *days to our first contact*: days from the sample's first order to our first
  outbound visit, call, e-mail or other contact on or after that day (not meetings or
  events); none yet: the days waited so far.

Over complaints opened in the 12 months up to the as-of date: the median hours to a
first response (:data:`~goodwill.signals.facts.RESPONSE_HOURS`, unanswered complaints
with the hours waited so far), the median hours to resolution (the same rule with
``resolved_on``) and the inbound interactions after a complaint was opened and before
its first response (*complaint chasing*).

*Size class*: ``employees`` below ``small_below`` is small, from ``large_from`` large,
else medium. Without ``employees`` (``unknown_size = "revenue"``): by revenue over the
last 12 months (annualised for accounts younger than a year), cut where the accounts
with known employees' classes are cut, so the classes keep their shares; with
``unknown_size = "unknown"``: class ``unknown``.

*New*: created within ``new_days`` of the as-of date, or first order within
``new_days`` — unless that first order falls within ``history_guard_days`` of the first
order in the store (then the account's history may simply start before the data).

*Neglected* (:func:`neglected_new_accounts`): a new account with at least
``min_evidence`` measures beyond the norm, the norm being the ``norm_percentile``-th
percentile of the established accounts' own figures (the 100 − p-th for the OTIF share,
where lower is worse): confirmation ratio, OTIF share, mean days late, chasing contacts,
days to our first contact and complaint response hours.

Facts count only when their own date is on or before the as-of date.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import duckdb
import numpy as np
import pandas as pd

from goodwill.settings import Settings
from goodwill.signals.facts import RESPONSE_HOURS
from goodwill.signals.reasons import Reason

SIGNAL = "service"

#: the measures behind the neglect verdict: column, and whether higher is worse
MEASURES: dict[str, bool] = {
    "confirm_ratio": True,
    "otif_share": False,
    "days_late": True,
    "chase_contacts": True,
    "first_contact_days": True,
    "complaint_response_hours": True,
}
#: the aspects of service the measures belong to: one late order makes both the OTIF share
#: and the days late worse, so they count as one piece of evidence
ASPECTS: dict[str, tuple[str, ...]] = {
    "confirmation": ("confirm_ratio",),
    "delivery": ("otif_share", "days_late"),
    "chasing": ("chase_contacts",),
    "first_contact": ("first_contact_days",),
    "complaints": ("complaint_response_hours",),
}

#: the columns of :func:`service_facts`
COLUMNS = [
    "name",
    "employees",
    "size_class",
    "is_new",
    "created_on",
    "first_order",
    "orders",
    "sample_orders",
    "confirm_hours",
    "confirm_ratio",
    "otif_share",
    "otif_known",
    "days_late",
    "chase_contacts",
    "first_contact_days",
    "complaints_12m",
    "complaint_response_hours",
    "complaint_resolution_hours",
    "complaint_chases",
    "revenue_12m",
]

_INBOUND_ASKING = """i.direction = 'inbound' AND i.channel NOT IN ('meeting', 'event')
    AND (i.purpose IS NULL OR i.purpose IN ('service', 'complaint', 'other'))"""


def _orders_sql(n: int, chase_days: int) -> str:
    """One row per sample order (see the module text), with its measures."""
    return f"""
    WITH cust AS (
        SELECT account_id, CAST(created_on AS DATE) AS created_on FROM accounts
        WHERE kind = 'customer' AND (created_on IS NULL OR CAST(created_on AS DATE) <= $a)
    ),
    ranked AS (
        SELECT o.order_id, o.account_id, o.ordered_on, coalesce(o.channel, '') AS channel,
               o.confirmed_on, o.promised_on, o.delivered_on, o.quantity,
               o.delivered_quantity,
               row_number() OVER w AS rn,
               count(*) OVER (PARTITION BY o.account_id) AS orders
        FROM orders o JOIN cust USING (account_id)
        WHERE CAST(o.ordered_on AS DATE) <= $a AND NOT coalesce(o.is_test, false)
          AND o.amount > 0 AND coalesce(o.quantity, 1) > 0
        WINDOW w AS (PARTITION BY o.account_id ORDER BY o.ordered_on, o.order_id)
    ),
    sample AS (
        SELECT *, rn <= {n} AS first_n, rn > orders - {n} AS last_n FROM ranked
        WHERE rn <= {n} OR rn > orders - {n}
    ),
    measured AS (
        SELECT s.*,
               CASE WHEN $confirmations THEN date_diff('minute', s.ordered_on,
                   CASE WHEN CAST(s.confirmed_on AS DATE) <= $a THEN s.confirmed_on
                        ELSE CAST($a AS TIMESTAMP) + INTERVAL 1 DAY END) / 60.0
               END AS confirm_hours,
               CAST(s.delivered_on AS DATE) <= $a AS delivered,
               CASE WHEN CAST(s.delivered_on AS DATE) <= $a
                    THEN coalesce(s.delivered_quantity, s.quantity) >= s.quantity END AS in_full,
               CASE WHEN s.promised_on IS NULL THEN NULL
                    WHEN CAST(s.delivered_on AS DATE) <= $a
                    THEN greatest(0, date_diff('day', CAST(s.promised_on AS DATE),
                                               CAST(s.delivered_on AS DATE)))
                    WHEN CAST(s.promised_on AS DATE) < $a
                    THEN date_diff('day', CAST(s.promised_on AS DATE), $a)
               END AS days_late,
               least(CASE WHEN CAST(s.delivered_on AS DATE) <= $a
                          THEN CAST(s.delivered_on AS DATE) ELSE $a END,
                     CAST(s.ordered_on AS DATE) + {int(chase_days)}) AS chase_until
        FROM sample s
    )
    SELECT m.order_id, m.account_id, m.ordered_on, m.channel, m.rn, m.orders,
           m.first_n, m.last_n, m.confirm_hours, m.days_late,
           CASE WHEN m.in_full = false THEN false
                WHEN m.days_late > 0 THEN false
                WHEN m.delivered AND m.days_late = 0 THEN m.in_full
           END AS otif,
           m.chase_until
    FROM measured m
    """


def _account_sql(lookback: int) -> str:
    """One row per customer account: name, size, dates, 12 months' revenue and complaints."""
    resolution = RESPONSE_HOURS.replace("first_response_on", "resolved_on")
    return f"""
    WITH cust AS (
        SELECT account_id, name, employees, CAST(created_on AS DATE) AS created_on
        FROM accounts
        WHERE kind = 'customer' AND (created_on IS NULL OR CAST(created_on AS DATE) <= $a)
    ),
    ord AS (
        SELECT o.account_id, min(CAST(o.ordered_on AS DATE)) AS first_order,
               sum(o.amount) FILTER (WHERE CAST(o.ordered_on AS DATE) > $a - {lookback})
                   AS revenue_12m
        FROM orders o JOIN cust USING (account_id)
        WHERE CAST(o.ordered_on AS DATE) <= $a AND NOT coalesce(o.is_test, false)
        GROUP BY 1
    ),
    compl AS (
        SELECT c.account_id, count(*) AS complaints_12m,
               median({RESPONSE_HOURS}) AS complaint_response_hours,
               median({resolution}) AS complaint_resolution_hours
        FROM complaints c JOIN cust USING (account_id)
        WHERE CAST(c.opened_on AS DATE) <= $a AND CAST(c.opened_on AS DATE) > $a - {lookback}
        GROUP BY 1
    ),
    compl_chase AS (  -- asking again after opening a complaint, before our first response
        SELECT c.account_id, count(DISTINCT i.interaction_id) AS complaint_chases
        FROM complaints c JOIN cust USING (account_id)
        JOIN interactions i ON i.account_id = c.account_id
        WHERE CAST(c.opened_on AS DATE) <= $a AND CAST(c.opened_on AS DATE) > $a - {lookback}
          AND {_INBOUND_ASKING}
          AND i.occurred_on > c.opened_on AND CAST(i.occurred_on AS DATE) <= $a
          AND (c.first_response_on IS NULL OR CAST(c.first_response_on AS DATE) > $a
               OR i.occurred_on < c.first_response_on)
        GROUP BY 1
    )
    SELECT cust.account_id, cust.name, cust.employees, cust.created_on, ord.first_order,
           CAST(coalesce(ord.revenue_12m, 0) AS DOUBLE) AS revenue_12m,
           coalesce(compl.complaints_12m, 0) AS complaints_12m,
           compl.complaint_response_hours, compl.complaint_resolution_hours,
           coalesce(cc.complaint_chases, 0) AS complaint_chases
    FROM cust LEFT JOIN ord USING (account_id) LEFT JOIN compl USING (account_id)
    LEFT JOIN compl_chase cc USING (account_id)
    ORDER BY cust.account_id
    """


_CHASE_SQL = f"""
    SELECT s.account_id, s.sample, count(DISTINCT i.interaction_id) AS chase_contacts
    FROM service_sample s JOIN interactions i ON i.account_id = s.account_id
    WHERE {_INBOUND_ASKING}
      AND i.occurred_on > s.ordered_on AND CAST(i.occurred_on AS DATE) <= s.chase_until
    GROUP BY 1, 2
"""

_CONTACT_SQL = """
    SELECT s.account_id, s.sample,
           date_diff('day', s.start, coalesce(min(CAST(i.occurred_on AS DATE)), $a))
               AS first_contact_days
    FROM service_start s LEFT JOIN interactions i ON i.account_id = s.account_id
        AND i.direction = 'outbound' AND i.channel NOT IN ('meeting', 'event')
        AND CAST(i.occurred_on AS DATE) >= s.start AND CAST(i.occurred_on AS DATE) <= $a
    GROUP BY s.account_id, s.sample, s.start
"""


def _quantile(values: pd.Series, q: float) -> float:
    v = values.dropna()
    return float(np.quantile(v.to_numpy(dtype=float), q)) if len(v) else float("nan")


def _size_classes(frame: pd.DataFrame, as_of: dt.date, cfg: dict[str, Any]) -> pd.Series:
    # (as float: a column of missing employees reads as a nullable integer)
    emp = pd.to_numeric(frame["employees"], errors="coerce").astype(float)
    small, large = float(cfg["small_below"]), float(cfg["large_from"])
    size = pd.Series(
        np.where(emp < small, "small", np.where(emp >= large, "large", "medium")),
        index=frame.index,
        dtype=object,
    )
    unknown = emp.isna()
    size[unknown] = "unknown"
    if str(cfg["unknown_size"]) == "revenue" and unknown.any() and (~unknown).any():
        first = pd.to_datetime(frame["first_order"])
        days = (pd.Timestamp(as_of) - first).dt.days.clip(lower=1, upper=365) + 0.0
        yearly = frame["revenue_12m"] * 365.0 / days.fillna(365.0)
        known = yearly[~unknown]
        shares = size[~unknown].value_counts(normalize=True)
        cut_small = _quantile(known, float(shares.get("small", 0.0)))
        cut_large = _quantile(known, 1.0 - float(shares.get("large", 0.0)))
        guess = np.where(
            yearly[unknown] < cut_small,
            "small",
            np.where(yearly[unknown] >= cut_large, "large", "medium"),
        )
        size[unknown] = guess
    return size


def service_facts(
    con: duckdb.DuckDBPyConnection, as_of: dt.date, settings: Settings
) -> pd.DataFrame:
    """One row per customer account created by ``as_of`` (index ``account_id``): size
    class, new or established, and the service on its sample of orders and its
    complaints (columns :data:`COLUMNS`; definitions in the module text)."""
    cfg = settings["service"]
    n = int(cfg["first_orders"])
    lookback = int(cfg["lookback_days"])
    new_days = int(cfg["new_days"])
    params = {"a": as_of}
    has_confirmations = bool(
        con.execute("SELECT count(confirmed_on) > 0 FROM orders").fetchall()[0][0]
    )
    accounts = con.execute(_account_sql(lookback), params).df().set_index("account_id")
    accounts.index = accounts.index.astype(str)
    orders = con.execute(
        _orders_sql(n, int(cfg["chase_days"])), {**params, "confirmations": has_confirmations}
    ).df()
    history_start = con.execute(
        "SELECT min(CAST(ordered_on AS DATE)) FROM orders WHERE CAST(ordered_on AS DATE) <= $a",
        params,
    ).fetchall()[0][0]

    # new or established
    frame = accounts
    asof = pd.Timestamp(as_of)
    created = pd.to_datetime(frame["created_on"])
    first = pd.to_datetime(frame["first_order"])
    window = asof - pd.Timedelta(days=new_days)
    guard_ok = (
        first > pd.Timestamp(history_start) + pd.Timedelta(days=int(cfg["history_guard_days"]))
        if history_start is not None
        else pd.Series(False, index=frame.index)
    )
    frame["is_new"] = ((created > window).fillna(False) | ((first > window) & guard_ok)).astype(
        bool
    )
    frame["size_class"] = _size_classes(frame, as_of, cfg)

    # each account's sample: first orders when new, last orders when established
    orders["account_id"] = orders["account_id"].astype(str)
    new = frame["is_new"].reindex(orders["account_id"]).to_numpy(dtype=bool)
    keep = np.where(new, orders["first_n"].to_numpy(bool), orders["last_n"].to_numpy(bool))
    sample = orders[keep].copy()
    sample["sample"] = np.where(new[keep], "first", "last")
    # confirmation against the established accounts' orders of the same channel
    recent = sample["ordered_on"] > asof - pd.Timedelta(days=lookback)
    norm = (
        sample[(sample["sample"] == "last") & recent].groupby("channel")["confirm_hours"].median()
    )
    usual = sample["channel"].map(norm)
    usual = usual.fillna(_quantile(sample.loc[sample["sample"] == "last", "confirm_hours"], 0.5))
    sample["confirm_ratio"] = sample["confirm_hours"] / usual.where(usual > 0)

    con.register("service_sample", sample[["account_id", "sample", "ordered_on", "chase_until"]])
    starts = sample.groupby(["account_id", "sample"], as_index=False)["ordered_on"].min()
    starts["start"] = starts["ordered_on"].dt.date
    con.register("service_start", starts[["account_id", "sample", "start"]])
    try:
        chase = con.execute(_CHASE_SQL).df()
        contact = con.execute(_CONTACT_SQL, params).df()
    finally:
        con.unregister("service_sample")
        con.unregister("service_start")

    # OTIF as 1/0, NaN while not yet known (a mean skips those): no per-account Python
    sample["otif_value"] = pd.to_numeric(sample["otif"].astype(object), errors="coerce")
    g = sample.groupby("account_id")
    per = pd.DataFrame(
        {
            "orders": g["orders"].first(),
            "sample_orders": g.size(),
            "confirm_hours": g["confirm_hours"].median(),
            "confirm_ratio": g["confirm_ratio"].median(),
            "otif_share": g["otif_value"].mean(),
            "otif_known": g["otif"].count(),
            "days_late": g["days_late"].mean(),
        }
    )
    per["chase_contacts"] = chase.set_index("account_id")["chase_contacts"].reindex(per.index)
    per["chase_contacts"] = per["chase_contacts"].fillna(0).astype("int64")
    per["first_contact_days"] = contact.set_index("account_id")["first_contact_days"].reindex(
        per.index
    )
    frame = frame.join(per)
    frame["orders"] = frame["orders"].fillna(0).astype("int64")
    frame["sample_orders"] = frame["sample_orders"].fillna(0).astype("int64")
    frame["otif_known"] = frame["otif_known"].fillna(0).astype("int64")
    frame["chase_contacts"] = frame["chase_contacts"].astype("Int64")
    frame["created_on"] = created.dt.date
    frame["first_order"] = first.dt.date
    frame.index.name = "account_id"
    return frame[COLUMNS]


def service_comparison(frame: pd.DataFrame) -> pd.DataFrame:
    """The measures by size class and by new against established: counts, medians and
    the mean OTIF share, one row per group (``group``: ``size`` or ``age``; ``value``:
    the class, ``new`` or ``established``)."""
    rows = []
    groups: list[tuple[str, str, pd.DataFrame]] = [
        ("size", str(c), frame[frame["size_class"] == c])
        for c in ("small", "medium", "large", "unknown")
        if (frame["size_class"] == c).any()
    ]
    groups += [
        ("age", "new", frame[frame["is_new"]]),
        ("age", "established", frame[~frame["is_new"]]),
    ]
    for group, value, part in groups:
        served = part[part["sample_orders"] > 0]
        rows.append(
            {
                "group": group,
                "value": value,
                "accounts": len(part),
                "with_orders": len(served),
                "confirm_hours": served["confirm_hours"].median(),
                "confirm_ratio": served["confirm_ratio"].median(),
                "otif_share": served["otif_share"].mean(),
                "days_late": served["days_late"].mean(),
                "chasing_share": float((served["chase_contacts"] > 0).mean())
                if len(served)
                else float("nan"),
                "first_contact_days": served["first_contact_days"].median(),
                "with_complaints": int((part["complaints_12m"] > 0).sum()),
                "complaint_response_hours": part["complaint_response_hours"].median(),
                "complaint_resolution_hours": part["complaint_resolution_hours"].median(),
            }
        )
    return pd.DataFrame(rows)


def service_norms(frame: pd.DataFrame, settings: Settings) -> dict[str, float]:
    """The norm of each neglect measure: the established accounts' own
    ``norm_percentile``-th percentile (the opposite one for OTIF, where low is worse)."""
    p = float(settings["service"]["norm_percentile"]) / 100.0
    est = frame[~frame["is_new"] & (frame["sample_orders"] > 0)]
    return {m: _quantile(est[m], p if worse else 1.0 - p) for m, worse in MEASURES.items()}


def neglected_new_accounts(frame: pd.DataFrame, settings: Settings) -> pd.DataFrame:
    """New accounts whose first orders were neglected: at least ``min_evidence`` measures
    beyond the established accounts' norm. One row per account, most severe first, with
    the measures, ``evidence`` (the measures beyond their norm, worst first), ``n_evidence``
    and ``severity`` (the sum over those measures of how far beyond the norm they are, in
    multiples of the norm's distance from the established median)."""
    cfg = settings["service"]
    norms = service_norms(frame, settings)
    est = frame[~frame["is_new"] & (frame["sample_orders"] > 0)]
    new = frame[frame["is_new"] & (frame["sample_orders"] > 0)]
    excess = pd.DataFrame(index=new.index)
    for m, worse in MEASURES.items():
        norm, mid = norms[m], _quantile(est[m], 0.5)
        if norm != norm:
            continue
        value = pd.to_numeric(new[m], errors="coerce").astype(float)
        spread = abs(norm - mid) or max(abs(norm), 1.0)
        beyond = (value - norm) if worse else (norm - value)
        # beyond the norm: strictly (a share of 1 of 3 orders must be worse than the norm)
        excess[m] = np.where(beyond > 0, 1.0 + beyond / spread, 0.0)
    excess = excess.fillna(0.0)
    hits = pd.DataFrame(
        {a: (excess[[m for m in ms if m in excess.columns]] > 0).any(axis=1)
         for a, ms in ASPECTS.items()},
        index=excess.index,
    )  # fmt: skip
    count = hits.sum(axis=1).astype("int64")
    flagged = (count >= int(cfg["min_evidence"])).to_numpy(dtype=bool)
    out: pd.DataFrame = new[flagged].copy()
    ex = excess[flagged]
    out["n_evidence"] = count[flagged].to_numpy()
    out["severity"] = ex.sum(axis=1)
    out["evidence"] = [
        [m for m in ex.columns[np.argsort(-row.to_numpy(), kind="stable")] if row[m] > 0]
        for _, row in ex.iterrows()
    ]
    for m in MEASURES:
        out[f"norm_{m}"] = norms[m]
    return out.sort_values(["n_evidence", "severity"], ascending=False)


#: neglect measure -> (reason code, how its numbers are put in the text)
_EVIDENCE_CODES = {
    "confirm_ratio": "service_confirmation",
    "otif_share": "service_otif",
    "days_late": "service_late",
    "chase_contacts": "service_chasing",
    "first_contact_days": "service_first_contact",
    "complaint_response_hours": "service_complaints",
}


def _round(value: float, decimals: int = 0) -> float | int:
    return round(value) if decimals == 0 else round(float(value), decimals)


def _evidence_params(row: pd.Series, measure: str) -> dict[str, Any]:
    norm = float(row[f"norm_{measure}"])
    if measure == "confirm_ratio":
        return {"hours": _round(row["confirm_hours"]), "ratio": _round(row[measure], 1),
                "norm": _round(norm, 1)}  # fmt: skip
    if measure == "otif_share":
        return {"pct": _round(100 * row[measure]), "norm": _round(100 * norm)}
    if measure == "days_late":
        return {"days": _round(row[measure], 1), "norm": _round(norm, 1)}
    if measure == "chase_contacts":
        return {"n": int(row[measure]), "norm": _round(norm)}
    if measure == "first_contact_days":
        return {"days": _round(row[measure]), "norm": _round(norm)}
    return {"hours": _round(row[measure]), "norm": _round(norm)}


def service_reasons(frame: pd.DataFrame, settings: Settings) -> dict[str, list[Reason]]:
    """Per neglected new account: the alert ``first_order_neglected`` (how many of its
    first orders, how many measures beyond the norm), then one reason per measure beyond
    the norm, worst first. ``points`` is minus the severity, ``baseline`` 0."""
    n = int(settings["service"]["first_orders"])
    out: dict[str, list[Reason]] = {}
    for account_id, row in neglected_new_accounts(frame, settings).iterrows():
        severity = float(row["severity"])
        reasons = [
            Reason(SIGNAL, "first_order_neglected", -severity, 0.0,
                   {"orders": int(min(n, row["sample_orders"])), "n": int(row["n_evidence"]),
                    "total": len(ASPECTS)})
        ]  # fmt: skip
        for measure in row["evidence"]:
            reasons.append(
                Reason(SIGNAL, _EVIDENCE_CODES[measure], -severity, 0.0,
                       _evidence_params(row, measure))
            )  # fmt: skip
        out[str(account_id)] = reasons
    return out
