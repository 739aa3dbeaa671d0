"""Order days: the order lines grouped per account and calendar day, kept in the store.

Every score reads the orders as order days (a day's net amount and margin, and whether it
holds a purchase or only returns). Grouping 10M order lines takes as long as the whole
purchase summary, so the grouping is done once when orders change, not at every scoring:
each import and undo that touches ``orders`` rebuilds this table in its own transaction,
so it never disagrees with the orders it was made from. A store written by other means
(an older goodwill, or SQL) is caught by the row count recorded beside the table and
rebuilt on first use.

Test orders are left out. The margin is kept in two parts, the recorded margins and the
amounts of lines without one, because the default margin rate that fills the gap is a
setting that may change between scorings:

    margin of a day = margin_recorded + default_margin_rate × amount_without_margin
"""

from __future__ import annotations

import duckdb

#: the table of order days and the table recording which orders it was made from
ORDER_DAYS_TABLE = "order_days"
ORDER_DAYS_META = "order_days_source"


def rebuild_order_days(con: duckdb.DuckDBPyConnection) -> None:
    """(Re)build the order days from the orders; runs inside the caller's transaction."""
    con.execute(
        f"""
        CREATE OR REPLACE TABLE {ORDER_DAYS_TABLE} AS
        SELECT account_id, CAST(ordered_on AS DATE) AS d,
               sum(CAST(amount AS DECIMAL(38, 6))) AS amount,
               coalesce(sum(CAST(margin AS DECIMAL(38, 6))), 0) AS margin_recorded,
               coalesce(sum(CAST(amount AS DECIMAL(38, 6))) FILTER (WHERE margin IS NULL), 0)
                   AS amount_without_margin,
               max(amount) >= 0 AS purchase
        FROM orders
        WHERE NOT coalesce(is_test, false)
        GROUP BY ALL
        """
    )
    con.execute(
        f"CREATE OR REPLACE TABLE {ORDER_DAYS_META} AS SELECT count(*) AS order_rows FROM orders"
    )


def order_days_current(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether the order days are there and made from the orders as they are (reads
    only: a reader can tell whether :func:`ensure_order_days` would write)."""
    try:
        row = con.execute(
            f"SELECT (SELECT order_rows FROM {ORDER_DAYS_META}), (SELECT count(*) FROM orders)"
        ).fetchone()
    except duckdb.CatalogException:
        return False
    return row is not None and row[0] == row[1]


def ensure_order_days(con: duckdb.DuckDBPyConnection) -> None:
    """Build the order days when they are missing or were made from other orders."""
    if not order_days_current(con):
        rebuild_order_days(con)
