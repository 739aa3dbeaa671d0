"""Find a forgotten person's name or e-mail address in free text anywhere in the store
and put the pseudonym in its place: descriptions, saved JSON (snapshot reasons, plan
purposes and settings), file names in the import log, every history table.

A value is replaced where it stands as a whole word (not inside a longer word), so
forgetting ``Jan Smit`` leaves ``Jan Smits`` alone. Identifier columns (``*_id``), hashes
and enumerations are never touched: the references between tables stay whole.
"""

from __future__ import annotations

import json
from collections.abc import Iterable

import duckdb

from goodwill.store.ddl import META_TABLE, history_table, quote_ident
from goodwill.store.schema import TABLES

#: tables never swept: the store's own keys, the hashes of the suppression list
SKIPPED_TABLES = frozenset({META_TABLE, "suppressions"})
#: columns never swept: keys and hashes, and the history's bookkeeping
_SKIPPED_SUFFIXES = ("_id", "_hash")
_SKIPPED_COLUMNS = frozenset({"csrf", "_change", "role"})
#: enumeration and identifier columns of each input table and its history table
_CODED: dict[str, frozenset[str]] = {
    name: frozenset(c.name for c in t.columns if c.type in ("enum", "id"))
    for base, t in TABLES.items()
    for name in (base, history_table(base))
}
#: a character that is part of a word; a needle is replaced only between non-word ones
_WORD = r"\p{L}\p{N}_"
#: passes over a column: a needle right after another one is found on the next pass
_PASSES = 3


def text_columns(con: duckdb.DuckDBPyConnection) -> list[tuple[str, str]]:
    """(table, column) of every text column of the store that may hold free text."""
    rows = con.execute(
        "SELECT c.table_name, c.column_name FROM duckdb_columns() c "
        "JOIN duckdb_tables() t ON t.table_name = c.table_name "
        "AND t.schema_name = c.schema_name AND t.database_name = c.database_name "
        "WHERE c.schema_name = 'main' AND c.data_type = 'VARCHAR' "
        "AND c.database_name = current_database() AND NOT t.temporary "
        "ORDER BY c.table_name, c.column_index"
    ).fetchall()
    return [
        (str(table), str(column))
        for table, column in rows
        if table not in SKIPPED_TABLES
        and column not in _SKIPPED_COLUMNS
        and column not in _CODED.get(str(table), frozenset())
        and not str(column).endswith(_SKIPPED_SUFFIXES)
    ]


def _escape(text: str) -> str:
    """``text`` as a literal in an RE2 pattern."""
    return "".join(ch if ch.isalnum() or ch == "_" else "\\" + ch for ch in text)


def variants(needles: Iterable[str]) -> list[str]:
    """The needles as written and as JSON writes them (``é`` as ``\\u00e9``), longest first."""
    found: set[str] = set()
    for needle in needles:
        found.add(needle)
        found.add(json.dumps(needle)[1:-1])
    return sorted(found, key=lambda s: (-len(s), s))


def pattern(needles: Iterable[str], *, case_sensitive: bool) -> str:
    """An RE2 pattern matching any needle as a whole word; groups 1 and 3 are the
    characters around it."""
    words = "|".join(_escape(n) for n in variants(needles))
    flags = "" if case_sensitive else "(?i)"
    return f"{flags}(^|[^{_WORD}])({words})([^{_WORD}]|$)"


def sweep(
    con: duckdb.DuckDBPyConnection,
    needles: Iterable[str],
    replacement: str,
    *,
    case_sensitive: bool,
    skip: frozenset[tuple[str, str]] = frozenset(),
) -> dict[tuple[str, str], int]:
    """Replace the needles with ``replacement`` in every text column but ``skip`` (the
    columns the caller matched by key, where the same name can be someone else's),
    inside the caller's transaction; the rows changed per (table, column)."""
    kept = [n for n in needles if n.strip()]
    if not kept:
        return {}
    regex = pattern(kept, case_sensitive=case_sensitive)
    swap = "\\1" + replacement.replace("\\", "\\\\") + "\\3"
    changed: dict[tuple[str, str], int] = {}
    for table, column in text_columns(con):
        if (table, column) in skip:
            continue
        col = quote_ident(column)
        for _ in range(_PASSES):
            row = con.execute(
                f"UPDATE {quote_ident(table)} SET {col} = regexp_replace({col}, ?, ?, 'g') "
                f"WHERE regexp_matches({col}, ?)",
                [regex, swap, regex],
            ).fetchone()
            rows = int(row[0]) if row else 0
            if not rows:
                break
            changed[(table, column)] = max(changed.get((table, column), 0), rows)
    return changed
