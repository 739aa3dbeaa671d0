"""Privacy and operations tests: copies of the small simulated world (tests/web/world.py),
and the command line run in process."""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable
from pathlib import Path

import duckdb
import pytest

from goodwill.cli.main import main
from goodwill.store import Store

Cli = Callable[..., tuple[int, str, str]]


@pytest.fixture
def own_db(web_db: Path, tmp_path: Path) -> Path:
    """A copy of the shared world store, to write to."""
    db = tmp_path / "own.duckdb"
    shutil.copy(web_db, db)
    return db


@pytest.fixture
def world_dir(web_db: Path) -> Path:
    """The input files the shared store was imported from."""
    return web_db.parent / "world"


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> Cli:
    """``cli("forget", ...)``: run goodwill in process; (exit code, stdout, stderr)."""
    monkeypatch.setenv("COLUMNS", "200")

    def run(*args: str, lang: str = "en") -> tuple[int, str, str]:
        capsys.readouterr()
        code = main(["--lang", lang, *args])
        out = capsys.readouterr()
        return code, out.out, out.err

    return run


def text_columns(con: duckdb.DuckDBPyConnection) -> list[tuple[str, str]]:
    """Every VARCHAR column of every table of the store (history and bookkeeping too)."""
    rows = con.execute(
        "SELECT table_name, column_name FROM duckdb_columns() "
        "WHERE database_name = current_database() AND schema_name = 'main' "
        "AND data_type = 'VARCHAR' ORDER BY 1, 2"
    ).fetchall()
    return [(str(t), str(c)) for t, c in rows]


def traces(where: Path | Store, needle: str, *, whole_word: bool = False) -> list[str]:
    """Where ``needle`` appears in any text column of the store (a file, or one open
    here): 'table.column: n'. Case-insensitive substring, or with ``whole_word`` a
    case-sensitive whole word (for short codes such as ``TK``)."""
    found: list[str] = []
    con = where.con.cursor() if isinstance(where, Store) else duckdb.connect(str(where))
    try:
        for table, column in text_columns(con):
            if whole_word:
                cond = f'regexp_matches("{column}", ?)'
                param = r"(^|[^\p{L}\p{N}_])" + re.escape(needle) + r"([^\p{L}\p{N}_]|$)"
            else:
                cond = f'contains(lower("{column}"), ?)'
                param = needle.lower()
            row = con.execute(f'SELECT count(*) FROM "{table}" WHERE {cond}', [param]).fetchone()
            if row and row[0]:
                found.append(f"{table}.{column}: {row[0]}")
    finally:
        con.close()
    return found
