"""The saved snapshots: which dates were scored, and the accounts of one date (or one
account over every date) with their reasons — limited to an owner when asked, sliced by
offset in DuckDB."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd

from goodwill.dashboard.records import dict_rows
from goodwill.store import Store

#: an owner ``$scope`` limits a query to (NULL: every owner)
_IN_SCOPE = "(CAST($scope AS VARCHAR) IS NULL OR a.owner = $scope)"


def snapshot_runs(store: Store, scope: str | None = None) -> pd.DataFrame:
    """Every scored date, newest first: as_of, computed_at (the latest run of that date),
    goodwill_version and accounts (how many of those ``scope`` owns were scored)."""
    return store.con.execute(
        f"""WITH scored AS (
                SELECT s.as_of, count(*) AS accounts
                FROM health_snapshots s JOIN accounts a USING (account_id)
                WHERE {_IN_SCOPE} GROUP BY 1),
            dates AS (SELECT DISTINCT as_of FROM health_snapshots),
            runs AS (SELECT as_of, max(computed_at) AS computed_at,
                            arg_max(goodwill_version, computed_at) AS goodwill_version
                     FROM snapshot_runs GROUP BY 1)
            SELECT d.as_of, r.computed_at, r.goodwill_version,
                   coalesce(c.accounts, 0) AS accounts
            FROM dates d LEFT JOIN runs r USING (as_of) LEFT JOIN scored c USING (as_of)
            ORDER BY d.as_of DESC""",
        {"scope": scope},
    ).df()


def snapshot_slice(
    store: Store,
    *,
    as_of: dt.date | None = None,
    account_id: str | None = None,
    scope: str | None = None,
    offset: int = 0,
    limit: int = 50,
) -> tuple[list[dict[str, Any]], int]:
    """Snapshot rows of one date (``as_of``) and/or one account, newest date first and
    then by account, from ``offset`` at most ``limit``, as dicts; and how many there are.
    Keys:
    as_of, account_id, name, owner, health, status, trend, level, responsiveness,
    revenue_12m, clv_12m, net_value, payment_score, credit_advice, reasons (JSON)."""
    where = [_IN_SCOPE]
    params: dict[str, Any] = {"scope": scope}
    if as_of is not None:
        where.append("s.as_of = $as_of")
        params["as_of"] = as_of
    if account_id is not None:
        where.append("s.account_id = $account_id")
        params["account_id"] = account_id
    cond = " AND ".join(where)
    found = store.con.execute(
        f"""SELECT s.as_of, s.account_id, a.name, a.owner, s.health, s.status, s.trend,
                   s.level, s.responsiveness, s.revenue_12m, s.clv_12m, s.net_value,
                   s.payment_score, s.credit_advice, s.reasons, count(*) OVER () AS n_rows
            FROM health_snapshots s JOIN accounts a USING (account_id)
            WHERE {cond}
            ORDER BY s.as_of DESC, s.account_id
            LIMIT {max(0, int(limit))} OFFSET {max(0, int(offset))}""",
        params,
    )
    rows = dict_rows(found)
    if rows:
        total = int(rows[0]["n_rows"])
    else:
        counted = store.con.execute(
            f"SELECT count(*) FROM health_snapshots s JOIN accounts a USING (account_id) "
            f"WHERE {cond}",
            params,
        ).fetchone()
        total = int(counted[0]) if counted else 0
    for row in rows:
        del row["n_rows"]
    return rows, total
