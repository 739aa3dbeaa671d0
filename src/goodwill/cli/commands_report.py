"""`goodwill report`: the portfolio, the accounts at risk and the week's plan as one
self-contained HTML file (and, with --xlsx, the same tables as an Excel workbook)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated

import typer

from goodwill.cli.commands_score import Db, SettingsFile
from goodwill.cli.context import _, console, lang, progress_bar, show_error
from goodwill.errors import GoodwillError
from goodwill.store import Store


def _suffix(path: Path, wanted: str, option: str) -> None:
    if path.suffix.lower() != wanted:
        raise GoodwillError(
            "{option} must end in {suffix}, not {file}", option=option, suffix=wanted,
            file=path.name,
        )  # fmt: skip
    if not path.parent.is_dir():
        raise GoodwillError(
            "the folder {folder} does not exist; create it first or choose another {option} path",
            folder=path.parent,
            option=option,
        )


def report_command(
    out: Annotated[Path, typer.Option("--out", help="The HTML file to write.")],
    db: Db = Path("goodwill.duckdb"),
    xlsx: Annotated[
        Path | None, typer.Option("--xlsx", help="Also write the tables to this Excel file.")
    ] = None,
    as_of: Annotated[
        str | None,
        typer.Option("--as-of", help="Report the latest snapshot on or before this date."),
    ] = None,
    week: Annotated[
        str | None,
        typer.Option("--week", help="The week's plan to show, e.g. 2026-W48 (default: the next)."),
    ] = None,
    settings: SettingsFile = None,
) -> None:
    """Write the portfolio, the accounts at risk and the week's plan to one HTML file."""
    from goodwill.report.page import write_portfolio_html
    from goodwill.report.portfolio import portfolio_report
    from goodwill.report.workbook import write_portfolio_xlsx
    from goodwill.settings import Settings

    try:
        _suffix(out, ".html", "--out")
        if xlsx is not None:
            _suffix(xlsx, ".xlsx", "--xlsx")
        day = None
        if as_of is not None:
            try:
                day = dt.date.fromisoformat(as_of)
            except ValueError as exc:
                raise GoodwillError("'{value}' is not a date like 2026-10-31", value=as_of) from exc
        if week is not None:
            from goodwill.plan import week_start

            week_start(week)  # a clear error before any work
        with Store.open(db, create=False) as store, progress_bar() as progress:
            report = portfolio_report(
                store,
                day,
                week=week,
                lang=lang(),
                settings=Settings.for_store(store.path, settings),
                progress=progress,
            )
        write_portfolio_html(report, out)
        if xlsx is not None:
            write_portfolio_xlsx(report, xlsx)
    except GoodwillError as exc:  # clear in every runner, not only `goodwill` itself
        show_error(exc)
        raise typer.Exit(exc.exit_code) from None
    console.print(
        _(
            "Report as of {date} written to {file}: {risk} accounts at risk, {actions} "
            "planned actions in {week}.",
            date=report.as_of.isoformat(),
            file=str(out),
            risk=len(report.at_risk.rows),
            actions=len(report.plan.actions.rows),
            week=report.plan.week,
        )
    )
    if xlsx is not None:
        console.print(_("Tables written to {file}.", file=str(xlsx)))


def register(app: typer.Typer) -> None:
    app.command("report")(report_command)
