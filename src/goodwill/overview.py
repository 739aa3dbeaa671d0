"""A first look at a store: accounts by kind, segment and owner; revenue per year; the
largest accounts. Data only; the CLI and the web layer render it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from goodwill.store import Store


@dataclass(frozen=True)
class Overview:
    """The portfolio at a glance, as of ``as_of`` (the last order date by default)."""

    as_of: dt.date | None
    by_kind: list[tuple[str, int]]
    #: (segment, customer accounts, revenue in the last 12 months)
    by_segment: list[tuple[str, int, float]]
    #: (owner, customer accounts, revenue in the last 12 months)
    by_owner: list[tuple[str, int, float]]
    #: (year, revenue, orders, ordering customers) over customer accounts
    revenue_by_year: list[tuple[int, float, int, int]]
    #: (account_id, name, segment, owner, revenue in the last 12 months)
    largest: list[tuple[str, str, str, str, float]]


def portfolio_overview(store: Store, as_of: dt.date | None = None, top: int = 10) -> Overview:
    """Summarise the store's customer portfolio as of ``as_of``."""
    con = store.con
    if as_of is None:
        row = con.execute("SELECT CAST(max(ordered_on) AS DATE) FROM orders").fetchone()
        as_of = row[0] if row and row[0] else None
    end = as_of or dt.date.today()
    start_12m = end - dt.timedelta(days=365)
    recent = (
        "SELECT o.account_id, sum(o.amount) AS revenue FROM orders o "
        "WHERE CAST(o.ordered_on AS DATE) > ? AND CAST(o.ordered_on AS DATE) <= ? "
        "GROUP BY 1"
    )
    by_kind = con.execute(
        "SELECT kind, count(*) FROM accounts GROUP BY 1 ORDER BY 2 DESC"
    ).fetchall()

    def grouped(column: str) -> list[tuple[str, int, float]]:
        rows = con.execute(
            f"""SELECT coalesce(a.{column}, '-') AS g, count(*) AS n,
                       coalesce(sum(r.revenue), 0) AS revenue
                FROM accounts a LEFT JOIN ({recent}) r USING (account_id)
                WHERE a.kind = 'customer' GROUP BY 1 ORDER BY 3 DESC, 1""",
            [start_12m, end],
        ).fetchall()
        return [(str(g), int(n), float(v)) for g, n, v in rows]

    years = con.execute(
        """SELECT year(o.ordered_on) AS y, sum(o.amount), count(*), count(DISTINCT o.account_id)
           FROM orders o JOIN accounts a USING (account_id)
           WHERE a.kind = 'customer' AND CAST(o.ordered_on AS DATE) <= ?
           GROUP BY 1 ORDER BY 1""",
        [end],
    ).fetchall()
    largest = con.execute(
        f"""SELECT a.account_id, a.name, coalesce(a.segment, '-'), coalesce(a.owner, '-'),
                   r.revenue
            FROM accounts a JOIN ({recent}) r USING (account_id)
            WHERE a.kind = 'customer' ORDER BY r.revenue DESC, a.account_id LIMIT {int(top)}""",
        [start_12m, end],
    ).fetchall()
    return Overview(
        as_of=as_of,
        by_kind=[(str(k), int(n)) for k, n in by_kind],
        by_segment=grouped("segment"),
        by_owner=grouped("owner"),
        revenue_by_year=[(int(y), float(v), int(n), int(c)) for y, v, n, c in years],
        largest=[(str(i), str(n), str(s), str(o), float(v)) for i, n, s, o, v in largest],
    )
