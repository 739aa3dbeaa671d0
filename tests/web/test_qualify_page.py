"""``/qualify``: the prospects and new accounts with their advice, in English and Dutch,
for a manager (every owner, and the competitors we lose to) and for an account manager
(their own accounts only, and the win/loss of their own quotes); an anonymous request is
sent to sign in."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.testclient import TestClient

from goodwill.dashboard.status import latest_as_of
from goodwill.qualify import ADVICE, win_loss
from tests.web.conftest import get_page
from tests.web.html import Node, cells, parse
from tests.web.people import sign_in


def counts(doc: Node) -> dict[str, int]:
    return {a: int(doc.by_id(f"count-{a}").attrs["data-count"]) for a in ADVICE}


def test_the_page_in_english_and_dutch(client: TestClient) -> None:
    en = parse(get_page(client, "/qualify", "en"))
    nl = parse(get_page(client, "/qualify", "nl"))
    assert en.by_id("as-of").text().startswith("as of ")
    assert nl.by_id("as-of").text().startswith("per ")
    assert "default strategy profile" in en.by_id("profile-note").text()
    assert "standaard strategieprofiel" in nl.by_id("profile-note").text()
    # the small world has prospects and new accounts: every one in the table, counted
    rows = en.by_id("qualify-table").rows()
    assert rows and sum(counts(en).values()) == len(rows) == len(nl.by_id("qualify-table").rows())
    assert counts(en) == counts(nl)
    assert "Prospects and new accounts" in en.by_id("nav-qualify").text()
    assert "Prospects en nieuwe klanten" in nl.by_id("nav-qualify").text()
    words = {"pursue": "volop oppakken", "serve_efficiently": "efficiënt bedienen",
             "decline_politely": "beleefd afwijzen"}  # fmt: skip
    for tr in nl.by_id("qualify-table").rows():
        advice = tr.attrs["data-advice"]
        cell = next(td for td in cells(tr) if td.attrs.get("data-col") == "advice")
        assert cell.text() == words[advice]
        link = tr.iter("a")[0]
        assert link.attrs["href"] == f"/accounts/{tr.attrs['data-account-id']}"
    assert "€\xa0" in nl.by_id("qualify-table").text()  # Dutch money: a space after the sign
    # pursue first, then by potential
    ranks = [ADVICE.index(tr.attrs["data-advice"]) for tr in rows]
    assert ranks == sorted(ranks)
    # the competitors we lose to, and the quotes won and lost
    competitors = en.by_id("competitors-table").rows()
    assert competitors and "won" in en.by_id("win-rate").text()
    assert "concurrent" in nl.by_id("competitors-table").headers()


def test_an_account_manager_sees_only_their_own_accounts(people_app: FastAPI) -> None:
    with people_app.state.goodwill.reading() as store:
        owner = dict(store.con.execute("SELECT account_id, owner FROM accounts").fetchall())
    everyone = parse(get_page(sign_in(people_app, "max"), "/qualify"))
    all_rows = {tr.attrs["data-account-id"] for tr in everyone.by_id("qualify-table").rows()}
    assert {owner[a] for a in all_rows} > {"DJ"}  # the manager sees other owners too
    dj = parse(get_page(sign_in(people_app, "dj"), "/qualify"))
    mine = {tr.attrs["data-account-id"] for tr in dj.by_id("qualify-table").rows()}
    assert mine and {owner[a] for a in mine} == {"DJ"}
    assert mine == {a for a in all_rows if owner[a] == "DJ"}
    assert sum(counts(dj).values()) == len(mine)
    # win/loss over the quotes of DJ's own accounts only
    with people_app.state.goodwill.reading() as store:
        own = win_loss(store.con, latest_as_of(store), (), owner="DJ")
    decided = int(own["won"].iloc[0] + own["lost"].iloc[0])
    assert dj.has_id("win-rate") == (decided > 0)
    if decided:
        assert f"{int(own['won'].iloc[0])} won" in dj.by_id("win-rate").text()
    assert dj.has_id("nav-qualify")


def test_an_anonymous_request_is_sent_to_sign_in(people_app: FastAPI) -> None:
    response = TestClient(people_app).get("/qualify", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=%2Fqualify"
