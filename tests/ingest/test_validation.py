"""Every validation rule: the problem names file, row and column, and the store is unchanged."""

from __future__ import annotations

from pathlib import Path

import pytest

from goodwill.errors import ImportValidationError, InputFileError
from goodwill.ingest import ImportOptions
from goodwill.store import Store
from tests.conftest import snapshot, write

HEAD = "order_id;account_id;ordered_on;amount\n"


@pytest.mark.parametrize(
    ("table", "text", "code", "row", "column"),
    [
        ("orders", "order_id;account_id;amount\nO1;A1;5\n", "missing_column", 1, "ordered_on"),
        (
            "orders",
            HEAD.replace("\n", ";kleur\n") + "O1;A1;01-01-2024;5;rood\n",
            "unknown_column",
            1,
            "",
        ),
        (
            "orders",
            "order_id;ordernummer;account_id;ordered_on;amount\nO1;O1;A1;01-01-2024;5\n",
            "duplicate_column",
            1,
            "order_id",
        ),
        ("orders", HEAD + "O1;;01-01-2024;5\n", "required", 2, "account_id"),
        ("orders", HEAD + "O1;A1;01-01-2024;vijf\n", "not_number", 2, "amount"),
        ("orders", HEAD + "O1;A1;01-01-2024;1.2.3,4\n", "not_number", 2, "amount"),
        ("orders", HEAD + "O1;A1;1 januari;5\n", "not_date", 2, "ordered_on"),
        ("orders", HEAD + "O1;A1;01-01-1850;5\n", "date_range", 2, "ordered_on"),
        (
            "orders",
            HEAD + "O1;A1;01-01-2024;5\nO2;A1;2024-01-02;5\n",
            "mixed_dates",
            3,
            "ordered_on",
        ),
        ("orders", HEAD + "O1;A1;12/31/2024;5\n", "month_first", 2, "ordered_on"),
        (
            "orders",
            HEAD + "O1;A1;13/01/2024;5\nO2;A1;01/13/2024;5\n",
            "ambiguous_dates",
            3,
            "ordered_on",
        ),
        (
            "orders",
            HEAD + "O1;A1;01-01-2024;5\nO1;A1;02-01-2024;6\n",
            "duplicate_key",
            3,
            "order_id",
        ),
        ("orders", HEAD + "O1;A9;01-01-2024;5\n", "unknown_reference", 2, "account_id"),
        ("orders", HEAD + "O1;A1;01-01-2024;5;extra\n", "ragged_row", 2, ""),
        ("orders", HEAD + "O1;A1\n", "ragged_row", 2, ""),
        (
            "orders",
            'order_id,account_id,ordered_on,amount\nO1,A1,2024-01-01,"1,5"\n'
            "O2,A1,2024-01-01,2.25\n",
            "mixed_decimals",
            3,
            "amount",
        ),
        (
            "orders",
            HEAD.replace("\n", ";is_test\n") + "O1;A1;01-01-2024;5;misschien\n",
            "not_boolean",
            2,
            "is_test",
        ),
        (
            "orders",
            "order_id;account_id;ordered_on;delivered_on;amount\nO1;A1;05-01-2024;04-01-2024;5\n",
            "date_order",
            2,
            "delivered_on",
        ),
        (
            "quotes",
            "quote_id;account_id;issued_on;amount\nQ1;A1;01-01-2024;-5\n",
            "negative",
            2,
            "amount",
        ),
        (
            "quotes",
            "quote_id;account_id;issued_on;amount;status\nQ1;A1;01-01-2024;5;misschien\n",
            "bad_enum",
            2,
            "status",
        ),
        ("accounts", "account_id;name;employees\nB1;Beta;12,5\n", "not_integer", 2, "employees"),
        (
            "accounts",
            "account_id;name;parent_id\nB1;Beta;ZZ\n",
            "unknown_reference",
            2,
            "parent_id",
        ),
        (
            "invoices",
            "invoice_id;account_id;issued_on;due_on;amount\nF1;A1;10-01-2024;01-01-2024;5\n",
            "date_order",
            2,
            "due_on",
        ),
        (
            "contacts",
            "contact_id;account_id;started_on;left_on\nP1;A1;10-01-2024;01-01-2024\n",
            "date_order",
            2,
            "left_on",
        ),
        (
            "complaints",
            "complaint_id;account_id;opened_on;first_response_on\nC1;A1;10-01-2024;09-01-2024\n",
            "date_order",
            2,
            "first_response_on",
        ),
        (
            "complaints",
            "complaint_id;account_id;opened_on;resolved_on\nC1;A1;10-01-2024;09-01-2024\n",
            "date_order",
            2,
            "resolved_on",
        ),
        (
            "promises",
            "promise_id;account_id;made_on;due_on;kept_on\nP1;A1;10-01-2024;20-01-2024;"
            "09-01-2024\n",
            "date_order",
            2,
            "kept_on",
        ),
        (
            "interactions",
            "interaction_id;account_id;occurred_on;channel\nI1;A1;01-01-2024;duif\n",
            "bad_enum",
            2,
            "channel",
        ),
        (
            "interactions",
            "interaction_id;account_id;occurred_on;channel;minutes\nI1;A1;01-01-2024;call;-3\n",
            "negative",
            2,
            "minutes",
        ),
    ],
    ids=lambda v: v if isinstance(v, str) and len(v) < 20 and "\n" not in v else None,
)
def test_rule(
    loaded: Store, tmp_path: Path, table: str, text: str, code: str, row: int, column: str
) -> None:
    before = snapshot(loaded)
    path = write(tmp_path / f"{table}.csv", text)
    with pytest.raises(ImportValidationError) as info:
        loaded.import_file(table, path)
    problems = info.value.problems
    assert isinstance(problems, list)
    match = [p for p in problems if p.code == code]
    assert match, [p.render() for p in problems]
    assert (match[0].file, match[0].row, match[0].column) == (path.name, row, column)
    assert path.name in str(info.value)
    assert snapshot(loaded) == before


def test_contact_of_another_account(loaded: Store, tmp_path: Path) -> None:
    loaded.import_file(
        "contacts", write(tmp_path / "contacts.csv", "contact_id;account_id\nP1;A1\nP2;A2\n")
    )
    before = snapshot(loaded)
    text = "interaction_id;account_id;occurred_on;channel;contact_id\nI1;A2;01-01-2024;call;P1\n"
    with pytest.raises(ImportValidationError) as info:
        loaded.import_file("interactions", write(tmp_path / "i.csv", text))
    (p,) = info.value.problems  # type: ignore[misc]
    assert (p.code, p.row, p.column, p.value, p.detail) == (
        "other_account",
        2,
        "contact_id",
        "P1",
        "A1",
    )
    assert snapshot(loaded) == before


def test_every_problem_is_collected_and_written(loaded: Store, tmp_path: Path) -> None:
    lines = [HEAD.strip()] + [f"O{i};A1;01-01-2024;fout{i}" for i in range(50_000)]
    path = write(tmp_path / "orders.csv", "\n".join(lines) + "\n")
    errors = tmp_path / "problems.csv"
    with pytest.raises(ImportValidationError) as info:
        loaded.import_file("orders", path, errors_path=errors, lang="nl")
    assert info.value.total == 50_000
    assert len(info.value.problems) == 20  # type: ignore[arg-type]
    assert "49999 more" in str(info.value) or "49999" in str(info.value)
    written = errors.read_text(encoding="utf-8").splitlines()
    assert written[0] == "bestand,rij,kolom,waarde,probleem"
    assert len(written) == 50_001
    assert written[1].startswith("orders.csv,2,amount,fout0,")
    assert loaded.count("orders") == 0


def test_all_or_nothing_across_a_folder(tmp_path: Path, store: Store) -> None:
    folder = tmp_path / "export"
    folder.mkdir()
    write(folder / "accounts.csv", "account_id;name\nK1;Alpha\n")
    write(folder / "orders.csv", HEAD + "O1;K1;01-01-2024;5\nO2;K2;01-01-2024;5\n")
    before = snapshot(store)
    with pytest.raises(ImportValidationError) as info:
        store.import_dir(folder)
    assert [(p.file, p.row, p.code) for p in info.value.problems] == [  # type: ignore[attr-defined]
        ("orders.csv", 3, "unknown_reference")
    ]
    assert snapshot(store) == before


def test_orders_may_refer_to_accounts_of_the_same_batch(tmp_path: Path, store: Store) -> None:
    folder = tmp_path / "export"
    folder.mkdir()
    write(folder / "accounts.csv", "account_id;name\nK1;Alpha\n")
    write(folder / "orders.csv", HEAD + "O1;K1;01-01-2024;5\n")
    assert [r.inserted for r in store.import_dir(folder)] == [1, 1]


@pytest.mark.parametrize(
    ("content", "fragment"),
    [
        (b"", r"is empty \(0 bytes\)"),
        (b"order_id;account_id;ordered_on;amount\n", "has a header but no rows"),
        (b"\x00\x01\x02binary\x00\x00garbage" * 50, "binary file"),
        (b"\n\nO1;A1\n", "no header row"),
    ],
)
def test_unreadable_files(loaded: Store, tmp_path: Path, content: bytes, fragment: str) -> None:
    before = snapshot(loaded)
    path = tmp_path / "orders.csv"
    path.write_bytes(content)
    with pytest.raises(InputFileError, match=fragment):
        loaded.import_file("orders", path)
    assert snapshot(loaded) == before


def test_missing_file_and_unknown_table(loaded: Store, tmp_path: Path) -> None:
    with pytest.raises(InputFileError, match="does not exist"):
        loaded.import_file("orders", tmp_path / "nope.csv")
    with pytest.raises(Exception, match="unknown table"):
        loaded.import_file("klanten2", tmp_path / "nope.csv")


def test_bad_mapping_is_refused(loaded: Store, tmp_path: Path) -> None:
    path = write(tmp_path / "o.csv", HEAD + "O1;A1;01-01-2024;5\n")
    with pytest.raises(ImportValidationError, match="not a column"):
        loaded.import_file("orders", path, options=ImportOptions(mapping={"x": "bedrag"}))


def test_dry_run_reports_and_writes_nothing(loaded: Store, tmp_path: Path) -> None:
    before = snapshot(loaded)
    report = loaded.import_file(
        "orders", write(tmp_path / "o.csv", HEAD + "O1;A1;01-01-2024;5\n"), dry_run=True
    )
    assert (report.dry_run, report.inserted, report.import_id) == (True, 1, None)
    assert snapshot(loaded) == before
