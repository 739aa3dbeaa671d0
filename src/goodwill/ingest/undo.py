"""Undo one import: all or nothing, and only when no later import builds on it."""

from __future__ import annotations

import duckdb

from goodwill.errors import UndoError
from goodwill.ingest import upsert
from goodwill.ingest.report import UndoReport
from goodwill.store.ddl import IMPORTS_TABLE, ROW_IMPORT_COLUMN
from goodwill.store.order_days import rebuild_order_days
from goodwill.store.schema import TABLE_ORDER, TABLES


def _dangling(con: duckdb.DuckDBPyConnection) -> list[str]:
    """References that point nowhere after the undo, as readable sentences."""
    found: list[str] = []
    keys = {"accounts": "account_id", "contacts": "contact_id", "orders": "order_id"}
    for name in TABLE_ORDER:
        for ref in TABLES[name].references:
            row = con.execute(
                f"SELECT count(*), min({ROW_IMPORT_COLUMN}) FROM {name} s "
                f"WHERE s.{ref.column} IS NOT NULL AND NOT EXISTS (SELECT 1 FROM {ref.table} t "
                f"WHERE t.{keys[ref.table]} = s.{ref.column})"
            ).fetchone()
            if row and row[0]:
                found.append(
                    f"{row[0]} {name} rows (from import #{row[1]}) refer to {ref.table} it added"
                )
    return found


def undo_import(con: duckdb.DuckDBPyConnection, import_id: int) -> UndoReport:
    row = con.execute(
        f"SELECT table_name, status FROM {IMPORTS_TABLE} WHERE import_id = ?", [import_id]
    ).fetchone()
    if row is None:
        raise UndoError("there is no import #{id}; `goodwill imports` lists them", id=import_id)
    table_name, status = str(row[0]), str(row[1])
    if status == "undone":
        raise UndoError("import #{id} was undone already", id=import_id)
    if status == "final":  # goodwill.privacy.retention removed the rows it replaced
        raise UndoError(
            "import #{id} can no longer be undone: retention removed the rows it replaced "
            "from history (docs/privacy.md)",
            id=import_id,
        )
    con.execute("BEGIN TRANSACTION")
    try:
        removed, restored = upsert.undo(con, TABLES[table_name], import_id)
        dangling = _dangling(con)
        if dangling:
            raise UndoError(
                "import #{id} cannot be undone: {reasons}; undo that import first",
                id=import_id,
                reasons="; ".join(dangling),
            )
        if table_name == "orders":
            rebuild_order_days(con)
        con.execute(
            f"UPDATE {IMPORTS_TABLE} SET status = 'undone', undone_at = current_localtimestamp() "
            "WHERE import_id = ?",
            [import_id],
        )
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    return UndoReport(import_id, table_name, removed, restored)
