"""Re-imports, upserts with history, and undo."""

from __future__ import annotations

from pathlib import Path

import pytest

from goodwill.errors import UndoError
from goodwill.store import Store
from tests.conftest import snapshot, write

HEADER = "order_id;account_id;ordered_on;amount\n"


def _orders(store: Store) -> list[tuple[object, ...]]:
    return store.con.execute("SELECT order_id, amount FROM orders ORDER BY 1").fetchall()


def test_reimporting_the_same_file_changes_nothing(loaded: Store, tmp_path: Path) -> None:
    path = write(tmp_path / "o.csv", HEADER + "O1;A1;01-01-2024;5\nO2;A2;02-01-2024;6\n")
    first = loaded.import_file("orders", path)
    rows = snapshot(loaded)["orders"]
    again = loaded.import_file("orders", path)
    assert (first.inserted, again.inserted, again.updated, again.unchanged) == (2, 0, 0, 2)
    assert snapshot(loaded)["orders"] == rows
    assert loaded.con.execute("SELECT count(*) FROM orders_history").fetchone() == (0,)


def test_a_changed_row_replaces_the_old_one_which_goes_to_history(
    loaded: Store, tmp_path: Path
) -> None:
    loaded.import_file("orders", write(tmp_path / "a.csv", HEADER + "O1;A1;01-01-2024;5\n"))
    report = loaded.import_file(
        "orders", write(tmp_path / "b.csv", HEADER + "O1;A1;01-01-2024;7,5\nO2;A1;03-01-2024;1\n")
    )
    assert (report.inserted, report.updated, report.unchanged) == (1, 1, 0)
    assert _orders(loaded) == [("O1", 7.5), ("O2", 1.0)]
    history = loaded.con.execute(
        "SELECT order_id, amount, _replaced_by, _change FROM orders_history"
    ).fetchall()
    assert history == [("O1", 5.0, report.import_id, "replaced")]


def test_undo_restores_the_replaced_rows_and_keeps_the_undone_ones(
    loaded: Store, tmp_path: Path
) -> None:
    loaded.import_file("orders", write(tmp_path / "a.csv", HEADER + "O1;A1;01-01-2024;5\n"))
    before = _orders(loaded)
    second = loaded.import_file(
        "orders", write(tmp_path / "b.csv", HEADER + "O1;A1;01-01-2024;9\nO2;A1;03-01-2024;1\n")
    )
    assert second.import_id is not None
    result = loaded.undo(second.import_id)
    assert (result.removed, result.restored) == (2, 1)
    assert _orders(loaded) == before
    kept = loaded.con.execute(
        "SELECT order_id, amount, _change FROM orders_history ORDER BY 1"
    ).fetchall()
    assert kept == [("O1", 9.0, "undone"), ("O2", 1.0, "undone")]
    log = loaded.imports()
    assert log.loc[log.import_id == second.import_id, "status"].item() == "undone"
    with pytest.raises(UndoError, match="undone already"):
        loaded.undo(second.import_id)


def test_undo_refused_while_a_later_import_builds_on_it(loaded: Store, tmp_path: Path) -> None:
    first = loaded.import_file("orders", write(tmp_path / "a.csv", HEADER + "O1;A1;01-01-2024;5\n"))
    second = loaded.import_file(
        "orders", write(tmp_path / "b.csv", HEADER + "O1;A1;01-01-2024;6\n")
    )
    assert first.import_id is not None and second.import_id is not None
    before = snapshot(loaded)
    with pytest.raises(UndoError, match=f"#{second.import_id}"):
        loaded.undo(first.import_id)
    assert snapshot(loaded) == before
    loaded.undo(second.import_id)
    loaded.undo(first.import_id)
    assert loaded.count("orders") == 0


def test_undo_refused_when_it_would_orphan_rows(loaded: Store, tmp_path: Path) -> None:
    accounts = loaded.import_file(
        "accounts", write(tmp_path / "acc.csv", "account_id;name\nA7;Zeven\n")
    )
    loaded.import_file("orders", write(tmp_path / "o.csv", HEADER + "O1;A7;01-01-2024;5\n"))
    assert accounts.import_id is not None
    before = snapshot(loaded)
    with pytest.raises(UndoError, match="refer to accounts"):
        loaded.undo(accounts.import_id)
    assert snapshot(loaded) == before


def test_unknown_import(loaded: Store) -> None:
    with pytest.raises(UndoError, match="no import #99"):
        loaded.undo(99)


def test_import_log_records_counts_and_hash(loaded: Store, tmp_path: Path) -> None:
    path = write(tmp_path / "o.csv", HEADER + "O1;A1;01-01-2024;5\n")
    loaded.import_file("orders", path)
    log = loaded.imports().iloc[0]
    import hashlib

    assert log.table_name == "orders" and log.file_name == "o.csv"
    assert log.content_hash == hashlib.sha256(path.read_bytes()).hexdigest()
    assert (log.rows_in_file, log.inserted, log.updated, log.unchanged) == (1, 1, 0, 0)


def test_an_import_writes_its_rows_in_the_order_of_the_account(
    loaded: Store, tmp_path: Path
) -> None:
    """Store version 8 keeps one account's facts together (a lookup skips the rest):
    rows arrive in time order, interleaved, and are stored grouped by account."""

    def stored() -> list[str]:
        rows = loaded.con.execute("SELECT account_id FROM orders ORDER BY rowid").fetchall()
        return [r[0] for r in rows]

    lines = [f"O{i};{('A2', 'A1')[i % 2]};{1 + i:02d}-01-2024;{i}\n" for i in range(8)]
    loaded.import_file("orders", write(tmp_path / "a.csv", HEADER + "".join(lines)))
    assert stored() == ["A1"] * 4 + ["A2"] * 4
    # a second import (new rows and a changed one) appends its rows grouped in turn
    more = "O0;A2;01-01-2024;99\nO8;A2;09-01-2024;1\nO9;A1;10-01-2024;1\n"
    loaded.import_file("orders", write(tmp_path / "b.csv", HEADER + more))
    assert stored()[7:] == ["A1", "A2", "A2"]
