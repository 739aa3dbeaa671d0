"""The values the pages keep per snapshot are made ahead of the requests: when the app
starts, and again right after a write (goodwill.web.kept)."""

from __future__ import annotations

import time
import warnings
from pathlib import Path

from goodwill.store.backup import table_names
from goodwill.web import create_app
from goodwill.web.kept import KEEP_TABLES, KEPT_DB, kept_portfolio_table
from goodwill.web.state import WebState

with warnings.catch_warnings():
    warnings.simplefilter("ignore")  # starlette's note about httpx's successor
    from fastapi.testclient import TestClient

KEYS = ("portfolio_rows", "portfolio_table", "group_table", "payments_rows")


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
    with TestClient(app) as client:
        _wait_kept(state)
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
        assert kinds.count("portfolio") == kinds.count("groups") == KEEP_TABLES
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
