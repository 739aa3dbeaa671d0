"""Owner scoping: an account manager sees only the accounts whose owner is their code —
another owner's account is not found, and a crawl of every page, list, export, report
and chart as an account manager finds no other owner's account anywhere."""

from __future__ import annotations

import io
import re
from collections import deque
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit

import httpx
import openpyxl
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from goodwill.web.routes.report import XLSX
from tests.web.conftest import PAST_WEEK, WEEK
from tests.web.html import parse
from tests.web.people import sign_in

#: links the crawl does not follow: files, and leaving (a post)
SKIP = ("/static/", "/logout", "/login")
ID = re.compile(r"\b[A-Z]{1,3}\d{5,}\b")
#: most pages the crawl reads (it reads every one it finds in this world: about 250)
MAX_PAGES = 900


@pytest.fixture(scope="module")
def owners(people_db: Path, people_app: FastAPI) -> dict[str, str]:
    """account_id -> owner, of every account in the world."""
    with people_app.state.goodwill.reading() as store:
        rows = store.con.execute("SELECT account_id, owner FROM accounts").fetchall()
    return {str(a): str(o) for a, o in rows}


def foreign_ids(text: str, owners: dict[str, str], owner: str) -> set[str]:
    return {i for i in ID.findall(text) if i in owners and owners[i] != owner}


def readable(response: httpx.Response) -> str:
    """What a response shows: its text, or every cell of a workbook (a zip, unreadable
    as text)."""
    if response.headers.get("content-type", "").startswith(XLSX):
        book = openpyxl.load_workbook(io.BytesIO(response.content), read_only=True)
        cells = (v for s in book for r in s.iter_rows(values_only=True) for v in r)
        return "\n".join(str(v) for v in cells if v is not None)
    return response.text


@pytest.fixture(scope="module")
def dj(people_app: FastAPI) -> TestClient:
    return sign_in(people_app, "dj")


def test_another_owners_account_is_not_found(dj: TestClient, owners: dict[str, str]) -> None:
    mine = sorted(a for a, o in owners.items() if o == "DJ")
    theirs = sorted(a for a, o in owners.items() if o == "LW")
    assert dj.get(f"/accounts/{mine[0]}").status_code == 200
    for url in (f"/accounts/{theirs[0]}", f"/accounts/{theirs[0]}/print"):
        page = dj.get(url)
        assert page.status_code == 404 and "not_found" in page.text
    chart = dj.get(f"/api/chart/account/{theirs[0]}")
    assert chart.status_code == 404 and chart.json()["error"]["code"] == "not_found"
    assert dj.get(f"/plan/{WEEK}/LW.ics").status_code == 404
    assert dj.get(f"/plan/{WEEK}/DJ.ics").status_code == 200


def test_an_account_manager_sees_only_their_counts(
    dj: TestClient, people_app: FastAPI, owners: dict[str, str]
) -> None:
    manager = sign_in(people_app, "max")
    everyone = parse(manager.get("/?per_page=10").text).by_id("portfolio-table")
    assert {r.attrs["data-account-id"] for r in everyone.rows()}  # the manager sees some
    mine = dj.get("/api/chart/portfolio").json()
    all_ = manager.get("/api/chart/portfolio").json()
    scored_dj = {i for s in mine["series"] for i in s["ids"]}
    assert mine["total"] == len(scored_dj) < all_["total"]
    assert {owners[i] for i in scored_dj} == {"DJ"}
    owner_filter = parse(dj.get("/").text).by_id("filter-owner")
    offered = {o.attrs.get("value") for o in owner_filter.iter("option")} - {"", None}
    assert offered == {"DJ"}
    # another owner's filter shows nothing, not their accounts
    assert dj.get("/api/chart/portfolio?owner=LW").json()["total"] == 0


def _crawl_urls(dj: TestClient, owners: dict[str, str]) -> list[str]:
    """Every page, list, export and chart reached from the portfolio, plus what no link
    names: the JSON of the charts and every page of the tables."""
    mine = sorted(a for a, o in owners.items() if o == "DJ")
    start = [
        "/",
        "/payments",
        "/service",
        "/qualify",
        "/plan",
        f"/plan?week={WEEK}",
        f"/plan?week={PAST_WEEK}",
        f"/plan/{WEEK}/DJ.ics",
        "/report",
        "/report.xlsx",
        f"/report?week={PAST_WEEK}",
        f"/report.xlsx?week={PAST_WEEK}",
        "/api/chart/portfolio",
        "/api/chart/portfolio?attention=1",
        "/me",
    ]
    start += [f"/?page={n}&per_page=10" for n in range(1, 8)]
    start += [f"/payments?page={n}&per_page=10" for n in range(1, 8)]
    start += [f"/qualify?page={n}&per_page=2" for n in range(1, 5)]
    start += [f"/api/chart/account/{a}" for a in mine]
    return start


def _links(text: str) -> list[str]:
    return re.findall(r'(?:href|hx-get)="([^"]+)"', text)


def test_a_crawl_as_an_account_manager_finds_no_other_owners_account(
    dj: TestClient, owners: dict[str, str]
) -> None:
    queue = deque(_crawl_urls(dj, owners))
    seen: set[str] = set()
    found: dict[str, set[str]] = {}
    kinds: set[str] = set()
    while queue and len(seen) < MAX_PAGES:
        url = queue.popleft()
        parts = urlsplit(url.replace("&amp;", "&"))
        if parts.netloc or not parts.path.startswith("/") or parts.path.startswith(SKIP):
            continue
        query = sorted((k, v) for k, v in parse_qsl(parts.query) if k not in ("lang", "dir"))
        if any(k == "sort" for k, _ in query) and any(k == "page" for k, _ in query):
            continue  # every sort order of every page: the same rows in another order
        key = parts.path + ("?" + urlencode(query) if query else "")
        if key in seen:
            continue
        seen.add(key)
        response = dj.get(key)
        assert response.status_code in (200, 404), (key, response.status_code)
        if response.status_code != 200:
            continue
        kinds.add(parts.path.split("/")[1] or "portfolio")
        bad = foreign_ids(readable(response), owners, "DJ")
        if bad:
            found[key] = bad
        if "html" in response.headers.get("content-type", ""):
            queue.extend(_links(response.text))
    assert not found, f"other owners' accounts shown to DJ: {found}"
    assert len(seen) < MAX_PAGES, "the crawl did not finish"
    assert {"portfolio", "accounts", "payments", "service", "qualify", "plan", "api", "me"} <= kinds
    assert {"report", "report.xlsx"} <= kinds
    read = sum(1 for k in seen if k.startswith("/accounts/"))
    assert read >= sum(1 for o in owners.values() if o == "DJ"), "every own account was read"


def test_a_manager_sees_every_owner(people_app: FastAPI, owners: dict[str, str]) -> None:
    manager = sign_in(people_app, "max")
    shown = {owners[i] for i in ID.findall(manager.get("/?per_page=200").text) if i in owners}
    assert {"DJ", "LW", "ND"} <= shown


def test_a_store_without_users_is_the_local_administrators(client: TestClient) -> None:
    """The shared world has no users: every request sees every account, unsigned."""
    assert client.get("/api/chart/portfolio").json()["total"] > 200
