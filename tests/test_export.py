"""Export: Dutch and English CSV, Parquet and XLSX, safe against spreadsheet formulas."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest
from python_calamine import CalamineWorkbook

from goodwill.errors import ExportError
from goodwill.store import Store
from tests.conftest import snapshot, write

ORDERS = (
    "order_id;account_id;ordered_on;amount;margin;category;is_test;confirmed_on\n"
    'O1;A1;31-01-2024;1.234,56;100,5;=HYPERLINK("x");ja;31-01-2024 14:30\n'
    "O2;A2;01-02-2024;-12,5;;+31 20 123;nee;\n"
)


@pytest.fixture
def with_orders(loaded: Store, tmp_path: Path) -> Store:
    loaded.import_file("orders", write(tmp_path / "orders.csv", ORDERS))
    return loaded


def test_dutch_csv(with_orders: Store, tmp_path: Path) -> None:
    target = tmp_path / "out.csv"
    assert with_orders.export("orders", target, convention="nl") == 2
    lines = target.read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith("order_id;account_id;ordered_on;amount;margin")
    assert lines[1].startswith("O1;A1;31-01-2024;1234,56;100,5;")
    assert "'=HYPERLINK" in lines[1] and "ja" in lines[1] and "31-01-2024 14:30:00" in lines[1]
    assert lines[2] == "O2;A2;01-02-2024;-12,5;;;;'+31 20 123;;;;;nee"


@pytest.mark.parametrize(
    ("suffix", "convention"),
    [(".csv", "nl"), (".csv", "en"), (".parquet", "en"), (".xlsx", "en")],
)
def test_export_then_import_gives_the_same_rows(
    with_orders: Store, tmp_path: Path, suffix: str, convention: str
) -> None:
    target = tmp_path / f"orders{suffix}"
    with_orders.export("orders", target, convention=convention)  # type: ignore[arg-type]
    with Store.open(tmp_path / "copy.duckdb") as copy:
        copy.import_file("accounts", tmp_path / "accounts.csv")
        copy.import_file("orders", target)
        got = copy.table("orders")
    want = with_orders.table("orders")
    if suffix != ".parquet":  # formula neutralisation is the one intended difference
        want["category"] = want["category"].map(lambda v: "'" + v if isinstance(v, str) else v)
    pd.testing.assert_frame_equal(got, want)


def test_xlsx_cells_are_typed_and_formulas_are_text(with_orders: Store, tmp_path: Path) -> None:
    target = tmp_path / "orders.xlsx"
    with_orders.export("orders", target)
    rows = CalamineWorkbook.from_path(str(target)).get_sheet_by_index(0).to_python()
    assert rows[1][:4] == ["O1", "A1", dt.date(2024, 1, 31), 1234.56]
    assert rows[1][9] == dt.datetime(2024, 1, 31, 14, 30)
    assert rows[1][7] == '\'=HYPERLINK("x")'


def test_xlsx_over_the_sheet_limit_is_refused(loaded: Store, tmp_path: Path) -> None:
    loaded.con.execute(
        "INSERT INTO orders (order_id, account_id, ordered_on, amount) "
        "SELECT 'X' || i, 'A1', TIMESTAMP '2024-01-01', 1 FROM range(1048576) t(i)"
    )
    with pytest.raises(ExportError, match="export it as CSV or Parquet"):
        loaded.export("orders", tmp_path / "big.xlsx")
    assert not list(tmp_path.glob("*big*"))


def test_unknown_format_and_folder(with_orders: Store, tmp_path: Path) -> None:
    before = snapshot(with_orders)
    with pytest.raises(ExportError, match="cannot tell the format"):
        with_orders.export("orders", tmp_path / "orders.docx")
    with pytest.raises(ExportError, match="does not exist"):
        with_orders.export("orders", tmp_path / "nope" / "orders.csv")
    assert snapshot(with_orders) == before
