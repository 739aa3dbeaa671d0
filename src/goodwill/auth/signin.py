"""Signing in with a name and password, and the lock-out after repeated failures."""

from __future__ import annotations

from dataclasses import replace

from goodwill.auth.book import AuthBook
from goodwill.auth.errors import SignInError
from goodwill.auth.passwords import verify_password
from goodwill.auth.records import User

__all__ = ["sign_in"]


def sign_in(book: AuthBook, name: str, password: str) -> User:
    """The user called ``name`` when ``password`` is theirs; else :class:`SignInError`.

    ``auth.max_failed_logins`` failures in a row lock the user out for
    ``auth.lockout_minutes`` and end their sessions at once; while locked out, not even
    the right password signs in. An unknown name and a wrong password are refused with
    the same words, after the same work (a hash is checked either way)."""
    now = book.clock()
    user = book.find(name)
    if user is not None and user.locked(now):
        raise _locked(user)
    if not verify_password(user.password_hash if user else None, password) or user is None:
        if user is not None:
            _failed(book, user.user_id)
        raise SignInError("wrong name or password")
    if user.disabled:
        raise SignInError("the user {name} is disabled; ask an administrator", name=user.name)
    with book.lock:
        current = book.users.get(user.user_id, user)
        if current.locked(now):  # locked by a concurrent failure meanwhile
            raise _locked(current)
        if current.failed_logins or current.locked_until:
            current = replace(current, failed_logins=0, locked_until=None)
            book.put_user(current)
    return current


def _failed(book: AuthBook, user_id: int) -> None:
    policy = book.policy
    with book.lock:
        user = book.users.get(user_id)
        if user is None:
            return
        failures = user.failed_logins + 1
        if failures >= policy.max_failed_logins:
            book.put_user(
                replace(user, failed_logins=0, locked_until=book.clock() + policy.lockout)
            )
            book.end_sessions(user_id)
        else:
            book.put_user(replace(user, failed_logins=failures))


def _locked(user: User) -> SignInError:
    until = user.locked_until.strftime("%H:%M") if user.locked_until else ""
    return SignInError(
        "too many failed sign-ins: {name} is locked until {time} UTC; try again then,"
        " or ask an administrator to set a new password",
        name=user.name,
        time=until,
    )
