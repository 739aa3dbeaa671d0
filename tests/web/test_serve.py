"""`goodwill serve` as a real process on a free port; and the messages every page's
template uses are in the Dutch catalog."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from importlib import resources
from pathlib import Path

from jinja2.ext import babel_extract

from goodwill.i18n import catalog

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_goodwill_serve_answers_health_and_the_portfolio(own_db: Path) -> None:
    port = free_port()
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src"), "GOODWILL_LANG": "nl"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "goodwill", "serve", "--db", str(own_db), "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{base}/health", timeout=5) as r:
                    health = r.read().decode()
                break
            except OSError:
                assert proc.poll() is None, proc.communicate()[1]
                assert time.monotonic() < deadline, "the server did not start"
                time.sleep(0.3)
        assert '"status":"ok"' in health.replace(" ", "")
        with urllib.request.urlopen(f"{base}/", timeout=30) as r:
            page = r.read().decode()
            assert r.status == 200
        assert 'lang="nl"' in page and 'id="portfolio-table"' in page
        # while it runs, it holds the store: a command is told so
        other = subprocess.run(
            [sys.executable, "-m", "goodwill", "score", "--db", str(own_db)],
            capture_output=True,
            text=True,
            env=env,
            timeout=60,
        )
        assert other.returncode == 2 and "goodwill serve" in other.stderr
        assert "Traceback" not in other.stderr
    finally:
        proc.terminate()
        out, err = proc.communicate(timeout=30)
    assert "http://127.0.0.1:" in out and "Traceback" not in err


def test_serve_refuses_a_missing_store(tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src"), "GOODWILL_LANG": "en"}
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "goodwill",
            "serve",
            "--db",
            str(tmp_path / "none.duckdb"),
            "--port",
            str(free_port()),
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert out.returncode == 2 and "no store" in out.stderr and "Traceback" not in out.stderr


def test_every_template_message_is_in_the_dutch_catalog() -> None:
    folder = Path(str(resources.files("goodwill").joinpath("web/templates")))
    dutch = catalog("nl")
    missing = []
    for path in sorted(folder.glob("*.html")):
        with path.open("rb") as fh:
            for _line, _func, message, _comments in babel_extract(fh, ["_"], [], {}):
                # a message with {values} comes as a tuple (its text first); a variable
                # (no text) is skipped
                text = message if isinstance(message, str) else (message or (None,))[0]
                if text and text not in dutch:
                    missing.append(f"{path.name}: {text}")
    assert not missing, "add to goodwill.po:\n" + "\n".join(missing)


def test_serve_refuses_to_open_a_store_without_users_beyond_this_machine(own_db: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src"), "GOODWILL_LANG": "en"}
    args = ["serve", "--db", str(own_db), "--host", "0.0.0.0", "--port", str(free_port())]
    out = subprocess.run(
        [sys.executable, "-m", "goodwill", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert out.returncode == 2 and "has no users" in out.stderr
    assert "goodwill user add" in out.stderr and "Traceback" not in out.stderr


def test_serve_refuses_a_bad_strategy_file(own_db: Path, tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src"), "GOODWILL_LANG": "en"}
    bad = tmp_path / "strategy.toml"
    bad.write_text('segments = "food"\n', encoding="utf-8")
    for strategy, says in ((bad, "'segments' must be a list of names"),
                           (tmp_path / "none.toml", "does not exist")):  # fmt: skip
        args = ["serve", "--db", str(own_db), "--port", str(free_port()), "--strategy"]
        out = subprocess.run(
            [sys.executable, "-m", "goodwill", *args, str(strategy)],
            capture_output=True,
            text=True,
            env=env,
            timeout=60,
        )
        assert out.returncode == 2 and says in out.stderr, out.stderr
        assert len(out.stderr.strip().splitlines()) == 1 and "Traceback" not in out.stderr
        assert "Serving" not in out.stdout  # refused before anything listens


def test_serve_qualifies_against_its_strategy_file(own_db: Path, tmp_path: Path) -> None:
    strategy = tmp_path / "strategy.toml"
    strategy.write_text("new_accounts_per_quarter = 1\n", encoding="utf-8")
    port = free_port()
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src"), "GOODWILL_LANG": "en"}
    args = ["serve", "--db", str(own_db), "--port", str(port), "--strategy", str(strategy)]
    proc = subprocess.Popen(
        [sys.executable, "-m", "goodwill", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/qualify", timeout=30) as r:
                    page = r.read().decode()
                break
            except OSError:
                assert proc.poll() is None, proc.communicate()[1]
                assert time.monotonic() < deadline, "the server did not start"
                time.sleep(0.3)
    finally:
        proc.terminate()
        proc.communicate(timeout=30)
    assert 'data-profile="strategy.toml"' in page
    assert 'id="count-pursue" data-count="1"' in page
