"""Backup and restore of a store: one consistent file, checked before it is trusted.

- :func:`backup_store` copies an open store into a new file with DuckDB's ``COPY FROM
  DATABASE`` (after a checkpoint, under the caller's hold on the writer), opens the copy
  and compares its schema version and the rows of every table with the store's.
- :func:`restore_file` replaces a store file that no process holds: the backup is
  checked (a goodwill store of a version this goodwill can open, upgraded if older) on
  a copy, the current file is kept as ``PATH.before-restore-<timestamp>``, then the
  checked copy takes its place.
- :func:`restore_into` does the same inside a store that stays open (``goodwill serve``):
  the current contents are first backed up to ``PATH.before-restore-<timestamp>``, then
  every table is replaced in one transaction, so a reader sees the old store or the
  restored one, never a mixture.
"""

from __future__ import annotations

import datetime as dt
import os
import time
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any, TypeVar

import duckdb

from goodwill.errors import GoodwillError
from goodwill.store import migrations
from goodwill.store.ddl import META_TABLE, STORE_FORMAT, quote_ident
from goodwill.store.store import Store

#: the name a backup or restore source is attached under while it is copied
_ALIAS = "goodwill_copy"


class BackupError(GoodwillError, ValueError):
    """A backup cannot be written or a file cannot be restored (the store is unchanged)."""


@dataclass(frozen=True)
class BackupReport:
    """A backup written and checked: where, its schema version and rows per table."""

    store: Path
    target: Path
    schema_version: int
    tables: dict[str, int] = field(default_factory=dict)
    size_bytes: int = 0
    seconds: float = 0.0

    @property
    def rows(self) -> int:
        return sum(self.tables.values())

    def to_json(self) -> dict[str, Any]:
        return _to_json(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> BackupReport:
        return _from_json(cls, data)


@dataclass(frozen=True)
class RestoreReport:
    """A store restored: from which backup, where the store before it was kept."""

    store: Path
    source: Path
    before: Path | None  # None: there was no store at the path
    schema_version: int  # of the backup as found (the store is now at the current one)
    tables: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0

    @property
    def rows(self) -> int:
        return sum(self.tables.values())

    def to_json(self) -> dict[str, Any]:
        return _to_json(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> RestoreReport:
        return _from_json(cls, data)


_Report = TypeVar("_Report", BackupReport, RestoreReport)


def _to_json(report: BackupReport | RestoreReport) -> dict[str, Any]:
    """The report as JSON (what the server answers ``goodwill backup``/``restore``)."""
    return {
        f.name: str(v) if isinstance(v, Path) else v
        for f in fields(report)
        for v in [getattr(report, f.name)]
    }


def _from_json(cls: type[_Report], data: dict[str, Any]) -> _Report:
    """The report :func:`_to_json` wrote: paths back to paths, counts to integers."""
    paths = {"store", "target", "source", "before"}
    values: dict[str, Any] = {}
    for f in fields(cls):
        value = data[f.name]
        if f.name in paths:
            value = None if value is None else Path(value)
        elif f.name == "tables":
            value = {str(k): int(v) for k, v in value.items()}
        values[f.name] = value
    return cls(**values)


def _sql_path(path: Path) -> str:
    return "'" + str(path).replace("'", "''") + "'"


def table_names(con: duckdb.DuckDBPyConnection) -> list[str]:
    """The tables of the connection's database, by name."""
    return [
        str(r[0])
        for r in con.execute(
            "SELECT table_name FROM duckdb_tables() WHERE database_name = current_database() "
            "AND schema_name = 'main' AND NOT temporary ORDER BY table_name"
        ).fetchall()
    ]


def table_counts(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """Rows of every table of the connection's database."""
    out: dict[str, int] = {}
    for name in table_names(con):
        row = con.execute(f"SELECT count(*) FROM {quote_ident(name)}").fetchone()
        out[name] = int(row[0]) if row else 0
    return out


def _new_file(target: Path) -> Path:
    target = Path(target).expanduser().resolve()
    if target.exists():
        raise BackupError(
            "the backup {file} exists already; choose a new file name (nothing was written)",
            file=target,
        )
    if not target.parent.is_dir():
        raise BackupError(
            "the folder {folder} does not exist; create it first or choose another path",
            folder=target.parent,
        )
    return target


def _partial(target: Path) -> Path:
    part = target.with_name(f".{target.name}.partial")
    for leftover in (part, part.with_name(part.name + ".wal")):
        leftover.unlink(missing_ok=True)
    return part


def _check_copy(path: Path, version: int, tables: dict[str, int]) -> None:
    """Open the copy at ``path`` and compare it with what it was copied from."""
    found_version, found = inspect(path)
    if found_version != version or found != tables:
        differ = sorted(t for t in set(tables) | set(found) if tables.get(t) != found.get(t))
        raise BackupError(
            "the copy {file} differs from the store (version {a} against {b}; tables {tables}); "
            "it was removed — try again",
            file=path,
            a=found_version,
            b=version,
            tables=", ".join(differ) or "-",
        )


def backup_store(store: Store, target: str | Path) -> BackupReport:
    """Write the open ``store`` to the new file ``target`` and check the copy.

    The caller keeps writers out meanwhile (the CLI holds the file; ``goodwill serve``
    holds its writer lock), so the copy is one moment of the store.
    """
    started = time.perf_counter()
    target = _new_file(Path(target))
    part = _partial(target)
    con = store.con
    con.execute("CHECKPOINT")
    source = str(con.execute("SELECT current_database()").fetchone()[0])  # type: ignore[index]
    tables = table_counts(con)
    try:
        con.execute(f"ATTACH {_sql_path(part)} AS {_ALIAS}")
        try:
            con.execute(f"COPY FROM DATABASE {quote_ident(source)} TO {_ALIAS}")
        finally:
            con.execute(f"DETACH {_ALIAS}")
        _check_copy(part, store.schema_version, tables)
        if target.exists():  # made meanwhile by someone else: never overwrite it
            raise BackupError(
                "the backup {file} appeared while copying; nothing was written", file=target
            )
        os.replace(part, target)
    finally:
        for leftover in (part, part.with_name(part.name + ".wal")):
            leftover.unlink(missing_ok=True)
    return BackupReport(
        store.path,
        target,
        store.schema_version,
        tables,
        target.stat().st_size,
        time.perf_counter() - started,
    )


def inspect(path: str | Path) -> tuple[int, dict[str, int]]:
    """(schema version, rows per table) of the goodwill store file at ``path``, opened
    read-only; refuses a file that is no goodwill store or one of a newer version."""
    path = Path(path).expanduser()
    if not path.is_file():
        raise BackupError("there is no file {file}; give the path of a backup", file=path)
    try:
        con = duckdb.connect(
            str(path),
            read_only=True,
            config={"autoinstall_known_extensions": False, "autoload_known_extensions": False},
        )
    except duckdb.Error as exc:
        raise BackupError(
            "{file} is not a goodwill store (it is not a DuckDB database); "
            "give the path of a file written by goodwill backup",
            file=path,
        ) from exc
    try:
        meta: dict[str, str] = {}
        has_meta = con.execute(
            "SELECT count(*) FROM duckdb_tables() WHERE table_name = ? AND schema_name = 'main'",
            [META_TABLE],
        ).fetchone()
        if has_meta and has_meta[0]:
            meta = dict(con.execute(f"SELECT key, value FROM {META_TABLE}").fetchall())
        if meta.get("format") != STORE_FORMAT:
            raise BackupError(
                "{file} is a DuckDB database but not a goodwill store; "
                "give the path of a file written by goodwill backup",
                file=path,
            )
        version = int(meta.get("schema_version", "0"))
        if version > migrations.SCHEMA_VERSION:
            raise BackupError(
                "{file} was written by a newer goodwill (store version {version}; this "
                "goodwill reads up to {known}); upgrade goodwill to restore it",
                file=path,
                version=version,
                known=migrations.SCHEMA_VERSION,
            )
        return version, table_counts(con)
    finally:
        con.close()


def before_restore_path(db: Path, now: dt.datetime | None = None) -> Path:
    """``PATH.before-restore-<timestamp>``, a name not taken yet."""
    stamp = (now or dt.datetime.now()).strftime("%Y%m%dT%H%M%S")
    candidate = db.with_name(f"{db.name}.before-restore-{stamp}")
    n = 1
    while candidate.exists():
        n += 1
        candidate = db.with_name(f"{db.name}.before-restore-{stamp}-{n}")
    return candidate


def _staged_copy(db: Path, source: Path) -> tuple[Path, int, dict[str, int]]:
    """The backup copied beside the store and opened as a store (upgraded when older):
    (the copy, the backup's version, its rows per table)."""
    version, tables = inspect(source)
    staged = _partial(db.with_name(f"{db.name}.restoring"))
    try:
        with source.open("rb") as src, staged.open("xb") as dst:
            while chunk := src.read(1 << 20):
                dst.write(chunk)
        Store.open(staged, create=False).close()  # upgrades an older store in place
        _, found = inspect(staged)
        lost = sorted(t for t, n in tables.items() if found.get(t) != n)
        if lost:
            raise BackupError(
                "{file} did not open as it was written (tables {tables} differ); "
                "the store is unchanged",
                file=source,
                tables=", ".join(lost),
            )
    except BaseException:
        for leftover in (staged, staged.with_name(staged.name + ".wal")):
            leftover.unlink(missing_ok=True)
        raise
    return staged, version, tables


def restore_file(db: str | Path, source: str | Path) -> RestoreReport:
    """Replace the store file ``db`` (which no process may hold) by the backup
    ``source``; the current file is kept as ``db.before-restore-<timestamp>``."""
    started = time.perf_counter()
    db, source = Path(db).expanduser().resolve(), Path(source).expanduser().resolve()
    if source == db:
        raise BackupError("{file} is the store itself; give the path of a backup", file=source)
    if not db.parent.is_dir():
        raise BackupError(
            "the folder {folder} does not exist; create it first or choose another --db path",
            folder=db.parent,
        )
    if db.exists():
        Store.open(db, create=False).close()  # held by another process, or no store: say so
    staged, version, tables = _staged_copy(db, source)
    before: Path | None = None
    try:
        if db.exists():
            before = before_restore_path(db)
            os.replace(db, before)
            wal = db.with_name(db.name + ".wal")
            if wal.exists():
                os.replace(wal, before.with_name(before.name + ".wal"))
        os.replace(staged, db)
    except BaseException:
        staged.unlink(missing_ok=True)
        if before is not None and not db.exists():
            os.replace(before, db)
        raise
    return RestoreReport(db, source, before, version, tables, time.perf_counter() - started)


def restore_into(store: Store, source: str | Path) -> RestoreReport:
    """Replace the contents of the open ``store`` by the backup ``source``, in one
    transaction; the contents before are kept as ``PATH.before-restore-<timestamp>``.
    The caller holds the writer (``goodwill serve``'s writer lock) and drops its caches."""
    started = time.perf_counter()
    db, source = store.path.resolve(), Path(source).expanduser().resolve()
    if source == db:
        raise BackupError("{file} is the store itself; give the path of a backup", file=source)
    staged, version, tables = _staged_copy(db, source)
    con = store.con
    try:
        before = backup_store(store, before_restore_path(db)).target
        target = str(con.execute("SELECT current_database()").fetchone()[0])  # type: ignore[index]
        con.execute(f"ATTACH {_sql_path(staged)} AS {_ALIAS} (READ_ONLY)")
        try:
            con.execute("BEGIN TRANSACTION")
            try:
                for name in table_names(con):
                    con.execute(f"DROP TABLE {quote_ident(name)}")
                con.execute(f"COPY FROM DATABASE {_ALIAS} TO {quote_ident(target)}")
                con.execute("COMMIT")
            except BaseException:
                con.execute("ROLLBACK")
                raise
        finally:
            con.execute(f"DETACH {_ALIAS}")
        con.execute("CHECKPOINT")
    finally:
        for leftover in (staged, staged.with_name(staged.name + ".wal")):
            leftover.unlink(missing_ok=True)
    store.schema_version = migrations.SCHEMA_VERSION
    return RestoreReport(db, source, before, version, tables, time.perf_counter() - started)


def compact_file(db: str | Path) -> int:
    """Rewrite the store file ``db`` (which no process may hold) as a checked compact
    copy, so values overwritten or deleted (a forgotten person's) no longer linger in its
    free blocks; returns the new size in bytes."""
    db = Path(db).expanduser().resolve()
    copy = db.with_name(f".{db.name}.compact")
    for leftover in (copy, copy.with_name(copy.name + ".wal")):
        leftover.unlink(missing_ok=True)
    with Store.open(db, create=False) as store:
        backup_store(store, copy)
    os.replace(copy, db)
    return db.stat().st_size
