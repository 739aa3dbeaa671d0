"""Forget a person: a contact person or one of our employees, everywhere, history too.

This is the one deliberate exception to "nothing imported is lost" (docs/privacy.md).
In one transaction:

- a contact's rows in ``contacts`` and ``contacts_history`` get the pseudonym as name
  and no e-mail address or role (its id, account and dates stay: the references and the
  "contacts that left" signal keep working);
- an employee's name or code is replaced by the pseudonym wherever goodwill keeps one
  (``owner``, ``employee``, ``made_by`` and their history, saved plans, users, the access
  log, who forgot whom); a user of that name is disabled and signed out;
- every name and e-mail address the person had, in any version, is replaced where it
  appears as a word in free text anywhere in the store (:mod:`goodwill.privacy.sweep`);
- the suppression list gets a keyed hash of the contact id or the normalised name, so
  the next import anonymises the person on the way in and an undo finds only the
  pseudonym in history.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

import duckdb

from goodwill._typing import PersonKind
from goodwill.errors import GoodwillError
from goodwill.privacy import keys
from goodwill.privacy.sweep import sweep
from goodwill.store import Store
from goodwill.store.ddl import history_table, quote_ident

#: the input tables' columns that hold an employee's name or code
_EMPLOYEE_INPUT = (("accounts", "owner"), ("interactions", "employee"), ("promises", "made_by"))
#: where goodwill keeps an employee's name or code: (table, column)
EMPLOYEE_COLUMNS: tuple[tuple[str, str], ...] = (
    *((t, c) for base, c in _EMPLOYEE_INPUT for t in (base, history_table(base))),
    ("plan_actions", "owner"),
    ("plan_accounts", "owner"),
    ("users", "name"),
    ("users", "owner"),
    ("access_log", "user_name"),
    ("suppressions", "forgotten_by"),
)
#: where a contact person's own row is kept
CONTACT_TABLES = ("contacts", history_table("contacts"))
#: names shorter than this are not looked for in free text (they would match too much)
MIN_FREE_TEXT = 2


class ForgetError(GoodwillError, LookupError):
    """The person to forget is not in the store (or the request is malformed)."""


@dataclass(frozen=True)
class ForgetReport:
    """What forgetting one person changed: rows per (table, column)."""

    kind: PersonKind
    pseudonym: str
    changed: dict[tuple[str, str], int] = field(default_factory=dict)
    #: False when the person was on the suppression list already (forgotten before)
    newly_suppressed: bool = True

    @property
    def rows(self) -> int:
        return sum(self.changed.values())

    def tables(self) -> dict[str, int]:
        """Rows changed per table (a row changed in two columns counts twice)."""
        out: dict[str, int] = {}
        for (table, _), n in sorted(self.changed.items()):
            out[table] = out.get(table, 0) + n
        return out


def _count(row: tuple[object, ...] | None) -> int:
    return int(row[0]) if row and row[0] is not None else 0  # type: ignore[call-overload]


def _is_suppressed(con: duckdb.DuckDBPyConnection, kind: PersonKind, hashed: str) -> bool:
    found = con.execute(
        "SELECT count(*) FROM suppressions WHERE kind = ? AND key_hash = ?", [kind, hashed]
    ).fetchone()
    return _count(found) > 0


def _suppress(
    con: duckdb.DuckDBPyConnection, kind: PersonKind, hashed: str, by: str | None
) -> bool:
    if _is_suppressed(con, kind, hashed):
        return False
    con.execute(
        "INSERT INTO suppressions VALUES (?, ?, current_localtimestamp(), ?)",
        [kind, hashed, by],
    )
    return True


def _in_transaction(
    store: Store, work: Callable[[duckdb.DuckDBPyConnection], ForgetReport]
) -> ForgetReport:
    con = store.con
    con.execute("BEGIN TRANSACTION")
    try:
        report = work(con)
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    con.execute("CHECKPOINT")  # the old values leave the write-ahead log now
    return report


def forget_contact(store: Store, contact_id: str, *, by: str | None = None) -> ForgetReport:
    """Anonymise the contact person ``contact_id`` everywhere in ``store``.

    Raises :class:`ForgetError` when no contact of that id was ever imported.
    """
    contact_id = contact_id.strip()

    def work(con: duckdb.DuckDBPyConnection) -> ForgetReport:
        versions = con.execute(
            " UNION ALL ".join(
                f"SELECT name, email FROM {t} WHERE contact_id = ?" for t in CONTACT_TABLES
            ),
            [contact_id] * len(CONTACT_TABLES),
        ).fetchall()
        salt = keys.salt(con, create=bool(versions))
        if not versions or salt is None:
            raise ForgetError(
                "there is no contact {id} in {path}; check the id with "
                "goodwill export contacts --to FILE",
                id=contact_id,
                path=store.path,
            )
        hashed = keys.key_hash(salt, "contact", contact_id)
        name = keys.pseudonym("contact", hashed)
        changed: dict[tuple[str, str], int] = {}
        for table in CONTACT_TABLES:
            rows = _count(
                con.execute(
                    f"UPDATE {table} SET name = ?, email = NULL, role = NULL "
                    "WHERE contact_id = ? AND (name IS DISTINCT FROM ? OR email IS NOT NULL "
                    "OR role IS NOT NULL)",
                    [name, contact_id, name],
                ).fetchone()
            )
            if rows:
                changed[(table, "name, email, role")] = rows
        needles = {
            str(v).strip()
            for row in versions
            for v in row
            if v is not None and len(str(v).strip()) >= MIN_FREE_TEXT and str(v) != name
        }
        by_key = frozenset((t, c) for t in CONTACT_TABLES for c in ("name", "email"))
        for where, n in sweep(con, needles, name, case_sensitive=False, skip=by_key).items():
            changed[where] = changed.get(where, 0) + n
        added = _suppress(con, "contact", hashed, by)
        return ForgetReport("contact", name, changed, added)

    return _in_transaction(store, work)


def forget_employee(store: Store, employee: str, *, by: str | None = None) -> ForgetReport:
    """Anonymise our employee ``employee`` (a name or owner code, compared without
    regard to case and spacing) everywhere in ``store``.

    Raises :class:`ForgetError` when the name appears nowhere.
    """
    wanted = keys.normalise_employee(employee)
    if not wanted:
        raise ForgetError("give the employee's name or code, e.g. goodwill forget employee JDV")

    def work(con: duckdb.DuckDBPyConnection) -> ForgetReport:
        spellings: set[str] = set()
        for table, column in EMPLOYEE_COLUMNS:
            col = quote_ident(column)
            found = con.execute(
                f"SELECT DISTINCT {col} FROM {table} WHERE {keys.normalise_employee_sql(col)} = ?",
                [wanted],
            ).fetchall()
            spellings.update(str(r[0]) for r in found)
        salt = keys.salt(con, create=bool(spellings))
        if salt is not None and not spellings:
            hashed = keys.key_hash(salt, "employee", wanted)
            if _is_suppressed(con, "employee", hashed):  # forgotten before: nothing left
                return ForgetReport("employee", keys.pseudonym("employee", hashed), {}, False)
        if not spellings or salt is None:
            raise ForgetError(
                "no employee {name} in {path} (looked in owner, employee, made_by, saved "
                "plans, users and the access log); check the spelling",
                name=employee,
                path=store.path,
            )
        hashed = keys.key_hash(salt, "employee", wanted)
        name = keys.pseudonym("employee", hashed)
        changed: dict[tuple[str, str], int] = {}
        users = con.execute(
            f"SELECT user_id FROM users WHERE {keys.normalise_employee_sql('name')} = ?",
            [wanted],
        ).fetchall()
        for (user_id,) in users:
            con.execute(
                "UPDATE users SET disabled = true, password_hash = NULL WHERE user_id = ?",
                [user_id],
            )
            ended = _count(
                con.execute("DELETE FROM sessions WHERE user_id = ?", [user_id]).fetchone()
            )
            if ended:
                changed[("sessions", "(ended)")] = changed.get(("sessions", "(ended)"), 0) + ended
            con.execute(
                "UPDATE api_tokens SET revoked_at = current_localtimestamp() "
                "WHERE user_id = ? AND revoked_at IS NULL",
                [user_id],
            )
        for table, column in EMPLOYEE_COLUMNS:
            col = quote_ident(column)
            rows = _count(
                con.execute(
                    f"UPDATE {table} SET {col} = ? WHERE {keys.normalise_employee_sql(col)} = ?",
                    [name, wanted],
                ).fetchone()
            )
            if rows:
                changed[(table, column)] = rows
        needles = {s.strip() for s in spellings if len(s.strip()) >= MIN_FREE_TEXT}
        by_key = frozenset(EMPLOYEE_COLUMNS)
        for where, n in sweep(con, needles, name, case_sensitive=True, skip=by_key).items():
            changed[where] = changed.get(where, 0) + n
        added = _suppress(con, "employee", hashed, by)
        return ForgetReport("employee", name, changed, added)

    return _in_transaction(store, work)


def suppressed(store: Store) -> list[tuple[str, str, dt.datetime]]:
    """The suppression list: (kind, key hash, forgotten at), oldest first."""
    rows = store.con.execute(
        "SELECT kind, key_hash, forgotten_at FROM suppressions ORDER BY forgotten_at"
    ).fetchall()
    return [(str(k), str(h), t) for k, h, t in rows]
