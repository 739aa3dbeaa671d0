"""Each input format, encoding and convention that Dutch and English tools export."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import xlsxwriter

from goodwill.ingest import ImportOptions
from goodwill.store import Store
from tests.conftest import write

ORDER_COLUMNS = "order_id,account_id,ordered_on,amount"


def _orders(store: Store) -> list[tuple[object, ...]]:
    return store.con.execute(
        "SELECT order_id, account_id, ordered_on, amount FROM orders ORDER BY order_id"
    ).fetchall()


@pytest.mark.parametrize(
    ("text", "encoding"),
    [
        ("order_id,account_id,ordered_on,amount\nO1,A1,2024-01-31,1234.56\n", "utf-8"),
        ("order_id;account_id;ordered_on;amount\nO1;A1;31-01-2024;1.234,56\n", "utf-8"),
        ("order_id\taccount_id\tordered_on\tamount\nO1\tA1\t31/01/2024\t1234.56\n", "utf-8"),
        ("\ufefforder_id;account_id;ordered_on;amount\nO1;A1;31-01-2024;1234,56\n", "utf-8"),
        ("order_id;account_id;ordered_on;amount\r\nO1;A1;31-01-2024;€ 1.234,56\r\n", "utf-16"),
        ("order_id;account_id;ordered_on;amount\r\nO1;A1;31-01-2024;€ 1.234,56\r\n", "cp1252"),
        ('order_id,account_id,ordered_on,amount\nO1,A1,2024-01-31,"1,234.56"\n', "utf-8"),
        ("sep=;\norder_id;account_id;ordered_on;amount\nO1;A1;31.01.2024;1234,56\n", "utf-8"),
        ("order_id,account_id,ordered_on,amount\nO1,A1,20240131,1234.56\n", "utf-8"),
        ("order_id;account_id;ordered_on;amount\nO1;A1;45322;1\u00a0234,56\n", "utf-8"),
    ],
    ids=[
        "comma-iso",
        "semicolon-dutch",
        "tab-slash",
        "utf8-bom",
        "utf16-euro",
        "cp1252-euro",
        "quoted-thousands",
        "excel-sep-line",
        "compact-date",
        "excel-serial-nbsp",
    ],
)
def test_one_order_in_every_dialect(
    loaded: Store, tmp_path: Path, text: str, encoding: str
) -> None:
    path = write(tmp_path / "orders.csv", text, encoding)
    report = loaded.import_file("orders", path)
    assert report.inserted == 1
    assert _orders(loaded) == [("O1", "A1", dt.datetime(2024, 1, 31), 1234.56)]


def test_windows_1252_text_survives(tmp_path: Path, store: Store) -> None:
    text = "Klantnummer;Naam;Segment\n007;Café De Gouden Leeuw;horeca – food\n"
    store.import_file("accounts", write(tmp_path / "klanten.csv", text, "cp1252"))
    row = store.con.execute("SELECT account_id, name, segment FROM accounts").fetchone()
    assert row == ("007", "Café De Gouden Leeuw", "horeca – food")


def test_dutch_headers_and_enumerations(tmp_path: Path, loaded: Store) -> None:
    text = (
        "Contactmoment;Klantnummer;Datum;Kanaal;Richting;Doel;Duur\n"
        "I1;A1;02-03-2024 14:30;Bezoek;Uitgaand;Relatiebeheer;45\n"
        "I2;A1;03-03-2024;telefoon;inkomend;klacht;5,5\n"
        "I3;A2;04-03-2024;E-mail;in;overig;\n"
    )
    loaded.import_file("interactions", write(tmp_path / "contactmomenten.csv", text))
    rows = loaded.con.execute(
        "SELECT interaction_id, occurred_on, channel, direction, purpose, minutes "
        "FROM interactions ORDER BY 1"
    ).fetchall()
    assert rows == [
        ("I1", dt.datetime(2024, 3, 2, 14, 30), "visit", "outbound", "relationship", 45.0),
        ("I2", dt.datetime(2024, 3, 3), "call", "inbound", "complaint", 5.5),
        ("I3", dt.datetime(2024, 3, 4), "email", "inbound", "other", None),
    ]


def test_ids_keep_leading_zeros_and_headers_ignore_case(tmp_path: Path, store: Store) -> None:
    text = " ACCOUNT ID ;Name;KIND\n000123;Alpha;Klant\n0042;Beta;Prospect\n"
    store.import_file("accounts", write(tmp_path / "a.csv", text))
    rows = store.con.execute("SELECT account_id, kind FROM accounts ORDER BY 1").fetchall()
    assert rows == [("000123", "customer"), ("0042", "prospect")]


def test_mapping_option_and_ignore_extra(tmp_path: Path, store: Store) -> None:
    text = "Relatie Code;Bedrijf;Interne notitie\nX1;Alpha;vip\n"
    path = write(tmp_path / "a.csv", text)

    report = store.import_file(
        "accounts",
        path,
        options=ImportOptions(
            mapping={"relatie code": "account_id", "Bedrijf": "name"}, ignore_extra=True
        ),
    )
    assert report.inserted == 1
    assert report.read_as["ignored columns"] == "Interne notitie"
    assert store.con.execute("SELECT account_id, name FROM accounts").fetchall() == [
        ("X1", "Alpha")
    ]


def test_timestamps_and_defaults(tmp_path: Path, loaded: Store) -> None:
    text = (
        "complaint_id,account_id,opened_on,first_response_on,resolved_on,severity\n"
        "C1,A1,2024-05-01 09:00,2024-05-01T13:15:00,2024-05-03 10:00:30,hoog\n"
    )
    loaded.import_file("complaints", write(tmp_path / "complaints.csv", text))
    row = loaded.con.execute(
        "SELECT opened_on, first_response_on, resolved_on, severity FROM complaints"
    ).fetchone()
    assert row == (
        dt.datetime(2024, 5, 1, 9, 0),
        dt.datetime(2024, 5, 1, 13, 15),
        dt.datetime(2024, 5, 3, 10, 0, 30),
        "high",
    )
    kinds = loaded.con.execute("SELECT DISTINCT currency FROM accounts").fetchall()
    assert kinds == [("EUR",)]


def test_negative_amounts_in_dutch_and_sap_style(tmp_path: Path, loaded: Store) -> None:
    text = "factuurnummer;klantnummer;factuurdatum;vervaldatum;bedrag\n"
    text += "F1;A1;01-02-2024;02-03-2024;-1.250,00\nF2;A1;01-02-2024;02-03-2024;99,50-\n"
    text += "F3;A1;01-02-2024;02-03-2024;(10,00)\n"
    loaded.import_file("invoices", write(tmp_path / "facturen.csv", text))
    amounts = loaded.con.execute("SELECT amount FROM invoices ORDER BY invoice_id").fetchall()
    assert amounts == [(-1250.0,), (-99.5,), (-10.0,)]


def test_xlsx_with_typed_cells(tmp_path: Path, loaded: Store) -> None:
    path = tmp_path / "orders.xlsx"
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("Orders")
    date_fmt = book.add_format({"num_format": "dd-mm-yyyy"})
    for j, h in enumerate(["Ordernummer", "Klantnummer", "Orderdatum", "Bedrag", "Testorder"]):
        sheet.write(0, j, h)
    sheet.write_string(1, 0, "0001")
    sheet.write_string(1, 1, "A1")
    sheet.write_datetime(1, 2, dt.datetime(2024, 2, 29), date_fmt)
    sheet.write_number(1, 3, 1234.5)
    sheet.write_boolean(1, 4, True)
    sheet.write_number(2, 0, 2)
    sheet.write_string(2, 1, "A2")
    sheet.write_string(2, 2, "2024-03-01")
    sheet.write_number(2, 3, 10)
    book.close()
    report = loaded.import_file("orders", path)
    assert report.read_as["format"] == "xlsx"
    rows = loaded.con.execute(
        "SELECT order_id, account_id, ordered_on, amount, is_test FROM orders ORDER BY 1"
    ).fetchall()
    assert rows == [
        ("0001", "A1", dt.datetime(2024, 2, 29), 1234.5, True),
        ("2", "A2", dt.datetime(2024, 3, 1), 10.0, False),
    ]


def test_parquet_with_native_types(tmp_path: Path, loaded: Store) -> None:
    path = tmp_path / "orders.parquet"
    table = pa.table(
        {
            "order_id": ["O1", "O2"],
            "account_id": ["A1", "A2"],
            "ordered_on": pa.array([dt.date(2024, 1, 2), dt.date(2024, 1, 3)]),
            "amount": [10.25, -3.5],
            "quantity": pa.array([3, 1], type=pa.int32()),
        }
    )
    pq.write_table(table, path)
    loaded.import_file("orders", path)
    rows = loaded.con.execute(
        "SELECT order_id, ordered_on, amount, quantity FROM orders ORDER BY 1"
    ).fetchall()
    assert rows == [
        ("O1", dt.datetime(2024, 1, 2), 10.25, 3.0),
        ("O2", dt.datetime(2024, 1, 3), -3.5, 1.0),
    ]


def test_month_first_dates_with_option(tmp_path: Path, loaded: Store) -> None:
    text = "order_id,account_id,ordered_on,amount\nO1,A1,12/31/2024,1\nO2,A1,01/02/2024,2\n"
    loaded.import_file(
        "orders", write(tmp_path / "o.csv", text), options=ImportOptions(date_order="mdy")
    )
    dates = loaded.con.execute("SELECT ordered_on FROM orders ORDER BY 1").fetchall()
    assert dates == [(dt.datetime(2024, 1, 2),), (dt.datetime(2024, 12, 31),)]


def test_import_dir_in_dependency_order_with_dutch_file_names(tmp_path: Path, store: Store) -> None:
    folder = tmp_path / "export"
    folder.mkdir()
    write(folder / "Orders.csv", "ordernummer;klantnummer;orderdatum;bedrag\nO1;K1;01-01-2024;5\n")
    write(folder / "klanten.csv", "klantnummer;naam\nK1;Alpha\n")
    write(folder / "README.md", "not data")
    reports = store.import_dir(folder)
    assert [r.table for r in reports] == ["accounts", "orders"]
    assert store.counts()["orders"] == 1


def test_windows_1252_after_a_long_ascii_start(tmp_path: Path, store: Store) -> None:
    """Encoding is decided over the whole file, not its first block."""
    import hashlib

    rows = [f"K{i:07d};Klant {i}" for i in range(800_000)]  # > 16 MiB of ASCII first
    text = "klantnummer;naam\n" + "\n".join(rows) + "\nK9999999;Caf\u00e9 \u20ac\n"
    path = write(tmp_path / "klanten.csv", text, "cp1252")
    report = store.import_file("accounts", path)
    assert path.stat().st_size > 16 * 1024 * 1024
    assert report.read_as["encoding"] == "cp1252"
    name = store.con.execute("SELECT name FROM accounts WHERE account_id = 'K9999999'").fetchone()
    assert name == ("Café €",)
    logged = store.imports().iloc[0].content_hash
    assert logged == hashlib.sha256(path.read_bytes()).hexdigest()
