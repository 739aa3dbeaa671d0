"""Write an input table out again: CSV (Dutch or English conventions), Parquet or XLSX.

Text that a spreadsheet would run as a formula (a cell starting with ``=``, ``+``,
``-``, ``@``, a tab or a carriage return) gets a leading apostrophe in CSV and XLSX.
Files are written under a temporary name and renamed when complete.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import duckdb

from goodwill._typing import ExportFormat, Lang
from goodwill.errors import ExportError
from goodwill.store.ddl import quote_ident
from goodwill.store.schema import TABLES

XLSX_MAX_ROWS = 1_048_576  # including the header row
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralize(text: str) -> str:
    """``=SUM(A1)`` -> ``'=SUM(A1)``; other text unchanged."""
    return "'" + text if text.startswith(_FORMULA_START) else text


def _format_for(path: Path, format: ExportFormat | None) -> ExportFormat:
    if format is not None:
        return format
    suffix = path.suffix.lower()
    if suffix in (".csv", ".tsv", ".txt"):
        return "csv"
    if suffix in (".parquet", ".pq"):
        return "parquet"
    if suffix == ".xlsx":
        return "xlsx"
    raise ExportError(
        "cannot tell the format of {file} from its extension; use .csv, .parquet or .xlsx",
        file=path.name,
    )


def _csv_select(table: str, convention: Lang) -> str:
    date_fmt = "%d-%m-%Y" if convention == "nl" else "%Y-%m-%d"
    parts = []
    for col in TABLES[table].columns:
        q = quote_ident(col.name)
        if col.type == "timestamp":
            expr = (
                f"CASE WHEN {q} = date_trunc('day', {q}) THEN strftime({q}, '{date_fmt}') "
                f"ELSE strftime({q}, '{date_fmt} %H:%M:%S') END"
            )
        elif col.type in ("money", "number"):
            expr = f"CAST({q} AS VARCHAR)"
            if convention == "nl":
                expr = f"replace({expr}, '.', ',')"
        elif col.type == "boolean":
            yes, no = ("ja", "nee") if convention == "nl" else ("true", "false")
            expr = f"CASE WHEN {q} THEN '{yes}' WHEN NOT {q} THEN '{no}' END"
        elif col.type == "integer":
            expr = f"CAST({q} AS VARCHAR)"
        else:
            expr = (
                f"CASE WHEN left({q}, 1) IN ('=', '+', '-', '@', chr(9), chr(13)) "
                f"THEN '''' || {q} ELSE {q} END"
            )
        parts.append(f"{expr} AS {q}")
    return f"SELECT {', '.join(parts)} FROM {table} ORDER BY {quote_ident(TABLES[table].key)}"


def export_table(
    con: duckdb.DuckDBPyConnection,
    table: str,
    path: Path,
    *,
    format: ExportFormat | None = None,
    convention: Lang = "en",
) -> int:
    """Write ``table`` to ``path``; returns the number of rows."""
    fmt = _format_for(path, format)
    if not path.parent.exists():
        raise ExportError("the folder {folder} does not exist; create it first", folder=path.parent)
    row = con.execute(f"SELECT count(*) FROM {table}").fetchone()
    n = int(row[0]) if row else 0
    if fmt == "xlsx" and n + 1 > XLSX_MAX_ROWS:
        raise ExportError(
            "{table} has {n} rows, more than an XLSX sheet holds ({limit}); "
            "export it as CSV or Parquet instead",
            table=table,
            n=f"{n:,}",
            limit=f"{XLSX_MAX_ROWS - 1:,}",
        )
    tmp = path.with_name(f".{path.name}.partial")
    try:
        if fmt == "csv":
            sep = ";" if convention == "nl" else ","
            con.execute(
                f"COPY ({_csv_select(table, convention)}) TO '{_sql_path(tmp)}' "
                f"(FORMAT csv, HEADER, DELIMITER '{sep}')"
            )
        elif fmt == "parquet":
            cols = ", ".join(quote_ident(c) for c in TABLES[table].column_names)
            con.execute(
                f"COPY (SELECT {cols} FROM {table} ORDER BY {quote_ident(TABLES[table].key)}) "
                f"TO '{_sql_path(tmp)}' (FORMAT parquet)"
            )
        else:
            _write_xlsx(con, table, tmp)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return n


def _sql_path(path: Path) -> str:
    return str(path).replace("'", "''")


def _write_xlsx(con: duckdb.DuckDBPyConnection, table: str, path: Path) -> None:
    import xlsxwriter

    spec = TABLES[table]
    book = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    try:
        sheet = book.add_worksheet(table)
        date_format = book.add_format({"num_format": "yyyy-mm-dd"})
        stamp_format = book.add_format({"num_format": "yyyy-mm-dd hh:mm:ss"})
        bold = book.add_format({"bold": True})
        for j, col in enumerate(spec.columns):
            sheet.write_string(0, j, col.name, bold)
        cols = ", ".join(quote_ident(c) for c in spec.column_names)
        cursor = con.execute(f"SELECT {cols} FROM {table} ORDER BY {quote_ident(spec.key)}")
        i = 1
        while batch := cursor.fetchmany(10_000):
            for values in batch:
                for j, value in enumerate(values):
                    if value is None:
                        continue
                    if isinstance(value, dt.datetime):
                        midnight = value.time() == dt.time(0)
                        sheet.write_datetime(i, j, value, date_format if midnight else stamp_format)
                    elif isinstance(value, bool):
                        sheet.write_boolean(i, j, value)
                    elif isinstance(value, int | float):
                        sheet.write_number(i, j, value)
                    else:
                        sheet.write_string(i, j, neutralize(str(value)))
                i += 1
    finally:
        book.close()
