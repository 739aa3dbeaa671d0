"""Per-account facts as of a date: the order lines grouped into order days once, then one
pass of SQL over those and the other tables.

Every figure here has one definition, reused by every score that needs it:

- an *order day* is a calendar day with customer orders (test orders excluded), its
  revenue the day's net amount and its margin the recorded margin or, where missing,
  ``value.default_margin_rate`` × amount;
- an order day is a *purchase day* unless it holds returns only; the purchase summary
  (frequency, recency and T in weeks, mean repeat spend) counts purchase days exactly as
  :func:`goodwill.features.rfm_summary` does;
- an account *contacted us* on a day with an inbound interaction, a meeting or event
  (both sides take part), a complaint opened or a quote issued to it (quotes answer a
  request);
- how often we *hear from* an account is its order days plus its contact days: silence
  on every channel means silence on each, so the two rates add up;
- a *promise is broken* when it was due on or before the as-of date and not kept by its
  due date (kept late, or still open);
- a complaint's *response time* is the hours from ``opened_on`` to ``first_response_on``;
  one still unanswered at the as-of date counts with the hours it has waited so far;
- *our outreach* is the visits, calls, e-mails and other interactions we started
  (outbound, not meetings or events, which both sides attend);
- *contact time* is, over interactions, the minutes recorded (or the channel's default);
  *transactional* contact time is that of the purposes in ``trust.transactional_purposes``;
- *cost to serve* is, over interactions, minutes (or the channel's default) / 60 × the
  channel's hourly rate, plus the recorded cost;
- a *contact is active* when started (or no start known) and not yet left.

A fact counts only when its own date is on or before the as-of date; later imports that
fill in ``kept_on``, ``resolved_on``, ``first_response_on`` or ``left_on`` do not change
an earlier as-of date's facts.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

import duckdb
import pandas as pd

from goodwill.settings import Settings
from goodwill.store.order_days import ORDER_DAYS_TABLE, ensure_order_days


def _rates_sql(mapping: dict[str, float], column: str, fallback: float) -> str:
    whens = " ".join(f"WHEN '{k}' THEN {float(v)!r}" for k, v in sorted(mapping.items()))
    return f"(CASE {column} {whens} ELSE {fallback!r} END)"


def _decimal(rate: float) -> Decimal:
    """A rate as an exact decimal, so margins stay exact DECIMAL sums in SQL."""
    return Decimal(repr(float(rate)))


#: hours to a complaint's first response (alias ``c``: ``opened_on``, ``first_response_on``)
#: as of ``$a``; one still unanswered counts with the hours it has waited so far
RESPONSE_HOURS = """date_diff('minute', c.opened_on,
    CASE WHEN CAST(c.first_response_on AS DATE) <= $a THEN c.first_response_on
         ELSE CAST($a AS TIMESTAMP) + INTERVAL 1 DAY END) / 60.0"""
#: a contact person (alias ``p``) is active at ``$a``: started (or no start known), not left
CONTACT_ACTIVE = """(p.started_on IS NULL OR CAST(p.started_on AS DATE) <= $a)
    AND (p.left_on IS NULL OR CAST(p.left_on AS DATE) > $a)"""


def promise_stats_sql(lookback: int, key: str = "account_id") -> str:
    """Per account, promises due in the ``lookback`` days up to ``$a`` (``promises_due``)
    and those broken (``promises_broken``: not kept by their due date, or kept only after
    ``$a``). Expects a CTE ``cust`` with the accounts' ``account_id`` and ``key``."""
    return f"""
        SELECT c.{key},
               count(*) AS promises_due,
               count(*) FILTER (WHERE p.kept_on IS NULL OR CAST(p.kept_on AS DATE) > $a
                   OR CAST(p.kept_on AS DATE) > CAST(p.due_on AS DATE)) AS promises_broken
        FROM promises p JOIN cust c ON p.account_id = c.account_id
        WHERE CAST(p.due_on AS DATE) <= $a AND CAST(p.due_on AS DATE) > $a - {int(lookback)}
        GROUP BY 1
    """


#: the temporary tables the queries of one scoring share: the customer accounts with an
#: integer key, and their order days
ACCOUNTS = "goodwill_score_accounts"
ORDER_DAYS = "goodwill_order_days"


@dataclass(frozen=True)
class Facts:
    """What one scoring reads from the store."""

    #: one row per customer account that had ordered by the as-of date (index account_id)
    accounts: pd.DataFrame
    #: the purchase summary in weeks, as :func:`goodwill.features.rfm_summary` with
    #: ``period="W"`` gives it, for the accounts with a purchase day
    purchases: pd.DataFrame
    #: customer order days per calendar month (``y``, ``m``, ``n``) over three years
    monthly: pd.DataFrame


def account_facts(con: duckdb.DuckDBPyConnection, as_of: dt.date, settings: Settings) -> Facts:
    """The facts of every customer account as of ``as_of``. The raw order lines are
    grouped into order days once; every figure below is computed from those."""
    value, health = settings["value"], settings["health"]
    lookback = int(health["lookback_days"])
    trend = int(health["trend_window_days"])
    departures = int(health["departure_window_days"])
    minutes = _rates_sql(value["default_minutes"], "i.channel", 0.0)
    rate = _rates_sql(value["hourly_rate"], "i.channel", 0.0)
    transactional = ", ".join(
        "'" + str(p).replace("'", "''") + "'" for p in settings["trust"]["transactional_purposes"]
    )
    # the customer accounts, each with a dense integer key: every grouping and join below
    # is on that key, cheaper than on the account_id text
    # (ordered by account_id, so the key orders the accounts as their ids do)
    accounts = f"""
        CREATE OR REPLACE TEMP TABLE {ACCOUNTS} AS
        SELECT CAST(row_number() OVER (ORDER BY account_id) AS INTEGER) AS k,
               account_id, name, owner, segment, parent_id
        FROM accounts
        WHERE kind = 'customer' AND (created_on IS NULL OR CAST(created_on AS DATE) <= $a)
    """
    # an order day's spend as the purchase summary sums it (exact DECIMAL); a day of
    # returns only is no purchase day
    # (the grouping of order lines into days is kept in the store: see
    # goodwill.store.order_days; here only the customers' days up to the as-of date)
    order_days = f"""
        CREATE OR REPLACE TEMP TABLE {ORDER_DAYS} AS
        SELECT c.k, o.d, o.amount,
               o.margin_recorded, o.amount_without_margin,
               o.purchase
        FROM {ORDER_DAYS_TABLE} o JOIN {ACCOUNTS} c ON o.account_id = c.account_id
        WHERE o.d <= $a
    """
    sql = f"""
    WITH cust AS (SELECT k, account_id FROM {ACCOUNTS}),
    od AS NOT MATERIALIZED (SELECT * FROM {ORDER_DAYS}),
    od_stats AS MATERIALIZED (
        SELECT k, min(d) AS first_order, max(d) AS last_order, count(*) AS order_days,
               count(*) FILTER (WHERE purchase) AS purchase_days,
               min(d) FILTER (WHERE purchase) AS first_purchase,
               max(d) FILTER (WHERE purchase) AS last_purchase,
               sum(amount) FILTER (WHERE purchase) - arg_min(amount, d) FILTER (WHERE purchase)
                   AS repeat_spend,
               sum(amount) FILTER (WHERE d > $a - {lookback}) AS revenue_12m,
               sum(margin_recorded) FILTER (WHERE d > $a - {lookback})
                   + $margin_rate * sum(amount_without_margin) FILTER (WHERE d > $a - {lookback})
                   AS margin_12m,
               sum(margin_recorded) + $margin_rate * sum(amount_without_margin) AS margin_all,
               sum(amount) AS revenue_all,
               sum(amount) FILTER (WHERE d > $a - {trend}) AS revenue_recent,
               count(*) FILTER (WHERE d > $a - {trend}) AS orders_recent,
               count(*) FILTER (WHERE d > $a - {lookback}) AS order_days_12m,
               count(*) FILTER (WHERE d > $a - 2 * {lookback} AND d <= $a - {lookback})
                   AS order_days_prev_12m,
               count(*) FILTER (WHERE d > $a - {trend} - {lookback} AND d <= $a - {trend})
                   AS orders_before,
               sum(amount) FILTER (WHERE d > $a - 365 - {trend} AND d <= $a - 365)
                   AS revenue_year_before
        FROM od GROUP BY 1
    ),
    said AS MATERIALIZED (
        SELECT c.k, CAST(i.occurred_on AS DATE) AS d FROM interactions i
        JOIN cust c ON i.account_id = c.account_id
        WHERE (i.direction = 'inbound' OR i.channel IN ('meeting', 'event'))
          AND CAST(i.occurred_on AS DATE) <= $a
        UNION
        SELECT c.k, CAST(m.opened_on AS DATE) FROM complaints m
        JOIN cust c ON m.account_id = c.account_id WHERE CAST(m.opened_on AS DATE) <= $a
        UNION
        SELECT c.k, CAST(q.issued_on AS DATE) FROM quotes q
        JOIN cust c ON q.account_id = c.account_id WHERE CAST(q.issued_on AS DATE) <= $a
    ),
    said_stats AS (
        SELECT k,
               count(*) FILTER (WHERE d > $a - {trend}) AS contacts_recent,
               count(*) FILTER (WHERE d > $a - {trend} - {lookback} AND d <= $a - {trend})
                   AS contacts_before,
               count(*) FILTER (WHERE d > $a - {lookback}) AS contacts_12m,
               max(d) AS last_said
        FROM said GROUP BY 1
    ),
    rhythm AS (  -- order days (and contact days) in the year up to the last of them
        SELECT x.k, l.last_heard,
               count(*) FILTER (WHERE x.said = 0 AND x.d > l.last_order - {lookback})
                   AS window_orders,
               l.last_order - min(x.d) FILTER (WHERE x.said = 0
                   AND x.d > l.last_order - {lookback}) AS window_span,
               count(*) FILTER (WHERE x.d > l.last_heard - {lookback}) AS heard_n,
               l.last_heard - min(x.d) FILTER (WHERE x.d > l.last_heard - {lookback})
                   AS heard_span
        FROM (SELECT k, d, 0 AS said FROM od UNION ALL SELECT k, d, 1 FROM said) x
        JOIN (SELECT s.k, s.last_order,
                     greatest(s.last_order, coalesce(sl.last_said, s.last_order)) AS last_heard
              FROM od_stats s LEFT JOIN said_stats sl USING (k)) l USING (k)
        WHERE x.d > l.last_order - {lookback}
        GROUP BY x.k, l.last_order, l.last_heard
    ),
    compl AS MATERIALIZED (
        SELECT c.k, CAST(m.opened_on AS DATE) AS d, m.opened_on, m.first_response_on
        FROM complaints m JOIN cust c ON m.account_id = c.account_id
        WHERE CAST(m.opened_on AS DATE) <= $a
    ),
    compl_stats AS (
        SELECT c.k, max(c.d) AS last_complaint,
               count(DISTINCT c.d) FILTER (WHERE c.d > m.last_d - {lookback}) AS complaint_n,
               max(c.d) - min(c.d) FILTER (WHERE c.d > m.last_d - {lookback})
                   AS complaint_span,
               median({RESPONSE_HOURS}) FILTER (WHERE c.d > $a - {lookback}) AS response_hours,
               count(*) FILTER (WHERE c.d > $a - {lookback}) AS complaints_12m,
               count(*) FILTER (WHERE c.d > $a - {lookback} AND (c.first_response_on IS NULL
                     OR CAST(c.first_response_on AS DATE) > $a)) AS unanswered
        FROM compl c JOIN (SELECT k, max(d) AS last_d FROM compl GROUP BY 1) m USING (k)
        GROUP BY 1
    ),
    contact_stats AS (
        SELECT c.k,
               count(*) FILTER (WHERE {CONTACT_ACTIVE}) AS active_contacts,
               count(*) FILTER (WHERE CAST(p.left_on AS DATE) <= $a
                   AND CAST(p.left_on AS DATE) > $a - {departures}) AS departed_contacts
        FROM contacts p JOIN cust c ON p.account_id = c.account_id
        GROUP BY 1
    ),
    promise_stats AS ({promise_stats_sql(lookback, key="k")}),
    quote_stats AS (
        SELECT c.k,
               count(*) AS quotes_decided,
               count(*) FILTER (WHERE q.status = 'lost') AS quotes_lost
        FROM quotes q JOIN cust c ON q.account_id = c.account_id
        WHERE q.status IN ('won', 'lost') AND CAST(q.decided_on AS DATE) <= $a
          AND CAST(q.decided_on AS DATE) > $a - {lookback}
        GROUP BY 1
    ),
    lost_to AS (  -- the competitor most quotes went to; ties: the latest, then by name
        SELECT k, lost_to FROM (
            SELECT c.k, q.lost_to, row_number() OVER (
                PARTITION BY c.k
                ORDER BY count(*) DESC, max(q.decided_on) DESC, q.lost_to) AS rank
            FROM quotes q JOIN cust c ON q.account_id = c.account_id
            WHERE q.status = 'lost' AND q.lost_to IS NOT NULL
              AND CAST(q.decided_on AS DATE) <= $a
              AND CAST(q.decided_on AS DATE) > $a - {lookback}
            GROUP BY c.k, q.lost_to
        ) WHERE rank = 1
    ),
    cost_stats AS (
        SELECT c.k,
               sum(CAST(coalesce(i.minutes, {minutes}) / 60.0 * {rate} + coalesce(i.cost, 0)
                   AS DECIMAL(18, 2))) AS cost_to_serve_12m,
               count(*) AS interactions_12m,
               sum(coalesce(i.minutes, {minutes})) AS contact_minutes_12m,
               sum(coalesce(i.minutes, {minutes})) FILTER (WHERE i.purpose IN ({transactional}))
                   AS transactional_minutes_12m,
               count(*) FILTER (WHERE i.direction = 'outbound'
                   AND i.channel NOT IN ('meeting', 'event')) AS ours_12m
        FROM interactions i JOIN cust c ON i.account_id = c.account_id
        WHERE CAST(i.occurred_on AS DATE) <= $a AND CAST(i.occurred_on AS DATE) > $a - {lookback}
        GROUP BY 1
    )
    SELECT a.account_id, a.name, a.owner, a.segment, a.parent_id,
           s.first_order, s.last_order, s.order_days,
           CASE WHEN s.purchase_days > 0 THEN CAST(s.purchase_days - 1 AS BIGINT) END
               AS frequency,
           date_diff('day', s.first_purchase, s.last_purchase) / 7.0 AS recency,
           date_diff('day', s.first_purchase, CAST($a AS DATE)) / 7.0 AS T,
           CASE WHEN s.purchase_days > 1
                THEN CAST(s.repeat_spend AS DOUBLE) / (s.purchase_days - 1)
                WHEN s.purchase_days = 1 THEN 0.0 END AS monetary_value,
           CAST(coalesce(s.revenue_12m, 0) AS DOUBLE) AS revenue_12m,
           CAST(coalesce(s.margin_12m, 0) AS DOUBLE) AS margin_12m,
           CASE WHEN s.revenue_all > 0
                THEN CAST(s.margin_all AS DOUBLE) / CAST(s.revenue_all AS DOUBLE) END
               AS margin_rate,
           CAST(coalesce(s.revenue_recent, 0) AS DOUBLE) AS revenue_recent,
           CAST(coalesce(s.revenue_year_before, 0) AS DOUBLE) AS revenue_year_before,
           s.orders_recent, s.orders_before, s.order_days_12m, s.order_days_prev_12m,
           coalesce(sd.contacts_recent, 0) AS contacts_recent,
           coalesce(sd.contacts_before, 0) AS contacts_before,
           coalesce(sd.contacts_12m, 0) AS contacts_12m,
           w.window_orders, w.window_span, w.last_heard, w.heard_n, w.heard_span,
           cp.last_complaint, coalesce(cp.complaint_n, 0) AS complaint_n, cp.complaint_span,
           cp.response_hours, coalesce(cp.complaints_12m, 0) AS complaints_12m,
           coalesce(cp.unanswered, 0) AS unanswered_complaints,
           coalesce(p.active_contacts, 0) AS active_contacts,
           coalesce(p.departed_contacts, 0) AS departed_contacts,
           coalesce(pr.promises_due, 0) AS promises_due,
           coalesce(pr.promises_broken, 0) AS promises_broken,
           coalesce(q.quotes_decided, 0) AS quotes_decided,
           coalesce(q.quotes_lost, 0) AS quotes_lost, lt.lost_to,
           CAST(coalesce(cs.cost_to_serve_12m, 0) AS DOUBLE) AS cost_to_serve_12m,
           CAST(coalesce(cs.contact_minutes_12m, 0) AS DOUBLE) AS contact_minutes_12m,
           CAST(coalesce(cs.transactional_minutes_12m, 0) AS DOUBLE) AS transactional_minutes_12m,
           coalesce(cs.interactions_12m, 0) AS interactions_12m,
           coalesce(cs.ours_12m, 0) AS ours_12m
    FROM {ACCOUNTS} a
    JOIN od_stats s USING (k)
    LEFT JOIN rhythm w USING (k)
    LEFT JOIN said_stats sd USING (k)
    LEFT JOIN compl_stats cp USING (k)
    LEFT JOIN contact_stats p USING (k)
    LEFT JOIN promise_stats pr USING (k)
    LEFT JOIN quote_stats q USING (k)
    LEFT JOIN lost_to lt USING (k)
    LEFT JOIN cost_stats cs USING (k)
    ORDER BY a.k
    """
    ensure_order_days(con)
    try:
        con.execute(accounts, {"a": as_of})
        con.execute(order_days, {"a": as_of})
        rate_param = {"a": as_of, "margin_rate": _decimal(value["default_margin_rate"])}
        frame = con.execute(sql, rate_param).df().set_index("account_id")
        monthly = con.execute(
            f"""
            SELECT year(d) AS y, month(d) AS m, count(*) AS n FROM {ORDER_DAYS}
            WHERE d > $a - INTERVAL 3 YEAR GROUP BY ALL ORDER BY 1, 2
            """,
            {"a": as_of},
        ).df()
    finally:  # temporary tables, but a long-lived connection: free their memory now
        con.execute(f"DROP TABLE IF EXISTS {ORDER_DAYS}")
        con.execute(f"DROP TABLE IF EXISTS {ACCOUNTS}")
    summary = ["frequency", "recency", "T", "monetary_value"]
    purchases = frame.loc[frame["frequency"].notna(), summary].copy()
    purchases["frequency"] = purchases["frequency"].astype("int64")
    return Facts(frame.drop(columns=summary), purchases, monthly)
