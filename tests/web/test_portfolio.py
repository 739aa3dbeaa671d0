"""The portfolio page: filters change the rows, paging, sorting, the htmx fragment, the
chart's bounded sample, groups, and money in Dutch and English."""

from __future__ import annotations

import json
import re

from fastapi.testclient import TestClient

from goodwill.dashboard.portfolio import PortfolioFilter, portfolio_chart_data
from goodwill.settings import Settings
from goodwill.store import Store
from tests.web.conftest import END, get_page
from tests.web.html import cells, column, parse


def ids(text: str) -> list[str]:
    return [tr.attrs["data-account-id"] for tr in parse(text).by_id("portfolio-table").rows()]


def test_filters_change_the_rows(client: TestClient) -> None:
    everyone = parse(get_page(client, "/?per_page=200"))
    total = int(everyone.by_id("count-accounts").attrs["data-count"])
    at_risk = parse(get_page(client, "/?status=at_risk&per_page=200"))
    statuses = {td.attrs["data-value"] for td in column(at_risk.by_id("portfolio-table"), "status")}
    assert statuses == {"at_risk"}
    n_risk = int(at_risk.by_id("count-accounts").attrs["data-count"])
    assert 0 < n_risk < total
    # the count of those needing attention leaves out the dormant ones
    assert n_risk >= int(everyone.by_id("count-at-risk").attrs["data-count"])
    owner = everyone.by_id("filter-owner").iter("option")[1].attrs["value"]
    mine = parse(get_page(client, f"/?owner={owner}&per_page=200"))
    owners = {td.text() for td in column(mine.by_id("portfolio-table"), "owner")}
    assert owners == {owner}
    shown = int(mine.by_id("count-accounts").attrs["data-count"])
    assert len(mine.by_id("portfolio-table").rows()) == min(shown, 200) and shown < total
    attention = parse(get_page(client, "/?attention=1&per_page=200"))
    rows = attention.by_id("portfolio-table").rows()
    assert rows and all(tr.attrs.get("data-attention") == "true" for tr in rows)
    assert len(rows) == int(everyone.by_id("count-attention").attrs["data-count"])


def test_paging_is_server_side(client: TestClient) -> None:
    first = ids(get_page(client, "/?per_page=10&sort=name"))
    second = ids(get_page(client, "/?per_page=10&sort=name&page=2"))
    assert len(first) == len(second) == 10 and not set(first) & set(second)
    doc = parse(get_page(client, "/?per_page=10&page=2"))
    position = doc.by_id("portfolio-pager-position").attrs
    assert position["data-page"] == "2"
    assert int(position["data-pages"]) == -(-int(position["data-total"]) // 10)
    assert doc.has_id("portfolio-pager-prev") and doc.has_id("portfolio-pager-next")
    last = parse(get_page(client, "/?per_page=10&page=9999"))  # beyond the end: the last
    assert last.by_id("portfolio-pager-position").attrs["data-page"] == position["data-pages"]


def test_sorting(client: TestClient) -> None:
    for direction in ("asc", "desc"):
        doc = parse(get_page(client, f"/?sort=health&dir={direction}&per_page=50"))
        health = [
            float(td.attrs["data-value"]) for td in column(doc.by_id("portfolio-table"), "health")
        ]
        assert health == sorted(health, reverse=direction == "desc")
    doc = parse(get_page(client, "/?sort=revenue&dir=desc&per_page=50"))
    revenue = [
        float(td.attrs["data-value"]) for td in column(doc.by_id("portfolio-table"), "revenue")
    ]
    assert revenue == sorted(revenue, reverse=True)
    header = next(
        th
        for th in doc.by_id("portfolio-table").iter("th")
        if th.attrs.get("data-sort") == "revenue"
    )
    assert header.attrs["aria-sort"] == "descending"
    link = header.iter("a")[0].attrs
    assert "dir=asc" in link["href"] and link["hx-get"] == link["href"]


def test_htmx_gets_only_the_results(client: TestClient) -> None:
    text = get_page(client, "/?status=watch", **{"HX-Request": "true"})
    assert "<html" not in text and '<nav data-testid="nav"' not in text
    doc = parse(text)
    assert doc.has_id("portfolio-table") and doc.has_id("portfolio-chart-data")
    assert doc.by_id("portfolio-table").iter("tbody")


def test_money_in_dutch_and_english(client: TestClient) -> None:
    en = parse(get_page(client, "/?sort=revenue&dir=desc", "en"))
    nl = parse(get_page(client, "/?sort=revenue&dir=desc", "nl"))
    top_en = column(en.by_id("portfolio-table"), "revenue")[0]
    top_nl = column(nl.by_id("portfolio-table"), "revenue")[0]
    value = round(float(top_en.attrs["data-value"]))
    assert value > 1000
    assert top_en.text() == f"€{value:,}"
    assert top_nl.text() == "€\xa0" + f"{value:,}".replace(",", ".")
    assert nl.iter("html")[0].attrs["lang"] == "nl"
    assert "Gezondheid" in nl.text() or "gezondheid" in nl.text()


def test_the_language_sticks_in_a_cookie(web_db: object) -> None:
    from goodwill.web import create_app

    with TestClient(create_app(web_db, lang="en")) as fresh:  # type: ignore[arg-type]
        assert 'lang="en"' in fresh.get("/").text
        assert 'lang="nl"' in fresh.get("/?lang=nl").text
        assert 'lang="nl"' in fresh.get("/payments").text
        assert 'lang="en"' in fresh.get("/payments?lang=en").text


def test_chart_keeps_every_account_needing_attention(client: TestClient, web_db: object) -> None:
    chart = client.get("/api/chart/portfolio").json()
    drawn = {i for s in chart["series"] for i in s["ids"]}
    assert chart["shown"] == len(drawn) == chart["total"]  # a small world: every account
    assert {s["level"] for s in chart["series"]} <= {
        "transactional",
        "fruitful",
        "growing_together",
        "unknown",
    }
    with Store.open(web_db, create=False) as store:  # type: ignore[arg-type]
        small = portfolio_chart_data(store, END, Settings.load(), PortfolioFilter(), limit=40)
        flagged = portfolio_chart_data(
            store, END, Settings.load(), PortfolioFilter(attention=True), limit=10_000
        )
    assert small.shown == 40 and small.sampled and small.total > 40
    drawn = json.loads(small.json)
    assert (drawn["shown"], drawn["total"], drawn["sampled"]) == (40, small.total, True)
    need = {i for s in json.loads(flagged.json)["series"] for i in s["ids"]}
    got = {i for s in drawn["series"] for i in s["ids"]}
    assert need <= got or len(need) > 40
    for series in drawn["series"]:
        n = len(series["ids"])
        assert all(len(series[k]) == n for k in ("x", "y", "revenue", "names", "attention"))
        assert min(series["x"]) >= 1.0 and series["label"] == series["level"]
    page = parse(get_page(client, "/"))
    embedded = page.by_id("portfolio-chart-data").text()
    assert '"series"' in embedded and page.by_id("portfolio-chart").attrs["data-points"]


def test_groups_roll_up(client: TestClient) -> None:
    doc = parse(get_page(client, "/?per_page=200"))
    groups = doc.by_id("groups-table").rows()
    assert groups
    group = groups[0].attrs["data-group-id"]
    members = int(
        next(td for td in cells(groups[0]) if td.attrs.get("data-col") == "members").text()
    )
    only = parse(get_page(client, f"/?group={group}&per_page=200"))
    assert len(only.by_id("portfolio-table").rows()) == members
    assert only.has_id("group-filter")


def test_bad_parameters_are_a_page_not_a_traceback(client: TestClient) -> None:
    response = client.get("/?page=abc&lang=en")
    assert response.status_code == 400
    assert "page" in parse(response.text).by_id("error-message").text()
    assert re.search(r"Traceback", response.text) is None
