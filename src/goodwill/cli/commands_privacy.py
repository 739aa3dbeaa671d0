"""Privacy commands: `goodwill forget contact|employee`, `goodwill access-log`,
`goodwill retention` (docs/privacy.md)."""

from __future__ import annotations

import datetime as dt
import getpass
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from goodwill.cli.commands_data import DEFAULT_DB, Db
from goodwill.cli.commands_score import SettingsFile
from goodwill.cli.context import _, console
from goodwill.errors import GoodwillError
from goodwill.i18n import N_
from goodwill.privacy.forget import ForgetReport
from goodwill.settings import Settings
from goodwill.store import Store

#: what the access log says was viewed, marked for translation
VIEWS = (N_("page"), N_("timeline"), N_("print"), N_("chart"))
#: the access log's column headers
HEADERS = (N_("when"), N_("user"), N_("account"), N_("what"))

Yes = Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")]
By = Annotated[
    str | None,
    typer.Option("--by", help="Who asks for it, kept in the suppression list (default: you)."),
]

forget_app = typer.Typer(
    help="Forget a person everywhere, history included (the one deliberate loss).",
    no_args_is_help=True,
)


def _who(by: str | None) -> str:
    if by:
        return by
    try:
        return getpass.getuser()
    except (OSError, KeyError):
        return "unknown"


def _confirm(question: str, yes: bool) -> None:
    if yes:
        return
    if not typer.confirm(question, default=False):
        console.print(_("Nothing was changed."))
        raise typer.Exit(1)


def _show_forget(report: ForgetReport, db: Path) -> None:
    from goodwill.store.backup import compact_file

    if not report.changed:
        console.print(
            _(
                "Nothing left to change: this person was forgotten already ({name}).",
                name=report.pseudonym,
            )
        )
        return
    table = Table(title=_("Forgotten as {name}", name=report.pseudonym), title_justify="left")
    table.add_column(_("table"))
    table.add_column(_("column"))
    table.add_column(_("rows"), justify="right")
    for (name, column), n in sorted(report.changed.items()):
        table.add_row(name, column, f"{n:,}")
    console.print(table)
    console.print(
        _(
            "{rows} values changed in {tables} tables. The next import anonymises this person "
            "on the way in, and undo cannot bring them back.",
            rows=f"{report.rows:,}",
            tables=len(report.tables()),
        )
    )
    compact_file(db)  # the old values must not linger in the file's free blocks
    console.print(_("The store file was rewritten without the old values."))


@forget_app.command("contact")
def forget_contact_command(
    contact_id: Annotated[str, typer.Argument(help="The contact_id of the person.")],
    db: Db = DEFAULT_DB,
    yes: Yes = False,
    by: By = None,
) -> None:
    """Anonymise a contact person everywhere: name, e-mail and role, in every version."""
    from goodwill.privacy import forget_contact

    with Store.open(db, create=False) as store:
        _confirm(
            _(
                "Forget contact {id} everywhere in {db}, history included? This cannot be undone.",
                id=contact_id,
                db=str(db),
            ),
            yes,
        )
        report = forget_contact(store, contact_id, by=_who(by))
    _show_forget(report, db)


@forget_app.command("employee")
def forget_employee_command(
    name: Annotated[str, typer.Argument(help="The employee's name or owner code.")],
    db: Db = DEFAULT_DB,
    yes: Yes = False,
    by: By = None,
) -> None:
    """Anonymise one of our employees everywhere: owner, employee, made_by, plans, users."""
    from goodwill.privacy import forget_employee

    with Store.open(db, create=False) as store:
        _confirm(
            _(
                "Forget employee {name} everywhere in {db}, history included? "
                "This cannot be undone.",
                name=name,
                db=str(db),
            ),
            yes,
        )
        report = forget_employee(store, name, by=_who(by))
    _show_forget(report, db)


def _day(value: str | None, option: str) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise GoodwillError(
            "{option} takes a date as yyyy-mm-dd, not '{value}'", option=option, value=value
        ) from None


def access_log_command(
    db: Db = DEFAULT_DB,
    account: Annotated[str | None, typer.Option("--account", help="Only this account.")] = None,
    user: Annotated[str | None, typer.Option("--user", help="Only this user.")] = None,
    since: Annotated[
        str | None, typer.Option("--since", help="Only views on or after this date.")
    ] = None,
    limit: Annotated[int, typer.Option("--limit", help="Show at most this many lines.")] = 1000,
) -> None:
    """List who viewed which account and when, newest first."""
    from goodwill.privacy.access_log import access_lines

    first = _day(since, "--since")
    with Store.open(db, create=False) as store:
        lines = access_lines(store, account_id=account, user_name=user, since=first, limit=limit)
    table = Table(title=_("Access log"), title_justify="left")
    for header in HEADERS:
        table.add_column(_(header))
    for row in lines.itertuples():
        table.add_row(
            str(row.viewed_at)[:19], str(row.user_name), str(row.account_id), _(str(row.what))
        )
    console.print(table)
    if len(lines) == limit:
        console.print(
            _("Showing the newest {n}; narrow with --account, --user or --since.", n=limit)
        )


def retention_command(
    db: Db = DEFAULT_DB,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Count what would be removed; remove nothing.")
    ] = False,
    settings: SettingsFile = None,
) -> None:
    """Remove history and access-log rows older than the [privacy] settings keep them."""
    from goodwill.privacy.retention import apply_retention

    with Store.open(db, create=False) as store:
        report = apply_retention(store, Settings.for_store(store.path, settings), dry_run=dry_run)
    title = _("Dry run: nothing was removed") if dry_run else _("Retention")
    table = Table(title=title, title_justify="left")
    table.add_column(_("table"))
    table.add_column(_("older than"))
    table.add_column(_("rows"), justify="right")
    for name, n in sorted(report.history_rows.items()):
        table.add_row(name, str(report.history_before)[:10], f"{n:,}")
    if report.access_log_before is not None:
        since = str(report.access_log_before)[:10]
        table.add_row("access_log", since, f"{report.access_log_rows:,}")
    console.print(table)
    if report.history_before is None:
        console.print(_("History is kept for ever (history_retention_days = 0)."))
    if report.final_imports:
        ids = ", ".join(f"#{i}" for i in report.final_imports)
        if dry_run:
            console.print(_("These imports could then no longer be undone: {ids}.", ids=ids))
        else:
            console.print(_("These imports can no longer be undone: {ids}.", ids=ids))


def register(app: typer.Typer) -> None:
    app.add_typer(forget_app, name="forget")
    app.command("access-log")(access_log_command)
    app.command("retention")(retention_command)
