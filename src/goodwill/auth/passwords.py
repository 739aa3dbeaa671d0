"""Passwords: hashed with argon2id (``argon2-cffi``), never stored or logged as given."""

from __future__ import annotations

from functools import lru_cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from goodwill.auth.errors import UserError

__all__ = ["check_strength", "hash_password", "verify_password"]


@lru_cache(maxsize=1)
def _hasher() -> PasswordHasher:
    """argon2id with the library's defaults (RFC 9106's low-memory profile)."""
    return PasswordHasher()


def check_strength(password: str, min_length: int) -> None:
    """Refuse a password shorter than ``min_length`` characters (``auth.min_password_length``)."""
    if len(password) < min_length:
        raise UserError("the password is too short: use at least {n} characters", n=int(min_length))


def hash_password(password: str) -> str:
    """The argon2id hash of ``password`` (``$argon2id$...``), salted at random."""
    return _hasher().hash(password)


def verify_password(hashed: str | None, password: str) -> bool:
    """Whether ``password`` matches ``hashed``. Without a hash (an unknown user) a dummy
    hash is checked all the same, so the answer takes as long either way."""
    try:
        return _hasher().verify(hashed or _dummy(), password) and hashed is not None
    except (VerificationError, InvalidHashError):
        return False


@lru_cache(maxsize=1)
def _dummy() -> str:
    return hash_password("not a password of anyone")
