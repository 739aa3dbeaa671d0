"""Every table keeps the data contract: columns, keys, references, date order, formats."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import duckdb
import pytest

from goodwill.store.schema import ENUMS, TABLES
from tests.simulate.sim_helpers import END

DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
STAMP = re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$")
MONEY = re.compile(r"^-?\d+\.\d{2}$")
#: columns written as timestamps (response times in hours need them)
TIMESTAMPS = {
    ("orders", "ordered_on"),
    ("orders", "confirmed_on"),
    ("interactions", "occurred_on"),
    ("complaints", "opened_on"),
    ("complaints", "first_response_on"),
    ("complaints", "resolved_on"),
}
#: planned dates, known when set, may lie after the end
PLANNED = {("orders", "promised_on"), ("invoices", "due_on"), ("promises", "due_on")}


def one(db: duckdb.DuckDBPyConnection, sql: str) -> object:
    row = db.execute(sql).fetchone()
    assert row is not None
    return row[0]


@pytest.mark.parametrize("name", list(TABLES))
def test_header_and_formats(world_dir: Path, name: str) -> None:
    with (world_dir / f"{name}.csv").open(encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    header, body = rows[0], rows[1:]
    table = TABLES[name]
    assert tuple(header) == table.column_names
    assert body, f"{name} is empty"
    for col_no, col in enumerate(table.columns):
        values = [r[col_no] for r in body if r[col_no] != ""]
        if col.required:
            assert len(values) == len(body), f"{name}.{col.name} has empty values"
        if col.type == "timestamp":
            pattern = STAMP if (name, col.name) in TIMESTAMPS else DATE
            assert all(pattern.match(v) for v in values), f"{name}.{col.name}"
            if (name, col.name) not in PLANNED:
                assert all(v[:10] <= END.isoformat() for v in values), f"{name}.{col.name}"
        elif col.type == "money":
            assert all(MONEY.match(v) for v in values), f"{name}.{col.name}"
        elif col.type == "boolean":
            assert set(values) <= {"true", "false"}
        elif col.type == "enum":
            assert col.enum is not None
            assert set(values) <= set(ENUMS[col.enum]), f"{name}.{col.name}"
        elif col.type in ("integer", "number"):
            assert all(re.match(r"^-?\d+(\.\d+)?$", v) for v in values), f"{name}.{col.name}"
        if col.non_negative:
            assert all(not v.startswith("-") for v in values), f"{name}.{col.name} < 0"


@pytest.mark.parametrize("name", list(TABLES))
def test_keys_unique(db: duckdb.DuckDBPyConnection, name: str) -> None:
    key = TABLES[name].key
    assert one(db, f"SELECT count(*) - count(DISTINCT {key}) FROM {name}") == 0


@pytest.mark.parametrize("name", list(TABLES))
def test_references_exist(db: duckdb.DuckDBPyConnection, name: str) -> None:
    for ref in TABLES[name].references:
        target = TABLES[ref.table].key
        missing = one(
            db,
            f"SELECT count(*) FROM {name} t WHERE t.{ref.column} IS NOT NULL AND NOT EXISTS "
            f"(SELECT 1 FROM {ref.table} r WHERE r.{target} = t.{ref.column})",
        )
        assert missing == 0, f"{name}.{ref.column}"
        if ref.same_account:
            other = one(
                db,
                f"SELECT count(*) FROM {name} t JOIN {ref.table} r ON r.{target} = t.{ref.column} "
                "WHERE r.account_id <> t.account_id",
            )
            assert other == 0


DATE_RULES = [(name, early, late) for name, t in TABLES.items() for early, late in t.date_order] + [
    ("invoices", "issued_on", "paid_on"),
    ("promises", "made_on", "due_on"),
    ("complaints", "first_response_on", "resolved_on"),
]


@pytest.mark.parametrize(("name", "early", "late"), DATE_RULES)
def test_dates_in_order(db: duckdb.DuckDBPyConnection, name: str, early: str, late: str) -> None:
    wrong = one(
        db,
        f"SELECT count(*) FROM {name} WHERE {late} IS NOT NULL AND "
        f"CAST({late} AS TIMESTAMP) < CAST({early} AS TIMESTAMP)",
    )
    assert wrong == 0


def test_amounts(db: duckdb.DuckDBPyConnection) -> None:
    negative = one(db, "SELECT count(*) FROM orders WHERE CAST(amount AS DOUBLE) < 0")
    total = one(db, "SELECT count(*) FROM orders")
    assert isinstance(negative, int) and isinstance(total, int)
    assert 0 < negative < 0.03 * total  # returns only, and rare
    not_returns = one(
        db,
        "SELECT count(*) FROM orders WHERE CAST(amount AS DOUBLE) < 0 "
        "AND CAST(quantity AS DOUBLE) >= 0",
    )
    assert not_returns == 0
    assert (
        one(
            db,
            "SELECT count(*) FROM orders WHERE CAST(delivered_quantity AS DOUBLE) > "
            "CAST(quantity AS DOUBLE) AND CAST(quantity AS DOUBLE) > 0",
        )
        == 0
    )


def test_accounts_look_believable(db: duckdb.DuckDBPyConnection) -> None:
    kinds = dict(db.execute("SELECT kind, count(*) FROM accounts GROUP BY 1").fetchall())
    assert set(kinds) == {"customer", "prospect", "supplier"}
    assert set(r[0] for r in db.execute("SELECT DISTINCT country FROM accounts").fetchall()) == {
        "NL",
        "BE",
    }
    assert one(db, "SELECT count(DISTINCT owner) FROM accounts WHERE kind <> 'supplier'") in range(
        6, 13
    )
    assert one(db, "SELECT count(*) FROM accounts WHERE parent_id IS NOT NULL") > 0
    terms = {
        r[0] for r in db.execute("SELECT DISTINCT payment_terms_days FROM accounts").fetchall()
    }
    assert terms <= {"14", "30", "60"}
    biggest = one(db, "SELECT max(CAST(employees AS INTEGER)) FROM accounts")
    median = one(db, "SELECT median(CAST(employees AS INTEGER)) FROM accounts")
    assert isinstance(biggest, int) and isinstance(median, float | int)
    assert biggest > 20 * median  # heavy tail


def test_unknown_facts_are_empty(db: duckdb.DuckDBPyConnection) -> None:
    # some invoices, complaints, promises and quotes are still open at the end
    assert one(db, "SELECT count(*) FROM invoices WHERE paid_on IS NULL") > 0
    assert one(db, "SELECT count(*) FROM quotes WHERE status = 'open' AND decided_on IS NULL") > 0
    assert (
        one(db, "SELECT count(*) FROM quotes WHERE status = 'open' AND decided_on IS NOT NULL") == 0
    )
    assert (
        one(db, "SELECT count(*) FROM invoices WHERE paid_on IS NULL AND paid_amount IS NOT NULL")
        == 0
    )


def test_supplier_side(db: duckdb.DuckDBPyConnection) -> None:
    tests = one(
        db,
        "SELECT count(*) FROM orders o JOIN accounts a USING (account_id) "
        "WHERE o.is_test = 'true' AND a.kind = 'supplier'",
    )
    customer_tests = one(
        db,
        "SELECT count(*) FROM orders o JOIN accounts a USING (account_id) "
        "WHERE o.is_test = 'true' AND a.kind <> 'supplier'",
    )
    assert tests > 0 and customer_tests == 0
    assert one(db, "SELECT count(*) FROM quotes WHERE status = 'declined'") > 0
    assert one(db, "SELECT count(DISTINCT request_id) FROM quotes") > 0


DATED = [
    ("contacts", "started_on"),
    ("orders", "ordered_on"),
    ("invoices", "issued_on"),
    ("interactions", "occurred_on"),
    ("complaints", "opened_on"),
    ("promises", "made_on"),
    ("quotes", "issued_on"),
]


@pytest.mark.parametrize(("name", "column"), DATED)
def test_nothing_before_the_account_exists(
    db: duckdb.DuckDBPyConnection, name: str, column: str
) -> None:
    early = one(
        db,
        f"SELECT count(*) FROM {name} t JOIN accounts a USING (account_id) "
        f"WHERE CAST(t.{column} AS TIMESTAMP) < CAST(a.created_on AS DATE)",
    )
    assert early == 0


def test_invoices_bill_the_month_of_orders(db: duckdb.DuckDBPyConnection) -> None:
    """One invoice per account and month, dated the 1st, for last month's order lines."""
    wrong = one(
        db,
        """
        WITH o AS (
          SELECT account_id, date_trunc('month', CAST(ordered_on AS TIMESTAMP)) + INTERVAL 1 MONTH
                 AS billed, sum(CAST(amount AS DECIMAL(18, 2))) AS total
          FROM orders GROUP BY ALL),
        i AS (SELECT account_id, CAST(issued_on AS DATE) AS billed,
                     CAST(amount AS DECIMAL(18, 2)) AS total FROM invoices)
        SELECT count(*) FROM i FULL JOIN o USING (account_id, billed)
        WHERE billed <= (SELECT max(CAST(issued_on AS DATE)) FROM invoices)
          AND (abs(coalesce(i.total, 0) - coalesce(o.total, 0)) > 0.011)
        """,
    )
    assert wrong == 0
    assert one(db, "SELECT count(*) - count(DISTINCT (account_id, issued_on)) FROM invoices") == 0
