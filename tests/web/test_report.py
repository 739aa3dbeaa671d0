"""The portfolio report from the dashboard (``/report``, ``/report.xlsx``): a download of
the self-contained page or the workbook, of the accounts the signed-in user may see — an
account manager's holds none of another owner's accounts, all of their own at risk, and
figures over their accounts only; a manager's covers every account."""

from __future__ import annotations

import html
import io
import json
import re
import shutil
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from goodwill.auth import AuthBook
from goodwill.settings import Settings
from goodwill.store import Store
from goodwill.web import create_app
from goodwill.web.access import Role
from tests.report.read_html import SAME_AS_OWNER_COLUMN as SAME
from tests.report.read_html import Page, read_page
from tests.web.conftest import END, PAST_WEEK, WEEK
from tests.web.people import sign_in

RISK_PASSWORD = "risk-password-1"
ID = re.compile(r"\b[A-Z]{1,3}\d{5,}\b")


@pytest.fixture(scope="module")
def accounts(people_app: FastAPI) -> dict[str, tuple[str, str]]:
    """account_id -> (owner, name), of every account in the world."""
    with people_app.state.goodwill.reading() as store:
        rows = store.con.execute("SELECT account_id, owner, name FROM accounts").fetchall()
    return {str(a): (str(o), str(n)) for a, o, n in rows}


@pytest.fixture(scope="module")
def dj(people_app: FastAPI) -> TestClient:
    return sign_in(people_app, "dj")


@pytest.fixture(scope="module")
def max_(people_app: FastAPI) -> TestClient:
    return sign_in(people_app, "max")


def download(client: TestClient, url: str) -> bytes:
    response = client.get(url)
    assert response.status_code == 200, response.text[:300]
    assert response.headers["content-disposition"].startswith("attachment; filename=")
    return response.content


def scatter(page: Page) -> dict[str, Any]:
    found = re.search(r"const d = (\{.*?\});\n", page.scripts[1], re.S)
    assert found, "the page embeds the scatter's data"
    data: dict[str, Any] = json.loads(found.group(1))
    return data


def workbook_cells(content: bytes) -> dict[str, list[tuple[Any, ...]]]:
    """Every sheet of an .xlsx download: its rows of values."""
    book = openpyxl.load_workbook(io.BytesIO(content), read_only=True)
    return {s.title: [tuple(r) for r in s.iter_rows(values_only=True)] for s in book}


def at_risk_ids(people_app: FastAPI, owner: str | None) -> set[str]:
    """The active accounts at risk in the latest snapshot, straight from the store."""
    silence = Settings.load()["health"]["churn_silence_days"]
    with people_app.state.goodwill.reading() as store:
        rows = store.con.execute(
            """SELECT s.account_id FROM health_snapshots s JOIN accounts a USING (account_id)
               WHERE s.as_of = $end AND s.status = 'at_risk'
                 AND NOT coalesce(TRY_CAST(json_extract(s.signals, '$.days_since_order')
                                           AS DOUBLE) > $silence, false)
                 AND (CAST($owner AS VARCHAR) IS NULL OR a.owner = $owner)""",
            {"end": END, "silence": silence, "owner": owner},
        ).fetchall()
    return {str(r[0]) for r in rows}


def shown_to(text: str, accounts: dict[str, tuple[str, str]], owner: str) -> set[str]:
    """Other owners' accounts whose id or name the text holds."""
    plain = html.unescape(text)
    ids = {i for i in ID.findall(plain) if i in accounts and accounts[i][0] != owner}
    own_names = [n for o, n in accounts.values() if o == owner]
    names = {
        a
        for a, (o, n) in accounts.items()
        if o != owner and n in plain and not any(n in mine for mine in own_names)
    }
    return ids | names


def test_the_report_is_a_download_named_by_its_date(dj: TestClient, max_: TestClient) -> None:
    day = END.isoformat()
    page = dj.get("/report")
    assert page.headers["content-type"].startswith("text/html")
    assert page.headers["content-disposition"] == (
        f'attachment; filename="goodwill-report-DJ-{day}.html"'
    )
    book = max_.get("/report.xlsx")
    assert book.headers["content-type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert book.headers["content-disposition"] == (
        f'attachment; filename="goodwill-report-{day}.xlsx"'
    )
    assert book.content[:2] == b"PK"  # a zip: the workbook itself


def test_an_account_managers_report_holds_no_other_owners_account(
    dj: TestClient, accounts: dict[str, tuple[str, str]]
) -> None:
    text = download(dj, "/report").decode()
    assert not shown_to(text, accounts, "DJ")
    page = read_page(text)
    data = scatter(page)
    assert data["id"] and {accounts[i][0] for i in data["id"]} == {"DJ"}
    cells = {c.text for rows in page.tables.values() for row in rows for c in row}
    assert not {n for o, n in accounts.values() if o != "DJ"} & (cells | set(data["name"]))
    for table in ("owners", "plan_owners"):
        assert [c.text for c in page.column(table, "owner")] == ["DJ"], table
    for table in ("at_risk", "plan_actions", "stop"):
        assert {accounts[c.text][0] for c in page.column(table, "account_id")} <= {"DJ"}, table
    assert page.tables["plan_actions"], "DJ has actions this week"
    sheets = workbook_cells(download(dj, "/report.xlsx"))
    values = [str(v) for rows in sheets.values() for row in rows for v in row if v is not None]
    assert not shown_to("\n".join(values), accounts, "DJ")
    assert not {n for o, n in accounts.values() if o != "DJ"} & set(values)


@pytest.fixture(scope="module")
def at_risk_app(
    people_db: Path,
    people_app: FastAPI,
    accounts: dict[str, tuple[str, str]],
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[FastAPI, str]]:
    """An app over a copy of the world with one more account manager, ``risk``, who owns
    the accounts of the owner with the most accounts at risk (DJ has none); and that
    owner's code."""
    counts = Counter(accounts[a][0] for a in at_risk_ids(people_app, None))
    owner = max(sorted(counts), key=lambda o: counts[o])
    db = tmp_path_factory.mktemp("at-risk") / "people.duckdb"
    shutil.copy(people_db, db)
    with Store.open(db) as store:
        book = AuthBook.load(store)
        book.add_user("risk", Role.ACCOUNT_MANAGER, RISK_PASSWORD, owner)
        book.flush(store.con)
    app = create_app(db, lang="en")
    with TestClient(app):
        yield app, owner


def test_an_account_managers_report_holds_their_accounts_at_risk(
    at_risk_app: tuple[FastAPI, str], dj: TestClient, people_app: FastAPI
) -> None:
    app, owner = at_risk_app
    client = TestClient(app)
    signed = client.post("/login", data={"name": "risk", "password": RISK_PASSWORD})
    assert signed.status_code == 200, signed.text[:300]
    mine = at_risk_ids(app, owner)
    assert mine, "the world gives this owner accounts at risk"
    page = read_page(download(client, "/report").decode())
    assert {c.text for c in page.column("at_risk", "account_id")} == mine
    sheets = workbook_cells(download(client, "/report.xlsx"))
    assert {r[0] for r in sheets["at risk"][1:]} == mine
    assert at_risk_ids(people_app, None) - mine, "and there are others'"
    # DJ has none at risk: their report's table is empty, not someone else's
    assert at_risk_ids(people_app, "DJ") == set()
    assert read_page(download(dj, "/report").decode()).tables["at_risk"] == []


def test_an_account_managers_figures_are_over_their_accounts_only(
    dj: TestClient, max_: TestClient, people_app: FastAPI, accounts: dict[str, tuple[str, str]]
) -> None:
    everyone = read_page(download(max_, "/report").decode())
    owners = [c.text for c in everyone.column("owners", "owner")]
    row = everyone.tables["owners"][owners.index("DJ")]
    theirs = {key: row[everyone.heads["owners"].index(key)].value for key in SAME.values()}
    page = read_page(download(dj, "/report").decode())
    figures = {key: cell.value for key, cell in page.figures.items()}
    for figure, column in SAME.items():
        assert figures[figure] == pytest.approx(theirs[column]), figure
    assert figures["accounts"] == sum(1 for o, _n in accounts.values() if o == "DJ")
    assert figures["dormant"] == figures["customers"] - figures["active"]
    with people_app.state.goodwill.reading() as store:
        revenue, scored = store.con.execute(
            "SELECT sum(s.revenue_12m), count(*) FROM health_snapshots s "
            "JOIN accounts a USING (account_id) WHERE s.as_of = ? AND a.owner = 'DJ'",
            [END],
        ).fetchone() or (0.0, 0)
    assert figures["revenue"] == pytest.approx(revenue) and figures["customers"] == scored
    assert figures["customers"] < everyone.figures["customers"].value  # type: ignore[operator]
    summary = workbook_cells(download(dj, "/report.xlsx"))["summary"]
    assert ("account manager", "DJ") in summary
    assert ("customer accounts scored", scored) in summary


def test_a_managers_report_covers_every_account(
    max_: TestClient, people_app: FastAPI, accounts: dict[str, tuple[str, str]]
) -> None:
    page = read_page(download(max_, "/report").decode())
    owners = {c.text for c in page.column("owners", "owner")}
    assert {o for o, _n in accounts.values() if not o.startswith("INK")} <= owners
    assert page.figures["accounts"].value == len(accounts)
    assert {c.text for c in page.column("at_risk", "account_id")} == at_risk_ids(people_app, None)
    assert len(scatter(page)["id"]) == page.figures["customers"].value


def test_the_language_and_the_week_are_honoured(dj: TestClient) -> None:
    text = download(dj, f"/report?lang=nl&week={PAST_WEEK}").decode()
    page = read_page(text)
    assert page.lang == "nl" and "Portefeuillerapport van DJ" in text
    assert f"Het plan voor {PAST_WEEK}" in text
    assert f"The plan for {WEEK}" in download(dj, "/report?lang=en").decode()
    summary = workbook_cells(download(dj, f"/report.xlsx?lang=nl&week={PAST_WEEK}"))
    assert ("week", PAST_WEEK) in summary["overzicht"]
    bad = dj.get("/report?week=soon")
    assert bad.status_code == 400 and "2026-W48" in bad.text


def test_a_store_without_a_snapshot_gets_the_friendly_page(tmp_path: Path) -> None:
    with Store.open(tmp_path / "empty.duckdb"):
        pass
    with TestClient(create_app(tmp_path / "empty.duckdb")) as client:
        for url in ("/report", "/report.xlsx"):
            response = client.get(url)
            assert response.status_code == 200 and "empty-message" in response.text, url
            assert "content-disposition" not in response.headers


def test_the_portfolio_page_links_the_report(dj: TestClient) -> None:
    text = dj.get("/?lang=nl").text
    assert 'href="/report"' in text and 'href="/report.xlsx"' in text
    assert "Excel-werkmap" in text
