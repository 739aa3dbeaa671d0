"""An account manager reads only the accounts of their owner code, in every list and
resource of the API; another owner's account is not found (404) — the same answer as
an account that does not exist."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from goodwill.privacy.access_log import AccessLog, access_lines
from tests.api.conftest import ACCOUNT_MANAGER, OWNER, Headers, sign_in, walk
from tests.api.test_accounts import sql

ACCOUNT_ID = re.compile(r"K\d{6}")


def owned(api: TestClient) -> set[str]:
    return {r[0] for r in sql(api, "SELECT account_id FROM accounts WHERE owner = ?", OWNER)}


def test_the_list_holds_only_their_accounts(api: TestClient, account_manager: Headers) -> None:
    items = walk(api, "/api/v1/accounts?limit=7", account_manager)
    assert {i["account_id"] for i in items} == owned(api)
    assert len(items) == 40 and all(i["owner"] == OWNER for i in items)
    other = api.get("/api/v1/accounts?owner=LW", headers=account_manager).json()
    assert other["total"] == 0 and other["items"] == []


def test_another_owners_account_is_not_found(
    api: TestClient, account_manager: Headers, admin: Headers
) -> None:
    other = sql(api, "SELECT account_id FROM accounts WHERE owner <> ? LIMIT 1", OWNER)[0][0]
    assert api.get(f"/api/v1/accounts/{other}", headers=admin).status_code == 200
    for path in (f"/api/v1/accounts/{other}", f"/api/v1/accounts/{other}/snapshots"):
        response = api.get(path, headers=account_manager)
        assert response.status_code == 404
        assert response.json()["error"] == {
            "code": "not_found",
            "message": f"no account '{other}'",
            "details": [],
        }
    nobody = api.get("/api/v1/accounts/K999999", headers=account_manager).json()
    assert nobody["error"]["message"] == "no account 'K999999'"  # the same answer
    own = sorted(owned(api))[0]
    assert api.get(f"/api/v1/accounts/{own}", headers=account_manager).status_code == 200


def test_a_group_parent_of_another_owner_is_not_shown(
    api: TestClient, account_manager: Headers, admin: Headers
) -> None:
    child, parent = sql(
        api,
        "SELECT a.account_id, a.parent_id FROM accounts a JOIN accounts p "
        "ON p.account_id = a.parent_id WHERE a.owner = ? AND p.owner <> ? LIMIT 1",
        OWNER,
        OWNER,
    )[0]
    seen = api.get(f"/api/v1/accounts/{child}", headers=admin).json()
    assert seen["parent"]["account_id"] == parent
    mine = api.get(f"/api/v1/accounts/{child}", headers=account_manager).json()
    assert mine["parent"] is None
    listed = walk(api, f"/api/v1/accounts?q={child}", account_manager)
    assert [i["parent_id"] for i in listed] == [None]


def test_payments_snapshots_and_plans_hold_only_their_accounts(
    api: TestClient, account_manager: Headers, admin: Headers
) -> None:
    mine = owned(api)
    payments = walk(api, "/api/v1/payments?limit=500", account_manager)
    assert payments and {p["account_id"] for p in payments} <= mine
    everyone = api.get("/api/v1/payments", headers=admin).json()["total"]
    assert len(payments) < everyone
    snapshot = walk(api, "/api/v1/snapshots/latest?limit=500", account_manager)
    assert snapshot and {s["account_id"] for s in snapshot} <= mine
    runs = api.get("/api/v1/snapshots", headers=account_manager).json()["items"]
    assert runs[0]["accounts"] == len(snapshot)
    plan = api.get("/api/v1/plans/2025-W27", headers=account_manager).json()
    full = api.get("/api/v1/plans/2025-W27", headers=admin).json()
    assert plan["actions"] and {a["account_id"] for a in plan["actions"]} <= mine
    assert len(plan["actions"]) < len(full["actions"])
    assert {s["account_id"] for s in plan["stop"]} <= mine
    assert set(plan["capacity"]) <= {OWNER}
    weeks = api.get("/api/v1/plans", headers=account_manager).json()["items"]
    assert weeks[0]["actions"] == len(plan["actions"])


def test_no_other_owners_account_anywhere(api: TestClient, account_manager: Headers) -> None:
    """A crawl of every list and every resource of their accounts finds no account id
    but their own."""
    mine = owned(api)
    pages = [
        "/api/v1/accounts?limit=500",
        "/api/v1/snapshots",
        "/api/v1/snapshots/latest?limit=500",
        "/api/v1/snapshots/2025-04-30?limit=500",
        "/api/v1/plans",
        "/api/v1/plans/2025-W27",
        "/api/v1/plans/2025-W24",
        "/api/v1/payments?limit=500",
    ]
    pages += [f"/api/v1/accounts/{a}" for a in sorted(mine)]
    pages += [f"/api/v1/accounts/{a}/snapshots" for a in sorted(mine)]
    for page in pages:
        response = api.get(page, headers=account_manager)
        assert response.status_code == 200, page
        found = set(ACCOUNT_ID.findall(response.text))
        assert found <= mine, (page, sorted(found - mine)[:5])


def test_imports_need_a_manager(
    api: TestClient, account_manager: Headers, manager: Headers
) -> None:
    for path in ("/api/v1/imports", "/api/v1/imports/abc"):
        response = api.get(path, headers=account_manager)
        assert response.status_code == 403
        assert response.json()["error"]["code"] == "forbidden"
    assert api.get("/api/v1/imports", headers=manager).status_code == 200
    upload = api.post(
        "/api/v1/imports",
        headers=account_manager,
        data={"table": "accounts"},
        files={"file": ("a.csv", b"account_id,name\nX,Y\n", "text/csv")},
    )
    assert upload.status_code == 403


def test_account_views_through_the_api_are_in_the_access_log(own_api: TestClient) -> None:
    headers = sign_in(own_api.app, ACCOUNT_MANAGER)  # type: ignore[arg-type]
    mine = sorted(owned(own_api))[0]
    other = sql(own_api, "SELECT account_id FROM accounts WHERE owner <> ? LIMIT 1", OWNER)[0][0]
    assert own_api.get(f"/api/v1/accounts/{mine}", headers=headers).status_code == 200
    assert own_api.get(f"/api/v1/accounts/{mine}/snapshots", headers=headers).status_code == 200
    assert own_api.get(f"/api/v1/accounts/{other}", headers=headers).status_code == 404
    assert own_api.get("/api/v1/accounts", headers=headers).status_code == 200  # a list
    log: AccessLog = own_api.app.state.access_log  # type: ignore[attr-defined]
    log.stop()  # writes what waits in memory
    with own_api.app.state.goodwill.reading() as store:  # type: ignore[attr-defined]
        lines = access_lines(store)
    assert sorted(lines["what"]) == ["api", "api_snapshots"]
    assert set(lines["account_id"]) == {mine}
    assert set(lines["user_name"]) == {ACCOUNT_MANAGER.name}
