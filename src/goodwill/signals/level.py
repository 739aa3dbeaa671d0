"""Relationship level — transactional, fruitful, growing together — and the success
factors the articles name, per customer account as of a date.

Definitions (one each, used everywhere):

- a *contact moment* is an interaction; its *purpose* says what it was about;
- a moment is *about selling* when its purpose is ``sales``, ``service`` or
  ``complaint``: the business of buying, selling and delivering. Moments without a
  purpose count in neither share;
- the *depth purposes* are ``relationship``, ``reference``, ``event``,
  ``product_preview`` and ``joint_project``: contact beyond buying;
- a *meeting without agenda* is a meeting or visit whose purpose is ``relationship``;
  a *customer day* is an event (channel or purpose ``event``);
- *time for each other* is the share of the window's moments with a purpose that are
  not about selling;
- *care* is the share of promises due in the window that were kept on time and the
  median hours to a complaint's first response, exactly as the health score defines
  them (:mod:`goodwill.signals.facts`);
- *breadth* is the number of distinct roles among the active contact persons.

The level itself comes from :mod:`goodwill.signals.level_model`, fitted on the portfolio
at each as-of date; with too few accounts for a fit a transparent rule decides (see
:func:`_rule`). Every fact counts only when dated on or before the as-of date.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Hashable, Mapping
from typing import Any, get_args

import duckdb
import numpy as np
import pandas as pd

from goodwill._typing import Purpose
from goodwill.settings import Settings
from goodwill.signals.facts import CONTACT_ACTIVE, RESPONSE_HOURS, promise_stats_sql
from goodwill.signals.level_model import fit_levels
from goodwill.signals.reasons import Reason

LEVELS = ("transactional", "fruitful", "growing_together")
#: purposes the model reads (unknown ones count as ``other``): the schema's list
PURPOSES: tuple[str, ...] = get_args(Purpose)
SELLING = ("sales", "service", "complaint")
DEPTH = ("relationship", "reference", "event", "product_preview", "joint_project")
#: evidence columns: name -> SQL condition on an interaction ``i``
EVIDENCE: dict[str, str] = {
    "no_agenda_meetings": "i.channel IN ('meeting', 'visit') AND i.purpose = 'relationship'",
    "references": "i.purpose = 'reference'",
    "customer_days": "(i.channel = 'event' OR i.purpose = 'event')",
    "product_previews": "i.purpose = 'product_preview'",
    "joint_projects": "i.purpose = 'joint_project'",
    "meetings": "i.channel = 'meeting'",
}
COLUMNS = (
    "level",
    "level_year_ago",
    "level_change",
    "level_method",
    "p_transactional",
    "p_fruitful",
    "p_growing_together",
    "contact_moments",
    *EVIDENCE,
    "example_1",
    "example_2",
    "time_for_each_other",
    "care_promises_due",
    "care_promises_kept_share",
    "care_response_hours",
    "breadth",
)


def _quote(names: tuple[str, ...]) -> str:
    return ", ".join(f"'{n}'" for n in names)


def _counts(con: duckdb.DuckDBPyConnection, as_of: dt.date, window: int) -> pd.DataFrame:
    """Per customer: moments per purpose and meetings in the window up to ``as_of`` and in
    the window before it (``prev_`` columns), the evidence counts and the examples."""
    purpose = f"(CASE WHEN i.purpose IN ({_quote(PURPOSES)}) THEN i.purpose ELSE 'other' END)"
    now = f"d > $a - {window}"
    before = f"d <= $a - {window} AND d > $a - {2 * window}"
    per_purpose = ", ".join(
        f"count(*) FILTER (WHERE {now} AND {purpose} = '{p}') AS n_{p}, "
        f"count(*) FILTER (WHERE {before} AND {purpose} = '{p}') AS prev_{p}"
        for p in PURPOSES
    )
    evidence = ", ".join(
        f"count(*) FILTER (WHERE {now} AND {cond}) AS {name}" for name, cond in EVIDENCE.items()
    )
    sql = f"""
    WITH cust AS MATERIALIZED (
        SELECT account_id, CAST(created_on AS DATE) AS created FROM accounts
        WHERE kind = 'customer' AND (created_on IS NULL OR CAST(created_on AS DATE) <= $a)
    ),
    inter AS MATERIALIZED (
        SELECT i.*, CAST(i.occurred_on AS DATE) AS d FROM interactions i
        SEMI JOIN cust c ON i.account_id = c.account_id
        WHERE CAST(i.occurred_on AS DATE) <= $a
          AND CAST(i.occurred_on AS DATE) > $a - {2 * window}
    ),
    moments AS (
        SELECT i.account_id,
               count(*) FILTER (WHERE {now}) AS contact_moments,
               count(*) FILTER (WHERE {before}) AS prev_moments,
               count(*) FILTER (WHERE {now} AND i.purpose IS NOT NULL) AS with_purpose,
               count(*) FILTER (WHERE {now} AND i.purpose IN ({_quote(SELLING)})) AS selling,
               count(*) FILTER (WHERE {before} AND i.channel = 'meeting') AS prev_meetings,
               {per_purpose}, {evidence}
        FROM inter i GROUP BY 1
    ),
    examples AS (
        SELECT account_id,
               max(CASE WHEN rank = 1 THEN label END) AS example_1,
               max(CASE WHEN rank = 2 THEN label END) AS example_2
        FROM (
            SELECT i.account_id,
                   strftime(i.d, '%Y-%m-%d') || ' ' || i.channel || ' ' || i.purpose AS label,
                   row_number() OVER (PARTITION BY i.account_id
                                      ORDER BY i.occurred_on DESC, i.interaction_id) AS rank
            FROM inter i WHERE {now} AND i.purpose IN ({_quote(DEPTH)})
        ) WHERE rank <= 2 GROUP BY 1
    )
    SELECT c.account_id, coalesce(date_diff('day', c.created, CAST($a AS DATE)), 100000)
               AS age_days,
           m.* EXCLUDE (account_id), e.example_1, e.example_2
    FROM cust c LEFT JOIN moments m USING (account_id) LEFT JOIN examples e USING (account_id)
    ORDER BY c.account_id
    """
    frame = con.execute(sql, {"a": as_of}).df().set_index("account_id")
    counts = frame.drop(columns=["example_1", "example_2"]).fillna(0).astype("int64")
    counts[["example_1", "example_2"]] = frame[["example_1", "example_2"]]
    return counts


def _care(con: duckdb.DuckDBPyConnection, as_of: dt.date, window: int) -> pd.DataFrame:
    """Promises kept, complaint response hours and breadth, with the health score's
    definitions (:mod:`goodwill.signals.facts`)."""
    sql = f"""
    WITH cust AS MATERIALIZED (
        SELECT account_id FROM accounts
        WHERE kind = 'customer' AND (created_on IS NULL OR CAST(created_on AS DATE) <= $a)
    ),
    promise_stats AS ({promise_stats_sql(window)}),
    response AS (
        SELECT c.account_id, median({RESPONSE_HOURS}) AS care_response_hours
        FROM complaints c SEMI JOIN cust k ON c.account_id = k.account_id
        WHERE CAST(c.opened_on AS DATE) <= $a AND CAST(c.opened_on AS DATE) > $a - {window}
        GROUP BY 1
    ),
    breadth AS (
        SELECT p.account_id, count(DISTINCT nullif(trim(p.role), '')) AS breadth
        FROM contacts p SEMI JOIN cust k ON p.account_id = k.account_id
        WHERE {CONTACT_ACTIVE}
        GROUP BY 1
    )
    SELECT c.account_id, coalesce(ps.promises_due, 0) AS care_promises_due,
           CASE WHEN ps.promises_due > 0
                THEN 1.0 - ps.promises_broken / ps.promises_due END AS care_promises_kept_share,
           r.care_response_hours, coalesce(b.breadth, 0) AS breadth
    FROM cust c LEFT JOIN promise_stats ps USING (account_id)
    LEFT JOIN response r USING (account_id) LEFT JOIN breadth b USING (account_id)
    ORDER BY c.account_id
    """
    return con.execute(sql, {"a": as_of}).df().set_index("account_id")


def _rule(counts: pd.DataFrame, fruitful_moments: float) -> pd.Series:
    """The fallback for a portfolio too small to fit: the articles' definitions read
    literally. Growing together: a joint project in the window; fruitful: at least
    ``fruitful_moments`` other depth moments; transactional otherwise."""
    depth = counts[[f"n_{p}" for p in DEPTH if p != "joint_project"]].sum(axis=1)
    level = np.where(
        counts["n_joint_project"] > 0,
        LEVELS[2],
        np.where(depth >= fruitful_moments, LEVELS[1], LEVELS[0]),
    )
    return pd.Series(level, index=counts.index, dtype=object)


def _classify(counts: pd.DataFrame, settings: Settings) -> tuple[pd.DataFrame, str]:
    """Level and class probabilities for every row of ``counts``; and the method used."""
    cfg = settings["level"]
    prior = float(cfg["prior_year_weight"])
    x = counts[[f"n_{p}" for p in PURPOSES]].to_numpy(dtype=float) + prior * counts[
        [f"prev_{p}" for p in PURPOSES]
    ].to_numpy(dtype=float)
    m = counts["meetings"].to_numpy(dtype=float) + prior * counts["prev_meetings"].to_numpy(
        dtype=float
    )
    # exposure: the share of the (weighted) windows the account existed in, at least 30 days
    age = counts["age_days"].to_numpy(dtype=float)
    window = float(cfg["window_days"])
    e = (np.clip(age, 30.0, window) + prior * np.clip(age - window, 0.0, window)) / (
        window * (1.0 + prior)
    )
    seen = x.sum(axis=1) > 0
    out = pd.DataFrame(index=counts.index)
    depth = np.array([p in DEPTH for p in PURPOSES])
    if seen.sum() >= float(cfg["min_accounts"]):
        fit = np.flatnonzero(seen)
        limit = int(cfg["fit_accounts"])
        if len(fit) > limit:  # evenly spread over the portfolio (in account order)
            fit = fit[np.linspace(0, len(fit) - 1, limit).round().astype(np.int64)]
        model = fit_levels(x[fit], m[fit], e[fit], depth, iterations=int(cfg["iterations"]))
        evidence = model.log_likelihood(x, m, e)
        post = model.posterior(x, m, e)
        # equal levels: the level under which the account's evidence is most likely (the
        # class weights would pull the rare levels down to the common one)
        decide = evidence if bool(cfg["equal_levels"]) else evidence + np.log(model.weights)
        level = np.array(LEVELS, dtype=object)[decide.argmax(axis=1)]
        out["level"] = level
        for k, name in enumerate(LEVELS):
            out[f"p_{name}"] = post[:, k]
        method = "model"
    else:
        out["level"] = _rule(counts, float(cfg["fallback_fruitful_moments"]))
        for name in LEVELS:
            out[f"p_{name}"] = (out["level"] == name).astype(float)
        method = "rule"
    # no moment at all: nothing beyond transactions to see
    out.loc[~seen, "level"] = LEVELS[0]
    for name in LEVELS:
        out.loc[~seen, f"p_{name}"] = float(name == LEVELS[0])
    return out, method


def _levels_only(
    con: duckdb.DuckDBPyConnection, as_of: dt.date, settings: Settings
) -> tuple[pd.DataFrame, pd.DataFrame, str]:
    counts = _counts(con, as_of, int(settings["level"]["window_days"]))
    classes, method = _classify(counts, settings)
    return counts, classes, method


def relationship_levels(
    con: duckdb.DuckDBPyConnection, as_of: dt.date, settings: Settings
) -> pd.DataFrame:
    """Level, evidence and success factors of every customer account created by
    ``as_of`` (index ``account_id``; columns :data:`COLUMNS`), from facts dated on or
    before ``as_of`` only. ``level_year_ago`` is the same method as of ``as_of`` − 365
    days (None when the account had no contact moment in the two windows before then)."""
    window = int(settings["level"]["window_days"])
    counts, classes, method = _levels_only(con, as_of, settings)
    then = as_of - dt.timedelta(days=365)
    old_counts, old_classes, _ = _levels_only(con, then, settings)
    had_history = (old_counts["contact_moments"] + old_counts["prev_moments"]) > 0
    year_ago = old_classes["level"].where(had_history).reindex(counts.index)
    out = classes.copy()
    out["level_year_ago"] = year_ago.astype(object).where(year_ago.notna(), None)
    rank = {name: k for k, name in enumerate(LEVELS)}
    now_rank = out["level"].map(rank)
    old_rank = year_ago.map(rank)
    out["level_change"] = np.select(
        [old_rank.isna(), now_rank > old_rank, now_rank < old_rank],
        ["new", "up", "down"],
        "same",
    )
    out["level_method"] = method
    out["contact_moments"] = counts["contact_moments"]
    for name in EVIDENCE:
        out[name] = counts[name]
    out["example_1"] = counts["example_1"]
    out["example_2"] = counts["example_2"]
    purposeful = counts["with_purpose"].to_numpy(dtype=float)
    out["time_for_each_other"] = np.where(
        purposeful > 0,
        1.0 - counts["selling"].to_numpy(dtype=float) / np.maximum(purposeful, 1.0),
        np.nan,
    )
    care = _care(con, as_of, window).reindex(counts.index)
    for column in ("care_promises_due", "care_promises_kept_share", "care_response_hours"):
        out[column] = care[column]
    out["breadth"] = care["breadth"].fillna(0).astype("int64")
    return out[list(COLUMNS)]


def level_reasons(levels: pd.DataFrame) -> dict[str, list[Reason]]:
    """Per account, the reasons behind its level (and its change since a year ago), as
    :class:`Reason` objects with signal ``level`` (points and baseline 0: the level is a
    description, not a shortfall)."""
    out: dict[str, list[Reason]] = {}
    # rows as dicts: a Series per row (iterrows) was most of this function's time
    for account, row in zip(levels.index, levels.to_dict("records"), strict=True):
        out[str(account)] = _reasons(row)
    return out


def _reasons(row: Mapping[Hashable, Any] | pd.Series) -> list[Reason]:
    def n(column: str) -> int:
        return int(row[column])

    total = n("contact_moments")
    params: dict[str, Any]
    if total == 0:
        code, params = "level_no_contact", {}
    elif row["level"] == "growing_together":
        code = "level_growing_together"
        params = {"joint": n("joint_projects"), "meetings": n("no_agenda_meetings")}
    elif row["level"] == "fruitful":
        code = "level_fruitful"
        params = {
            "meetings": n("no_agenda_meetings"),
            "references": n("references"),
            "events": n("customer_days"),
            "previews": n("product_previews"),
        }
    else:
        share = row["time_for_each_other"]
        beyond = 0 if pd.isna(share) else round(float(share) * 100)
        code, params = "level_transactional", {"total": total, "pct": beyond}
    reasons = [Reason("level", code, 0.0, 0.0, params)]
    if row["level_change"] in ("up", "down"):
        was = f"level_was_{row['level_year_ago']}"
        reasons.append(Reason("level", was, 0.0, 0.0, {}))
    return reasons
