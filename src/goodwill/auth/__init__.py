"""Users, roles, sign-in, sessions and API tokens (docs/security.md).

The store's ``users``, ``sessions`` and ``api_tokens`` tables hold them; an
:class:`AuthBook` holds them in memory for the web app (which writes changes behind) and
for ``goodwill user`` (which writes them at once). Passwords are argon2id hashes; session
and API tokens are random and only their SHA-256 is kept.
"""

from goodwill.auth.book import AuthBook
from goodwill.auth.errors import SignInError, UserError
from goodwill.auth.passwords import hash_password, verify_password
from goodwill.auth.policy import AuthPolicy
from goodwill.auth.records import ApiToken, Session, User
from goodwill.auth.sessions import close_session, open_session, session_user
from goodwill.auth.signin import sign_in
from goodwill.auth.tokens import create_token, revoke_token, token_user, user_tokens

__all__ = [
    "ApiToken",
    "AuthBook",
    "AuthPolicy",
    "Session",
    "SignInError",
    "User",
    "UserError",
    "close_session",
    "create_token",
    "hash_password",
    "open_session",
    "revoke_token",
    "session_user",
    "sign_in",
    "token_user",
    "user_tokens",
    "verify_password",
]
