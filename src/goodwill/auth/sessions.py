"""Server-side sessions: a random token in the browser's cookie, only its hash kept.

A session ends on logout, when its user is disabled, changes role or is locked out, after
``auth.session_idle_minutes`` without a request, and ``auth.session_max_hours`` after
sign-in, whichever comes first. Each carries its own CSRF token for the forms it posts.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from goodwill.auth.book import AuthBook
from goodwill.auth.records import Session, User, new_secret, secret_hash

__all__ = ["close_session", "open_session", "session_user"]

#: how often a session's ``last_seen`` is brought up to date (idle time is this precise)
TOUCH = dt.timedelta(seconds=30)


def open_session(book: AuthBook, user: User) -> tuple[str, Session]:
    """A new session of ``user``: the token for the cookie (shown nowhere else) and the
    session as kept (its hash, its CSRF token and its times)."""
    token = new_secret()
    now = book.clock()
    session = Session(
        session_hash=secret_hash(token),
        user_id=user.user_id,
        csrf=new_secret(),
        created_at=now,
        last_seen=now,
        expires_at=now + book.policy.session_max,
    )
    with book.lock:
        book.sessions[session.session_hash] = session
        book.mark("sessions", session.session_hash)
    return token, session


def session_user(book: AuthBook, token: str) -> tuple[Session, User] | None:
    """The session of a cookie's ``token`` and its user, while both are valid; an
    expired session, or one of a user disabled, locked or removed, is ended."""
    key = secret_hash(token)
    now = book.clock()
    with book.lock:
        session = book.sessions.get(key)
        if session is None:
            return None
        user = book.users.get(session.user_id)
        idle = now - session.last_seen > book.policy.session_idle
        if user is None or user.disabled or user.locked(now) or session.expires_at <= now or idle:
            del book.sessions[key]
            book.mark("sessions", key)
            return None
        if now - session.last_seen >= TOUCH:
            session = replace(session, last_seen=now)
            book.sessions[key] = session
            book.mark("sessions", key)
        return session, user


def close_session(book: AuthBook, token: str) -> bool:
    """End the session of ``token`` (logout); whether there was one."""
    key = secret_hash(token)
    with book.lock:
        if book.sessions.pop(key, None) is None:
            return False
        book.mark("sessions", key)
        return True
