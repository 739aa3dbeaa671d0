"""One small simulated world, imported, scored on three dates and planned for two
weeks, shared by the web tests of a worker; tests that write get their own copy."""

from __future__ import annotations

import datetime as dt
import shutil
import warnings
from collections.abc import Iterator
from pathlib import Path

import pytest

with warnings.catch_warnings():
    warnings.simplefilter("ignore")  # starlette's note about httpx's successor
    from fastapi.testclient import TestClient

from goodwill.plan import plan_week
from goodwill.plan.saved import save_plan
from goodwill.score import score
from goodwill.settings import Settings
from goodwill.simulate import generate_world
from goodwill.store import Store
from goodwill.web import create_app

END = dt.date(2025, 6, 30)
#: the week after the data, and one three weeks before its end (reviewed as done or not)
WEEK, PAST_WEEK = "2025-W27", "2025-W24"


@pytest.fixture(scope="session")
def web_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("web")
    generate_world(out / "world", accounts=250, years=1.5, end=END, seed=11)
    db = out / "web.duckdb"
    settings = Settings.load()
    with Store.open(db) as store:
        store.import_dir(out / "world")
        for day in (dt.date(2025, 4, 30), dt.date(2025, 5, 31)):
            score(store, day, settings=settings, profile=False)
        snapshot = score(store, END, settings=settings)
        for week in (PAST_WEEK, WEEK):
            save_plan(store, plan_week(store, week, settings, snapshot=snapshot, seed=1), settings)
    return db


@pytest.fixture(scope="session")
def client(web_db: Path) -> Iterator[TestClient]:
    """A client of the shared store: for tests that only read."""
    with TestClient(create_app(web_db, lang="en")) as c:
        yield c


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
