"""Stage a raw file as typed rows and collect every problem, in SQL over all rows.

The staged table ``stage_<table>`` has the goodwill columns plus ``_row`` (the row in
the file). Problems go to a temporary table (there may be millions); nothing is written
to the store here.
"""

from __future__ import annotations

import duckdb

from goodwill.ingest.headers import HeaderMatch
from goodwill.ingest.options import ImportOptions
from goodwill.ingest.parse import ColumnPlan, detect, sql_str
from goodwill.ingest.reader import RawTable
from goodwill.store.ddl import quote_ident
from goodwill.store.schema import Table

_INSERT = "INSERT INTO {problems} (file, row, col, value, code, detail) "


def stage(
    con: duckdb.DuckDBPyConnection,
    raw: RawTable,
    table: Table,
    match: HeaderMatch,
    options: ImportOptions,
    stage_name: str,
    problems: str,
) -> list[ColumnPlan]:
    """Create ``stage_name`` from ``raw`` and record parse problems; returns the plans."""
    plans = [
        ColumnPlan(col, f"c{match.columns[col.name]}" if col.name in match.columns else None, "")
        for col in table.columns
    ]
    detect(
        con,
        raw.name,
        raw.display,
        plans,
        raw.default_decimal,
        options.decimal,
        raw.typed,
        options.date_order,
    )
    file = sql_str(raw.display)
    insert = _INSERT.format(problems=problems)
    for plan in plans:
        if plan.column_problem is not None:
            p = plan.column_problem
            con.execute(
                insert + "VALUES (?, ?, ?, ?, ?, ?)",
                [p.file, p.row, p.column, p.value, p.code, p.detail],
            )
    checked = [p for p in plans if p.invalid and p.column_problem is None]
    selects = ", ".join(p.select_sql() for p in plans)
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE {stage_name} AS SELECT _row, {selects} FROM {raw.name}"
    )
    # Rows with a cell that did not parse: a non-empty text cell whose typed value is empty.
    # Raw and stage hold the same rows in the same order, so a positional join is exact
    # (checked by comparing _row). Columns with a default re-run their own check.
    terms = []
    for plan in checked:
        if plan.column.default is None:
            terms.append(
                f"(s.{quote_ident(plan.column.name)} IS NULL AND trim(r.{plan.source}) <> '')"
            )
        else:
            terms.append(f"coalesce({plan.invalid}, false)")
    if terms:
        row = con.execute(
            f"SELECT count_if({' OR '.join(terms)}), count_if(r._row <> s._row) "
            f"FROM {raw.name} r POSITIONAL JOIN {stage_name} s"
        ).fetchone()
        if row and row[1]:
            raise RuntimeError("staged rows are out of order")  # pragma: no cover - guard
        if row and row[0]:
            _record_parse_problems(con, raw, checked, file, insert)
    return plans


def _record_parse_problems(
    con: duckdb.DuckDBPyConnection,
    raw: RawTable,
    checked: list[ColumnPlan],
    file: str,
    insert: str,
) -> None:
    """One problem per unparseable cell (only rows with such a cell are looked at)."""
    for plan in checked:
        assert plan.source is not None and plan.invalid is not None
        name = sql_str(plan.column.name)
        cell = f"trim({plan.source})"
        base = f"FROM {raw.name} WHERE {plan.invalid}"
        con.execute(
            insert + f"SELECT {file}, _row, {name}, {cell}, {sql_str(plan.invalid_code)}, "
            f"{sql_str(plan.detail)} {base}"
        )
        if plan.range_invalid:
            con.execute(
                insert + f"SELECT {file}, _row, {name}, {cell}, 'date_range', '' "
                f"FROM {raw.name} WHERE {plan.range_invalid}"
            )


def check_rows(
    con: duckdb.DuckDBPyConnection,
    table: Table,
    stage_name: str,
    file: str,
    problems: str,
    plans: list[ColumnPlan],
) -> None:
    """Required values, negative amounts, duplicate keys and dates out of order."""
    insert = _INSERT.format(problems=problems)
    f = sql_str(file)
    present = {p.column.name for p in plans if p.source is not None}
    parse_failed = {p.column.name for p in plans if p.invalid or p.column_problem}
    for col in table.columns:
        q = quote_ident(col.name)
        if col.required and col.name in present:
            extra = ""
            if col.name in parse_failed:
                extra = (
                    f" AND NOT EXISTS (SELECT 1 FROM {problems} p WHERE p.file = {f} "
                    f"AND p.row = s._row AND p.col = {sql_str(col.name)})"
                )
            con.execute(
                insert + f"SELECT {f}, _row, {sql_str(col.name)}, NULL, 'required', '' "
                f"FROM {stage_name} s WHERE {q} IS NULL{extra}"
            )
        if col.non_negative and col.name in present:
            con.execute(
                insert + f"SELECT {f}, _row, {sql_str(col.name)}, CAST({q} AS VARCHAR), "
                f"'negative', '' FROM {stage_name} WHERE {q} < 0"
            )
    key = quote_ident(table.key)
    dup_keys = (
        f"(SELECT {key} FROM {stage_name} WHERE {key} IS NOT NULL "
        f"GROUP BY {key} HAVING count(*) > 1)"
    )
    con.execute(
        insert
        + f"""SELECT {f}, _row, {sql_str(table.key)}, {key}, 'duplicate_key',
               CAST(first_row AS VARCHAR)
        FROM (SELECT _row, {key}, min(_row) OVER (PARTITION BY {key}) AS first_row
              FROM {stage_name} SEMI JOIN {dup_keys} d USING ({key}))
        WHERE _row <> first_row"""
    )
    for earlier, later in table.date_order:
        if earlier in present and later in present:
            e, lt = quote_ident(earlier), quote_ident(later)
            con.execute(
                insert + f"SELECT {f}, _row, {sql_str(later)}, strftime({lt}, '%Y-%m-%d %H:%M'), "
                f"'date_order', {sql_str(earlier)} || ' ' || strftime({e}, '%Y-%m-%d %H:%M') "
                f"FROM {stage_name} WHERE {lt} < {e}"
            )


def check_references(
    con: duckdb.DuckDBPyConnection,
    table: Table,
    stage_name: str,
    file: str,
    problems: str,
    effective: dict[str, str],
) -> None:
    """Unknown keys in referencing columns, and contacts of another account.

    ``effective[t]`` is SQL for the rows of table ``t`` as they will be after this
    import (the store's rows overlaid with the rows staged in the same batch).
    """
    insert = _INSERT.format(problems=problems)
    f = sql_str(file)
    for ref in table.references:
        target = effective[ref.table]
        target_key = {"accounts": "account_id", "contacts": "contact_id", "orders": "order_id"}[
            ref.table
        ]
        col = quote_ident(ref.column)
        singular = ref.table.rstrip("s")
        con.execute(
            insert + f"SELECT {f}, s._row, {sql_str(ref.column)}, s.{col}, 'unknown_reference', "
            f"{sql_str(singular)} FROM {stage_name} s ANTI JOIN ({target}) t "
            f"ON s.{col} = t.{target_key} WHERE s.{col} IS NOT NULL"
        )
        if ref.same_account:
            con.execute(
                insert + f"SELECT {f}, s._row, {sql_str(ref.column)}, s.{col}, 'other_account', "
                f"t.account_id FROM {stage_name} s JOIN ({target}) t ON s.{col} = t.{target_key} "
                f"WHERE t.account_id <> s.account_id"
            )
