"""Payments and credit as of the latest snapshot: accounts by credit advice, paged and
sorted in DuckDB, with each account's payment figures and its first reason."""

from __future__ import annotations

import datetime as dt
import json
import math
from dataclasses import dataclass
from typing import Any

import pyarrow as pa

from goodwill.dashboard.records import dict_rows, records
from goodwill.signals.reasons import Reason
from goodwill.store import Store

ADVICE = ("prepayment", "tighten", "keep")
SORTS: dict[str, str] = {
    "advice": "advice_rank",
    "name": "name",
    "owner": "owner",
    "score": "payment_score",
    "open": "open_amount",
    "overdue": "overdue_amount",
    "oldest": "oldest_overdue_days",
    "late": "days_beyond_terms_3m",
}
_ROWS = """
SELECT s.account_id, a.name, a.owner, s.payment_score, s.credit_advice,
       CASE s.credit_advice WHEN 'prepayment' THEN 0 WHEN 'tighten' THEN 1 ELSE 2 END
           AS advice_rank,
       TRY_CAST(json_extract(s.conduct, '$.open_amount') AS DOUBLE) AS open_amount,
       TRY_CAST(json_extract(s.conduct, '$.overdue_amount') AS DOUBLE) AS overdue_amount,
       TRY_CAST(json_extract(s.conduct, '$.oldest_overdue_days') AS DOUBLE)
           AS oldest_overdue_days,
       TRY_CAST(json_extract(s.conduct, '$.days_beyond_terms_3m') AS DOUBLE)
           AS days_beyond_terms_3m,
       TRY_CAST(json_extract(s.conduct, '$.days_beyond_terms_12m') AS DOUBLE)
           AS days_beyond_terms_12m,
       TRY_CAST(json_extract(s.conduct, '$.suggested_terms_days') AS DOUBLE)
           AS suggested_terms_days,
       TRY_CAST(json_extract(s.conduct, '$.suggested_limit') AS DOUBLE) AS suggested_limit,
       a.credit_limit, a.insured_limit,
       CAST(json_extract(s.conduct, '$.credit_reasons') AS VARCHAR) AS credit_reasons,
       CAST(json_extract(s.conduct, '$.payment_reasons') AS VARCHAR) AS payment_reasons
FROM health_snapshots s JOIN accounts a USING (account_id)
WHERE s.as_of = $as_of AND s.credit_advice IS NOT NULL
ORDER BY s.account_id
"""
#: the rows every query here starts from: a kept table's, or an Arrow table's
#: registered on the store's connection
_BASE = "SELECT * FROM {rows}"


@dataclass(frozen=True)
class PaymentsPage:
    as_of: dt.date
    #: per account: the columns of the query and ``reason`` (a Reason or None), as
    #: named tuples
    rows: list[Any]
    total: int
    page: int
    per_page: int
    sort: str
    descending: bool
    #: advice -> accounts (of every account in scope, not only the filtered)
    by_advice: dict[str, int]
    #: money open and overdue over every account
    open_amount: float
    overdue_amount: float

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.per_page))


def _first(*texts: Any) -> Reason | None:
    for text in texts:
        if isinstance(text, str) and text:
            found = json.loads(text)
            if found:
                return Reason.from_dict(found[0])
    return None


def payments_rows(store: Store, as_of: dt.date) -> pa.Table:
    """Every account scored as of ``as_of`` with credit advice, with its payment figures
    and reasons read from the snapshot's JSON — the costly part over 50k accounts: pass
    the table as ``rows`` to :func:`payments_page` to skip reading it again (the web app
    keeps it per snapshot until the next write)."""
    frame = store.con.execute(_ROWS, {"as_of": as_of}).df()
    return pa.Table.from_pandas(frame, preserve_index=False)


def _base(store: Store, as_of: dt.date, rows: pa.Table | str | None) -> str:
    """The SQL of the snapshot's rows: from the table ``rows`` names (kept in memory by
    the web app), else from the Arrow table (made when not given) registered on the
    store's connection as ``_payments_rows``."""
    if isinstance(rows, str):
        return _BASE.format(rows=rows)
    table = rows if rows is not None else payments_rows(store, as_of)
    # DuckDB refuses to register while an earlier result (a fetchone) is still open
    store.con.execute("SELECT 1").fetchall()
    store.con.register("_payments_rows", table)
    return _BASE.format(rows="_payments_rows")


def _where(
    advice: str | None, owner: str | None, scope: str | None = None
) -> tuple[str, dict[str, Any]]:
    """The condition over the rows for an advice and an owner (``scope``: the owner a
    user is limited to, on top of the owner asked for)."""
    params: dict[str, Any] = {}
    where = ["true"]
    if advice in ADVICE:
        where.append("credit_advice = $advice")
        params["advice"] = advice
    if owner:
        where.append("owner = $owner")
        params["owner"] = owner
    if scope is not None:
        where.append("owner = $scope")
        params["scope"] = scope
    return " AND ".join(where), params


def _order(sort: str, descending: bool) -> str:
    direction = "DESC" if descending else "ASC"
    return f"{SORTS[sort]} {direction} NULLS LAST, open_amount DESC NULLS LAST, account_id"


def payments_page(
    store: Store,
    as_of: dt.date,
    *,
    advice: str | None = None,
    owner: str | None = None,
    sort: str = "advice",
    descending: bool = False,
    page: int = 1,
    per_page: int = 25,
    rows: pa.Table | str | None = None,
    scope: str | None = None,
) -> PaymentsPage:
    """One page of the accounts scored as of ``as_of`` with their payment figures and
    credit advice, filtered by ``advice`` and ``owner``, ordered by ``sort``
    (:data:`SORTS`; within the advice the most money open first). With ``scope`` (an
    account manager's owner code) everything, the totals included, covers only the
    accounts of that owner."""
    sort = sort if sort in SORTS else "advice"
    per_page = max(1, min(int(per_page), 200))
    cond, params = _where(advice, owner, scope)
    scoped = "true" if scope is None else "owner = $scope"
    con = store.con
    base = _base(store, as_of, rows)
    totals = con.execute(
        f"WITH b AS ({base}) SELECT credit_advice, count(*), sum(open_amount), "
        f"sum(overdue_amount) FROM b WHERE {scoped} GROUP BY 1",
        {"scope": scope} if scope is not None else {},
    ).fetchall()
    counted = con.execute(
        f"WITH b AS ({base}) SELECT count(*) FROM b WHERE {cond}", params
    ).fetchone()
    total = int(counted[0]) if counted else 0
    counts = {str(k): int(n) for k, n, _, _ in totals}
    pages = max(1, math.ceil(total / per_page))
    page = max(1, min(int(page), pages))
    found = con.execute(
        f"WITH b AS ({base}) SELECT *, NULL AS reason FROM b WHERE {cond} "
        f"ORDER BY {_order(sort, descending)} LIMIT {per_page} OFFSET {(page - 1) * per_page}",
        params,
    )
    shown = [r._replace(reason=_first(r.credit_reasons, r.payment_reasons)) for r in records(found)]
    return PaymentsPage(
        as_of=as_of,
        rows=shown,
        total=total,
        page=page,
        per_page=per_page,
        sort=sort,
        descending=descending,
        by_advice={a: counts.get(a, 0) for a in ADVICE},
        open_amount=float(sum(o or 0.0 for _, _, o, _ in totals)),
        overdue_amount=float(sum(o or 0.0 for _, _, _, o in totals)),
    )


def payments_slice(
    store: Store,
    as_of: dt.date,
    *,
    advice: str | None = None,
    owner: str | None = None,
    scope: str | None = None,
    sort: str = "advice",
    descending: bool = False,
    offset: int = 0,
    limit: int = 50,
    rows: pa.Table | str | None = None,
) -> tuple[list[dict[str, Any]], int]:
    """The accounts :func:`payments_page` lists (as dicts), from ``offset`` at most
    ``limit`` (the REST API's paging), limited to the owner ``scope`` when given; with
    every reason as JSON text (``credit_reasons``, ``payment_reasons``); and how many
    pass."""
    if sort not in SORTS:
        raise ValueError(f"unknown sort {sort!r}; choose one of {', '.join(SORTS)}")
    cond, params = _where(advice, owner, scope)
    base = _base(store, as_of, rows)
    counted = store.con.execute(
        f"WITH b AS ({base}) SELECT count(*) FROM b WHERE {cond}", params
    ).fetchone()
    total = int(counted[0]) if counted else 0
    found = store.con.execute(
        f"WITH b AS ({base}) SELECT * FROM b WHERE {cond} "
        f"ORDER BY {_order(sort, descending)} "
        f"LIMIT {max(0, int(limit))} OFFSET {max(0, int(offset))}",
        params,
    )
    return dict_rows(found), total
