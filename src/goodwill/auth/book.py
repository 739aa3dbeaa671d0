"""The users, sessions and API tokens of a store, held in memory.

The web app checks every request against this book, so a request never waits for the
store (a long import holds its writer's lock for minutes). Every change marks the rows
it touched; :meth:`AuthBook.flush` writes the marked rows' current state (or deletes
them) on a connection that the caller holds the writer's lock of — the web app tries
that lock after each change and every few seconds, and waits for it only on shutdown.
The command line loads a book, changes it and flushes it at once.
"""

from __future__ import annotations

import datetime as dt
import re
import threading
from collections.abc import Callable
from dataclasses import replace

import duckdb

from goodwill.auth.errors import UserError
from goodwill.auth.passwords import check_strength, hash_password
from goodwill.auth.policy import AuthPolicy
from goodwill.auth.records import (
    ApiToken,
    Session,
    User,
    delete_row,
    load_sessions,
    load_tokens,
    load_users,
    utcnow,
    write_session,
    write_token,
    write_user,
)
from goodwill.store import Store
from goodwill.web.access import Role

__all__ = ["AuthBook"]

#: what a user name may hold
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$")


class AuthBook:
    """Users, sessions and tokens by key, with the rows changed since the last flush."""

    def __init__(
        self,
        policy: AuthPolicy | None = None,
        *,
        clock: Callable[[], dt.datetime] = utcnow,
    ) -> None:
        self.policy = policy or AuthPolicy()
        self.clock = clock
        self.lock = threading.RLock()
        self.users: dict[int, User] = {}
        self.sessions: dict[str, Session] = {}
        self.tokens: dict[int, ApiToken] = {}
        self._dirty: set[tuple[str, object]] = set()

    # -- loading and writing ----------------------------------------------------------
    @classmethod
    def load(cls, store: Store, policy: AuthPolicy | None = None) -> AuthBook:
        """The book of ``store``: its users, its unexpired sessions and its tokens."""
        book = cls(policy)
        con = store.con
        book.users = {u.user_id: u for u in load_users(con)}
        now = book.clock()
        book.sessions = {s.session_hash: s for s in load_sessions(con) if s.expires_at > now}
        book.tokens = {t.token_id: t for t in load_tokens(con)}
        return book

    def mark(self, table: str, key: object) -> None:
        """Remember that the row ``key`` of ``table`` changed (call with :attr:`lock` held)."""
        self._dirty.add((table, key))

    @property
    def pending(self) -> int:
        """Rows changed in memory and not yet written."""
        return len(self._dirty)

    def flush(self, con: duckdb.DuckDBPyConnection) -> int:
        """Write the changed rows (their state now) in one transaction; how many.
        The caller holds the store's writer lock."""
        with self.lock:
            dirty, self._dirty = self._dirty, set()
            rows = [(table, key, self._current(table, key)) for table, key in dirty]
        if not rows:
            return 0
        try:
            con.execute("BEGIN TRANSACTION")
            for table, key, row in rows:
                if row is None:
                    delete_row(con, table, key)
                elif isinstance(row, User):
                    write_user(con, row)
                elif isinstance(row, Session):
                    write_session(con, row)
                else:
                    write_token(con, row)
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            with self.lock:  # written next time
                self._dirty |= dirty
            raise
        return len(rows)

    def _current(self, table: str, key: object) -> User | Session | ApiToken | None:
        if table == "users":
            return self.users.get(key)  # type: ignore[call-overload, no-any-return]
        if table == "sessions":
            return self.sessions.get(key)  # type: ignore[call-overload, no-any-return]
        return self.tokens.get(key)  # type: ignore[call-overload, no-any-return]

    # -- users ------------------------------------------------------------------------
    @property
    def has_users(self) -> bool:
        return bool(self.users)

    def list_users(self) -> list[User]:
        with self.lock:
            return sorted(self.users.values(), key=lambda u: u.name.lower())

    def find(self, name: str) -> User | None:
        """The user called ``name`` (case-insensitive), or None."""
        key = name.strip().lower()
        with self.lock:
            return next((u for u in self.users.values() if u.name.lower() == key), None)

    def get(self, name: str) -> User:
        found = self.find(name)
        if found is None:
            raise UserError("there is no user '{name}'; see goodwill user list", name=name)
        return found

    def _put(self, user: User) -> User:
        self.users[user.user_id] = user
        self.mark("users", user.user_id)
        return user

    def check_new_user(self, name: str, role: Role, owner: str | None) -> tuple[str, str | None]:
        """The name and owner code a new user would get, or :class:`UserError` saying why
        not (before a password is asked for)."""
        name = name.strip()
        if not _NAME.match(name):
            raise UserError(
                "'{name}' cannot be a user name: use up to 64 letters, digits and . _ @ -,"
                " starting with a letter or digit",
                name=name,
            )
        owner = _owner(role, owner)
        with self.lock:
            if self.find(name) is not None:
                raise UserError("a user '{name}' exists already", name=name)
            if not self.users and role is not Role.ADMIN:
                raise UserError(
                    "the first user must be an administrator (--role admin), who can then"
                    " add the others"
                )
        return name, owner

    def add_user(self, name: str, role: Role, password: str, owner: str | None = None) -> User:
        """A new user; an account manager needs the ``owner`` code of their accounts."""
        name, owner = self.check_new_user(name, role, owner)
        check_strength(password, self.policy.min_password_length)
        hashed = hash_password(password)
        with self.lock:
            self.check_new_user(name, role, owner)  # again: another may have come meanwhile
            user_id = max(self.users, default=0) + 1
            return self._put(User(user_id, name, role, owner, hashed, self.clock()))

    def set_password(self, name: str, password: str) -> User:
        """A new password; it also lifts a lock-out."""
        check_strength(password, self.policy.min_password_length)
        hashed = hash_password(password)
        with self.lock:
            user = self.get(name)
            return self._put(
                replace(user, password_hash=hashed, failed_logins=0, locked_until=None)
            )

    def set_role(self, name: str, role: Role, owner: str | None = None) -> User:
        """A new role (and owner code); the user's sessions end, so it applies at once."""
        with self.lock:
            user = self.get(name)
            changed = replace(user, role=role, owner=_owner(role, owner))
            self._keep_an_admin(changed)
            self._put(changed)
            self.end_sessions(user.user_id)
            return changed

    def set_disabled(self, name: str, disabled: bool = True) -> User:
        """Disable (or enable) a user; disabling ends their sessions at once."""
        with self.lock:
            user = self.get(name)
            changed = replace(user, disabled=disabled, failed_logins=0, locked_until=None)
            self._keep_an_admin(changed)
            self._put(changed)
            if disabled:
                self.end_sessions(user.user_id)
            return changed

    def remove_user(self, name: str) -> User:
        """Remove a user with their sessions and API tokens."""
        with self.lock:
            user = self.get(name)
            self._keep_an_admin(None, user.user_id)
            del self.users[user.user_id]
            self.mark("users", user.user_id)
            self.end_sessions(user.user_id)
            for token in [t for t in self.tokens.values() if t.user_id == user.user_id]:
                del self.tokens[token.token_id]
                self.mark("api_tokens", token.token_id)
            return user

    def _keep_an_admin(self, changed: User | None, user_id: int | None = None) -> None:
        """Refuse a change that leaves users but no enabled administrator (nobody could
        manage the users any more); removing the very last user is allowed."""
        gone = changed.user_id if changed is not None else user_id
        after = [u for u in self.users.values() if u.user_id != gone]
        after += [changed] if changed is not None else []
        if after and not any(u.role is Role.ADMIN and not u.disabled for u in after):
            raise UserError(
                "that would leave no enabled administrator; make another user administrator first"
            )

    def end_sessions(self, user_id: int) -> int:
        """End every session of the user; how many."""
        with self.lock:
            ended = [h for h, s in self.sessions.items() if s.user_id == user_id]
            for key in ended:
                del self.sessions[key]
                self.mark("sessions", key)
            return len(ended)

    def put_user(self, user: User) -> None:
        """Keep a changed user (sign-in counts and lock-outs)."""
        with self.lock:
            self._put(user)


def _owner(role: Role, owner: str | None) -> str | None:
    owner = (owner or "").strip() or None
    if role is Role.ACCOUNT_MANAGER and owner is None:
        raise UserError(
            "an account manager needs the owner code of their accounts: add --owner CODE"
        )
    return owner
