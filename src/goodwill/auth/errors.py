"""What the user administration and sign-in refuse."""

from __future__ import annotations

from goodwill.errors import GoodwillError


class UserError(GoodwillError, ValueError):
    """A user cannot be added or changed as asked (unknown, duplicate, bad role ...)."""


class SignInError(GoodwillError):
    """A sign-in is refused: wrong name or password, a disabled user, a lock-out."""
