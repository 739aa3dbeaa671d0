"""Users, sessions and API tokens as rows of the store (schema version 7): the
dataclasses, and reading and writing them. Only hashes of secrets are ever stored."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass

import duckdb

from goodwill.web.access import Principal, Role

__all__ = [
    "ApiToken",
    "Session",
    "User",
    "delete_row",
    "load_sessions",
    "load_tokens",
    "load_users",
    "new_secret",
    "secret_hash",
    "utcnow",
    "write_session",
    "write_token",
    "write_user",
]


def utcnow() -> dt.datetime:
    """Now in UTC, without a zone (as the store's TIMESTAMP columns hold it)."""
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def new_secret(prefix: str = "") -> str:
    """A random secret of 256 bits, URL-safe."""
    return prefix + secrets.token_urlsafe(32)


def secret_hash(secret: str) -> str:
    """The SHA-256 of a random secret: what the store keeps instead of it (a secret of
    256 random bits needs no slow hash; a password does, see passwords.py)."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class User:
    user_id: int
    name: str
    role: Role
    owner: str | None
    password_hash: str
    created_at: dt.datetime
    disabled: bool = False
    failed_logins: int = 0
    locked_until: dt.datetime | None = None

    def locked(self, now: dt.datetime) -> bool:
        return self.locked_until is not None and self.locked_until > now

    @property
    def principal(self) -> Principal:
        return Principal(name=self.name, role=self.role, owner=self.owner)


@dataclass(frozen=True)
class Session:
    session_hash: str
    user_id: int
    csrf: str
    created_at: dt.datetime
    last_seen: dt.datetime
    expires_at: dt.datetime


@dataclass(frozen=True)
class ApiToken:
    token_id: int
    user_id: int
    label: str
    token_hash: str
    created_at: dt.datetime
    last_used: dt.datetime | None = None
    revoked_at: dt.datetime | None = None

    @property
    def active(self) -> bool:
        return self.revoked_at is None


def _ts(value: object) -> dt.datetime | None:
    return value if isinstance(value, dt.datetime) else None


def load_users(con: duckdb.DuckDBPyConnection) -> list[User]:
    rows = con.execute(
        "SELECT user_id, name, role, owner, password_hash, created_at, disabled,"
        " failed_logins, locked_until FROM users ORDER BY user_id"
    ).fetchall()
    return [
        User(
            user_id=int(r[0]),
            name=str(r[1]),
            role=Role.parse(str(r[2])),
            owner=None if r[3] is None else str(r[3]),
            password_hash=str(r[4] or ""),
            created_at=_ts(r[5]) or utcnow(),
            disabled=bool(r[6]),
            failed_logins=int(r[7] or 0),
            locked_until=_ts(r[8]),
        )
        for r in rows
    ]


def load_sessions(con: duckdb.DuckDBPyConnection) -> list[Session]:
    rows = con.execute(
        "SELECT session_hash, user_id, csrf, created_at, last_seen, expires_at FROM sessions"
    ).fetchall()
    return [Session(str(r[0]), int(r[1]), str(r[2]), r[3], r[4], r[5]) for r in rows]


def load_tokens(con: duckdb.DuckDBPyConnection) -> list[ApiToken]:
    rows = con.execute(
        "SELECT token_id, user_id, label, token_hash, created_at, last_used, revoked_at"
        " FROM api_tokens ORDER BY token_id"
    ).fetchall()
    return [
        ApiToken(int(r[0]), int(r[1]), str(r[2] or ""), str(r[3]), r[4], _ts(r[5]), _ts(r[6]))
        for r in rows
    ]


#: each table's key column
KEYS = {"users": "user_id", "sessions": "session_hash", "api_tokens": "token_id"}


def delete_row(con: duckdb.DuckDBPyConnection, table: str, key: object) -> None:
    con.execute(f"DELETE FROM {table} WHERE {KEYS[table]} = ?", [key])


def write_user(con: duckdb.DuckDBPyConnection, u: User) -> None:
    delete_row(con, "users", u.user_id)
    con.execute(
        "INSERT INTO users VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            u.user_id,
            u.name,
            u.role.code,
            u.owner,
            u.password_hash,
            u.created_at,
            u.disabled,
            u.failed_logins,
            u.locked_until,
        ],
    )


def write_session(con: duckdb.DuckDBPyConnection, s: Session) -> None:
    delete_row(con, "sessions", s.session_hash)
    con.execute(
        "INSERT INTO sessions VALUES (?, ?, ?, ?, ?, ?)",
        [s.session_hash, s.user_id, s.csrf, s.created_at, s.last_seen, s.expires_at],
    )


def write_token(con: duckdb.DuckDBPyConnection, t: ApiToken) -> None:
    delete_row(con, "api_tokens", t.token_id)
    con.execute(
        "INSERT INTO api_tokens VALUES (?, ?, ?, ?, ?, ?, ?)",
        [t.token_id, t.user_id, t.label, t.token_hash, t.created_at, t.last_used, t.revoked_at],
    )
