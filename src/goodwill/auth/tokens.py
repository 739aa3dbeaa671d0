"""Personal API tokens: ``Authorization: Bearer gw_...`` acts as the user who made it,
with that user's rights (an account manager's token sees their own accounts only).
Shown once when made; the store keeps its hash; revoked, it stops at once."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from goodwill.auth.book import AuthBook
from goodwill.auth.errors import UserError
from goodwill.auth.records import ApiToken, User, new_secret, secret_hash

__all__ = ["PREFIX", "create_token", "revoke_token", "token_user", "user_tokens"]

#: every token starts with this, so a leaked one is easy to recognise (and to scan for)
PREFIX = "gw_"
#: how often a token's ``last_used`` is brought up to date
TOUCH = dt.timedelta(minutes=1)


def create_token(book: AuthBook, user: User, label: str) -> tuple[str, ApiToken]:
    """A new token of ``user``: the secret (show it once) and the token as kept."""
    label = " ".join(label.split())[:80] or "token"
    secret = new_secret(PREFIX)
    with book.lock:
        token_id = max(book.tokens, default=0) + 1
        token = ApiToken(token_id, user.user_id, label, secret_hash(secret), book.clock())
        book.tokens[token_id] = token
        book.mark("api_tokens", token_id)
    return secret, token


def token_user(book: AuthBook, secret: str) -> User | None:
    """The user of an active token, or None (unknown, revoked, or its user disabled,
    locked or removed)."""
    if not secret.startswith(PREFIX):
        return None
    key = secret_hash(secret)
    now = book.clock()
    with book.lock:
        token = next((t for t in book.tokens.values() if t.token_hash == key), None)
        if token is None or not token.active:
            return None
        user = book.users.get(token.user_id)
        if user is None or user.disabled or user.locked(now):
            return None
        if token.last_used is None or now - token.last_used >= TOUCH:
            book.tokens[token.token_id] = replace(token, last_used=now)
            book.mark("api_tokens", token.token_id)
        return user


def user_tokens(book: AuthBook, user_id: int) -> list[ApiToken]:
    """The user's tokens, newest first (revoked ones included, marked so)."""
    with book.lock:
        found = [t for t in book.tokens.values() if t.user_id == user_id]
    return sorted(found, key=lambda t: t.token_id, reverse=True)


def revoke_token(book: AuthBook, token_id: int, user_id: int | None = None) -> ApiToken:
    """Revoke a token (only one of ``user_id`` when given: a user revoking their own)."""
    with book.lock:
        token = book.tokens.get(token_id)
        if token is None or (user_id is not None and token.user_id != user_id):
            raise UserError("there is no API token {id}", id=token_id)
        if token.revoked_at is None:
            token = replace(token, revoked_at=book.clock())
            book.tokens[token_id] = token
            book.mark("api_tokens", token_id)
        return token
