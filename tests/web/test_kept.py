"""The values the pages keep per snapshot are made ahead of the requests: when the app
starts, and again right after a write (goodwill.web.kept)."""

from __future__ import annotations

import time
import warnings
from pathlib import Path

import pytest

from goodwill.store.backup import table_names
from goodwill.web import create_app
from goodwill.web.kept import KEEP_TABLES, KEPT_DB, kept_portfolio_table
from goodwill.web.state import WebState

with warnings.catch_warnings():
    warnings.simplefilter("ignore")  # starlette's note about httpx's successor
    from fastapi.testclient import TestClient

KEYS = (
    "portfolio_rows",
    "portfolio_table",
    "group_table",
    "listed_table",
    "payments_rows",
    "payments_table",
)


def _kept(state: WebState, name: str) -> bool:
    """Whether ``name`` of the latest snapshot is kept now (asked without making it)."""

    def not_kept() -> None:
        raise LookupError(name)  # raised, nothing is kept in its place

    with state.reading() as store:
        as_of = state.latest_as_of(store)
    try:
        state.cached((name, as_of), not_kept)
    except LookupError:
        return False
    return True


def _wait_kept(state: WebState, seconds: float = 20.0) -> None:
    deadline = time.monotonic() + seconds
    while not all(_kept(state, name) for name in KEYS):
        assert time.monotonic() < deadline, "the kept values were not made"
        time.sleep(0.05)


def test_the_kept_rows_are_made_at_start_and_after_every_write(own_db: Path) -> None:
    app = create_app(own_db, lang="en")
    state: WebState = app.state.goodwill
    assert not any(_kept(state, name) for name in KEYS)  # nothing before the start
    assert not state.ready
    with TestClient(app) as client:
        _wait_kept(state)
        deadline = time.monotonic() + 20
        while not client.get("/health").json()["ready"]:  # a readiness check waits for it
            assert time.monotonic() < deadline, "never ready"
            time.sleep(0.05)
        version = state.version
        with state.writing():
            pass  # a write drops what was kept ...
        assert state.version == version + 1
        # ... and the writer's thread made it again before it went on
        assert all(_kept(state, name) for name in KEYS)
        assert client.get("/payments").status_code == 200
        # the tables kept in memory: a new one per write, the oldest dropped
        for _ in range(KEEP_TABLES + 2):
            with state.writing():
                pass
        with state.reading() as store:
            tables = store.con.execute(
                "SELECT table_name FROM duckdb_tables() WHERE database_name = ?", [KEPT_DB]
            ).fetchall()
            name = kept_portfolio_table(state, store, state.latest_as_of(store))
            newest = max(int(t[0].split("_")[1]) for t in tables if t[0].startswith("portfolio"))
            assert name == f"{KEPT_DB}.portfolio_{newest}"
        kinds = [t[0].split("_")[0] for t in tables]
        for kind in ("portfolio", "groups", "listed", "payments"):
            assert kinds.count(kind) == KEEP_TABLES, kind
        assert client.get("/").status_code == 200
        # a backup holds the store's own tables, never the kept ones
        with state.reading() as store:
            assert not any(t.startswith(KEPT_DB) for t in table_names(store.con))


def test_a_recent_value_asked_for_at_once_is_made_once(tmp_path: Path) -> None:
    """An account page and its chart data asked together read the account once."""
    import threading

    from goodwill.settings import Settings
    from goodwill.store import Store

    with Store.open(tmp_path / "s.duckdb") as store:
        state = WebState(store=store, settings=Settings.load())
        made: list[int] = []

        def make() -> int:
            made.append(1)
            time.sleep(0.2)
            return 42

        got: list[int] = []
        threads = [
            threading.Thread(target=lambda: got.append(state.recent(("account", "A1"), make)))
            for _ in range(6)
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert got == [42] * 6 and len(made) == 1
        assert not state._making  # nothing left behind
        assert state.recent(("account", "A1"), make) == 42 and len(made) == 1


def test_the_kept_tables_answer_as_the_rows_made_per_request(web_db: Path) -> None:
    """The account list and the payments read from the kept tables give the same rows,
    totals and order as from the rows made (or registered) per request."""
    from goodwill.dashboard.listing import LIST_SORTS, AccountQuery, account_list
    from goodwill.dashboard.payments import SORTS, payments_page, payments_slice
    from goodwill.dashboard.portfolio import PortfolioFilter
    from goodwill.web.kept import (
        kept_listed_table,
        kept_payments_rows,
        kept_payments_table,
        kept_portfolio_rows,
    )

    app = create_app(web_db, lang="en")
    state: WebState = app.state.goodwill
    try:
        with state.reading() as store:
            as_of = state.latest_as_of(store)
            assert as_of is not None
            listed = kept_listed_table(state, store, as_of)
            rows = kept_portfolio_rows(state, store, as_of)
            owner = str(rows.column("owner")[0])
            queries = [
                AccountQuery(),
                AccountQuery(filters=PortfolioFilter(owner=owner)),
                AccountQuery(kind="prospect"),
                AccountQuery(needs_attention=True, scope=owner),
                AccountQuery(text="a"),
            ]
            for query in queries:
                for sort in LIST_SORTS:
                    for offset in (0, 7, 10_000):
                        args = (store, as_of, state.settings, query)
                        kw = {"sort": sort, "descending": sort == "health", "offset": offset}
                        fast = account_list(*args, **kw, limit=9, listed=listed)  # type: ignore[arg-type]
                        slow = account_list(*args, **kw, limit=9, rows=rows)  # type: ignore[arg-type]
                        assert fast == slow, (query, sort, offset)
                        assert fast[1] > 0 or query.kind == "prospect"
            table, arrow = (
                kept_payments_table(state, store, as_of),
                kept_payments_rows(state, store, as_of),
            )
            for sort in SORTS:
                for scope in (None, owner):
                    a = payments_slice(store, as_of, sort=sort, scope=scope, limit=11, rows=table)
                    b = payments_slice(store, as_of, sort=sort, scope=scope, limit=11, rows=arrow)
                    assert a == b, (sort, scope)
                    p = payments_page(store, as_of, sort=sort, scope=scope, rows=table)
                    q = payments_page(store, as_of, sort=sort, scope=scope, rows=arrow)
                    assert (p.total, p.by_advice) == (q.total, q.by_advice)
                    assert p.open_amount == pytest.approx(q.open_amount, rel=1e-12)
                    assert [r.account_id for r in p.rows] == [r.account_id for r in q.rows]
    finally:
        state.close()
