"""``/api/v1/accounts``: paging reaches every account once, the filters mean what the
portfolio's mean, and one account's figures and reasons are the snapshot's."""

from __future__ import annotations

import json
from typing import Any

import pytest
from fastapi.testclient import TestClient

from goodwill.dashboard.portfolio import portfolio_page
from goodwill.store import Store
from goodwill.web import create_app
from goodwill.web.state import WebState
from tests.api.conftest import Headers, walk


def state(client: TestClient) -> WebState:
    found: WebState = client.app.state.goodwill  # type: ignore[attr-defined]
    return found


def sql(client: TestClient, query: str, *params: Any) -> list[tuple[Any, ...]]:
    with state(client).reading() as store:
        return store.con.execute(query, list(params)).fetchall()


def test_paging_reaches_every_account_exactly_once(api: TestClient, admin: Headers) -> None:
    every = {r[0] for r in sql(api, "SELECT account_id FROM accounts")}
    items = walk(api, "/api/v1/accounts?limit=37", admin)
    ids = [i["account_id"] for i in items]
    assert len(ids) == len(set(ids)) == len(every) == 250
    assert set(ids) == every
    first = api.get("/api/v1/accounts?limit=37", headers=admin).json()
    assert first["total"] == 250 and first["limit"] == 37 and first["offset"] == 0
    assert first["next"] == "/api/v1/accounts?limit=37&offset=37"
    last = api.get("/api/v1/accounts?limit=37&offset=222", headers=admin).json()
    assert len(last["items"]) == 28 and last["next"] is None
    beyond = api.get("/api/v1/accounts?offset=1000", headers=admin).json()
    assert beyond["items"] == [] and beyond["total"] == 250


def test_a_sort_pages_through_in_order(api: TestClient, admin: Headers) -> None:
    items = walk(api, "/api/v1/accounts?limit=41&sort=health&order=desc", admin)
    assert len({i["account_id"] for i in items}) == 250
    health = [i["health"] for i in items]
    scored = [h for h in health if h is not None]
    assert scored == sorted(scored, reverse=True)
    assert health[len(scored) :] == [None] * (250 - len(scored))  # unscored last
    assert all(i["scored"] is (i["health"] is not None) for i in items)


@pytest.mark.parametrize(
    ("query", "check"),
    [
        ("owner=TK", lambda i: i["owner"] == "TK"),
        ("segment=bouw", lambda i: i["segment"] == "bouw"),
        ("level=fruitful", lambda i: i["level"] == "fruitful"),
        ("status=at_risk", lambda i: i["status"] == "at_risk"),
        ("kind=supplier", lambda i: i["kind"] == "supplier" and not i["scored"]),
        ("q=BOUW", lambda i: "bouw" in (i["name"] or "").lower()),
        ("q=k10001", lambda i: i["account_id"].lower().startswith("k10001")),
        ("needs_attention=true", lambda i: i["needs_attention"]),
        ("owner=TK&status=watch", lambda i: i["owner"] == "TK" and i["status"] == "watch"),
    ],
)
def test_filters(api: TestClient, admin: Headers, query: str, check: Any) -> None:
    items = walk(api, f"/api/v1/accounts?limit=500&{query}", admin)
    assert items, query
    assert all(check(i) for i in items), query
    rest = walk(api, "/api/v1/accounts?limit=500", admin)
    outside = [i for i in rest if i["account_id"] not in {j["account_id"] for j in items}]
    assert not any(check(i) for i in outside), query  # nothing that passes was left out


def test_needs_attention_counts_as_the_portfolio(api: TestClient, admin: Headers) -> None:
    web = state(api)
    with web.reading() as store:
        as_of = web.latest_as_of(store)
        assert as_of is not None
        counted = portfolio_page(store, as_of, web.settings).attention.total
    flagged = api.get("/api/v1/accounts?needs_attention=true", headers=admin).json()
    others = api.get("/api/v1/accounts?needs_attention=false", headers=admin).json()
    assert flagged["total"] == counted > 0
    assert others["total"] == 250 - counted


def test_one_account_is_its_latest_snapshot(api: TestClient, admin: Headers) -> None:
    row = sql(
        api,
        "SELECT as_of, health, status, clv_12m, payment_score, credit_advice, level, "
        "reasons, conduct FROM health_snapshots WHERE account_id = 'K100001' "
        "ORDER BY as_of DESC LIMIT 1",
    )[0]
    body = api.get("/api/v1/accounts/K100001?lang=en", headers=admin).json()
    assert body["account_id"] == "K100001" and body["owner"] == "TK"
    assert body["as_of"] == row[0].isoformat() == body["figures"]["as_of"]
    assert body["figures"]["health"] == pytest.approx(row[1])
    assert body["figures"]["status"] == row[2]
    assert body["figures"]["clv_12m"] == pytest.approx(row[3])
    assert body["payment"]["payment_score"] == pytest.approx(row[4])
    assert body["payment"]["credit_advice"] == row[5]
    assert body["level"]["level"] == row[6]
    stored = json.loads(row[7])
    assert [r["code"] for r in body["reasons"]] == [r["code"] for r in stored]
    assert body["reasons"][0]["points"] == pytest.approx(stored[0]["points"])
    assert body["reasons"][0]["params"] == stored[0]["params"]
    assert body["payment"]["open_amount"] == pytest.approx(json.loads(row[8])["open_amount"])
    assert isinstance(body["created_on"], str) and isinstance(body["employees"], int)
    dutch = api.get("/api/v1/accounts/K100001?lang=nl", headers=admin).json()
    assert [r["code"] for r in dutch["reasons"]] == [r["code"] for r in body["reasons"]]
    assert dutch["reasons"][0]["text"] != body["reasons"][0]["text"]


def test_an_unscored_account_has_no_figures(api: TestClient, admin: Headers) -> None:
    supplier = sql(api, "SELECT account_id FROM accounts WHERE kind = 'supplier' LIMIT 1")[0][0]
    body = api.get(f"/api/v1/accounts/{supplier}", headers=admin).json()
    assert body["kind"] == "supplier"
    assert body["figures"] is None and body["reasons"] == [] and body["as_of"] is None


def test_an_accounts_snapshots_with_reasons(api: TestClient, admin: Headers) -> None:
    days = [r[0].isoformat() for r in sql(
        api, "SELECT as_of FROM health_snapshots WHERE account_id = 'K100001' ORDER BY 1 DESC"
    )]  # fmt: skip
    body = api.get("/api/v1/accounts/K100001/snapshots?lang=nl", headers=admin).json()
    assert [s["as_of"] for s in body["items"]] == days and body["total"] == len(days) == 3
    for snap in body["items"]:
        assert snap["reasons"] and all(r["text"] and r["code"] for r in snap["reasons"])
    english = api.get("/api/v1/accounts/K100001/snapshots?limit=1", headers=admin).json()
    assert english["items"][0]["reasons"][0]["text"] != body["items"][0]["reasons"][0]["text"]
    assert english["next"] == "/api/v1/accounts/K100001/snapshots?limit=1&offset=1"


def test_snapshots_by_date(api: TestClient, admin: Headers) -> None:
    runs = api.get("/api/v1/snapshots", headers=admin).json()["items"]
    assert [r["as_of"] for r in runs] == ["2025-06-30", "2025-05-31", "2025-04-30"]
    assert [r["accounts"] for r in runs] == [220, 217, 213]
    latest = walk(api, "/api/v1/snapshots/latest?limit=100", admin)
    assert len(latest) == 220 and {s["as_of"] for s in latest} == {"2025-06-30"}
    april = api.get("/api/v1/snapshots/2025-04-30?limit=1", headers=admin).json()
    assert april["total"] == 213 and april["items"][0]["as_of"] == "2025-04-30"
    missing = api.get("/api/v1/snapshots/2025-04-29", headers=admin)
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "not_found"


def test_plans(api: TestClient, admin: Headers) -> None:
    weeks = api.get("/api/v1/plans", headers=admin).json()["items"]
    assert [w["week"] for w in weeks] == ["2025-W27", "2025-W24"]
    planned = sql(
        api,
        "SELECT count(*) FROM plan_actions JOIN plans USING (plan_id) WHERE week = '2025-W27'",
    )[0][0]
    plan = api.get("/api/v1/plans/2025-w27?lang=nl", headers=admin).json()
    assert plan["week"] == "2025-W27" and len(plan["actions"]) == planned == weeks[0]["actions"]
    assert all(a["purpose"]["code"] and a["purpose"]["text"] for a in plan["actions"])
    assert plan["stop"] and all(s["why"] in ("low_value", "indifferent") for s in plan["stop"])
    english = api.get("/api/v1/plans/2025-W27", headers=admin).json()
    assert english["actions"][0]["purpose"]["text"] != plan["actions"][0]["purpose"]["text"]
    assert api.get("/api/v1/plans/2025-W30", headers=admin).status_code == 404


def test_payments(api: TestClient, admin: Headers) -> None:
    items = walk(api, "/api/v1/payments?limit=60", admin)
    assert len({i["account_id"] for i in items}) == len(items) == 220
    ranks = {"prepayment": 0, "tighten": 1, "keep": 2}
    order = [ranks[i["credit_advice"]] for i in items]
    assert order == sorted(order)  # the strictest advice first
    strict = walk(api, "/api/v1/payments?advice=prepayment&sort=open&order=desc", admin)
    assert strict and all(i["credit_advice"] == "prepayment" for i in strict)
    assert all(i["reasons"] for i in strict)
    amounts = [i["open_amount"] for i in strict]
    assert amounts == sorted(amounts, reverse=True)


def test_a_store_not_scored_yet_lists_its_accounts(loaded: Store) -> None:
    with TestClient(create_app(loaded.path, store=loaded)) as client:
        body = client.get("/api/v1/accounts").json()
        assert body["as_of"] is None and body["total"] == 3
        assert all(not i["scored"] and i["health"] is None for i in body["items"])
        assert client.get("/api/v1/payments").json()["total"] == 0
        assert client.get("/api/v1/snapshots").json()["items"] == []
        assert client.get("/api/v1/snapshots/latest").status_code == 404
