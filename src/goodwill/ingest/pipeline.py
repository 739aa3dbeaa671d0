"""Import files into a store: read, stage, validate all, then write all or nothing."""

from __future__ import annotations

import json
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import duckdb

from goodwill._typing import Lang
from goodwill.errors import ImportValidationError, InputFileError
from goodwill.ingest import upsert as _upsert
from goodwill.ingest.headers import match_headers
from goodwill.ingest.options import ImportOptions
from goodwill.ingest.problems import PROBLEMS_DDL, Problem, fetch_problems, write_problems
from goodwill.ingest.reader import read_any
from goodwill.ingest.report import ImportReport
from goodwill.ingest.validate import check_references, check_rows, stage
from goodwill.privacy.suppress import anonymise_staged
from goodwill.progress import ProgressCallback, watch_query
from goodwill.store.ddl import IMPORTS_TABLE, quote_ident
from goodwill.store.order_days import rebuild_order_days
from goodwill.store.schema import TABLE_ORDER, TABLES

PROBLEMS = "_goodwill_problems"
SHOWN_PROBLEMS = 20


@dataclass
class _Staged:
    table: str
    path: Path
    stage: str
    rows: int
    content_hash: str
    size_bytes: int
    read_as: dict[str, str]
    columns_ok: bool = True


def _effective(name: str, staged: dict[str, _Staged]) -> str:
    """SQL for ``name``'s rows after this batch: staged rows over the store's rows."""
    table = TABLES[name]
    cols = "account_id" if table.key == "account_id" else f"{quote_ident(table.key)}, account_id"
    if name not in staged:
        return f"SELECT {cols} FROM {name}"
    s = staged[name].stage
    key = quote_ident(table.key)
    return (
        f"SELECT {cols} FROM {s} UNION ALL "
        f"SELECT {cols} FROM {name} t WHERE NOT EXISTS "
        f"(SELECT 1 FROM {s} x WHERE x.{key} = t.{key})"
    )


def import_files(
    con: duckdb.DuckDBPyConnection,
    files: list[tuple[str, Path]],
    store_dir: Path,
    *,
    options: ImportOptions | None = None,
    dry_run: bool = False,
    errors_path: Path | None = None,
    lang: Lang = "en",
    progress: ProgressCallback | None = None,
) -> list[ImportReport]:
    """Import ``(table, path)`` pairs as one all-or-nothing batch, in dependency order."""
    options = options or ImportOptions()
    for name, _ in files:
        if name not in TABLES:
            raise InputFileError(
                "unknown table '{name}'; the tables are: {tables}",
                name=name,
                tables=", ".join(TABLE_ORDER),
            )
    seen: dict[str, Path] = {}
    for name, path in files:
        if name in seen:
            raise InputFileError(
                "two files for table {name}: {first} and {second}",
                name=name,
                first=seen[name].name,
                second=path.name,
            )
        seen[name] = path
    ordered = sorted(files, key=lambda f: TABLE_ORDER.index(f[0]))  # type: ignore[arg-type]
    con.execute(PROBLEMS_DDL.format(name=PROBLEMS))
    staged: dict[str, _Staged] = {}
    started = time.perf_counter()
    try:
        with tempfile.TemporaryDirectory(dir=store_dir, prefix=".goodwill-import-") as tmp:
            for name, path in ordered:
                staged[name] = _stage_file(con, name, path, options, Path(tmp), progress)
        for name, st in staged.items():
            if not st.columns_ok or any(not s.columns_ok for s in staged.values()):
                continue
            table = TABLES[name]
            effective: dict[str, str] = {
                t.table: _effective(t.table, staged) for t in table.references
            }
            if progress:
                progress(f"{st.path.name}: checking references", 0, 0)
            check_references(con, table, st.stage, st.path.name, PROBLEMS, effective)
        _raise_if_problems(con, errors_path, lang)
        forgotten = anonymise_staged(con, {name: st.stage for name, st in staged.items()})
        return _write(con, staged, dry_run, started, progress, forgotten)
    finally:
        for name in TABLE_ORDER:
            con.execute(f"DROP TABLE IF EXISTS _raw_{name}")
            con.execute(f"DROP TABLE IF EXISTS _stage_{name}")
        con.execute(f"DROP TABLE IF EXISTS {PROBLEMS}")


def _stage_file(
    con: duckdb.DuckDBPyConnection,
    name: str,
    path: Path,
    options: ImportOptions,
    workdir: Path,
    progress: ProgressCallback | None,
) -> _Staged:
    table = TABLES[name]
    raw_name, stage_name = f"_raw_{name}", f"_stage_{name}"
    with watch_query(con, progress, f"{path.name}: reading"):
        raw = read_any(con, path, raw_name, options, workdir)
    for p in raw.problems:
        _add(con, p)
    match = match_headers(table, raw.headers, raw.display, options.mapping, options.ignore_extra)
    for p in match.problems:
        _add(con, p)
    if match.problems:  # the columns are wrong: row checks would only repeat that
        con.execute(f"CREATE OR REPLACE TEMP TABLE {stage_name} AS SELECT 1 AS _row LIMIT 0")
        return _Staged(
            name, path, stage_name, raw.rows, raw.content_hash, raw.size_bytes, {}, False
        )
    with watch_query(con, progress, f"{path.name}: checking"):
        plans = stage(con, raw, table, match, options, stage_name, PROBLEMS)
        check_rows(con, table, stage_name, raw.display, PROBLEMS, plans)
    con.execute(f"DROP TABLE IF EXISTS {raw_name}")
    read_as = dict(raw.read_as)
    for plan in plans:
        if plan.source is not None and plan.convention:
            read_as[plan.column.name] = plan.convention
    if match.ignored:
        read_as["ignored columns"] = ", ".join(match.ignored)
    return _Staged(name, path, stage_name, raw.rows, raw.content_hash, raw.size_bytes, read_as)


def _add(con: duckdb.DuckDBPyConnection, p: Problem) -> None:
    con.execute(
        f"INSERT INTO {PROBLEMS} VALUES (?, ?, ?, ?, ?, ?)",
        [p.file, p.row, p.column, p.value, p.code, p.detail],
    )


def _raise_if_problems(
    con: duckdb.DuckDBPyConnection, errors_path: Path | None, lang: Lang
) -> None:
    row = con.execute(f"SELECT count(*) FROM {PROBLEMS}").fetchone()
    total = int(row[0]) if row else 0
    if not total:
        return
    if errors_path is not None:
        write_problems(fetch_problems(con, PROBLEMS), errors_path, lang)
    raise ImportValidationError(fetch_problems(con, PROBLEMS, SHOWN_PROBLEMS), total)


def _next_id(con: duckdb.DuckDBPyConnection) -> int:
    row = con.execute(f"SELECT coalesce(max(import_id), 0) + 1 FROM {IMPORTS_TABLE}").fetchone()
    return int(row[0]) if row else 1


def _write(
    con: duckdb.DuckDBPyConnection,
    staged: dict[str, _Staged],
    dry_run: bool,
    started: float,
    progress: ProgressCallback | None,
    forgotten: dict[str, int],
) -> list[ImportReport]:
    """Write the staged tables; ``forgotten`` counts the rows per table anonymised on the
    way in (forgotten people, :mod:`goodwill.privacy.suppress`)."""
    reports: list[ImportReport] = []
    con.execute("BEGIN TRANSACTION")
    try:
        batch = _next_id(con)
        for name, st in staged.items():
            import_id = _next_id(con)
            t0 = time.perf_counter()
            with watch_query(con, progress, f"{st.path.name}: writing"):
                inserted, updated, unchanged = _upsert.upsert(
                    con, TABLES[name], st.stage, import_id
                )
            con.execute(
                f"INSERT INTO {IMPORTS_TABLE} VALUES (?, ?, ?, ?, ?, ?, ?, "
                "?, current_localtimestamp(), ?, ?, ?, ?, 'done', NULL, ?)",
                [
                    import_id,
                    batch,
                    name,
                    st.path.name,
                    str(st.path.resolve()),
                    st.content_hash,
                    st.size_bytes,
                    _timestamp(started),
                    st.rows,
                    inserted,
                    updated,
                    unchanged,
                    json.dumps(st.read_as, sort_keys=True),
                ],
            )
            reports.append(
                ImportReport(
                    table=name,
                    file=st.path,
                    rows=st.rows,
                    inserted=inserted,
                    updated=updated,
                    unchanged=unchanged,
                    import_id=None if dry_run else import_id,
                    dry_run=dry_run,
                    read_as=st.read_as,
                    seconds=time.perf_counter() - t0,
                    anonymised=forgotten.get(name, 0),
                )
            )
        if "orders" in staged and not dry_run:
            with watch_query(con, progress, "orders: order days"):
                rebuild_order_days(con)
        con.execute("ROLLBACK" if dry_run else "COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    return reports


def _timestamp(perf_start: float) -> str:
    import datetime as dt

    elapsed = time.perf_counter() - perf_start
    return (dt.datetime.now() - dt.timedelta(seconds=elapsed)).isoformat(sep=" ")
