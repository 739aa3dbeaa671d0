"""Opening stores: new, existing, foreign, newer, locked, and upgraded in place."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from goodwill.errors import NotAStoreError, StoreError, StoreLockedError, StoreVersionError
from goodwill.store import Store, migrations
from goodwill.store.ddl import META_TABLE


def test_new_store_has_the_eight_tables(tmp_path: Path) -> None:
    with Store.open(tmp_path / "s.duckdb") as store:
        assert store.counts() == {
            "accounts": 0,
            "contacts": 0,
            "orders": 0,
            "invoices": 0,
            "interactions": 0,
            "complaints": 0,
            "promises": 0,
            "quotes": 0,
        }
        assert store.schema_version == migrations.SCHEMA_VERSION
    with Store.open(tmp_path / "s.duckdb", create=False) as again:
        assert again.count("orders") == 0


def test_missing_store_when_not_creating(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="there is no store"):
        Store.open(tmp_path / "none.duckdb", create=False)
    assert not (tmp_path / "none.duckdb").exists()


def test_folder_that_does_not_exist(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="does not exist"):
        Store.open(tmp_path / "no" / "such" / "s.duckdb")


def test_a_file_that_is_not_duckdb(tmp_path: Path) -> None:
    path = tmp_path / "notes.duckdb"
    path.write_text("these are my notes, not a database\n" * 200)
    with pytest.raises(NotAStoreError, match="not a DuckDB database"):
        Store.open(path)
    assert path.read_text().startswith("these are my notes")


def test_a_duckdb_file_that_is_not_a_goodwill_store(tmp_path: Path) -> None:
    path = tmp_path / "other.duckdb"
    con = duckdb.connect(str(path))
    con.execute("CREATE TABLE x AS SELECT 1 AS a")
    con.close()
    with pytest.raises(NotAStoreError, match="not a goodwill store"):
        Store.open(path)


def test_a_store_of_a_newer_version_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "s.duckdb"
    Store.open(path).close()
    con = duckdb.connect(str(path))
    con.execute(f"UPDATE {META_TABLE} SET value = '99' WHERE key = 'schema_version'")
    con.close()
    with pytest.raises(StoreVersionError, match="newer goodwill"):
        Store.open(path)


def test_an_older_store_is_upgraded_in_place(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "s.duckdb"
    Store.open(path).close()
    step_ran: list[int] = []

    def add_notes(con: duckdb.DuckDBPyConnection) -> None:
        step_ran.append(1)
        con.execute("ALTER TABLE accounts ADD COLUMN note VARCHAR")

    current = migrations.SCHEMA_VERSION
    monkeypatch.setattr(migrations, "SCHEMA_VERSION", current + 1)
    monkeypatch.setitem(migrations.MIGRATIONS, current, add_notes)
    with Store.open(path) as store:
        assert store.schema_version == current + 1
        cols = [r[0] for r in store.con.execute("DESCRIBE accounts").fetchall()]
        assert "note" in cols
    with Store.open(path) as store:  # already upgraded: the step does not run again
        pass
    assert step_ran == [1]


def test_a_lock_held_by_another_process(tmp_path: Path) -> None:
    path = tmp_path / "s.duckdb"
    Store.open(path).close()
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time, duckdb; c = duckdb.connect(sys.argv[1]); "
            "print('ready', flush=True); time.sleep(60)",
            str(path),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "ready"
        with pytest.raises(StoreLockedError) as info:
            Store.open(path)
        assert f"process {holder.pid}" in str(info.value)
        assert "Stop that process" in str(info.value)
    finally:
        holder.kill()
        holder.wait()
    time.sleep(0.1)
    Store.open(path).close()


def test_a_first_version_store_opens_with_its_data(tmp_path: Path) -> None:
    """tests/fixtures/store-v1.duckdb was written by goodwill 0.1 (store version 1):
    two accounts, two orders, three imports. Opening a copy upgrades it to the current
    version (version 2 adds the health snapshots) and keeps every row and the log."""
    import shutil

    path = tmp_path / "old.duckdb"
    shutil.copy(Path(__file__).parents[1] / "fixtures" / "store-v1.duckdb", path)
    with Store.open(path) as store:
        assert store.schema_version == migrations.SCHEMA_VERSION
        assert store.counts()["accounts"] == 2 and store.counts()["orders"] == 2
        assert store.con.execute("SELECT sum(amount) FROM orders").fetchone() == (120.5,)
        assert list(store.imports().import_id) == [3, 2, 1]
        tables = {r[0] for r in store.con.execute("SHOW TABLES").fetchall()}
        assert {"health_snapshots", "snapshot_runs"} <= tables
        # an account page's lookups: accounts, snapshots and the few-a-key facts indexed
        found = store.con.execute("SELECT index_name FROM duckdb_indexes()").fetchall()
        indexed = {r[0] for r in found}
        few = set(migrations.ACCOUNT_INDEXED) - set(migrations.ACCOUNT_CLUSTERED)
        assert indexed == {f"{t}_{c}" for t, c in migrations.LOOKUP_INDEXED} | {
            f"{t}_account_id" for t in few
        }
    con = duckdb.connect(str(path))
    version = con.execute(f"SELECT value FROM {META_TABLE} WHERE key = 'schema_version'").fetchone()
    con.close()
    assert version == (str(migrations.SCHEMA_VERSION),)


def test_library_calls_follow_each_other_on_one_connection(tmp_path: Path) -> None:
    """A single-row fetch leaves a DuckDB result open; the next call must still work
    (DuckDB 2 refuses con.sql() while a result from execute() is unfinished)."""
    from goodwill.features import rfm_summary

    folder = tmp_path / "data"
    folder.mkdir()
    (folder / "accounts.csv").write_text("account_id,name\nA,Alfa\nB,Beta\n")
    (folder / "orders.csv").write_text(
        "order_id,account_id,ordered_on,amount\n1,A,2024-01-01,5\n2,A,2024-02-01,7\n"
        "3,B,2024-01-15,3\n"
    )
    with Store.open(tmp_path / "s.duckdb") as store:
        store.import_dir(folder)
        assert store.count("orders") == 3
        summary = rfm_summary(store)
        assert store.order_span()[1].isoformat() == "2024-02-01"
        summary_again = rfm_summary(store)
    assert summary.loc["A", "frequency"] == 1 and summary.equals(summary_again)


def test_clustering_a_table_keeps_its_rows_and_definition(tmp_path: Path) -> None:
    """The upgrade to version 8 rewrites the fact tables in the order of the account."""
    with Store.open(tmp_path / "s.duckdb") as store:
        con = store.con
        con.execute(
            "INSERT INTO orders (order_id, account_id, amount) VALUES "
            "('O1', 'B', 1), ('O2', 'A', 2), ('O3', 'C', 3), ('O4', 'A', 4)"
        )
        ddl = con.execute("SELECT sql FROM duckdb_tables() WHERE table_name = 'orders'").fetchone()
        migrations.cluster(con, "orders")
        rows = con.execute("SELECT order_id, account_id FROM orders ORDER BY rowid").fetchall()
        assert [a for _, a in rows] == ["A", "A", "B", "C"]
        assert sorted(rows) == [("O1", "B"), ("O2", "A"), ("O3", "C"), ("O4", "A")]
        after = con.execute("SELECT sql FROM duckdb_tables() WHERE table_name = 'orders'")
        assert after.fetchone() == ddl
