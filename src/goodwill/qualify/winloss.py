"""Win/loss: the quotes we won and lost, by competitor, segment, size band and quarter, and
the competitors that take the most value from us.

A quote counts once it is decided (status ``won`` or ``lost``) on or before the as-of
date: its decision date is ``decided_on`` (or ``issued_on`` when that is missing), so a
quote decided after the as-of date was still open then. Only quotes to customers and
prospects count (a supplier's quotes are theirs to us). A won quote names no competitor:
grouped by competitor, the quotes won are in the row without one (``competitor`` missing),
beside the quotes lost without a named competitor.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Final, Literal

import duckdb
import pandas as pd

from goodwill.errors import GoodwillError

WinLossBy = Literal["competitor", "segment", "size_band", "quarter"]
BY: Final[tuple[WinLossBy, ...]] = ("competitor", "segment", "size_band", "quarter")

#: the size bands of :mod:`goodwill.qualify.lookalike`, in SQL
SIZE_BAND_SQL: Final = """CASE WHEN a.employees >= 250 THEN '250+'
    WHEN a.employees >= 50 THEN '50-249' WHEN a.employees >= 10 THEN '10-49'
    WHEN a.employees >= 1 THEN '1-9' END"""

_DECIDED = f"""
    SELECT nullif(trim(q.lost_to), '') AS competitor, a.segment,
           {SIZE_BAND_SQL} AS size_band,
           CAST(year(d) AS VARCHAR) || '-Q' || CAST(quarter(d) AS VARCHAR) AS quarter,
           q.status, CAST(q.amount AS DOUBLE) AS amount
    FROM (SELECT *, CAST(coalesce(decided_on, issued_on) AS DATE) AS d FROM quotes) q
    JOIN accounts a ON a.account_id = q.account_id
    WHERE a.kind IN ('customer', 'prospect') AND q.status IN ('won', 'lost')
      AND q.d <= $a AND q.d >= $since AND ($owner IS NULL OR a.owner = $owner)
"""


def win_loss(
    con: duckdb.DuckDBPyConnection,
    as_of: dt.date,
    by: Sequence[WinLossBy] = BY,
    since: dt.date | None = None,
    owner: str | None = None,
) -> pd.DataFrame:
    """Per group of ``by`` (quotes decided from ``since`` up to ``as_of``, of the
    accounts of ``owner`` when given): ``won``, ``lost``, ``value_won``, ``value_lost``
    and ``win_rate`` (won / decided), largest value lost first."""
    unknown = [b for b in by if b not in BY]
    if unknown:
        raise GoodwillError(
            "win/loss cannot be grouped by {by}; choose from {known}",
            by=", ".join(unknown),
            known=", ".join(BY),
        )
    cols = ", ".join(by)
    group = f"GROUP BY {cols}" if by else ""
    frame = con.execute(
        f"""
        SELECT {cols + "," if by else ""}
               count(*) FILTER (WHERE status = 'won') AS won,
               count(*) FILTER (WHERE status = 'lost') AS lost,
               coalesce(sum(amount) FILTER (WHERE status = 'won'), 0) AS value_won,
               coalesce(sum(amount) FILTER (WHERE status = 'lost'), 0) AS value_lost,
               count(*) FILTER (WHERE status = 'won') / count(*) AS win_rate
        FROM ({_DECIDED}) {group}
        ORDER BY value_lost DESC, value_won DESC{", " + cols if by else ""}
        """,
        {"a": as_of, "since": since or dt.date(1, 1, 1), "owner": owner},
    ).df()
    return frame


def top_competitors(
    con: duckdb.DuckDBPyConnection,
    as_of: dt.date,
    n: int = 5,
    since: dt.date | None = None,
    owner: str | None = None,
) -> pd.DataFrame:
    """The ``n`` competitors that took the most value from us (from the accounts of
    ``owner`` when given): ``competitor``, ``lost``, ``value_lost`` and
    ``share_of_value_lost`` (of all value lost, to a named competitor or not)."""
    lost = win_loss(con, as_of, ("competitor",), since, owner)
    total = float(lost["value_lost"].sum())
    named = lost[lost["competitor"].notna() & (lost["lost"] > 0)]
    named = named.sort_values(["value_lost", "competitor"], ascending=[False, True]).head(n)
    out = named[["competitor", "lost", "value_lost"]].reset_index(drop=True)
    out["share_of_value_lost"] = out["value_lost"] / total if total else float("nan")
    return out
