"""The access log: views recorded through the real app, written behind the request
(never waiting for the writer), listed by the command line."""

from __future__ import annotations

import time
import warnings
from pathlib import Path

from goodwill.privacy.access_log import AccessLog, access_lines
from goodwill.settings import Settings
from goodwill.store import Store
from goodwill.web import create_app
from goodwill.web.state import WebState
from tests.privacy.conftest import Cli

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

ACCOUNT = "K100001"


def test_account_views_are_logged_and_listed(own_db: Path, cli: Cli) -> None:
    with TestClient(create_app(own_db, lang="en")) as client:
        assert client.get(f"/accounts/{ACCOUNT}").status_code == 200
        assert client.get(f"/accounts/{ACCOUNT}/print").status_code == 200
        assert client.get(f"/api/chart/account/{ACCOUNT}").status_code == 200
        fragment = client.get(f"/accounts/{ACCOUNT}?kind=order", headers={"HX-Request": "true"})
        assert fragment.status_code == 200
        assert client.get("/accounts/NO-SUCH").status_code == 404  # not a view of an account
        assert client.get("/").status_code == 200  # the portfolio is no account's page
    # the app wrote what it kept in memory when it stopped
    with Store.open(own_db) as store:
        lines = access_lines(store)
    assert sorted(lines["what"]) == ["chart", "page", "print", "timeline"]
    assert set(lines["account_id"]) == {ACCOUNT} and set(lines["user_name"]) == {"local"}

    code, out, err = cli("access-log", "--db", str(own_db), "--account", ACCOUNT, lang="nl")
    assert code == 0, err
    assert "Inzagelog" in out and out.count(ACCOUNT) == 4 and "afdruk" in out
    code, out, _ = cli("access-log", "--db", str(own_db), "--user", "someone-else")
    assert code == 0 and ACCOUNT not in out
    code, out, _ = cli("access-log", "--db", str(own_db), "--since", "2999-01-01")
    assert code == 0 and ACCOUNT not in out
    code, _, err = cli("access-log", "--db", str(own_db), "--since", "gisteren")
    assert code == 2 and "--since" in err and len(err.strip().splitlines()) == 1


def test_recording_never_waits_for_the_writer(own_db: Path) -> None:
    with Store.open(own_db) as store:
        state = WebState(store=store, settings=Settings.load())
        log = AccessLog(state, batch=5, every_seconds=60)
        with state.writing():  # a long import holds the writer
            started = time.perf_counter()
            for i in range(50):
                log.record("anna", f"K{i}", "page")
            assert log.flush() == 0
            assert time.perf_counter() - started < 1.0
            assert log.pending == 50
        assert log.flush() == 50 and log.pending == 0
        log.record("anna", "K1", "chart")
        log.stop()  # shutdown writes what is left, waiting for the writer if need be
        assert len(access_lines(store, user_name="anna")) == 51
        assert len(access_lines(store, account_id="K1")) == 2
