"""Real Chromium against a real `goodwill serve`: one server and one browser per worker
(session), a fresh browser context per test, and a watch that fails the test on any
JavaScript error, console error or failed request to our server it did not expect.

Chromium is Debian's (`/usr/bin/chromium`, installed by `make install`); Playwright only
drives it and never downloads a browser of its own. Without Chromium or Playwright the
tests are skipped, except with CI=true, where they fail: CI must run them.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import pytest

try:
    from playwright.sync_api import expect
except ImportError:  # the browser fixture says why: a skip, or a failure in CI
    expect = None  # type: ignore[assignment]

if TYPE_CHECKING:
    from playwright.sync_api import Browser, ConsoleMessage, Page, Request, Response

__all__ = ["PAINTED", "Server", "Watch", "chromium_path", "expect"]

ROOT = Path(__file__).resolve().parents[2]
#: Chromium's flags for this machine's closed network and a root user (docs/web.md)
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
#: how long a test waits for an element or a navigation
TIMEOUT_MS = 15_000


def chromium_path() -> str | None:
    """Debian's Chromium (or GOODWILL_CHROMIUM), or None when it is not installed."""
    asked = os.environ.get("GOODWILL_CHROMIUM")
    if asked:
        return asked if Path(asked).is_file() else None
    if Path("/usr/bin/chromium").is_file():
        return "/usr/bin/chromium"
    return shutil.which("chromium")


def _browser_missing() -> str | None:
    """Why the browser tests cannot run here, or None."""
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "Playwright is not installed (make install, or pip install -e '.[dev]')"
    if chromium_path() is None:
        asked = os.environ.get("GOODWILL_CHROMIUM")
        if asked:
            return f"GOODWILL_CHROMIUM={asked} is not a file"
        return "Chromium is not installed (make install runs apt-get install -y chromium)"
    return None


def _in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every test in this folder is a browser test. (Under xdist each worker starts its own
    server and Chromium: ``--dist loadgroup`` would keep them on one worker, but xdist 3.8
    groups nothing under pytest 9.2, which no longer reads the ``_nodeid`` it rewrites.)"""
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.path)).parents:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    reason = _browser_missing()
    if reason is not None:
        if _in_ci():
            pytest.fail(f"CI=true and {reason}: the browser tests must run in CI.", pytrace=False)
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


# -- the server -----------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Server:
    """A `goodwill serve` process over its own copy of the world store."""

    url: str
    db: Path
    log: Path

    def json(self, path: str) -> Any:
        import json

        with urllib.request.urlopen(f"{self.url}{path}", timeout=30) as r:
            return json.loads(r.read().decode())


@pytest.fixture(scope="session")
def server(web_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """`goodwill serve` on a free port over a copy of the world: the tests' only writer."""
    out = tmp_path_factory.mktemp("browser-server")
    db = out / "served.duckdb"
    shutil.copy(web_db, db)
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
    served = Server(url=f"http://127.0.0.1:{port}", db=db, log=log)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                served.json("/health")
                break
            except OSError:
                if proc.poll() is not None:
                    pytest.fail(f"goodwill serve stopped:\n{log.read_text()}", pytrace=False)
                if time.monotonic() > deadline:
                    pytest.fail(f"goodwill serve did not start:\n{log.read_text()}")
                time.sleep(0.2)
        yield served
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    text = log.read_text()
    assert "Traceback" not in text, f"the server logged an error:\n{text[-4000:]}"


#: what a chart's canvas holds: its size, how many pixels are painted, in how many
#: colours, whether uPlot built it, and the length of its PNG (``toDataURL``)
PAINTED = """el => {
  const c = el.querySelector('canvas');
  if (!c) { return null; }
  const data = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
  const colours = new Set();
  let painted = 0;
  for (let i = 0; i < data.length; i += 4) {
    if (data[i + 3] === 0) { continue; }
    painted++;
    colours.add(data[i] + ',' + data[i + 1] + ',' + data[i + 2]);
  }
  return {width: c.width, height: c.height, painted, colours: colours.size,
          uplot: !!el.querySelector('.uplot'), png: c.toDataURL('image/png').length};
}"""


# -- the page and its watch -----------------------------------------------------------------


@dataclass
class Watch:
    """What went wrong on a page: JavaScript errors, console errors, requests to our server
    that failed or answered 400 or more. A test names the statuses it expects."""

    origin: str
    problems: list[str] = field(default_factory=list)
    expected: list[tuple[int, str]] = field(default_factory=list)
    seen: list[tuple[int, str]] = field(default_factory=list)

    def expect(self, status: int, path: str) -> None:
        """A response with ``status`` for ``path`` (on our server) is part of the test."""
        self.expected.append((status, path))

    def _ours(self, url: str) -> bool:
        return url.startswith(self.origin)

    def on_console(self, msg: ConsoleMessage) -> None:
        if msg.type != "error":
            return
        url = msg.location.get("url", "") if msg.location else ""
        # Chromium logs each response of 400 or more, also those Playwright reports no
        # response event for (the favicon): let pass only the ones a test expects
        status = re.search(r"status of (\d{3})", msg.text)
        if (
            status
            and self._ours(url)
            and (int(status.group(1)), urlsplit(url).path) in self.expected
        ):
            return
        self.problems.append(f"console error: {msg.text} ({url})")

    def on_pageerror(self, error: Exception) -> None:
        self.problems.append(f"JavaScript error: {error}")

    def on_response(self, response: Response) -> None:
        if not self._ours(response.url) or response.status < 400:
            return
        path = urlsplit(response.url).path
        self.seen.append((response.status, path))
        if (response.status, path) not in self.expected:
            self.problems.append(f"{response.status} from {response.request.method} {path}")

    def on_requestfailed(self, request: Request) -> None:
        if self._ours(request.url):
            self.problems.append(f"request failed: {request.url} ({request.failure})")


@pytest.fixture
def watch(server: Server) -> Watch:
    return Watch(origin=server.url)


@pytest.fixture
def page(browser: Browser, server: Server, watch: Watch) -> Iterator[Page]:
    """A fresh page (own cookies) on the server; the test fails on anything ``watch`` saw."""
    context = browser.new_context(
        base_url=server.url, viewport={"width": 1280, "height": 900}, accept_downloads=True
    )
    context.set_default_timeout(TIMEOUT_MS)
    tab = context.new_page()
    tab.on("console", watch.on_console)
    tab.on("pageerror", watch.on_pageerror)
    tab.on("response", watch.on_response)
    tab.on("requestfailed", watch.on_requestfailed)
    yield tab
    context.close()
    if watch.problems:
        pytest.fail("the page went wrong:\n" + "\n".join(watch.problems), pytrace=False)
