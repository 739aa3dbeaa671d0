"""``Store``: one DuckDB file holding goodwill's tables, opened with one explicit connection."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from types import TracebackType
from typing import Any

import duckdb
import pandas as pd

from goodwill._typing import ExportFormat, Lang
from goodwill.errors import (
    Interrupted,
    NotAStoreError,
    StoreError,
    StoreLockedError,
    StoreVersionError,
)
from goodwill.ingest.options import ImportOptions
from goodwill.ingest.report import ImportReport, UndoReport
from goodwill.progress import ProgressCallback
from goodwill.store import migrations
from goodwill.store.ddl import IMPORTS_TABLE, META_TABLE, STORE_FORMAT, create_statements
from goodwill.store.schema import TABLE_ORDER, TABLES

#: DuckDB settings for every connection: no network, no progress bar on stdout, and an
#: explicit memory limit (DuckDB's default is 80 % of RAM).
DEFAULT_MEMORY_LIMIT = "3GB"
_LOCK = re.compile(r"Conflicting lock is held in (.*?) \(PID (\d+)\)")

#: told (store path, its version, the version it is upgraded to) before an older store is
#: upgraded — once, and it can take a minute on a large store (version 8 rewrites the
#: facts); the CLI says so, the library never prints
UpgradeListener = Callable[[Path, int, int], None]
_upgrade_listeners: list[UpgradeListener] = []


def on_upgrade(listener: UpgradeListener) -> None:
    """Have ``listener`` told before a store of an older version is upgraded."""
    if listener not in _upgrade_listeners:
        _upgrade_listeners.append(listener)


@contextmanager
def _interruptible() -> Iterator[None]:
    """Turn Ctrl-C inside DuckDB (which raises its own error) into :class:`Interrupted`.

    Every write runs in a transaction that is rolled back on the way out, so the message
    can promise that the store is as it was.
    """
    try:
        yield
    except (KeyboardInterrupt, duckdb.InterruptException, RuntimeError) as exc:
        if isinstance(exc, RuntimeError) and "interrupt" not in str(exc).lower():
            raise
        raise Interrupted("interrupted; the store is as it was before this command") from exc


def _describe_process(pid: int, exe: str) -> str:
    try:
        raw = Path(f"/proc/{pid}/cmdline").read_bytes()
        cmd = " ".join(part.decode(errors="replace") for part in raw.split(b"\0") if part)
    except OSError:
        cmd = exe
    return f"process {pid} ({cmd[:200]})"


def _connect(path: Path, memory_limit: str, threads: int | None) -> duckdb.DuckDBPyConnection:
    config: dict[str, Any] = {
        "autoinstall_known_extensions": False,
        "autoload_known_extensions": False,
        "memory_limit": memory_limit,
    }
    if threads:
        config["threads"] = threads
    try:
        con = duckdb.connect(str(path), config=config)
    except duckdb.IOException as exc:
        text = str(exc)
        lock = _LOCK.search(text)
        if lock:
            who = _describe_process(int(lock.group(2)), lock.group(1))
            raise StoreLockedError(
                "the store {path} is in use by {who}. Stop that process and try again; "
                "while `goodwill serve` runs, import and score through its web pages.",
                path=path,
                who=who,
            ) from exc
        if "not a valid DuckDB database" in text or "Magic" in text or "magic" in text:
            raise NotAStoreError(
                "{path} is not a goodwill store (it is not a DuckDB database); "
                "choose another --db path",
                path=path,
            ) from exc
        raise StoreError(
            "the store {path} cannot be opened: {reason}", path=path, reason=text.splitlines()[0]
        ) from exc
    except duckdb.Error as exc:
        text = str(exc).splitlines()[0]
        if "not a valid DuckDB database" in text or "serialization" in text.lower():
            raise NotAStoreError(
                "{path} is not a goodwill store (it is not a DuckDB database); "
                "choose another --db path",
                path=path,
            ) from exc
        raise StoreError(
            "the store {path} cannot be opened: {reason}", path=path, reason=text
        ) from exc
    con.execute("SET enable_progress_bar = false")
    return con


class Store:
    """A goodwill store: the eight input tables, their history and the import log.

    Open it with :meth:`Store.open` and close it (or use ``with``). DuckDB lets one
    process hold the file at a time; a second process is refused with a message that
    names the holder.

    >>> import tempfile, pathlib
    >>> with Store.open(pathlib.Path(tempfile.mkdtemp()) / "demo.duckdb") as store:
    ...     store.count("accounts")
    0
    """

    def __init__(self, con: duckdb.DuckDBPyConnection, path: Path, schema_version: int) -> None:
        self.con = con
        self.path = path
        self.schema_version = schema_version

    # -- opening -------------------------------------------------------------------------
    @classmethod
    def open(
        cls,
        path: str | Path,
        *,
        create: bool = True,
        memory_limit: str = DEFAULT_MEMORY_LIMIT,
        threads: int | None = None,
    ) -> Store:
        """Open the store at ``path``, creating it when missing (unless ``create=False``),
        upgrading it when it was written by an older goodwill."""
        path = Path(path).expanduser()
        if path.is_dir():
            raise StoreError(
                "{path} is a folder; give the path of a store file, e.g. {path}/goodwill.duckdb",
                path=path,
            )
        if not path.parent.exists():
            raise StoreError(
                "the folder {folder} does not exist; create it first or choose another --db path",
                folder=path.parent,
            )
        is_new = not path.exists() or path.stat().st_size == 0
        if is_new and not create:
            raise StoreError(
                "there is no store at {path}; create one by importing data "
                "(goodwill import TABLE FILE --db PATH) or run goodwill demo",
                path=path,
            )
        if is_new and path.exists():
            path.unlink()  # an empty file is no database; DuckDB would refuse it
        con = _connect(path, memory_limit, threads)
        try:
            version = cls._init_or_check(con, path, is_new)
        except BaseException:
            con.close()
            if is_new:
                for leftover in (path, path.with_name(path.name + ".wal")):
                    leftover.unlink(missing_ok=True)
            raise
        return cls(con, path, version)

    @staticmethod
    def _init_or_check(con: duckdb.DuckDBPyConnection, path: Path, is_new: bool) -> int:
        if is_new:
            con.execute("BEGIN TRANSACTION")
            for stmt in create_statements():
                con.execute(stmt)
            con.execute(
                f"INSERT INTO {META_TABLE} VALUES ('format', ?), ('schema_version', '1')",
                [STORE_FORMAT],
            )
            for from_version, step in migrations.pending(1):
                step(con)
                con.execute(
                    f"UPDATE {META_TABLE} SET value = ? WHERE key = 'schema_version'",
                    [str(from_version + 1)],
                )
            con.execute("COMMIT")
            return migrations.SCHEMA_VERSION
        has_meta = con.execute(
            "SELECT count(*) FROM duckdb_tables() WHERE table_name = ? AND schema_name = 'main'",
            [META_TABLE],
        ).fetchone()
        meta: dict[str, str] = {}
        if has_meta and has_meta[0]:
            meta = dict(con.execute(f"SELECT key, value FROM {META_TABLE}").fetchall())
        if meta.get("format") != STORE_FORMAT:
            raise NotAStoreError(
                "{path} is a DuckDB database but not a goodwill store; "
                "choose another --db path (goodwill creates a new store where no file exists)",
                path=path,
            )
        version = int(meta.get("schema_version", "0"))
        if version > migrations.SCHEMA_VERSION:
            from goodwill import __version__

            raise StoreVersionError(
                "{path} was written by a newer goodwill (store version {version}; this is "
                "goodwill {ours}, which reads up to version {known}); upgrade goodwill to open it",
                path=path,
                version=version,
                ours=__version__,
                known=migrations.SCHEMA_VERSION,
            )
        steps = migrations.pending(version)
        if steps:
            for listener in list(_upgrade_listeners):
                listener(path, version, migrations.SCHEMA_VERSION)
            con.execute("BEGIN TRANSACTION")
            try:
                for from_version, step in steps:
                    step(con)
                    con.execute(
                        f"UPDATE {META_TABLE} SET value = ? WHERE key = 'schema_version'",
                        [str(from_version + 1)],
                    )
                con.execute("COMMIT")
            except BaseException:
                con.execute("ROLLBACK")
                raise
        return migrations.SCHEMA_VERSION

    def close(self) -> None:
        self.con.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    # -- reading -------------------------------------------------------------------------
    def count(self, table: str) -> int:
        """Number of rows in an input table."""
        self._check_table(table)
        row = self.con.execute(f"SELECT count(*) FROM {table}").fetchone()
        return int(row[0]) if row else 0

    def counts(self) -> dict[str, int]:
        """Rows per input table."""
        return {name: self.count(name) for name in TABLE_ORDER}

    def table(self, name: str) -> pd.DataFrame:
        """An input table as a pandas DataFrame (the contract's columns only)."""
        self._check_table(name)
        cols = ", ".join(f'"{c}"' for c in TABLES[name].column_names)
        return self.con.execute(f"SELECT {cols} FROM {name} ORDER BY 1").df()

    def order_span(self) -> tuple[dt.date, dt.date]:
        """The first and last order dates; refuses a store without orders."""
        row = self.con.execute(
            "SELECT CAST(min(ordered_on) AS DATE), CAST(max(ordered_on) AS DATE) FROM orders"
        ).fetchone()
        if not row or row[0] is None:
            raise StoreError(
                "the store {path} has no orders yet; import orders first", path=self.path
            )
        return row[0], row[1]

    def imports(self) -> pd.DataFrame:
        """The import log, newest first."""
        return self.con.execute(
            f"SELECT import_id, batch_id, table_name, file_name, started_at, finished_at, "
            f"rows_in_file, inserted, updated, unchanged, status, undone_at, content_hash "
            f"FROM {IMPORTS_TABLE} ORDER BY import_id DESC"
        ).df()

    @staticmethod
    def _check_table(name: str) -> None:
        if name not in TABLES:
            raise StoreError(
                "unknown table '{name}'; the tables are: {tables}",
                name=name,
                tables=", ".join(TABLE_ORDER),
            )

    # -- writing -------------------------------------------------------------------------
    def import_file(
        self,
        table: str,
        path: str | Path,
        *,
        options: ImportOptions | None = None,
        mapping: Mapping[str, str] | None = None,
        dry_run: bool = False,
        errors_path: str | Path | None = None,
        lang: Lang = "en",
        progress: ProgressCallback | None = None,
    ) -> ImportReport:
        """Import one CSV, XLSX or Parquet file into ``table``, all or nothing.

        Raises :class:`~goodwill.errors.ImportValidationError` with every problem found
        (and writes them all to ``errors_path`` when given); the store is then unchanged.
        """
        from goodwill.ingest.pipeline import import_files

        self._check_table(table)
        if mapping:
            options = ImportOptions(**{**(options or ImportOptions()).__dict__, "mapping": mapping})
        with _interruptible():
            return import_files(
                self.con,
                [(table, Path(path))],
                self.path.parent,
                options=options,
                dry_run=dry_run,
                errors_path=Path(errors_path) if errors_path else None,
                lang=lang,
                progress=progress,
            )[0]

    def import_dir(
        self,
        folder: str | Path,
        *,
        options: ImportOptions | None = None,
        dry_run: bool = False,
        errors_path: str | Path | None = None,
        lang: Lang = "en",
        progress: ProgressCallback | None = None,
    ) -> list[ImportReport]:
        """Import every table file in ``folder`` (named after its table, in English or
        Dutch: ``orders.csv``, ``klanten.xlsx`` ...) as one all-or-nothing batch."""
        from goodwill.ingest.discover import discover
        from goodwill.ingest.pipeline import import_files

        files = discover(Path(folder))
        with _interruptible():
            return import_files(
                self.con,
                files,
                self.path.parent,
                options=options,
                dry_run=dry_run,
                errors_path=Path(errors_path) if errors_path else None,
                lang=lang,
                progress=progress,
            )

    def undo(self, import_id: int) -> UndoReport:
        """Revert one import: its rows leave, the rows it replaced come back.

        Nothing is lost: the undone rows stay in the table's history.
        """
        from goodwill.ingest.undo import undo_import

        with _interruptible():
            return undo_import(self.con, import_id)

    def export(
        self,
        table: str,
        to: str | Path,
        *,
        format: ExportFormat | None = None,
        convention: Lang = "en",
    ) -> int:
        """Write an input table to CSV (Dutch or English conventions), Parquet or XLSX;
        returns the number of rows written."""
        from goodwill.export import export_table

        self._check_table(table)
        with _interruptible():
            return export_table(self.con, table, Path(to), format=format, convention=convention)
