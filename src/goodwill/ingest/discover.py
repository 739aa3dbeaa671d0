"""Find the table files in a folder: ``orders.csv``, ``Klanten.xlsx``, ``facturen.parquet``."""

from __future__ import annotations

from pathlib import Path

from goodwill.errors import InputFileError
from goodwill.ingest.headers import normalize
from goodwill.store.schema import TABLE_ORDER, TABLES

DATA_SUFFIXES = (".csv", ".tsv", ".txt", ".xlsx", ".xlsm", ".parquet", ".pq")


def table_for_stem(stem: str) -> str | None:
    """The table a file stem names, in English or Dutch, or None."""
    key = normalize(stem)
    for name in TABLE_ORDER:
        if key in {normalize(name), *(normalize(s) for s in TABLES[name].synonyms)}:
            return name
    return None


def discover(folder: Path) -> list[tuple[str, Path]]:
    """``(table, file)`` for every data file in ``folder``; unknown data files are refused."""
    if not folder.exists():
        raise InputFileError("the folder {folder} does not exist; check the path", folder=folder)
    if not folder.is_dir():
        raise InputFileError(
            "{folder} is a file; use `goodwill import TABLE FILE` for one file", folder=folder
        )
    found: list[tuple[str, Path]] = []
    unknown: list[str] = []
    for path in sorted(folder.iterdir()):
        if not path.is_file() or path.name.startswith("."):
            continue
        if path.suffix.lower() not in DATA_SUFFIXES:
            continue
        name = table_for_stem(path.stem)
        if name is None:
            if path.suffix.lower() != ".txt":
                unknown.append(path.name)
            continue
        found.append((name, path))
    if unknown:
        raise InputFileError(
            "{folder}: cannot tell which table these files are for: {files}; name each file "
            "after its table ({tables}) or import it with `goodwill import TABLE FILE`",
            folder=folder,
            files=", ".join(unknown),
            tables=", ".join(TABLE_ORDER),
        )
    if not found:
        raise InputFileError(
            "{folder} holds no table files; expected files such as accounts.csv and orders.csv",
            folder=folder,
        )
    return found
