"""Write staged rows into the store by key, keeping every replaced row in history.

Runs inside the caller's transaction. A row whose key is new is inserted; a row equal to
the stored one is left alone; a changed row replaces the stored one, which moves to
``<table>_history`` with the replacing import's id. Undo reverses exactly that.
"""

from __future__ import annotations

import duckdb

from goodwill.errors import UndoError
from goodwill.store.ddl import ROW_IMPORT_COLUMN, history_table, quote_ident
from goodwill.store.schema import Table


def _one(con: duckdb.DuckDBPyConnection, sql: str, params: list[object] | None = None) -> int:
    row = con.execute(sql, params or []).fetchone()
    return int(row[0]) if row and row[0] is not None else 0


def _clustered(table: Table) -> str:
    """How new rows are written: in the order of ``account_id`` where the table has one,
    so one account's rows sit together and a lookup skips the other blocks (store
    version 8)."""
    if "account_id" not in table.column_names or table.key == "account_id":
        return " ORDER BY account_id" if table.key == "account_id" else ""
    # by the key within an account: the same rows are stored in the same order however
    # they arrived, so sums over them add up in the same order too
    return f" ORDER BY account_id, {quote_ident(table.key)}"


def upsert(
    con: duckdb.DuckDBPyConnection, table: Table, stage_name: str, import_id: int
) -> tuple[int, int, int]:
    """Apply ``stage_name`` to ``table``; returns (inserted, updated, unchanged)."""
    name = table.name
    key = quote_ident(table.key)
    cols = ", ".join(quote_ident(c) for c in table.column_names)
    order = _clustered(table)
    total = _one(con, f"SELECT count(*) FROM {stage_name}")
    if _one(con, f"SELECT count(*) FROM (SELECT 1 FROM {name} LIMIT 1)") == 0:
        con.execute(
            f"INSERT INTO {name} ({cols}, {ROW_IMPORT_COLUMN}) "
            f"SELECT {cols}, {import_id} FROM {stage_name}{order}"
        )
        return total, 0, 0
    # Compare rows by a hash of all their columns: the join then carries two narrow
    # columns instead of every column of 10M rows. (A changed row whose 64-bit hash
    # equals the old row's would be taken as unchanged: about 1 in 10^19 per row.)
    row_hash = "hash(" + ", ".join(quote_ident(c) for c in table.column_names) + ")"
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE {stage_name}_diff AS
        SELECT s.k, t.k IS NULL AS is_new
        FROM (SELECT {key} AS k, {row_hash} AS h FROM {stage_name}) s
        LEFT JOIN (SELECT {key} AS k, {row_hash} AS h FROM {name}) t ON s.k = t.k
        WHERE t.k IS NULL OR s.h <> t.h"""
    )
    row = con.execute(
        f"SELECT count_if(is_new), count_if(NOT is_new) FROM {stage_name}_diff"
    ).fetchone()
    inserted, updated = (int(row[0] or 0), int(row[1] or 0)) if row else (0, 0)
    if updated:
        changed = f"(SELECT k FROM {stage_name}_diff WHERE NOT is_new)"
        con.execute(
            f"INSERT INTO {history_table(name)} SELECT t.*, {import_id}, 'replaced', "
            f"current_localtimestamp() FROM {name} t WHERE t.{key} IN {changed}"
        )
        con.execute(f"DELETE FROM {name} WHERE {key} IN {changed}")
    if inserted or updated:
        con.execute(
            f"INSERT INTO {name} ({cols}, {ROW_IMPORT_COLUMN}) "
            f"SELECT {cols}, {import_id} FROM {stage_name} s "
            f"SEMI JOIN {stage_name}_diff d ON s.{key} = d.k{order}"
        )
    con.execute(f"DROP TABLE {stage_name}_diff")
    return inserted, updated, total - inserted - updated


def undo(con: duckdb.DuckDBPyConnection, table: Table, import_id: int) -> tuple[int, int]:
    """Revert ``import_id`` on ``table``; returns (rows removed, rows restored).

    Refused when a later import replaced rows that this one wrote: undo that one first.
    """
    name, hist = table.name, history_table(table.name)
    later = con.execute(
        f"SELECT _replaced_by, count(*) FROM {hist} WHERE {ROW_IMPORT_COLUMN} = ? "
        f"AND _change = 'replaced' GROUP BY 1 ORDER BY 1",
        [import_id],
    ).fetchall()
    if later:
        ids = ", ".join(f"#{r[0]}" for r in later)
        raise UndoError(
            "import #{id} cannot be undone: later imports ({ids}) changed rows it wrote; "
            "undo those first",
            id=import_id,
            ids=ids,
        )
    removed = _one(con, f"SELECT count(*) FROM {name} WHERE {ROW_IMPORT_COLUMN} = ?", [import_id])
    con.execute(
        f"INSERT INTO {hist} SELECT t.*, {int(import_id)}, 'undone', current_localtimestamp() "
        f"FROM {name} t WHERE {ROW_IMPORT_COLUMN} = ?",
        [import_id],
    )
    con.execute(f"DELETE FROM {name} WHERE {ROW_IMPORT_COLUMN} = ?", [import_id])
    cols = ", ".join(quote_ident(c) for c in (*table.column_names, ROW_IMPORT_COLUMN))
    restored = _one(
        con,
        f"SELECT count(*) FROM {hist} WHERE _replaced_by = ? AND _change = 'replaced'",
        [import_id],
    )
    con.execute(
        f"INSERT INTO {name} ({cols}) SELECT {cols} FROM {hist} "
        f"WHERE _replaced_by = ? AND _change = 'replaced'",
        [import_id],
    )
    con.execute(f"DELETE FROM {hist} WHERE _replaced_by = ? AND _change = 'replaced'", [import_id])
    return removed, restored
