"""Imports through the dashboard: a bad file shows every problem with its fix and writes
nothing; a good one is visible afterwards and the latest day is scored again."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient

from tests.web.conftest import get_page
from tests.web.html import cells, parse


def counts(client: TestClient) -> tuple[dict[str, int], int]:
    state = client.app.state.goodwill  # type: ignore[attr-defined]
    with state.reading() as store:  # a cursor: the write-behind threads share the connection
        return store.counts(), len(store.imports())


def test_a_bad_file_shows_its_problems_and_writes_nothing(own_client: TestClient) -> None:
    before = counts(own_client)
    bad = (
        "order_id,account_id,ordered_on,amount\n"
        "X1,K100001,2025-06-01,12.50\n"
        "X2,K100001,2025-06-02,twelve\n"
        "X3,NOBODY,31-02-2025,5\n"
    )
    response = own_client.post(
        "/import?lang=en",
        data={"table": "orders"},
        files={"file": ("orders-bad.csv", bad.encode(), "text/csv")},
    )
    assert response.status_code == 422
    doc = parse(response.text)
    assert "Nothing was written" in doc.by_id("import-error").text()
    table = doc.by_id("problems-table")
    assert table.headers() == ["file", "row", "column", "value", "problem", "fix"]
    rows = [[td.text() for td in cells(tr)] for tr in table.rows()]
    assert rows[0][:4] == ["orders-bad.csv", "3", "amount", "twelve"] or any(
        r[:4] == ["orders-bad.csv", "3", "amount", "twelve"] for r in rows
    )
    assert all(r[0] == "orders-bad.csv" and r[5] for r in rows)  # every one a fix
    codes = {tr.attrs["data-code"] for tr in table.rows()}
    assert "not_number" in codes
    assert counts(own_client) == before
    dutch = own_client.post(
        "/import?lang=nl",
        data={"table": "orders"},
        files={"file": ("orders-bad.csv", bad.encode(), "text/csv")},
    )
    assert "Er is niets in de opslag geschreven" in dutch.text or "niets" in dutch.text
    assert counts(own_client) == before


def test_a_file_that_is_no_table_is_refused(own_client: TestClient) -> None:
    before = counts(own_client)
    response = own_client.post(
        "/import?lang=en",
        data={"table": "orders"},
        files={"file": ("notes.pdf", b"%PDF-1.4", "application/pdf")},
    )
    assert response.status_code == 400 and parse(response.text).has_id("import-error")
    assert counts(own_client) == before


def test_a_good_file_is_visible_afterwards(own_client: TestClient, tmp_path: Path) -> None:
    before, n_imports = counts(own_client)
    good = (
        "klantnummer;naam;soort;accountmanager;segment\nNEW1;Bakkerij Nieuw B.V.;klant;JDV;food\n"
    )
    response = own_client.post(
        "/import?lang=nl",
        data={"table": "accounts"},
        files={"file": ("klanten.csv", good.encode("cp1252"), "text/csv")},
    )
    assert response.status_code == 200, response.text[:2000]
    doc = parse(response.text)
    assert doc.by_id("import-result").attrs["data-inserted"] == "1"
    assert doc.has_id("rescored")
    after, n_after = counts(own_client)
    assert after["accounts"] == before["accounts"] + 1 and n_after == n_imports + 1
    assert doc.by_id("imports-table").rows()[0].text().count("klanten.csv") == 1
    page = parse(get_page(own_client, "/accounts/NEW1"))
    assert "Bakkerij Nieuw B.V." in page.by_id("account-name").text()
    assert own_client.get("/health").json()["accounts"] == after["accounts"]


def test_make_a_plan_from_the_page(own_client: TestClient) -> None:
    response = own_client.post("/plan", data={"week": "2025-w28"}, follow_redirects=False)
    assert response.status_code == 303 and "week=2025-W28" in response.headers["location"]
    doc = parse(get_page(own_client, "/plan?week=2025-W28"))
    assert doc.by_id("actions-table").rows()
    assert "2025-W28" in [o.attrs["value"] for o in doc.by_id("week-select").iter("option")]


def test_score_now_saves_a_new_snapshot_of_the_last_order_day(own_client: TestClient) -> None:
    """`POST /score` scores in a child process on a copy of the store and the snapshot
    lands in the server's store (a new run replacing the date's snapshot)."""
    state = own_client.app.state.goodwill  # type: ignore[attr-defined]

    def runs() -> list[tuple[object, ...]]:
        with state.reading() as store:
            return store.con.execute(
                "SELECT as_of, computed_at FROM snapshot_runs ORDER BY as_of"
            ).fetchall()

    before = runs()
    response = own_client.post("/score", follow_redirects=False)
    assert response.status_code == 303
    after = runs()
    assert [r[0] for r in after] == [r[0] for r in before]  # the last order day, again
    assert after[-1][1] > before[-1][1]  # computed anew
    with state.reading() as store:
        n = store.con.execute(
            "SELECT count(*) FROM health_snapshots WHERE as_of = ?", [after[-1][0]]
        ).fetchone()
    assert n is not None and n[0] > 100
