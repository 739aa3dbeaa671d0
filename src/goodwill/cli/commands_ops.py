"""Operations: `goodwill backup` and `goodwill restore`, directly or through a running
`goodwill serve` (docs/operations.md)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from goodwill.cli.commands_data import DEFAULT_DB, Db
from goodwill.cli.context import _, console, lang
from goodwill.errors import StoreLockedError
from goodwill.store import Store
from goodwill.store.backup import BackupReport, RestoreReport
from goodwill.web.control import ServeInfo, call_server, read_serve_file


def _server(db: Path, held: StoreLockedError) -> ServeInfo:
    """The running server holding ``db``; the lock error again when none left its file."""
    info = read_serve_file(db)
    if info is None:
        raise held
    return info


def backup_command(
    to: Annotated[Path, typer.Option("--to", help="The new backup file (must not exist).")],
    db: Db = DEFAULT_DB,
) -> None:
    """Write a consistent copy of the store to a new file and check it; while `goodwill
    serve` holds the store, the server makes it."""
    from goodwill.store.backup import backup_store

    via = ""
    try:
        store = Store.open(db, create=False)
    except StoreLockedError as held:
        info = _server(db, held)
        answer = call_server(info, "/admin/backup", {"path": str(to.resolve())}, lang=lang())
        report = BackupReport.from_json(answer)
        via = info.url
    else:
        with store:
            report = backup_store(store, to)
    console.print(
        _(
            "Backed up {db} to {file}: store version {version}, {tables} tables, {rows} rows, "
            "checked.",
            db=str(report.store),
            file=str(report.target),
            version=report.schema_version,
            tables=len(report.tables),
            rows=f"{report.rows:,}",
        )
    )
    if via:
        console.print(_("Made by the running server at {url}.", url=via))


def restore_command(
    source: Annotated[Path, typer.Option("--from", help="The backup file to restore.")],
    db: Db = DEFAULT_DB,
) -> None:
    """Replace the store by a backup; the store as it was is kept as
    PATH.before-restore-<time>. While `goodwill serve` holds the store, the server does it."""
    from goodwill.store.backup import restore_file

    via = ""
    try:
        if db.exists():
            Store.open(db, create=False).close()
    except StoreLockedError as held:
        info = _server(db, held)
        answer = call_server(info, "/admin/restore", {"path": str(source.resolve())}, lang=lang())
        report = RestoreReport.from_json(answer)
        via = info.url
    else:
        report = restore_file(db, source)
    console.print(
        _(
            "Restored {db} from {file}: {tables} tables, {rows} rows.",
            db=str(report.store),
            file=str(report.source),
            tables=len(report.tables),
            rows=f"{report.rows:,}",
        )
    )
    if report.before is not None:
        console.print(_("The store as it was is kept as {file}.", file=str(report.before)))
    if via:
        console.print(
            _("Done by the running server at {url}; it serves the restored store.", url=via)
        )


def register(app: typer.Typer) -> None:
    app.command("backup")(backup_command)
    app.command("restore")(restore_command)
