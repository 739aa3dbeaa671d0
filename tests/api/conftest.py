"""Clients of the REST API over the small simulated world (``web_db``), signed in with a
bearer token.

Authentication is the app's ``authenticate`` hook (goodwill.web.access): here a hook
that knows a few fixed tokens stands in for the users and tokens of the store. All of
it is in :func:`sign_in`: once users and API tokens exist, it can make a real user and
a real token instead and return the same header, and every API test runs on them.
"""

from __future__ import annotations

import shutil
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI, Request

with warnings.catch_warnings():
    warnings.simplefilter("ignore")  # starlette's note about httpx's successor
    from fastapi.testclient import TestClient

from goodwill.web import create_app
from goodwill.web.access import Forbidden, Principal, Role, Unauthenticated

#: the account manager the scope tests sign in as, and the owner code of their accounts
OWNER = "TK"
ADMIN = Principal("ada", Role.ADMIN)
MANAGER = Principal("max", Role.MANAGER)
ACCOUNT_MANAGER = Principal("tess", Role.ACCOUNT_MANAGER, owner=OWNER)
Headers = dict[str, str]


def token_hook(tokens: dict[str, Principal]) -> Callable[[Request, Role], Principal]:
    """An ``authenticate`` hook that accepts ``Authorization: Bearer <token>`` for the
    given tokens: an unknown or missing token is 401, a role too low 403."""

    def authenticate(request: Request, role: Role) -> Principal:
        scheme, _, token = request.headers.get("Authorization", "").partition(" ")
        principal = tokens.get(token.strip()) if scheme.lower() == "bearer" else None
        if principal is None:
            raise Unauthenticated()
        if not principal.may(role):
            raise Forbidden(f"{principal.name} is {principal.role.code}; this needs {role.code}")
        return principal

    return authenticate


def sign_in(app: FastAPI, principal: Principal) -> Headers:
    """The headers of a request made as ``principal`` (the one place to swap in real
    users and API tokens)."""
    tokens: dict[str, Principal] = getattr(app.state, "test_tokens", {})
    token = f"token-of-{principal.name}"
    tokens[token] = principal
    app.state.test_tokens = tokens
    app.state.authenticate = token_hook(tokens)
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture(scope="session")
def api(web_db: Path) -> Iterator[TestClient]:
    """A client of the shared store, for tests that only read."""
    with TestClient(create_app(web_db, lang="en")) as client:
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
