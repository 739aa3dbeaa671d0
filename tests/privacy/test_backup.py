"""Backup and restore: directly on a store no one holds, and through a real running
`goodwill serve` that holds it; bad input refused with one line and nothing changed."""

from __future__ import annotations

import hashlib
import json
import os
import stat
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import duckdb

from goodwill.store.backup import inspect
from goodwill.web.control import serve_file
from tests.privacy.conftest import Cli

ROOT = Path(__file__).resolve().parents[2]
ACCOUNT = "K100001"


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _change(db: Path, name: str) -> None:
    """Rename an account and drop some contacts, so a restore has something to undo."""
    con = duckdb.connect(str(db))
    try:
        con.execute("UPDATE accounts SET name = ? WHERE account_id = ?", [name, ACCOUNT])
        con.execute(
            "DELETE FROM contacts WHERE contact_id IN "
            "(SELECT contact_id FROM contacts ORDER BY 1 LIMIT 10)"
        )
    finally:
        con.close()


def test_backup_and_restore_round_trip(own_db: Path, tmp_path: Path, cli: Cli) -> None:
    version, counts = inspect(own_db)
    target = tmp_path / "backup.duckdb"
    code, out, err = cli("backup", "--db", str(own_db), "--to", str(target))
    assert code == 0, err
    assert "checked" in out
    assert inspect(target) == (version, counts)

    _change(own_db, "Changed after the backup")
    changed = inspect(own_db)[1]
    assert changed["contacts"] == counts["contacts"] - 10
    code, out, err = cli("restore", "--db", str(own_db), "--from", str(target), lang="nl")
    assert code == 0, err
    assert "hersteld" in out
    assert inspect(own_db) == (version, counts)
    before = sorted(tmp_path.glob("own.duckdb.before-restore-*"))
    assert len(before) == 1 and inspect(before[0])[1] == changed  # nothing is lost


def test_bad_input_is_refused_in_one_line_and_changes_nothing(
    own_db: Path, tmp_path: Path, world_dir: Path, cli: Cli
) -> None:
    digest = _digest(own_db)
    existing = tmp_path / "existing.duckdb"
    existing.write_bytes(b"keep me")
    cases = [
        (("backup", "--db", str(own_db), "--to", str(existing)), "exists already"),
        (("backup", "--db", str(own_db), "--to", str(tmp_path / "no" / "b.duckdb")), "folder"),
        (("restore", "--db", str(own_db), "--from", str(world_dir / "orders.csv")), "not a"),
        (("restore", "--db", str(own_db), "--from", str(tmp_path / "none.duckdb")), "no file"),
        (("restore", "--db", str(own_db), "--from", str(own_db)), "the store itself"),
    ]
    foreign = tmp_path / "foreign.duckdb"
    duckdb.connect(str(foreign)).close()
    cases.append((("restore", "--db", str(own_db), "--from", str(foreign)), "not a goodwill"))
    for args, needle in cases:
        code, out, err = cli(*args)
        assert code == 2, (args, out, err)
        assert needle in err and len(err.strip().splitlines()) == 1, err
        assert "Traceback" not in err
    assert existing.read_bytes() == b"keep me"
    assert _digest(own_db) == digest
    assert not list(tmp_path.glob("*before-restore*")) and not list(tmp_path.glob(".*partial"))


def _goodwill(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src"), "GOODWILL_LANG": "en", "COLUMNS": "200"}
    return subprocess.run(
        [sys.executable, "-m", "goodwill", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=180,
    )


def _get(url: str) -> str:
    with urllib.request.urlopen(url, timeout=30) as response:
        return str(response.read().decode())


def test_backup_and_restore_through_a_running_server(own_db: Path, tmp_path: Path) -> None:
    from tests.web.test_serve import free_port

    version, counts = inspect(own_db)
    other = tmp_path / "other.duckdb"  # the store to restore: the same with a change
    other.write_bytes(own_db.read_bytes())
    _change(other, "Restored While Serving")
    port = free_port()
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src"), "GOODWILL_LANG": "en"}
    server = subprocess.Popen(
        [sys.executable, "-m", "goodwill", "serve", "--db", str(own_db), "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                _get(f"{base}/health")
                break
            except OSError:
                assert server.poll() is None, server.communicate()[1]
                assert time.monotonic() < deadline, "the server did not start"
                time.sleep(0.3)
        side = serve_file(own_db)
        assert stat.S_IMODE(side.stat().st_mode) == 0o600
        assert json.loads(side.read_text())["url"] == base

        target = tmp_path / "served-backup.duckdb"
        made = _goodwill("backup", "--db", str(own_db), "--to", str(target))
        assert made.returncode == 0, made.stderr
        assert "running server" in made.stdout
        assert inspect(target) == (version, counts)
        again = _goodwill("backup", "--db", str(own_db), "--to", str(target))
        assert again.returncode == 2 and "exists already" in again.stderr
        assert "Traceback" not in again.stderr

        assert "Restored While Serving" not in _get(f"{base}/accounts/{ACCOUNT}")
        restored = _goodwill("restore", "--db", str(own_db), "--from", str(other))
        assert restored.returncode == 0, restored.stderr
        assert "running server" in restored.stdout
        health = json.loads(_get(f"{base}/health"))
        assert health["status"] == "ok" and health["schema_version"] == version
        assert "Restored While Serving" in _get(f"{base}/accounts/{ACCOUNT}")
        bad = _goodwill("restore", "--db", str(own_db), "--from", str(tmp_path / "nope.duckdb"))
        assert bad.returncode == 2 and "no file" in bad.stderr
        assert json.loads(_get(f"{base}/health"))["status"] == "ok"
    finally:
        server.terminate()
        _out, err = server.communicate(timeout=30)
    assert "Traceback" not in err, err
    assert not serve_file(own_db).exists()  # removed when the server stopped
    after = inspect(own_db)[1]
    assert after["contacts"] == counts["contacts"] - 10
    con = duckdb.connect(str(own_db), read_only=True)
    try:
        name = con.execute("SELECT name FROM accounts WHERE account_id = ?", [ACCOUNT]).fetchone()
    finally:
        con.close()
    assert name == ("Restored While Serving",)
    before = sorted(tmp_path.glob("own.duckdb.before-restore-*"))
    assert len(before) == 1
    kept = inspect(before[0])[1]
    # as it was, with the one view of the account page before the restore in its log
    assert kept == {**counts, "access_log": counts["access_log"] + 1}
