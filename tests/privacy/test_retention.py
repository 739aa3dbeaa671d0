"""Retention removes only what is older than the settings keep, and says which imports
can no longer be undone."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from goodwill.errors import UndoError
from goodwill.privacy.retention import apply_retention
from goodwill.settings import Settings
from goodwill.store import Store
from tests.conftest import ACCOUNTS_CSV, write
from tests.privacy.conftest import Cli

NOW = dt.datetime(2026, 6, 1, 12, 0)


def _store_with_history(tmp_path: Path) -> tuple[Path, list[int]]:
    """Accounts imported three times (two changes each: two generations of history), the
    first change made long ago; access-log lines old and new."""
    db = tmp_path / "s.duckdb"
    ids: list[int] = []
    with Store.open(db) as store:
        for i in range(3):
            text = ACCOUNTS_CSV
            for segment in ("food", "bouw", "industrie"):  # every row changes every time
                text = text.replace(f",{segment}\n", f",{segment}{i}\n")
            report = store.import_file("accounts", write(tmp_path / f"a{i}.csv", text))
            assert report.import_id is not None
            ids.append(report.import_id)
        con = store.con
        con.execute(
            "UPDATE accounts_history SET _changed_at = ? WHERE _replaced_by = ?",
            [NOW - dt.timedelta(days=1000), ids[1]],
        )
        con.execute(
            "UPDATE accounts_history SET _changed_at = ? WHERE _replaced_by = ?",
            [NOW - dt.timedelta(days=10), ids[2]],
        )
        con.execute(
            "INSERT INTO access_log VALUES (?, 'anna', 'A1', 'page'), (?, 'anna', 'A2', 'page')",
            [NOW - dt.timedelta(days=400), NOW - dt.timedelta(days=3)],
        )
    return db, ids


def test_retention_removes_only_old_rows_and_marks_imports_final(tmp_path: Path) -> None:
    db, ids = _store_with_history(tmp_path)
    settings = Settings.load()
    with Store.open(db) as store:
        history = store.con.execute("SELECT count(*) FROM accounts_history").fetchone()
        dry = apply_retention(store, settings, dry_run=True, now=NOW)
        assert dry.history_rows == {"accounts_history": 3} and dry.access_log_rows == 1
        assert store.con.execute("SELECT count(*) FROM accounts_history").fetchone() == history

        done = apply_retention(store, settings, now=NOW)
        assert done.history_rows == {"accounts_history": 3} and done.access_log_rows == 1
        assert done.final_imports == (ids[1],)
        left = store.con.execute("SELECT DISTINCT _replaced_by FROM accounts_history").fetchall()
        assert left == [(ids[2],)]
        assert store.con.execute("SELECT account_id FROM access_log").fetchall() == [("A2",)]
        status = dict(
            store.con.execute("SELECT import_id, status FROM goodwill_imports").fetchall()
        )
        assert status == {ids[0]: "done", ids[1]: "final", ids[2]: "done"}
        # the newest import still undoes (its replaced rows are kept) ...
        assert store.undo(ids[2]).restored == 3
        # ... the one whose replaced rows are gone is refused, and nothing changes
        before = store.table("accounts")
        with pytest.raises(UndoError, match="can no longer be undone"):
            store.undo(ids[1])
        assert store.table("accounts").equals(before)


def test_retention_zero_keeps_everything(tmp_path: Path) -> None:
    db, _ = _store_with_history(tmp_path)
    (tmp_path / "goodwill.toml").write_text(
        "[privacy]\nhistory_retention_days = 0\naccess_log_retention_days = 0\n"
    )
    with Store.open(db) as store:
        report = apply_retention(store, Settings.for_store(db), now=NOW)
    assert report.rows == 0 and report.history_before is None


def test_the_retention_command(tmp_path: Path, cli: Cli) -> None:
    db, ids = _store_with_history(tmp_path)
    code, out, err = cli("retention", "--db", str(db), "--dry-run", lang="nl")
    assert code == 0, err
    assert "Proefdraaien" in out and "accounts_history" in out and f"#{ids[1]}" in out
    code, out, err = cli("retention", "--db", str(db))
    assert code == 0 and f"#{ids[1]}" in out
    code, out, err = cli("imports", "--db", str(db))
    assert code == 0 and "final" in out
    code, out, err = cli("imports", "undo", str(ids[1]), "--db", str(db))
    assert code == 2 and "retention" in err
