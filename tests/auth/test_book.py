"""The users' book: adding and changing users, argon2 passwords, the lock-out, sessions
with idle and absolute expiry, API tokens — and the rows written to a real store."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from goodwill.auth import (
    AuthBook,
    AuthPolicy,
    SignInError,
    UserError,
    close_session,
    create_token,
    open_session,
    revoke_token,
    session_user,
    sign_in,
    token_user,
)
from goodwill.settings import Settings
from goodwill.store import Store
from goodwill.web.access import Role

#: now (sessions read back from a store are those not yet expired by the real clock)
START = dt.datetime.now(dt.UTC).replace(tzinfo=None, second=0, microsecond=0)
PASSWORD = "a sound password"


class Clock:
    """A clock the test moves on."""

    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> dt.datetime:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def book(clock: Clock) -> AuthBook:
    book = AuthBook(AuthPolicy.from_settings(Settings.load()), clock=clock)
    book.add_user("ada", Role.ADMIN, PASSWORD)
    book.add_user("dj", Role.ACCOUNT_MANAGER, PASSWORD, owner="DJ")
    return book


def test_passwords_are_argon2_hashes_never_the_password(book: AuthBook) -> None:
    user = book.get("ada")
    assert user.password_hash.startswith("$argon2id$") and PASSWORD not in user.password_hash
    assert sign_in(book, "ADA", PASSWORD).name == "ada"  # names ignore case


@pytest.mark.parametrize(
    ("name", "role", "owner", "password", "fragment"),
    [
        ("eve", Role.ACCOUNT_MANAGER, None, PASSWORD, "needs the owner code"),
        ("ada", Role.MANAGER, None, PASSWORD, "exists already"),
        ("e ve", Role.MANAGER, None, PASSWORD, "cannot be a user name"),
        ("eve", Role.MANAGER, None, "short", "too short"),
    ],
)
def test_bad_users_are_refused_clearly(
    book: AuthBook, name: str, role: Role, owner: str | None, password: str, fragment: str
) -> None:
    with pytest.raises(UserError, match=fragment):
        book.add_user(name, role, password, owner)


def test_the_first_user_is_an_administrator_and_one_stays(clock: Clock) -> None:
    book = AuthBook(clock=clock)
    with pytest.raises(UserError, match="first user must be an administrator"):
        book.add_user("max", Role.MANAGER, PASSWORD)
    book.add_user("ada", Role.ADMIN, PASSWORD)
    book.add_user("max", Role.MANAGER, PASSWORD)
    for change in (
        lambda: book.set_role("ada", Role.MANAGER),
        lambda: book.set_disabled("ada"),
        lambda: book.remove_user("ada"),
    ):
        with pytest.raises(UserError, match="no enabled administrator"):
            change()
    book.remove_user("max")
    book.remove_user("ada")  # the very last user may go: back to the open dashboard
    assert not book.has_users


def test_lock_out_after_n_failures_for_m_minutes(book: AuthBook, clock: Clock) -> None:
    token, _ = open_session(book, book.get("dj"))
    for _ in range(book.policy.max_failed_logins - 1):
        with pytest.raises(SignInError, match="wrong name or password"):
            sign_in(book, "dj", "wrong password")
    assert session_user(book, token) is not None  # not yet
    with pytest.raises(SignInError):
        sign_in(book, "dj", "wrong password")
    assert session_user(book, token) is None  # locked out: the session ended at once
    until = (START + book.policy.lockout).strftime("%H:%M")
    with pytest.raises(SignInError, match=f"locked until {until}"):
        sign_in(book, "dj", PASSWORD)  # not even the right password
    clock.now += book.policy.lockout
    assert sign_in(book, "dj", PASSWORD).failed_logins == 0


def test_a_success_resets_the_count(book: AuthBook) -> None:
    for _ in range(book.policy.max_failed_logins - 1):
        with pytest.raises(SignInError):
            sign_in(book, "dj", "wrong password")
    sign_in(book, "dj", PASSWORD)
    with pytest.raises(SignInError, match="wrong name"):
        sign_in(book, "dj", "wrong password")  # counts from one again: not locked
    assert not book.get("dj").locked(START)


def test_sessions_end_when_idle_at_their_age_on_logout_and_on_disable(
    book: AuthBook, clock: Clock
) -> None:
    policy = book.policy
    token, session = open_session(book, book.get("dj"))
    assert session.session_hash != token and session.expires_at == START + policy.session_max
    clock.now += policy.session_idle - dt.timedelta(minutes=1)
    assert session_user(book, token) is not None  # a request keeps it alive
    clock.now += policy.session_idle - dt.timedelta(minutes=1)
    assert session_user(book, token) is not None
    clock.now += policy.session_idle + dt.timedelta(minutes=1)
    assert session_user(book, token) is None  # idle too long
    token, session = open_session(book, book.get("dj"))
    while clock.now < session.created_at + policy.session_max:
        clock.now += dt.timedelta(minutes=30)
        session_user(book, token)
    assert session_user(book, token) is None  # too old, though in use
    token, _ = open_session(book, book.get("dj"))
    assert close_session(book, token) and session_user(book, token) is None
    token, _ = open_session(book, book.get("dj"))
    book.set_disabled("dj")
    assert session_user(book, token) is None
    with pytest.raises(SignInError, match="disabled"):
        sign_in(book, "dj", PASSWORD)


def test_api_tokens_act_as_their_user_until_revoked(book: AuthBook) -> None:
    secret, token = create_token(book, book.get("dj"), "reports")
    assert secret.startswith("gw_") and token.token_hash != secret
    user = token_user(book, secret)
    assert user is not None and user.principal.scope == "DJ"
    assert token_user(book, secret + "x") is None
    with pytest.raises(UserError):
        revoke_token(book, token.token_id, user_id=book.get("ada").user_id)  # not theirs
    revoke_token(book, token.token_id, user_id=user.user_id)
    assert token_user(book, secret) is None


def test_the_book_is_written_to_the_store_and_read_back(tmp_path: Path, book: AuthBook) -> None:
    token, _ = open_session(book, book.get("dj"))
    secret, _ = create_token(book, book.get("ada"), "ci")
    with Store.open(tmp_path / "s.duckdb") as store:
        assert book.flush(store.con) == 4
        assert book.flush(store.con) == 0  # nothing changed since
        again = AuthBook.load(store)
        rows = store.con.execute("SELECT * FROM sessions").fetchall()
        rows += store.con.execute("SELECT * FROM api_tokens").fetchall()
        book.remove_user("dj")
        book.flush(store.con)
        left = AuthBook.load(store)
    assert [u.name for u in again.list_users()] == ["ada", "dj"]
    assert again.get("dj").owner == "DJ" and again.get("dj").role is Role.ACCOUNT_MANAGER
    assert session_user(again, token) is not None and token_user(again, secret) is not None
    assert all(token not in str(r) and secret not in str(r) for r in rows)
    assert [u.name for u in left.list_users()] == ["ada"] and not left.sessions
