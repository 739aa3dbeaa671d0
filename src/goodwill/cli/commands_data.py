"""Commands that move data in and out of the store: import, import-dir, imports, export."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from goodwill.cli.context import _, console, lang, progress_bar
from goodwill.errors import GoodwillError
from goodwill.ingest.options import ImportOptions
from goodwill.ingest.report import ImportReport
from goodwill.store import Store

Db = Annotated[Path, typer.Option("--db", help="The store file (DuckDB).")]
DEFAULT_DB = Path("goodwill.duckdb")
Map = Annotated[
    list[str] | None,
    typer.Option(
        "--map", help="Map a header to a column, e.g. --map 'Klant Nr=account_id' (repeatable)."
    ),
]
IgnoreExtra = Annotated[
    bool, typer.Option("--ignore-extra", help="Leave out columns goodwill does not know.")
]
Separator = Annotated[
    str | None,
    typer.Option("--separator", help="CSV separator: ',', ';', '|' or 'tab' (default: detected)."),
]
Decimal = Annotated[
    str | None,
    typer.Option("--decimal", help="Decimal mark: ',' or '.' (default: detected per column)."),
]
Encoding = Annotated[
    str | None, typer.Option("--encoding", help="Text encoding, e.g. cp1252 (default: detected).")
]
DateOrder = Annotated[
    str, typer.Option("--date-order", help="dmy (31-12-2024, the default) or mdy (12/31/2024).")
]
Sheet = Annotated[str | None, typer.Option("--sheet", help="XLSX sheet (default: the first).")]
DryRun = Annotated[
    bool, typer.Option("--dry-run", help="Check and report what would change; write nothing.")
]
Errors = Annotated[
    Path | None, typer.Option("--errors", help="Write every problem found to this CSV file.")
]


def _options(
    mapping: list[str] | None,
    ignore_extra: bool,
    separator: str | None,
    decimal: str | None,
    encoding: str | None,
    date_order: str,
    sheet: str | None,
) -> ImportOptions:
    pairs: dict[str, str] = {}
    for item in mapping or []:
        if "=" not in item:
            raise GoodwillError(
                "--map takes HEADER=COLUMN, for example --map 'Klant Nr=account_id'; got {v}",
                v=item,
            )
        source, target = item.split("=", 1)
        pairs[source.strip()] = target.strip()
    if separator == "tab":
        separator = "\t"
    return ImportOptions(
        mapping=pairs,
        ignore_extra=ignore_extra,
        separator=separator,
        decimal=decimal,
        encoding=encoding,
        date_order=date_order,  # type: ignore[arg-type]
        sheet=sheet,
    )


def _show(reports: list[ImportReport]) -> None:
    title = _("Dry run: nothing was written") if reports and reports[0].dry_run else _("Imported")
    table = Table(title=title, title_justify="left")
    for header in (
        "import",
        "table",
        "file",
        "rows",
        "inserted",
        "updated",
        "unchanged",
        "read as",
    ):
        table.add_column(
            _(header),
            justify="right" if header in ("rows", "inserted", "updated", "unchanged") else "left",
        )
    for r in reports:
        read_as = " ".join(
            r.read_as[k] if k != "separator" else repr(r.read_as[k])
            for k in ("format", "encoding", "separator", "sheet")
            if k in r.read_as
        )
        table.add_row(
            f"#{r.import_id}" if r.import_id else "-",
            r.table,
            r.file.name,
            f"{r.rows:,}",
            f"{r.inserted:,}",
            f"{r.updated:,}",
            f"{r.unchanged:,}",
            read_as,
        )
    console.print(table)
    forgotten = sum(r.anonymised for r in reports)
    if forgotten:
        console.print(
            _(
                "{n} rows name a forgotten person: anonymised on the way in (docs/privacy.md).",
                n=f"{forgotten:,}",
            )
        )


def import_table(
    table: Annotated[
        str,
        typer.Argument(
            help="accounts, contacts, orders, invoices, interactions, complaints, promises "
            "or quotes."
        ),
    ],
    file: Annotated[Path, typer.Argument(help="CSV, XLSX or Parquet file.")],
    db: Db = DEFAULT_DB,
    map_: Map = None,
    ignore_extra: IgnoreExtra = False,
    separator: Separator = None,
    decimal: Decimal = None,
    encoding: Encoding = None,
    date_order: DateOrder = "dmy",
    sheet: Sheet = None,
    dry_run: DryRun = False,
    errors: Errors = None,
) -> None:
    """Import one file into a table, all or nothing."""
    options = _options(map_, ignore_extra, separator, decimal, encoding, date_order, sheet)
    with Store.open(db) as store, progress_bar() as progress:
        report = store.import_file(
            table,
            file,
            options=options,
            dry_run=dry_run,
            errors_path=errors,
            lang=lang(),
            progress=progress,
        )
    _show([report])


def import_dir(
    folder: Annotated[
        Path, typer.Argument(help="Folder with one file per table (accounts.csv, orders.xlsx ...).")
    ],
    db: Db = DEFAULT_DB,
    map_: Map = None,
    ignore_extra: IgnoreExtra = False,
    separator: Separator = None,
    decimal: Decimal = None,
    encoding: Encoding = None,
    date_order: DateOrder = "dmy",
    dry_run: DryRun = False,
    errors: Errors = None,
) -> None:
    """Import every table file of a folder in dependency order, all or nothing."""
    options = _options(map_, ignore_extra, separator, decimal, encoding, date_order, None)
    with Store.open(db) as store, progress_bar() as progress:
        reports = store.import_dir(
            folder,
            options=options,
            dry_run=dry_run,
            errors_path=errors,
            lang=lang(),
            progress=progress,
        )
    _show(reports)


imports_app = typer.Typer(help="List imports, or undo one.", no_args_is_help=False)


@imports_app.callback(invoke_without_command=True)
def imports_list(ctx: typer.Context, db: Db = DEFAULT_DB) -> None:
    """List the imports, newest first."""
    if ctx.invoked_subcommand is not None:
        return
    with Store.open(db, create=False) as store:
        log = store.imports()
    table = Table(title=_("Imports"), title_justify="left")
    for header in (
        "import",
        "when",
        "table",
        "file",
        "rows",
        "inserted",
        "updated",
        "unchanged",
        "status",
    ):
        table.add_column(_(header))
    for row in log.itertuples():
        table.add_row(
            f"#{row.import_id}",
            str(row.finished_at)[:19],
            str(row.table_name),
            str(row.file_name),
            f"{row.rows_in_file:,}",
            f"{row.inserted:,}",
            f"{row.updated:,}",
            f"{row.unchanged:,}",
            _(str(row.status)),
        )
    console.print(table)


@imports_app.command("undo")
def imports_undo(
    import_id: Annotated[int, typer.Argument(help="The import number from `goodwill imports`.")],
    db: Db = DEFAULT_DB,
) -> None:
    """Undo one import: its rows leave, the rows it replaced come back."""
    with Store.open(db, create=False) as store:
        report = store.undo(import_id)
    console.print(
        _(
            "Undid import #{id} ({table}): {removed} rows removed, {restored} restored.",
            id=report.import_id,
            table=report.table,
            removed=f"{report.removed:,}",
            restored=f"{report.restored:,}",
        )
    )


def export(
    table: Annotated[str, typer.Argument(help="The table to export.")],
    to: Annotated[Path, typer.Option("--to", help="Target file: .csv, .parquet or .xlsx.")],
    db: Db = DEFAULT_DB,
    convention: Annotated[
        str | None,
        typer.Option(
            "--convention",
            help="CSV conventions: nl (';', decimal comma, dd-mm-yyyy) or en (default: --lang).",
        ),
    ] = None,
) -> None:
    """Export a table to CSV, Parquet or XLSX."""
    conv = (convention or lang()).lower()
    if conv not in ("nl", "en"):
        raise GoodwillError("--convention must be nl or en, not {v}", v=conv)
    with Store.open(db, create=False) as store:
        n = store.export(table, to, convention=conv)  # type: ignore[arg-type]
    console.print(_("Wrote {n} rows to {path}.", n=f"{n:,}", path=str(to)))


def register(app: typer.Typer) -> None:
    app.command("import")(import_table)
    app.command("import-dir")(import_dir)
    app.add_typer(imports_app, name="imports")
    app.command("export")(export)
