"""Clients of the REST API over the small simulated world (``web_db``), signed in with a
bearer token.

Every client signs in as a real user of the store with a real personal API token
(:func:`sign_in`), so the API tests run through the same authentication as production:
the store's users, argon2 passwords and token hashes, roles and owner scope. The stores
are copies of the shared world, since users are written to them.
"""

from __future__ import annotations

import shutil
import warnings
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI

with warnings.catch_warnings():
    warnings.simplefilter("ignore")  # starlette's note about httpx's successor
    from fastapi.testclient import TestClient

from goodwill.auth import AuthBook
from goodwill.auth.tokens import create_token
from goodwill.web import create_app
from goodwill.web.access import Principal, Role
from goodwill.web.guard import flush

#: the account manager the scope tests sign in as, and the owner code of their accounts
OWNER = "TK"
ADMIN = Principal("ada", Role.ADMIN)
MANAGER = Principal("max", Role.MANAGER)
ACCOUNT_MANAGER = Principal("tess", Role.ACCOUNT_MANAGER, owner=OWNER)
Headers = dict[str, str]


def sign_in(app: FastAPI, principal: Principal) -> Headers:
    """The headers of a request made as ``principal``: the user is added to the running
    app's users (an administrator first, as the first user must be one) and a personal
    API token of theirs is made, both written to the store at once."""
    book: AuthBook = app.state.auth
    if not book.has_users and principal.role != Role.ADMIN:
        book.add_user("first-admin", Role.ADMIN, "first-admin-password")
    user = book.find(principal.name) or book.add_user(
        principal.name, principal.role, f"{principal.name}-password-1", principal.owner
    )
    secret, _ = create_token(book, user, "tests")
    flush(app, wait=True)  # written now, not behind, so a test sees a settled store
    return {"Authorization": f"Bearer {secret}"}


@pytest.fixture(scope="session")
def api(web_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    """A client of one copy of the shared store, for tests that only read data."""
    db = tmp_path_factory.mktemp("api") / "api.duckdb"
    shutil.copy(web_db, db)
    with TestClient(create_app(db, lang="en")) as client:
        yield client


@pytest.fixture(scope="session")
def admin(api: TestClient) -> Headers:
    return sign_in(api.app, ADMIN)  # type: ignore[arg-type]


@pytest.fixture(scope="session")
def account_manager(api: TestClient) -> Headers:
    return sign_in(api.app, ACCOUNT_MANAGER)  # type: ignore[arg-type]


@pytest.fixture(scope="session")
def manager(api: TestClient) -> Headers:
    return sign_in(api.app, MANAGER)  # type: ignore[arg-type]


@pytest.fixture
def own_api(web_db: Path, tmp_path: Path) -> Iterator[TestClient]:
    """A client of a copy of the shared store, for a test that writes (imports)."""
    db = tmp_path / "own.duckdb"
    shutil.copy(web_db, db)
    with TestClient(create_app(db, lang="en")) as client:
        yield client


def walk(client: TestClient, url: str, headers: Headers) -> list[dict[str, object]]:
    """Every item of a paged list, following ``next`` to the end."""
    items: list[dict[str, object]] = []
    next_url: str | None = url
    while next_url:
        response = client.get(next_url, headers=headers)
        assert response.status_code == 200, response.text
        body = response.json()
        items.extend(body["items"])
        next_url = body["next"]
    return items
