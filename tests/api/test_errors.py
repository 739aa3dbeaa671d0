"""One JSON error shape for every error under /api/v1 — and OpenAPI says so — while the
pages keep their HTML error pages."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from fastapi import Request
from fastapi.testclient import TestClient

from goodwill.settings import Settings
from goodwill.web import create_app
from goodwill.web.access import Principal, Role
from tests.api.conftest import ADMIN, Headers, sign_in
from tests.api.test_imports import wait_for


def shape(response: Any, status: int, code: str) -> dict[str, Any]:
    """The error of ``response``, checked to have the one shape."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"error"}
    error: dict[str, Any] = body["error"]
    assert set(error) == {"code", "message", "details"}
    assert error["code"] == code and error["message"]
    assert isinstance(error["details"], list)
    return error


def test_400_a_request_that_cannot_be_carried_out(api: TestClient, admin: Headers) -> None:
    error = shape(api.get("/api/v1/plans/2025-W99", headers=admin), 400, "bad_request")
    assert "2025-W99" in error["message"] and "2026-W48" in error["message"]
    dutch = api.get("/api/v1/plans/2025-W99?lang=nl", headers=admin)
    assert "is geen week" in shape(dutch, 400, "bad_request")["message"]


def test_401_without_a_valid_token(api: TestClient, admin: Headers) -> None:
    for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": "Basic x"}):
        response = api.get("/api/v1/accounts", headers=headers)
        shape(response, 401, "unauthenticated")
        assert response.headers["www-authenticate"] == "Bearer"
    shape(api.get("/api/v1/nothing-here"), 404, "not_found")  # exists for no one


def test_403_a_role_too_low(api: TestClient, account_manager: Headers) -> None:
    error = shape(api.get("/api/v1/imports", headers=account_manager), 403, "forbidden")
    assert "manager" in error["message"]


def test_404_unknown_things(api: TestClient, admin: Headers) -> None:
    shape(api.get("/api/v1/accounts/NOBODY", headers=admin), 404, "not_found")
    shape(api.get("/api/v1/imports/0123abcd", headers=admin), 404, "not_found")
    error = shape(api.get("/api/v1/no/such/path", headers=admin), 404, "not_found")
    assert "/api/v1/no/such/path" in error["message"]
    shape(api.get("/api/v1", headers=admin), 404, "not_found")
    dutch = api.get("/api/v1/accounts/NOBODY?lang=nl", headers=admin)
    assert shape(dutch, 404, "not_found")["message"] == "geen klant 'NOBODY'"
    page = api.get("/no/such/page")  # the pages keep their HTML 404
    assert page.status_code == 404 and page.headers["content-type"].startswith("text/html")


def test_405_a_method_not_allowed(api: TestClient, admin: Headers) -> None:
    response = api.delete("/api/v1/accounts", headers=admin)
    error = shape(response, 405, "method_not_allowed")
    assert response.headers["allow"] == "GET" and "DELETE" in error["message"]


def test_422_names_each_invalid_parameter(api: TestClient, admin: Headers) -> None:
    response = api.get("/api/v1/accounts?limit=501&status=fine&offset=-1", headers=admin)
    error = shape(response, 422, "validation_error")
    fields = {d["field"] for d in error["details"]}
    assert fields == {"query.limit", "query.status", "query.offset"}
    assert all(d["message"] and d["type"] for d in error["details"])
    shape(api.get("/api/v1/snapshots/2025-02-30", headers=admin), 422, "validation_error")
    shape(api.post("/api/v1/imports", headers=admin), 422, "validation_error")


def test_409_the_same_file_while_it_is_on_its_way(own_api: TestClient) -> None:
    headers = sign_in(own_api.app, ADMIN)  # type: ignore[arg-type]
    upload = {"file": ("klanten.csv", b"account_id,name\nNEW9,Nieuw\n", "text/csv")}
    state = own_api.app.state.goodwill  # type: ignore[attr-defined]
    with state.writing():  # a long import holds the writer: the job waits in the queue
        first = own_api.post(
            "/api/v1/imports", headers=headers, data={"table": "accounts"}, files=upload
        )
        assert first.status_code == 202 and first.json()["status"] == "queued"
        again = own_api.post(
            "/api/v1/imports", headers=headers, data={"table": "accounts"}, files=upload
        )
        error = shape(again, 409, "conflict")
        assert first.json()["job_id"] in error["message"]
    assert wait_for(own_api, first.headers["location"], headers)["status"] == "succeeded"


def test_413_an_upload_too_large(web_db: Path, tmp_path: Path) -> None:
    db = tmp_path / "small.duckdb"
    shutil.copy(web_db, db)
    (tmp_path / "limits.toml").write_text("[api]\nmax_upload_mb = 0.01\n")
    settings = Settings.load(tmp_path / "limits.toml")
    with TestClient(create_app(db, settings=settings)) as client:
        headers = sign_in(client.app, ADMIN)  # type: ignore[arg-type]
        big = b"account_id,name\n" + b"".join(b"A%06d,Name %d\n" % (i, i) for i in range(9000))
        response = client.post(
            "/api/v1/imports",
            headers=headers,
            data={"table": "accounts"},
            files={"file": ("big.csv", big, "text/csv")},
        )
        assert "0.01 MB" in shape(response, 413, "too_large")["message"]
        log = client.get("/api/v1/imports", headers=headers).json()
        assert "big.csv" not in {e["file_name"] for e in log["items"]}


def test_500_an_unexpected_error(own_api: TestClient) -> None:
    def broken(request: Request, role: Role) -> Principal:
        raise RuntimeError("the token store is gone")

    app = own_api.app
    app.state.authenticate = broken  # type: ignore[attr-defined]
    with TestClient(app, raise_server_exceptions=False) as client:
        error = shape(client.get("/api/v1/accounts"), 500, "internal_error")
        assert "token store" not in error["message"]  # no internals shown


def test_openapi_describes_the_api_alone(api: TestClient) -> None:
    response = api.get("/api/v1/openapi.json")  # public: it holds no data
    assert response.status_code == 200
    doc = response.json()
    assert doc["openapi"].startswith("3.")
    assert doc["paths"] and all(p.startswith("/api/v1/") for p in doc["paths"])
    assert doc["components"]["securitySchemes"]["bearer"] == {
        "type": "http",
        "scheme": "bearer",
        "description": doc["components"]["securitySchemes"]["bearer"]["description"],
    }
    assert "Error" in doc["components"]["schemas"]
    error_ref = {"$ref": "#/components/schemas/Error"}
    for path, methods in doc["paths"].items():
        for method, operation in methods.items():
            assert operation["security"] == [{"bearer": []}], (path, method)
            for status in ("400", "401", "403", "404", "422", "500"):
                content = operation["responses"][status]["content"]["application/json"]
                assert content["schema"] == error_ref, (path, method, status)
    post = doc["paths"]["/api/v1/imports"]["post"]["responses"]
    assert {"202", "409", "413"} <= set(post) and "Location" in post["202"]["headers"]
    assert api.get("/openapi.json").status_code == 404  # no description of the pages


@pytest.mark.parametrize("path", ["/api/v1/accounts", "/api/v1/payments", "/api/v1/snapshots"])
def test_numbers_are_numbers_and_nulls_declared(api: TestClient, admin: Headers, path: str) -> None:
    body = api.get(path, headers=admin).json()
    assert "NaN" not in api.get(path, headers=admin).text
    items = body["items"]
    assert items and all(isinstance(i, dict) for i in items)
