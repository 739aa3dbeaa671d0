"""The values the pages and the API keep per snapshot — the portfolio's rows and the
payments' rows of the latest snapshot — and :func:`warm`, which makes them ahead of the
requests: when the server starts and right after every write.

Made on demand, they cost the first request after a start or a write 0.5–1 s each at
50,000 accounts, and every request that needs them waits for that one; under the
issue-11 load the first requests of a fresh server took 7–9 s.
"""

from __future__ import annotations

import datetime as dt
import itertools
import logging
import threading

import pyarrow as pa

from goodwill.dashboard.listing import listed_sql
from goodwill.dashboard.listing_index import ListingIndex, listing_index
from goodwill.dashboard.payments import payments_rows
from goodwill.dashboard.payments_index import PaymentsIndex, payments_index
from goodwill.dashboard.portfolio import group_rows, portfolio_rows
from goodwill.dashboard.portfolio_index import PortfolioIndex, portfolio_index
from goodwill.store import Store
from goodwill.web.state import WebState

__all__ = [
    "kept_group_table",
    "kept_listed_table",
    "kept_listing_index",
    "kept_payments_index",
    "kept_payments_rows",
    "kept_payments_table",
    "kept_portfolio_index",
    "kept_portfolio_rows",
    "kept_portfolio_table",
    "warm",
]

log = logging.getLogger("goodwill.web")


def kept_portfolio_rows(state: WebState, store: Store, as_of: dt.date) -> pa.Table:
    """The snapshot's portfolio rows (figures, flags, first reason), made once per
    snapshot and write."""
    table: pa.Table = state.cached(
        ("portfolio_rows", as_of), lambda: portfolio_rows(store, as_of, state.settings)
    )
    return table


def kept_portfolio_table(state: WebState, store: Store, as_of: dt.date) -> str:
    """The name of a table in memory holding the snapshot's portfolio rows in the order
    the chart draws them, made once per snapshot and write: DuckDB reads its own table
    faster than an Arrow table registered for every query (the page's rows are found
    without carrying every column of every account through the sort)."""
    name: str = state.cached(
        ("portfolio_table", as_of),
        lambda: _in_memory(store, "portfolio", kept_portfolio_rows(state, store, as_of)),
    )
    return name


def kept_group_table(state: WebState, store: Store, as_of: dt.date) -> str:
    """The name of a table in memory holding the snapshot's portfolio rows that can
    belong to a group (parents and the accounts with one), made once per snapshot and
    write."""
    name: str = state.cached(
        ("group_table", as_of),
        lambda: _in_memory(store, "groups", group_rows(kept_portfolio_rows(state, store, as_of))),
    )
    return name


def kept_portfolio_index(state: WebState, store: Store, as_of: dt.date) -> PortfolioIndex:
    """The snapshot's portfolio in memory as arrays (:mod:`goodwill.dashboard.
    portfolio_index`), made once per snapshot and write: the portfolio page's table,
    counts, groups and chart without a query."""
    index: PortfolioIndex = state.cached(
        ("portfolio_index", as_of),
        lambda: portfolio_index(store, kept_portfolio_table(state, store, as_of), as_of),
    )
    return index


def kept_listed_table(state: WebState, store: Store, as_of: dt.date) -> str:
    """The name of a table in memory holding every account with the snapshot's figures
    (the REST API's account list, :func:`~goodwill.dashboard.listing.listed_sql`), made
    once per snapshot and write: joining the accounts per request cost 30 ms of its 33
    at 50,000 accounts."""
    name: str = state.cached(
        ("listed_table", as_of),
        lambda: _in_memory(store, "listed", listed_sql(kept_portfolio_table(state, store, as_of))),
    )
    return name


def kept_listing_index(state: WebState, store: Store, as_of: dt.date) -> ListingIndex:
    """Every account with the snapshot's figures in memory as arrays
    (:mod:`goodwill.dashboard.listing_index`), made once per snapshot and write: the
    REST API's account list without a query."""
    index: ListingIndex = state.cached(
        ("listing_index", as_of),
        lambda: listing_index(store, kept_listed_table(state, store, as_of)),
    )
    return index


#: the in-memory database of the kept tables (attached to the store's database, so
#: every cursor of the server sees it; never part of a backup)
KEPT_DB = "goodwill_kept"
#: tables made per kind before the oldest is dropped (a request still reading the one
#: before the last write finds it)
KEEP_TABLES = 3
_made: dict[tuple[str, str], list[str]] = {}
_lock = threading.Lock()
_count = itertools.count(1)


def _in_memory(store: Store, kind: str, source: pa.Table | str) -> str:
    """Copy ``source`` (an Arrow table, or the SQL of the rows) into a new table of
    :data:`KEPT_DB`, an Arrow table in chart order when it has one; returns its
    qualified name. The oldest of a kind beyond :data:`KEEP_TABLES` is dropped."""
    with _lock:
        name = f"{KEPT_DB}.{kind}_{next(_count)}"
        con = store.con
        con.execute(f"ATTACH IF NOT EXISTS ':memory:' AS {KEPT_DB}")
        if isinstance(source, str):
            con.execute(f"CREATE TABLE {name} AS {source}")
        else:
            con.execute("SELECT 1").fetchall()  # no open result while registering
            con.register("_kept_source", source)
            order = " ORDER BY chart_rank" if "chart_rank" in source.column_names else ""
            try:
                con.execute(f"CREATE TABLE {name} AS SELECT * FROM _kept_source{order}")
            finally:
                con.unregister("_kept_source")
        made = _made.setdefault((str(store.path), kind), [])  # per store: each has its own
        made.append(name)
        while len(made) > KEEP_TABLES:
            con.execute(f"DROP TABLE IF EXISTS {made.pop(0)}")
    return name


def kept_payments_rows(state: WebState, store: Store, as_of: dt.date) -> pa.Table:
    """The snapshot's payments and credit rows, made once per snapshot and write."""
    table: pa.Table = state.cached(("payments_rows", as_of), lambda: payments_rows(store, as_of))
    return table


def kept_payments_table(state: WebState, store: Store, as_of: dt.date) -> str:
    """The name of a table in memory holding the snapshot's payments and credit rows,
    made once per snapshot and write (read from an Arrow table registered per request,
    the payments page took 13 ms at 50,000 accounts, 9 ms from this table)."""
    name: str = state.cached(
        ("payments_table", as_of),
        lambda: _in_memory(store, "payments", kept_payments_rows(state, store, as_of)),
    )
    return name


def kept_payments_index(state: WebState, store: Store, as_of: dt.date) -> PaymentsIndex:
    """The snapshot's payments and credit rows in memory as arrays
    (:mod:`goodwill.dashboard.payments_index`), made once per snapshot and write: the
    payments page and the API's payments list without a query."""
    index: PaymentsIndex = state.cached(
        ("payments_index", as_of),
        lambda: payments_index(store, kept_payments_table(state, store, as_of), as_of),
    )
    return index


def warm(state: WebState) -> None:
    """Make the kept values of the latest snapshot now (a failure is logged: the first
    request that needs them makes them again and shows its error); the state is
    :attr:`~goodwill.web.state.WebState.ready` after the first try."""
    try:
        with state.reading() as store:
            as_of = state.latest_as_of(store)
            if as_of is None:
                return
            kept_portfolio_rows(state, store, as_of)
            kept_portfolio_table(state, store, as_of)
            kept_group_table(state, store, as_of)
            kept_portfolio_index(state, store, as_of)
            kept_listed_table(state, store, as_of)
            kept_listing_index(state, store, as_of)
            kept_payments_table(state, store, as_of)
            kept_payments_index(state, store, as_of)
    except Exception:
        log.exception("making the pages' kept values ahead of the requests failed")
    finally:
        state.ready = True
