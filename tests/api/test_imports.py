"""``POST /api/v1/imports``: an upload becomes a job that runs through the single writer;
a good file is imported and the latest day scored again, a bad one fails with every
problem (file, row, column, value, problem, fix) and writes nothing."""

from __future__ import annotations

import time
from typing import Any

from fastapi.testclient import TestClient

from tests.api.conftest import ADMIN, MANAGER, Headers, sign_in
from tests.conftest import snapshot


def wait_for(client: TestClient, location: str, headers: Headers) -> dict[str, Any]:
    """Poll a job until it has succeeded or failed (at most three minutes: the scoring
    after an import runs in a child process at a lower priority than a busy machine's
    other work)."""
    deadline = time.monotonic() + 180
    while True:
        response = client.get(location, headers=headers)
        assert response.status_code == 200, response.text
        job: dict[str, Any] = response.json()
        if job["status"] in ("succeeded", "failed"):
            return job
        assert time.monotonic() < deadline, job
        time.sleep(0.05)


def test_a_good_file_is_imported_and_scored_again(own_api: TestClient) -> None:
    headers = sign_in(own_api.app, MANAGER)  # type: ignore[arg-type]
    before = own_api.get("/api/v1/accounts?limit=1", headers=headers).json()["total"]
    good = (
        "klantnummer;naam;soort;accountmanager;segment\nNEW1;Bakkerij Nieuw B.V.;klant;JDV;food\n"
    )
    response = own_api.post(
        "/api/v1/imports?lang=nl",
        headers=headers,
        data={"table": "accounts"},
        files={"file": ("klanten.csv", good.encode("cp1252"), "text/csv")},
    )
    assert response.status_code == 202, response.text
    queued = response.json()
    location = response.headers["location"]
    assert location == f"/api/v1/imports/{queued['job_id']}"
    assert queued["status"] in ("queued", "running") and queued["table"] == "accounts"
    assert queued["file_name"] == "klanten.csv" and queued["size_bytes"] == len(good)
    job = wait_for(own_api, location, headers)
    assert job["status"] == "succeeded", job
    assert (job["rows"], job["inserted"], job["updated"]) == (1, 1, 0)
    assert job["rescored_as_of"] == "2025-06-30" and job["problems"] == []
    assert job["finished_at"] >= job["started_at"] >= job["created_at"]
    log = own_api.get("/api/v1/imports?limit=1", headers=headers).json()["items"][0]
    assert (log["import_id"], log["file_name"], log["table"]) == (
        job["import_id"],
        "klanten.csv",
        "accounts",
    )
    new = own_api.get("/api/v1/accounts/NEW1", headers=headers).json()
    assert new["name"] == "Bakkerij Nieuw B.V." and new["owner"] == "JDV"
    after = own_api.get("/api/v1/accounts?limit=1", headers=headers).json()["total"]
    assert after == before + 1


def test_a_bad_file_fails_with_its_problems_and_writes_nothing(own_api: TestClient) -> None:
    headers = sign_in(own_api.app, ADMIN)  # type: ignore[arg-type]
    state = own_api.app.state.goodwill  # type: ignore[attr-defined]
    with state.reading() as store:  # a cursor: the users' write-behind shares the connection
        before = snapshot(store)
    bad = (
        "order_id,account_id,ordered_on,amount\n"
        "X1,K100001,2025-06-01,12.50\n"
        "X2,K100001,2025-06-02,twelve\n"
        "X3,NOBODY,31-02-2025,5\n"
    )
    response = own_api.post(
        "/api/v1/imports",
        headers=headers,
        data={"table": "orders"},
        files={"file": ("orders-bad.csv", bad.encode(), "text/csv")},
    )
    assert response.status_code == 202
    job = wait_for(own_api, response.headers["location"], headers)
    assert job["status"] == "failed" and job["import_id"] is None and job["rows"] is None
    assert job["problems_total"] == len(job["problems"]) >= 3
    assert job["message"].startswith("orders-bad.csv")
    twelve = next(p for p in job["problems"] if p["value"] == "twelve")
    assert twelve == {
        "file": "orders-bad.csv",
        "row": 3,
        "column": "amount",
        "value": "twelve",
        "code": "not_number",
        "problem": "'twelve' is not a number (for example 1234.56 or 1.234,56)",
        "fix": "write a number such as 1234.56 or 1.234,56",
    }
    assert {p["code"] for p in job["problems"]} >= {"not_number", "unknown_reference"}
    assert all(p["fix"] for p in job["problems"])
    dutch = own_api.get(f"{response.headers['location']}?lang=nl", headers=headers).json()
    assert dutch["problems"][0]["problem"] != job["problems"][0]["problem"]
    with state.reading() as store:
        assert snapshot(store) == before  # nothing written, not even to the import log


def test_a_file_of_another_kind_is_refused_at_once(own_api: TestClient) -> None:
    headers = sign_in(own_api.app, ADMIN)  # type: ignore[arg-type]
    response = own_api.post(
        "/api/v1/imports",
        headers=headers,
        data={"table": "orders"},
        files={"file": ("notes.pdf", b"%PDF-1.4", "application/pdf")},
    )
    assert response.status_code == 400
    assert "notes.pdf" in response.json()["error"]["message"]
    unknown = own_api.post(
        "/api/v1/imports",
        headers=headers,
        data={"table": "people"},
        files={"file": ("people.csv", b"a\n1\n", "text/csv")},
    )
    assert unknown.status_code == 422
    assert unknown.json()["error"]["details"][0]["field"] == "body.table"


def test_a_failure_around_the_import_never_leaves_the_job_active(own_api: TestClient) -> None:
    """A hook after the write that raises (they must not, but) neither loses the job's
    outcome nor leaves the upload behind, and the next job still runs."""
    headers = sign_in(own_api.app, MANAGER)  # type: ignore[arg-type]
    state = own_api.app.state.goodwill  # type: ignore[attr-defined]
    jobs = own_api.app.state.import_jobs  # type: ignore[attr-defined]

    def broken() -> None:
        raise RuntimeError("a hook that raises")

    state.after_write.append(broken)
    try:
        good = "account_id,name\nNEW2,Nieuw Twee B.V.\n"
        response = own_api.post(
            "/api/v1/imports",
            headers=headers,
            data={"table": "accounts"},
            files={"file": ("accounts.csv", good.encode(), "text/csv")},
        )
        assert response.status_code == 202, response.text
        job = wait_for(own_api, response.headers["location"], headers)
        assert job["status"] == "succeeded" and job["inserted"] == 1, job
        folder = jobs.get(job["job_id"]).path.parent
        deadline = time.monotonic() + 10  # removed right after the status is set
        while folder.exists() and time.monotonic() < deadline:
            time.sleep(0.02)
        assert not folder.exists()
    finally:
        state.after_write.remove(broken)
    again = own_api.post(
        "/api/v1/imports",
        headers=headers,
        data={"table": "accounts"},
        files={"file": ("accounts.csv", b"account_id,name\nNEW3,Drie B.V.\n", "text/csv")},
    )
    assert wait_for(own_api, again.headers["location"], headers)["status"] == "succeeded"
