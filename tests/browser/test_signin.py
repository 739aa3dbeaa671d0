"""Signing in and out in a real Chromium against a real `goodwill serve` over a store with
users: the sign-in page and its way back, an account manager's own accounts only, the
CSRF token on htmx and form posts (Chromium sends its Origin), and signing out."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb
import pytest

from tests.browser.conftest import ROOT, TIMEOUT_MS, Watch, _free_port, expect
from tests.web.people import PEOPLE, add_people

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page


@pytest.fixture(scope="module")
def people_server(web_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`goodwill serve` over a copy of the world with users (tests/web/people.py)."""
    out = tmp_path_factory.mktemp("browser-people")
    db = add_people(web_db, out / "people.duckdb")
    with duckdb.connect(str(db), read_only=True) as con:
        OWNERS.update(dict(con.execute("SELECT account_id, owner FROM accounts").fetchall()))
    port = _free_port()
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src"), "GOODWILL_LANG": "en"}
    log = out / "serve.log"
    with log.open("w") as sink:
        proc = subprocess.Popen(
            [sys.executable, "-m", "goodwill", "serve", "--db", str(db), "--port", str(port)],
            stdout=sink,
            stderr=subprocess.STDOUT,
            env=env,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(f"{url}/health", timeout=5).close()
                break
            except OSError:
                assert proc.poll() is None, log.read_text()
                assert time.monotonic() < deadline, log.read_text()
                time.sleep(0.2)
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    assert "Traceback" not in log.read_text()


#: account_id -> owner of the served world
OWNERS: dict[str, str] = {}


@pytest.fixture
def tab(browser: Browser, people_server: str) -> Iterator[tuple[Page, Watch]]:
    watch = Watch(origin=people_server)
    context = browser.new_context(base_url=people_server, viewport={"width": 1280, "height": 900})
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    page.on("console", watch.on_console)
    page.on("pageerror", watch.on_pageerror)
    page.on("response", watch.on_response)
    yield page, watch
    context.close()
    if watch.problems:
        pytest.fail("the page went wrong:\n" + "\n".join(watch.problems), pytrace=False)


def test_sign_in_back_to_the_page_asked_for_own_accounts_only_and_sign_out(
    tab: tuple[Page, Watch],
) -> None:
    page, watch = tab
    page.goto("/payments?lang=en")
    expect(page).to_have_url(re.compile(r"/login\?next=%2Fpayments"))
    watch.expect(401, "/login")
    page.fill("#login-name", "dj")
    page.fill("#login-password", "not the password")
    page.click("#login-submit")
    expect(page.locator("#login-error")).to_contain_text("wrong name or password")
    page.fill("#login-password", PEOPLE["dj"][2])
    page.click("#login-submit")
    expect(page.locator("#signed-in-as")).to_have_text("dj")
    assert "/payments" in page.url
    page.goto("/?per_page=10")
    rows = "rows => rows.map(r => r.dataset.accountId)"
    ids = page.locator("#portfolio-table tbody tr").evaluate_all(rows)
    page.click("#portfolio-pager-next")  # htmx swaps the table in
    expect(page).to_have_url(re.compile(r"page=2"))
    ids += page.locator("#portfolio-table tbody tr").evaluate_all(rows)
    assert len(ids) == 20 and {OWNERS[i] for i in ids} == {"DJ"}  # their own, only
    page.click("#logout")  # a form post with the hidden CSRF field, from this origin
    expect(page).to_have_url(re.compile(r"/login$"))
    page.goto("/")
    expect(page.locator("#login-form")).to_be_visible()
