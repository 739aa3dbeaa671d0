"""Schemathesis against the API's own OpenAPI description, in process over the ASGI app
and signed in: for every operation, generated requests — valid ones and invalid ones —
get no 5xx, a status and a content type the description lists, and a body that matches
the schema of that status.

Each operation is one test (driven by Hypothesis through Schemathesis' strategies, so it
runs under any pytest), derandomized, with at most :data:`EXAMPLES` requests per
operation and kind."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from fastapi import FastAPI
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode, checks

from goodwill.api import describe
from goodwill.store import Store
from goodwill.web import create_app
from tests.api.conftest import ADMIN, sign_in

#: requests per operation and kind (valid, invalid): the whole run stays under a minute
EXAMPLES = 25
OPERATIONS = [
    (method.upper(), path) for path, methods in describe()["paths"].items() for method in methods
]
CHECKS = [
    checks.not_a_server_error,
    checks.status_code_conformance,
    checks.content_type_conformance,
    checks.response_schema_conformance,
    checks.ignored_auth,
]


@pytest.fixture(scope="module")
def api_app(web_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[FastAPI]:
    """The app over a copy of the world (generated uploads become import jobs). The
    test keeps the store open: Schemathesis starts and stops the app per request."""
    db = tmp_path_factory.mktemp("schemathesis") / "world.duckdb"
    shutil.copy(web_db, db)
    with Store.open(db, create=False) as store:
        app = create_app(db, lang="en", store=store)
        yield app
        app.state.import_jobs.close()


@pytest.fixture(scope="module")
def api_headers(api_app: FastAPI) -> dict[str, str]:
    return sign_in(api_app, ADMIN)


@pytest.fixture(scope="module")
def known(api_app: FastAPI, api_headers: dict[str, str]) -> dict[str, list[str]]:
    """Values of each path parameter that name something that exists (generated ones
    seldom do): accounts of every kind, scored dates, planned weeks and an import job."""
    with TestClient(api_app) as client:
        job = client.post(
            "/api/v1/imports",
            headers=api_headers,
            data={"table": "accounts"},
            files={"file": ("a.csv", b"account_id,name\nNEW1,New\n", "text/csv")},
        ).json()["job_id"]
        weeks = [
            w["week"] for w in client.get("/api/v1/plans", headers=api_headers).json()["items"]
        ]
    with api_app.state.goodwill.reading() as store:
        accounts = [
            r[0]
            for r in store.con.execute(
                "SELECT account_id FROM accounts ORDER BY kind, hash(account_id) LIMIT 30"
            ).fetchall()
        ]
        days = [
            str(r[0])
            for r in store.con.execute("SELECT DISTINCT as_of FROM health_snapshots").fetchall()
        ]
    return {"account_id": accounts, "job_id": [job], "week": weeks, "as_of": [*days, "latest"]}


@pytest.fixture(scope="module")
def api_schema(api_app: FastAPI) -> Any:
    return schemathesis.openapi.from_asgi("/api/v1/openapi.json", api_app)


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
@pytest.mark.parametrize(("method", "path"), OPERATIONS)
def test_the_api_keeps_its_description(
    api_schema: Any, api_headers: dict[str, str], method: str, path: str, mode: GenerationMode
) -> None:
    operation = api_schema[path][method]

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(
        max_examples=EXAMPLES,
        derandomize=True,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def requests(case: Any) -> None:
        case.call_and_validate(headers=api_headers, checks=CHECKS)

    requests()


@pytest.mark.parametrize(("method", "path"), [(m, p) for m, p in OPERATIONS if "{" in p])
def test_existing_resources_keep_their_description(
    api_schema: Any,
    api_headers: dict[str, str],
    known: dict[str, list[str]],
    method: str,
    path: str,
) -> None:
    operation = api_schema[path][method]
    name = path.rsplit("{", 1)[1].split("}")[0]

    def with_value(value: str) -> st.SearchStrategy[Any]:
        strategy: st.SearchStrategy[Any] = operation.as_strategy(path_parameters={name: value})
        return strategy

    @given(case=st.sampled_from(known[name]).flatmap(with_value))
    @settings(
        max_examples=EXAMPLES,
        derandomize=True,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def requests(case: Any) -> None:
        response = case.call_and_validate(headers=api_headers, checks=CHECKS)
        assert response.status_code in (200, 422), response.text  # found, or a bad query

    requests()
