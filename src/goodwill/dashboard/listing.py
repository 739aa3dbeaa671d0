"""Every account as a list, with the latest snapshot's figures where it was scored:
filtered, searched, sorted and sliced by offset in DuckDB (the REST API's
``/accounts``). Suppliers and prospects are listed too, with empty figures.

It reads the snapshot's :func:`~goodwill.dashboard.portfolio.portfolio_rows` (pass them
as ``rows`` when they are kept) joined to the accounts table, so its filters mean what
the portfolio's mean; or, faster, a table already holding that join (``listed``, see
:func:`listed_sql`): joining 50,000 accounts per request cost 30 ms of the 33."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from goodwill.dashboard.portfolio import NEEDS_ATTENTION, PortfolioFilter, Rows, portfolio_rows
from goodwill.settings import Settings
from goodwill.store import Store

#: sort keys -> the SQL expression they order by (the portfolio's, and ``id``)
LIST_SORTS: dict[str, str] = {
    "id": "account_id",
    "name": "name",
    "owner": "owner",
    "segment": "segment",
    "health": "health",
    "status": "status_rank",
    "level": "level_rank",
    "revenue": "revenue_12m",
    "value": "clv_12m",
    "net_value": "net_value",
    "payment_score": "payment_score",
}

_LISTED = """
SELECT a.account_id, a.name, a.kind, a.owner, a.segment, a.parent_id,
       r.health, r.status, r.trend, r.level, r.responsiveness, r.revenue_12m, r.clv_12m,
       r.net_value, r.credit_advice, r.payment_score, r.top_reason, r.status_rank,
       r.level_rank, r.account_id IS NOT NULL AS scored,
       coalesce(r.dormant, false) AS dormant,
       coalesce(r.service_neglected, false) AS service_neglected
FROM accounts a LEFT JOIN {rows} r USING (account_id)
"""


@dataclass(frozen=True)
class AccountQuery:
    """Which accounts to list, beyond the portfolio's filters; ``None`` means any."""

    filters: PortfolioFilter = field(default_factory=PortfolioFilter)
    #: customer, prospect or supplier
    kind: str | None = None
    #: part of the account id or name, in any case
    text: str | None = None
    #: only the accounts that need attention (True) or only those that do not (False)
    needs_attention: bool | None = None
    #: the owner a user is limited to (an account manager), on top of any owner filter
    scope: str | None = None

    def where(self) -> tuple[str, dict[str, Any]]:
        where, params = self.filters.where()
        parts = [where]
        if self.kind:
            parts.append("kind = $kind")
            params["kind"] = self.kind
        if self.needs_attention is not None:
            parts.append(f"coalesce({NEEDS_ATTENTION}, false) = $attention")
            params["attention"] = self.needs_attention
        if self.scope is not None:
            parts.append("owner = $scope")
            params["scope"] = self.scope
        if self.text:
            parts.append(
                "(contains(lower(account_id), lower($text)) OR contains(lower(name), lower($text)))"
            )
            params["text"] = self.text
        return " AND ".join(parts), params


def listed_sql(rows: str) -> str:
    """The SQL of every account with its figures from the table of portfolio rows
    ``rows``: what :func:`account_list` filters and sorts (keep its result as a table
    and pass that as ``listed``)."""
    return _LISTED.format(rows=rows)


def account_list(
    store: Store,
    as_of: dt.date | None,
    settings: Settings,
    query: AccountQuery | None = None,
    *,
    sort: str = "id",
    descending: bool = False,
    offset: int = 0,
    limit: int = 50,
    rows: Rows | None = None,
    listed: str | None = None,
) -> tuple[list[dict[str, Any]], int]:
    """The accounts passing ``query``, ordered by ``sort`` (a key of :data:`LIST_SORTS`;
    ties by account id, so slices never overlap), from ``offset`` at most ``limit``; and
    how many pass in all. Keys: account_id, name, kind, owner, segment, parent_id,
    scored, health, status, trend, level, responsiveness, revenue_12m, clv_12m,
    net_value, credit_advice, payment_score, needs_attention, top_reason (JSON text).
    ``listed`` names a table of :func:`listed_sql`'s rows (then ``rows`` is not read)."""
    query = query or AccountQuery()
    if sort not in LIST_SORTS:
        raise ValueError(f"unknown sort {sort!r}; choose one of {', '.join(LIST_SORTS)}")
    con = store.con
    if listed is not None:
        listed = f"SELECT * FROM {listed}"
    elif isinstance(rows, str):  # a table that holds them (goodwill.web.kept)
        listed = listed_sql(rows)
    else:
        table = rows if rows is not None else portfolio_rows(store, as_of or dt.date.min, settings)
        # DuckDB refuses to register while an earlier result (a fetchone) is still open
        con.execute("SELECT 1").fetchall()
        con.register("_listed_rows", table)
        listed = listed_sql("_listed_rows")
    where, params = query.where()
    direction = "DESC" if descending else "ASC"
    # the count apart: a count over every passing row beside the top-N would make DuckDB
    # carry every column of every passing row through the sort
    total = _count(store, listed, where, params)
    cursor = con.execute(
        f"""WITH base AS ({listed})
            SELECT account_id, name, kind, owner, segment, parent_id, scored, health,
                   status, trend, level, responsiveness, revenue_12m, clv_12m, net_value,
                   credit_advice, payment_score,
                   coalesce({NEEDS_ATTENTION}, false) AS needs_attention, top_reason
            FROM base WHERE {where}
            ORDER BY {LIST_SORTS[sort]} {direction} NULLS LAST, account_id
            LIMIT {max(0, int(limit))} OFFSET {max(0, int(offset))}""",
        params,
    )
    names = [d[0] for d in cursor.description or ()]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()], total


def _count(store: Store, listed: str, where: str, params: dict[str, Any]) -> int:
    """How many accounts pass."""
    found = store.con.execute(
        f"WITH base AS ({listed}) SELECT count(*) FROM base WHERE {where}",
        params,
    ).fetchone()
    return int(found[0]) if found else 0
