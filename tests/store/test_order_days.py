"""The order days kept in the store agree with the orders after every import and undo."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from goodwill.settings import Settings
from goodwill.signals.facts import account_facts
from goodwill.store import Store
from goodwill.store.order_days import ORDER_DAYS_TABLE, ensure_order_days

FRESH = """
    SELECT account_id, CAST(ordered_on AS DATE) AS d, sum(amount) AS amount,
           max(amount) >= 0 AS purchase
    FROM orders WHERE NOT coalesce(is_test, false) GROUP BY ALL
"""
KEPT = f"SELECT account_id, d, CAST(amount AS DOUBLE), purchase FROM {ORDER_DAYS_TABLE}"


def _same(store: Store) -> bool:
    diff = store.con.execute(f"({FRESH} EXCEPT {KEPT}) UNION ALL ({KEPT} EXCEPT {FRESH})")
    return not diff.fetchall()


def _orders(folder: Path, name: str, rows: list[str]) -> Path:
    path = folder / name
    path.write_text(
        "order_id,account_id,ordered_on,amount,margin,is_test\n" + "\n".join(rows) + "\n",
        encoding="utf-8",
    )
    return path


@pytest.fixture
def store(tmp_path: Path) -> Store:
    (tmp_path / "accounts.csv").write_text("account_id,name\nA,Een\nB,Twee\n", encoding="utf-8")
    s = Store.open(tmp_path / "s.duckdb")
    s.import_file("accounts", tmp_path / "accounts.csv")
    return s


def test_kept_through_import_update_and_undo(store: Store, tmp_path: Path) -> None:
    first = _orders(tmp_path, "o1.csv", ["1,A,2024-01-02,100,30,false",
                                         "2,A,2024-01-02,-20,,false",   # same day, a return
                                         "3,B,2024-01-05,-10,,false",   # returns only
                                         "4,B,2024-01-06,999,,true"])  # a test order  # fmt: skip
    store.import_file("orders", first)
    assert _same(store)
    rows = store.con.execute(
        f"SELECT account_id, d, amount, margin_recorded, amount_without_margin, purchase "
        f"FROM {ORDER_DAYS_TABLE} ORDER BY 1, 2"
    ).fetchall()
    assert [(r[0], r[1], float(r[2]), float(r[3]), float(r[4]), r[5]) for r in rows] == [
        ("A", dt.date(2024, 1, 2), 80.0, 30.0, -20.0, True),
        ("B", dt.date(2024, 1, 5), -10.0, 0.0, -10.0, False),
    ]
    # an update moves an order to another day and account
    second = _orders(tmp_path, "o2.csv", ["1,B,2024-01-09,100,30,false"])
    report = store.import_file("orders", second)
    assert _same(store)
    assert report.import_id is not None
    store.undo(report.import_id)
    assert _same(store)
    # a dry run leaves everything as it was
    store.import_file("orders", second, dry_run=True)
    assert _same(store)


def test_rebuilt_when_the_orders_were_written_another_way(store: Store, tmp_path: Path) -> None:
    store.import_file("orders", _orders(tmp_path, "o.csv", ["1,A,2024-01-02,100,30,false"]))
    store.con.execute(
        "INSERT INTO orders (order_id, account_id, ordered_on, amount) "
        "VALUES ('9', 'B', TIMESTAMP '2024-02-01', 50)"
    )
    assert not _same(store)
    ensure_order_days(store.con)
    assert _same(store)


def test_default_margin_rate_is_a_scoring_setting(store: Store, tmp_path: Path) -> None:
    """Lines without a margin get the default rate of the settings used to score."""
    rows = [f"{i},A,2024-0{1 + i % 6}-1{i % 9},100,{'' if i % 2 else 40},false" for i in range(12)]
    store.import_file("orders", _orders(tmp_path, "o.csv", rows))
    as_of = dt.date(2024, 12, 31)
    settings = Settings.load()
    low = account_facts(store.con, as_of, settings).accounts.loc["A", "margin_12m"]
    data = dict(settings.data)
    data["value"] = {**data["value"], "default_margin_rate": 0.5}
    high = account_facts(store.con, as_of, Settings(data, "test")).accounts.loc["A", "margin_12m"]
    rate = float(settings["value"]["default_margin_rate"])
    assert low == pytest.approx(6 * 40 + 6 * 100 * rate)
    assert high == pytest.approx(6 * 40 + 6 * 100 * 0.5)
