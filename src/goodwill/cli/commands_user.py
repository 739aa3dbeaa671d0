"""`goodwill user`: the dashboard's users — add, list, a new password, disable, remove
(docs/security.md). They open the store directly: while `goodwill serve` holds it,
manage users on its /admin/users page instead."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from goodwill.auth import AuthBook, AuthPolicy, User
from goodwill.cli.commands_score import Db
from goodwill.cli.context import _, console
from goodwill.errors import GoodwillError
from goodwill.settings import Settings
from goodwill.store import Store
from goodwill.web.access import Role

user_app = typer.Typer(
    help="The dashboard's users: add, list, passwd, disable, enable, remove.",
    no_args_is_help=True,
)

PasswordStdin = Annotated[
    bool,
    typer.Option(
        "--password-stdin", help="Read the password from the first line of standard input."
    ),
]


@contextmanager
def _book(db: Path) -> Iterator[tuple[Store, AuthBook]]:
    """The store's users, written back when the block ends without an error."""
    with Store.open(db, create=False) as store:
        policy = AuthPolicy.from_settings(Settings.for_store(store.path))
        book = AuthBook.load(store, policy)
        yield store, book
        book.flush(store.con)


def _password(from_stdin: bool) -> str:
    """The new password: from standard input, or asked twice without echo."""
    if from_stdin:
        line = sys.stdin.readline().rstrip("\r\n")
        if not line:
            raise GoodwillError("no password on standard input (--password-stdin)")
        return line
    entered: str = typer.prompt(_("Password"), hide_input=True, confirmation_prompt=True)
    return entered


def _role(text: str) -> Role:
    try:
        return Role.parse(text)
    except ValueError as exc:
        raise GoodwillError(
            "unknown role '{role}'; choose admin, manager or account-manager", role=text
        ) from exc


@user_app.command("add")
def add(
    name: Annotated[str, typer.Argument(help="The user's name (what they sign in with).")],
    role: Annotated[
        str, typer.Option("--role", help="admin, manager or account-manager.")
    ] = "account-manager",
    owner: Annotated[
        str | None,
        typer.Option("--owner", help="An account manager's owner code: the accounts they see."),
    ] = None,
    password_stdin: PasswordStdin = False,
    db: Db = Path("goodwill.duckdb"),
) -> None:
    """Add a user; the password is asked twice (or read with --password-stdin)."""
    chosen = _role(role)
    with _book(db) as (store, book):
        book.check_new_user(name, chosen, owner)  # before asking for a password
        password = _password(password_stdin)
        user = book.add_user(name, chosen, password, owner)
        owned = store.con.execute(
            "SELECT count(*) FROM accounts WHERE owner = ?", [user.owner]
        ).fetchall()[0][0]
    console.print(_("Added {name} ({role}).", name=user.name, role=user.role.code))
    if user.owner and chosen is Role.ACCOUNT_MANAGER and not owned:
        console.print(
            _("Note: no account has the owner code {owner} yet.", owner=user.owner),
            style="yellow",
        )


@user_app.command("list")
def list_users(db: Db = Path("goodwill.duckdb")) -> None:
    """List the users with their role, owner code and status."""
    with _book(db) as (_store, book):
        users = book.list_users()
        now = book.clock()
    if not users:
        console.print(
            _("No users: the dashboard is open to this machine only (goodwill user add).")
        )
        return
    table = Table(title=_("Users"), title_justify="left")
    for header in ("name", "role", "owner code", "status"):
        table.add_column(_(header))
    for user in users:
        table.add_row(user.name, user.role.code, user.owner or "", _status(user, now))
    console.print(table)


def _status(user: User, now: object) -> str:
    if user.disabled:
        return _("disabled")
    if user.locked_until is not None and user.locked(now):  # type: ignore[arg-type]
        return _("locked until {time} UTC", time=user.locked_until.strftime("%H:%M"))
    return _("active")


@user_app.command("passwd")
def passwd(
    name: Annotated[str, typer.Argument(help="The user.")],
    password_stdin: PasswordStdin = False,
    db: Db = Path("goodwill.duckdb"),
) -> None:
    """Set a user's password (it also lifts a lock-out)."""
    with _book(db) as (_store, book):
        book.get(name)
        user = book.set_password(name, _password(password_stdin))
    console.print(_("New password set for {name}.", name=user.name))


@user_app.command("disable")
def disable(
    name: Annotated[str, typer.Argument(help="The user.")], db: Db = Path("goodwill.duckdb")
) -> None:
    """Disable a user: they cannot sign in, and their sessions and tokens stop."""
    with _book(db) as (_store, book):
        user = book.set_disabled(name, True)
    console.print(_("Disabled {name}.", name=user.name))


@user_app.command("enable")
def enable(
    name: Annotated[str, typer.Argument(help="The user.")], db: Db = Path("goodwill.duckdb")
) -> None:
    """Enable a disabled user again."""
    with _book(db) as (_store, book):
        user = book.set_disabled(name, False)
    console.print(_("Enabled {name}.", name=user.name))


@user_app.command("remove")
def remove(
    name: Annotated[str, typer.Argument(help="The user.")], db: Db = Path("goodwill.duckdb")
) -> None:
    """Remove a user with their sessions and API tokens."""
    with _book(db) as (_store, book):
        user = book.remove_user(name)
    console.print(_("Removed {name}.", name=user.name))


def register(app: typer.Typer) -> None:
    app.add_typer(user_app, name="user")
