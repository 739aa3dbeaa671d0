"""Keep forgotten people forgotten: an import anonymises them on the way in.

Runs on the staged rows of a checked batch, before they are written, so what reaches
the store (and so its history) is what :mod:`goodwill.privacy.forget` left: the contact's
pseudonym with no e-mail address or role, the employee's pseudonym. Only the keys are
recognised (a contact id, an employee's name or code); a forgotten name written in free
text of a new file cannot be (goodwill no longer knows it) — docs/privacy.md.
"""

from __future__ import annotations

from collections.abc import Mapping

import duckdb

from goodwill.privacy import keys
from goodwill.privacy.forget import EMPLOYEE_COLUMNS
from goodwill.store.ddl import quote_ident
from goodwill.store.schema import TABLES


def _count(con: duckdb.DuckDBPyConnection, sql: str, params: list[object]) -> int:
    row = con.execute(sql, params).fetchone()
    return int(row[0]) if row and row[0] is not None else 0


def anonymise_staged(con: duckdb.DuckDBPyConnection, stages: Mapping[str, str]) -> dict[str, int]:
    """Anonymise forgotten people in the staged tables ``{table: stage table}``; the rows
    changed per table (only tables with changes)."""
    if not _count(con, "SELECT count(*) FROM suppressions", []):
        return {}
    salt = keys.salt(con, create=False)
    if salt is None:
        return {}
    changed: dict[str, int] = {}
    if "contacts" in stages:
        stage = stages["contacts"]
        h = keys.hash_sql("contact", "contact_id")
        forgotten = _forgotten(stage, "contact_id", "contact", h)
        n = _count(
            con,
            f"UPDATE {stage} SET name = {keys.pseudonym_sql('contact', h)}, "
            f"email = NULL, role = NULL WHERE contact_id IN ({forgotten})",
            [salt, salt],
        )
        if n:
            changed["contacts"] = n
    for table, column in EMPLOYEE_COLUMNS:
        if table not in stages or table not in TABLES:
            continue
        stage, col = stages[table], quote_ident(column)
        h = keys.hash_sql("employee", keys.normalise_employee_sql(col))
        n = _count(
            con,
            f"UPDATE {stage} SET {col} = {keys.pseudonym_sql('employee', h)} "
            f"WHERE {col} IN ({_forgotten(stage, col, 'employee', h)})",
            [salt, salt],
        )
        if n:
            changed[table] = changed.get(table, 0) + n
    return changed


def _forgotten(stage: str, col: str, kind: str, hashed: str) -> str:
    """SQL for the distinct values of ``col`` in ``stage`` that belong to a forgotten
    person (each value hashed once, not once per row); takes the salt as parameter."""
    return (
        f"SELECT {col} FROM (SELECT DISTINCT {col} FROM {stage} WHERE {col} IS NOT NULL) "
        f"WHERE {hashed} IN (SELECT key_hash FROM suppressions WHERE kind = '{kind}')"
    )
