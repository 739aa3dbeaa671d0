"""One uploaded file imported through the running app's single writer, then the latest
as-of date scored again: what the Import page and the REST API's import jobs both do."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from goodwill._typing import Lang
from goodwill.dashboard.status import latest_as_of
from goodwill.errors import InputFileError
from goodwill.ingest.report import ImportReport
from goodwill.rescore import Rescored, rescore
from goodwill.settings import Settings
from goodwill.store import Store
from goodwill.web.state import WebState

#: the suffixes the importer reads
SUFFIXES = (".csv", ".txt", ".tsv", ".xlsx", ".parquet")


def upload_name(filename: str | None) -> str:
    """The uploaded file's own name (no folders), refused with
    :class:`~goodwill.errors.InputFileError` when the importer cannot read its kind."""
    name = Path(filename or "upload").name or "upload"
    if Path(name).suffix.lower() not in SUFFIXES:
        raise InputFileError(
            "{file}: goodwill reads CSV, XLSX and Parquet files (.csv, .xlsx, .parquet)",
            file=name,
        )
    return name


def import_and_score(
    state: WebState, table: str, path: Path, lang: Lang = "en"
) -> tuple[ImportReport, Rescored | None]:
    """:func:`import_into` the app's store, as its single writer."""
    with state.writing() as store:
        return import_into(store, state.settings, table, path, lang)


def import_into(
    store: Store,
    settings: Settings,
    table: str,
    path: Path,
    lang: Lang = "en",
    *,
    on_imported: Callable[[ImportReport], None] | None = None,
) -> tuple[ImportReport, Rescored | None]:
    """Import ``path`` into ``table`` all or nothing (raising
    :class:`~goodwill.errors.ImportValidationError` or
    :class:`~goodwill.errors.InputFileError` with nothing written), then score the latest
    as-of date again — once there are orders to score — in a child process
    (:mod:`goodwill.rescore`: the requests keep the interpreter). ``on_imported`` hears
    of the import before the scoring starts (which may still fail with the import
    written)."""
    report = store.import_file(table, path, lang=lang)
    if on_imported is not None:
        on_imported(report)
    snapshot = None
    if store.count("orders"):  # nothing to score before the first orders
        snapshot = rescore(store, latest_as_of(store), settings)
    return report, snapshot
