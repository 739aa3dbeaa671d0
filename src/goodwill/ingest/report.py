"""What an import or an undo did: data, rendered by the CLI or the web layer."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class ImportReport:
    """One file's import: counts and how the file was read."""

    table: str
    file: Path
    rows: int
    inserted: int
    updated: int
    unchanged: int
    import_id: int | None  # None for a dry run
    dry_run: bool
    read_as: dict[str, str] = field(default_factory=dict)
    seconds: float = 0.0
    #: rows naming a forgotten person, anonymised on the way in (docs/privacy.md)
    anonymised: int = 0


@dataclass(frozen=True)
class UndoReport:
    """One undone import: rows removed and rows restored per table."""

    import_id: int
    table: str
    removed: int
    restored: int
