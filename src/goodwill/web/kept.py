"""The values the pages and the API keep per snapshot — the portfolio's rows and the
payments' rows of the latest snapshot — and :func:`warm`, which makes them ahead of the
requests: when the server starts and right after every write.

Made on demand, they cost the first request after a start or a write 0.5–1 s each at
50,000 accounts, and every request that needs them waits for that one; under the
issue-11 load the first requests of a fresh server took 7–9 s.
"""

from __future__ import annotations

import datetime as dt
import logging

import pyarrow as pa

from goodwill.dashboard.payments import payments_rows
from goodwill.dashboard.portfolio import group_rows, portfolio_rows
from goodwill.store import Store
from goodwill.web.state import WebState

__all__ = ["kept_group_rows", "kept_payments_rows", "kept_portfolio_rows", "warm"]

log = logging.getLogger("goodwill.web")


def kept_portfolio_rows(state: WebState, store: Store, as_of: dt.date) -> pa.Table:
    """The snapshot's portfolio rows (figures, flags, first reason), made once per
    snapshot and write."""
    table: pa.Table = state.cached(
        ("portfolio_rows", as_of), lambda: portfolio_rows(store, as_of, state.settings)
    )
    return table


def kept_group_rows(state: WebState, store: Store, as_of: dt.date) -> pa.Table:
    """The snapshot's portfolio rows that can belong to a group (parents and the accounts
    with one), made once per snapshot and write."""
    table: pa.Table = state.cached(
        ("group_rows", as_of), lambda: group_rows(kept_portfolio_rows(state, store, as_of))
    )
    return table


def kept_payments_rows(state: WebState, store: Store, as_of: dt.date) -> pa.Table:
    """The snapshot's payments and credit rows, made once per snapshot and write."""
    table: pa.Table = state.cached(("payments_rows", as_of), lambda: payments_rows(store, as_of))
    return table


def warm(state: WebState) -> None:
    """Make the kept values of the latest snapshot now (a failure is logged: the first
    request that needs them makes them again and shows its error)."""
    try:
        with state.reading() as store:
            as_of = state.latest_as_of(store)
            if as_of is None:
                return
            kept_portfolio_rows(state, store, as_of)
            kept_group_rows(state, store, as_of)
            kept_payments_rows(state, store, as_of)
    except Exception:
        log.exception("making the pages' kept values ahead of the requests failed")
