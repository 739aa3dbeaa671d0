"""Keys of forgotten people: a keyed hash, so the suppression list names no one, and the
stable pseudonym a forgotten person is shown as.

The key is a random secret kept in the store (``goodwill_meta``, key ``privacy_salt``),
made the first time someone is forgotten. A hash is ``sha256(salt | kind | key)``; the
same expression in SQL (:func:`hash_sql`) lets an import recognise a forgotten contact
or employee without the list holding their identifier or name.
"""

from __future__ import annotations

import hashlib
import re
import secrets

import duckdb

from goodwill._typing import PersonKind
from goodwill.store.ddl import META_TABLE

SALT_KEY = "privacy_salt"
#: hex digits of the hash in a pseudonym: "forgotten contact 7f3a9c"
PSEUDONYM_DIGITS = 6
_SPACES = re.compile(r"[ \t\n\r\f]+")
#: the same whitespace as ``_SPACES``, for SQL (RE2's ``\s`` is this set)
SPACES_SQL = r"[ \t\n\r\f]+"


def normalise_employee(name: str) -> str:
    """An employee's name or code as compared: trimmed, inner spaces collapsed, lower case."""
    return _SPACES.sub(" ", name).strip().lower()


def normalise_employee_sql(column: str) -> str:
    """:func:`normalise_employee` as a SQL expression over ``column``."""
    return f"lower(trim(regexp_replace({column}, '{SPACES_SQL}', ' ', 'g')))"


def salt(con: duckdb.DuckDBPyConnection, *, create: bool) -> str | None:
    """The store's key for hashing forgotten people; made (inside the caller's
    transaction) when ``create`` and missing, else ``None`` when missing."""
    row = con.execute(f"SELECT value FROM {META_TABLE} WHERE key = ?", [SALT_KEY]).fetchone()
    if row is not None:
        return str(row[0])
    if not create:
        return None
    value = secrets.token_hex(32)
    con.execute(f"INSERT INTO {META_TABLE} VALUES (?, ?)", [SALT_KEY, value])
    return value


def key_hash(salt_value: str, kind: PersonKind, key: str) -> str:
    """The hash kept in ``suppressions.key_hash`` for a contact id or a normalised name."""
    return hashlib.sha256(f"{salt_value}|{kind}|{key}".encode()).hexdigest()


def hash_sql(kind: PersonKind, key_sql: str) -> str:
    """:func:`key_hash` in SQL; the salt is the statement's first parameter (``?``)."""
    return f"sha256(? || '|{kind}|' || {key_sql})"


def pseudonym(kind: PersonKind, hashed: str) -> str:
    """The stable name a forgotten person gets: ``forgotten contact 7f3a9c``."""
    return f"forgotten {kind} {hashed[:PSEUDONYM_DIGITS]}"


def pseudonym_sql(kind: PersonKind, hash_expr: str) -> str:
    """:func:`pseudonym` in SQL over a hash expression."""
    return f"'forgotten {kind} ' || substr({hash_expr}, 1, {PSEUDONYM_DIGITS})"
