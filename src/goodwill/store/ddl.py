"""The store's tables as SQL, derived from the data contract in :mod:`goodwill.store.schema`.

No primary or foreign key constraints: at 10M rows they make DuckDB upserts take minutes,
so the importer enforces keys and references itself (see DESIGN.md, practical notes).
"""

from __future__ import annotations

from goodwill.store.schema import SQL_TYPES, TABLE_ORDER, TABLES

META_TABLE = "goodwill_meta"
IMPORTS_TABLE = "goodwill_imports"
STORE_FORMAT = "goodwill"

#: Bookkeeping columns on every input table and its history.
ROW_IMPORT_COLUMN = "_import_id"
HISTORY_COLUMNS = (
    ("_replaced_by", "BIGINT"),  # the import that replaced or undid this version
    ("_change", "VARCHAR"),  # 'replaced' (a newer row came) or 'undone' (its import was undone)
    ("_changed_at", "TIMESTAMP"),
)


def quote_ident(name: str) -> str:
    """A SQL identifier, double-quoted."""
    return '"' + name.replace('"', '""') + '"'


def table_columns_sql(name: str) -> str:
    cols = [f"{quote_ident(c.name)} {SQL_TYPES[c.type]}" for c in TABLES[name].columns]
    cols.append(f"{ROW_IMPORT_COLUMN} BIGINT")
    return ", ".join(cols)


def history_table(name: str) -> str:
    return f"{name}_history"


def create_statements() -> list[str]:
    """Statements that create a new store at schema version 1 (no meta rows); the
    migrations take it from there."""
    stmts = [
        f"CREATE TABLE {META_TABLE} (key VARCHAR, value VARCHAR)",
        f"""CREATE TABLE {IMPORTS_TABLE} (
            import_id BIGINT, batch_id BIGINT, table_name VARCHAR, file_name VARCHAR,
            file_path VARCHAR, content_hash VARCHAR, size_bytes BIGINT,
            started_at TIMESTAMP, finished_at TIMESTAMP, rows_in_file BIGINT,
            inserted BIGINT, updated BIGINT, unchanged BIGINT, status VARCHAR,
            undone_at TIMESTAMP, options VARCHAR)""",
    ]
    for name in TABLE_ORDER:
        stmts.append(f"CREATE TABLE {name} ({table_columns_sql(name)})")
        hist = ", ".join(f"{c} {t}" for c, t in HISTORY_COLUMNS)
        stmts.append(f"CREATE TABLE {history_table(name)} ({table_columns_sql(name)}, {hist})")
    return stmts
