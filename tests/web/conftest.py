"""Clients of the small simulated world (``web_db``, in tests/conftest.py: shared with the
browser tests of a worker); tests that write get their own copy."""

from __future__ import annotations

import shutil
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI

with warnings.catch_warnings():
    warnings.simplefilter("ignore")  # starlette's note about httpx's successor
    from fastapi.testclient import TestClient

from goodwill.settings import Settings
from goodwill.store import Store
from goodwill.web import create_app
from goodwill.web.state import WebState
from tests.web.world import END, PAST_WEEK, WEEK

__all__ = ["END", "PAST_WEEK", "WEEK", "get_page", "plain"]


@pytest.fixture(scope="session")
def client(web_db: Path) -> Iterator[TestClient]:
    """A client of the shared store: for tests that only read."""
    with TestClient(create_app(web_db, lang="en")) as c:
        yield c


@pytest.fixture(scope="module")
def kept_state(web_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[WebState]:
    """The app's hold on a copy of the shared store, without an app: for tests of the
    values it keeps (its kept tables live in the store's connection)."""
    db = tmp_path_factory.mktemp("kept") / "web.duckdb"
    shutil.copy(web_db, db)
    state = WebState(Store.open(db), Settings.load())
    yield state
    state.close()


def plain(row: Any) -> tuple[Any, ...]:
    """A row with its reasons as dicts (Reason objects compare by identity)."""
    return tuple(v.to_dict() if hasattr(v, "to_dict") else v for v in row)


@pytest.fixture
def own_db(web_db: Path, tmp_path: Path) -> Path:
    """A copy of the shared store, for a test that writes."""
    db = tmp_path / "own.duckdb"
    shutil.copy(web_db, db)
    return db


@pytest.fixture
def own_client(own_db: Path) -> Iterator[TestClient]:
    with TestClient(create_app(own_db, lang="en")) as c:
        yield c


def get_page(client: TestClient, url: str, lang: str = "en", **headers: str) -> str:
    """The page at ``url`` in ``lang`` (asked for explicitly: the client keeps cookies)."""
    sep = "&" if "?" in url else "?"
    response = client.get(f"{url}{sep}lang={lang}", headers=headers)
    assert response.status_code == 200, response.text[:500]
    return response.text


@pytest.fixture(scope="session")
def people_db(web_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The shared world with users (tests/web/people.py): for tests that only read."""
    from tests.web.people import add_people

    return add_people(web_db, tmp_path_factory.mktemp("people") / "people.duckdb")


@pytest.fixture(scope="session")
def people_app(people_db: Path) -> Iterator[FastAPI]:
    """One app over ``people_db`` for the session (clients sign in to it by name)."""
    app = create_app(people_db, lang="en")
    with TestClient(app):
        yield app


@pytest.fixture
def own_people_app(people_db: Path, tmp_path: Path) -> Iterator[FastAPI]:
    """An app over a copy of ``people_db``, for a test that changes users or sessions."""
    db = tmp_path / "people.duckdb"
    shutil.copy(people_db, db)
    app = create_app(db, lang="en")
    with TestClient(app):
        yield app
