"""``/qualify``: the prospects and new accounts with their advice, a page at a time, in
English and Dutch, for a manager (every owner, and the competitors we lose to) and for an
account manager (their own accounts only, and the win/loss of their own quotes); growth
potential per account manager; win/loss per quarter; the server's strategy profile; an
anonymous request is sent to sign in."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.testclient import TestClient

from goodwill.dashboard.qualify import growth_opportunities
from goodwill.dashboard.status import latest_as_of
from goodwill.qualify import ADVICE, StrategyProfile, win_loss
from goodwill.settings import Settings
from goodwill.web import create_app
from tests.web.conftest import get_page
from tests.web.html import Node, cells, parse
from tests.web.people import sign_in

ALL = "/qualify?per_page=200"


def counts(doc: Node) -> dict[str, int]:
    return {a: int(doc.by_id(f"count-{a}").attrs["data-count"]) for a in ADVICE}


def test_the_page_in_english_and_dutch(client: TestClient) -> None:
    en = parse(get_page(client, ALL, "en"))
    nl = parse(get_page(client, ALL, "nl"))
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
    everyone = parse(get_page(sign_in(people_app, "max"), ALL))
    all_rows = {tr.attrs["data-account-id"] for tr in everyone.by_id("qualify-table").rows()}
    assert {owner[a] for a in all_rows} > {"DJ"}  # the manager sees other owners too
    dj = parse(get_page(sign_in(people_app, "dj"), ALL))
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


def test_paging_shows_every_account_once(client: TestClient) -> None:
    first = parse(get_page(client, "/qualify?per_page=10"))
    total = sum(counts(first).values())
    assert total > 10  # more than one page in the small world
    position = first.by_id("qualify-pager-position")
    assert int(position.attrs["data-total"]) == total
    pages = int(position.attrs["data-pages"])
    assert pages == -(-total // 10)
    seen: list[str] = []
    for n in range(1, pages + 1):
        doc = parse(get_page(client, f"/qualify?per_page=10&page={n}"))
        seen += [tr.attrs["data-account-id"] for tr in doc.by_id("qualify-table").rows()]
        assert doc.has_id("qualify-pager-next") == (n < pages)
    whole = parse(get_page(client, ALL)).by_id("qualify-table").rows()
    assert seen == [tr.attrs["data-account-id"] for tr in whole]  # the same order, once
    # a page past the last shows the last; htmx gets only the table and its pager
    last = parse(get_page(client, f"/qualify?per_page=10&page={pages + 5}"))
    assert last.by_id("qualify-pager-position").attrs["data-page"] == str(pages)
    part = get_page(client, "/qualify?per_page=10&page=2", **{"HX-Request": "true"})
    assert "qualify-table" in part and "<html" not in part and "growth-table" not in part


def test_growth_per_account_manager(client: TestClient, people_app: FastAPI) -> None:
    en = parse(get_page(client, "/qualify"))
    nl = parse(get_page(client, "/qualify", "nl"))
    with people_app.state.goodwill.reading() as store:
        as_of = latest_as_of(store)
        expected = growth_opportunities(store, as_of, Settings.load())
        mine = growth_opportunities(store, as_of, Settings.load(), "DJ")
    rows = en.by_id("growth-table").rows()
    assert [tr.attrs["data-account-id"] for tr in rows] == expected.index.tolist()
    assert len({tr.attrs["data-owner"] for tr in rows}) > 1
    assert (expected.groupby("owner").size() <= 5).all()
    assert (expected["growth"] > 0).all() and (expected["grouping"] != "all").all()
    assert "groeipotentieel per jaar" in nl.by_id("growth-table").headers()
    # an account manager sees their own opportunities only
    dj = parse(get_page(sign_in(people_app, "dj"), "/qualify"))
    if len(mine):
        shown = dj.by_id("growth-table").rows()
        assert [tr.attrs["data-account-id"] for tr in shown] == mine.index.tolist()
        assert {tr.attrs["data-owner"] for tr in shown} == {"DJ"}
    else:
        assert dj.has_id("no-growth")


def test_win_loss_per_quarter(client: TestClient, people_app: FastAPI) -> None:
    en = parse(get_page(client, "/qualify"))
    with people_app.state.goodwill.reading() as store:
        as_of = latest_as_of(store)
        quarters = win_loss(store.con, as_of, ("quarter",)).sort_values("quarter").tail(8)
        own = win_loss(store.con, as_of, ("quarter",), owner="DJ").sort_values("quarter").tail(8)
    rows = en.by_id("quarters-table").rows()
    assert [tr.attrs["data-quarter"] for tr in rows] == quarters["quarter"].tolist()
    won = [int(cell.attrs["data-value"]) for tr in rows for cell in cells(tr)
           if cell.attrs.get("data-col") == "won"]  # fmt: skip
    assert won == quarters["won"].tolist()
    assert "kwartaal" in parse(get_page(client, "/qualify", "nl")).by_id("quarters-table").headers()
    dj = parse(get_page(sign_in(people_app, "dj"), "/qualify"))
    if len(own):
        shown = [tr.attrs["data-quarter"] for tr in dj.by_id("quarters-table").rows()]
        assert shown == own["quarter"].tolist()


def test_the_servers_strategy_profile(own_db: Path, tmp_path: Path) -> None:
    with TestClient(create_app(own_db, lang="en")) as c:
        default = parse(get_page(c, ALL))
    pursued = counts(default)["pursue"]
    assert pursued > 1
    strategy = tmp_path / "strategy.toml"
    strategy.write_text("new_accounts_per_quarter = 1\n", encoding="utf-8")
    profile = StrategyProfile.load(strategy)
    with TestClient(create_app(own_db, lang="en", strategy=profile)) as c:
        doc = parse(get_page(c, ALL))
        nl = parse(get_page(c, ALL, "nl"))
    assert doc.by_id("profile-note").attrs["data-profile"] == "strategy.toml"
    assert "strategy.toml" in doc.by_id("profile-note").text()
    assert "strategieprofiel strategy.toml" in nl.by_id("profile-note").text()
    assert counts(doc)["pursue"] == 1  # one new account a quarter: the rest served efficiently
    assert sum(counts(doc).values()) == sum(counts(default).values())
