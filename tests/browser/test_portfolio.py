"""The portfolio in Chromium: filters, paging and sorting swap the table through htmx and
the rows follow them; the chart is drawn and opens an account; the language switches."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import pytest

from tests.browser.conftest import PAINTED, expect

if TYPE_CHECKING:
    from playwright.sync_api import Page

TABLE = "#portfolio-table tbody tr"
#: Dutch money as Babel writes it: euro sign, a (no-break) space, dots between thousands
DUTCH_MONEY = re.compile(r"€\s-?\d{1,3}(\.\d{3})*(,\d{2})?$")
ENGLISH_MONEY = re.compile(r"^-?€-?\d{1,3}(,\d{3})*(\.\d{2})?$")


def open_portfolio(page: Page, query: str = "") -> None:
    page.goto(f"/{query}")
    expect(page.locator("#portfolio-chart canvas")).to_have_count(1)
    # a marker that a full page load would lose: the swaps below must be htmx's
    page.evaluate("window.__sameDocument = true")


def same_document(page: Page) -> bool:
    return bool(page.evaluate("window.__sameDocument === true"))


def total(page: Page) -> int:
    return int(page.locator("#portfolio-pager-position").get_attribute("data-total") or -1)


def column(page: Page, name: str, attr: str | None = None) -> list[str]:
    cells = page.locator(f"{TABLE} td[data-col={name}]")
    if attr is None:
        return [t.strip() for t in cells.all_inner_texts()]
    return [str(v) for v in cells.evaluate_all(f"cs => cs.map(c => c.getAttribute('{attr}'))")]


def ids(page: Page) -> list[str]:
    return [
        str(v) for v in page.locator(TABLE).evaluate_all("rs => rs.map(r => r.dataset.accountId)")
    ]


@pytest.mark.parametrize(
    ("name", "attr"),
    [("owner", None), ("segment", None), ("level", "data-value"), ("status", "data-value")],
)
def test_a_filter_narrows_the_rows_to_its_value(page: Page, name: str, attr: str | None) -> None:
    open_portfolio(page)
    everyone = total(page)
    value = page.locator(f"#filter-{name} option").nth(1).get_attribute("value") or ""
    page.select_option(f"#filter-{name}", value)
    expect(page).to_have_url(re.compile(rf"[?&]{name}={value}(&|$)"))
    expect(page.locator("#portfolio-pager-position")).not_to_have_attribute(
        "data-total", str(everyone)
    )
    assert 0 < total(page) < everyone
    shown = column(page, name, attr)
    assert shown and set(shown) == {value}, shown
    assert int(page.locator("#count-accounts").get_attribute("data-count") or -1) == total(page)
    assert same_document(page), "the filter reloaded the page instead of swapping the table"
    # the chart was drawn again, from the filtered accounts only
    expect(page.locator("#portfolio-chart canvas")).to_have_count(1)
    assert int(page.locator("#portfolio-chart").get_attribute("data-points") or -1) == total(page)
    # back to everyone
    page.select_option(f"#filter-{name}", "")
    expect(page.locator("#portfolio-pager-position")).to_have_attribute("data-total", str(everyone))


def test_filters_combine_and_survive_a_reload(page: Page) -> None:
    open_portfolio(page)
    page.select_option("#filter-status", "healthy")
    expect(page).to_have_url(re.compile(r"status=healthy"))
    healthy = total(page)
    page.check("#filter-attention")
    expect(page).to_have_url(re.compile(r"attention=1"))
    assert total(page) < healthy
    assert page.locator(TABLE).count() == page.locator(f"{TABLE}[data-attention=true]").count()
    page.reload()  # the pushed address is a bookmark of the filtered view
    expect(page.locator("#filter-status")).to_have_value("healthy")
    expect(page.locator("#filter-attention")).to_be_checked()
    assert set(column(page, "status", "data-value")) == {"healthy"}


def test_paging_moves_through_every_account_once(page: Page) -> None:
    open_portfolio(page, "?per_page=80")
    pages = int(page.locator("#portfolio-pager-position").get_attribute("data-pages") or 0)
    assert pages > 1
    seen: list[str] = ids(page)
    assert len(seen) == 80
    for number in range(2, pages + 1):
        page.click("#portfolio-pager-next")
        expect(page.locator("#portfolio-pager-position")).to_have_attribute(
            "data-page", str(number)
        )
        seen += ids(page)
    assert len(seen) == len(set(seen)) == total(page)
    expect(page.locator("#portfolio-pager-next")).to_have_count(0)
    page.click("#portfolio-pager-prev")
    expect(page.locator("#portfolio-pager-position")).to_have_attribute("data-page", str(pages - 1))
    assert same_document(page)


def test_sorting_by_a_column_and_back(page: Page) -> None:
    open_portfolio(page)
    health = [float(v) for v in column(page, "health", "data-value")]
    assert health == sorted(health), "the portfolio opens with the weakest health first"
    page.click("[data-testid=sort-revenue]")
    expect(page.locator("th[data-sort=revenue]")).to_have_attribute("aria-sort", "descending")
    revenue = [float(v) for v in column(page, "revenue", "data-value")]
    assert revenue == sorted(revenue, reverse=True) and revenue[0] > revenue[-1]
    page.click("[data-testid=sort-revenue]")
    expect(page.locator("th[data-sort=revenue]")).to_have_attribute("aria-sort", "ascending")
    revenue = [float(v) for v in column(page, "revenue", "data-value")]
    assert revenue == sorted(revenue)
    page.click("[data-testid=sort-name]")
    expect(page.locator("th[data-sort=name]")).to_have_attribute("aria-sort", "ascending")
    names = page.locator(f"{TABLE} [data-testid=account-link]").all_inner_texts()
    assert names == sorted(names, key=str.casefold) or names == sorted(names)
    assert same_document(page)


def test_a_filter_keeps_the_sort_order(page: Page) -> None:
    open_portfolio(page)
    page.click("[data-testid=sort-revenue]")
    expect(page.locator("th[data-sort=revenue]")).to_have_attribute("aria-sort", "descending")
    page.select_option("#filter-level", "transactional")
    expect(page).to_have_url(re.compile(r"level=transactional"))
    expect(page.locator("th[data-sort=revenue]")).to_have_attribute("aria-sort", "descending")
    revenue = [float(v) for v in column(page, "revenue", "data-value")]
    assert revenue == sorted(revenue, reverse=True)


def test_a_page_of_a_filtered_view_keeps_the_filter(page: Page) -> None:
    open_portfolio(page, "?per_page=10")
    page.select_option("#filter-status", "healthy")
    expect(page).to_have_url(re.compile(r"status=healthy"))
    page.click("#portfolio-pager-next")
    expect(page.locator("#portfolio-pager-position")).to_have_attribute("data-page", "2")
    assert set(column(page, "status", "data-value")) == {"healthy"}
    assert len(ids(page)) == 10


# -- the chart --------------------------------------------------------------------------------

#: the position on the page of the first point of the first series that no other covers
FIRST_POINT = """el => {
  const u = el._uplot, box = u.over.getBoundingClientRect();
  const xs = u.data[1][0], ys = u.data[1][1];
  for (let i = 0; i < xs.length; i++) {
    const x = u.valToPos(xs[i], 'x'), y = u.valToPos(ys[i], 'y');
    if (x > 5 && y > 5 && x < u.over.clientWidth - 5 && y < u.over.clientHeight - 5) {
      return {x: box.left + x, y: box.top + y};
    }
  }
  return null;
}"""


def test_the_chart_is_drawn(page: Page) -> None:
    open_portfolio(page)
    chart = page.locator("#portfolio-chart")
    drawn = chart.evaluate(PAINTED)
    assert drawn["uplot"] and drawn["width"] > 200 and drawn["height"] > 200
    # axes, grid and points of several levels: far from blank
    assert drawn["painted"] > 2000 and drawn["colours"] >= 4, drawn
    assert drawn["png"] > 5000
    assert int(chart.get_attribute("data-points") or 0) == total(page)


def test_a_point_opens_its_account(page: Page) -> None:
    open_portfolio(page)
    point = page.locator("#portfolio-chart").evaluate(FIRST_POINT)
    assert point is not None
    page.mouse.move(point["x"], point["y"])
    link = page.locator("[data-testid=chart-point-link]")
    expect(link).to_be_visible()
    account = link.get_attribute("data-account-id")
    assert account
    page.mouse.click(point["x"], point["y"])
    expect(page).to_have_url(re.compile(rf"/accounts/{re.escape(account)}$"))
    expect(page.locator("#account-name")).to_have_attribute("data-account-id", account)


def test_the_link_a_point_shows_opens_its_account(page: Page) -> None:
    open_portfolio(page)
    point = page.locator("#portfolio-chart").evaluate(FIRST_POINT)
    page.mouse.move(point["x"], point["y"])
    link = page.locator("[data-testid=chart-point-link]")
    expect(link).to_be_visible()
    account = link.get_attribute("data-account-id")
    link.click()
    expect(page).to_have_url(re.compile(rf"/accounts/{re.escape(account or '')}$"))


# -- language -----------------------------------------------------------------------------------


def test_the_language_switches_to_dutch_and_back(page: Page) -> None:
    open_portfolio(page)
    money = column(page, "revenue")
    assert all(ENGLISH_MONEY.match(m) for m in money), money
    page.click("#lang-nl")
    expect(page.locator("html")).to_have_attribute("lang", "nl")
    expect(page.locator("main h1")).to_contain_text("Portefeuille")
    expect(page.locator("#chart-title")).to_have_text("Waarde tegenover gezondheid")
    money = column(page, "revenue")
    assert all(DUTCH_MONEY.search(m) for m in money), money
    assert any("." in m for m in money), "thousands with a dot"
    # the cookie keeps the choice on the next page
    page.click("#nav-plan")
    expect(page.locator("main h1")).to_contain_text("Deze week")
    page.click("#lang-en")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("main h1")).to_contain_text("This week")


def test_switching_language_keeps_the_filtered_view(page: Page) -> None:
    open_portfolio(page)
    page.select_option("#filter-segment", "food")
    expect(page).to_have_url(re.compile(r"segment=food"))
    page.click("#lang-nl")
    expect(page.locator("html")).to_have_attribute("lang", "nl")
    expect(page.locator("#filter-segment")).to_have_value("food")
    assert set(column(page, "segment")) == {"food"}


def test_back_after_a_filter_shows_the_unfiltered_view_with_its_chart(page: Page) -> None:
    open_portfolio(page)
    everyone = total(page)
    page.select_option("#filter-owner", index=1)
    expect(page).to_have_url(re.compile(r"owner="))
    expect(page.locator("#portfolio-pager-position")).not_to_have_attribute(
        "data-total", str(everyone)
    )
    page.go_back()
    expect(page.locator("#portfolio-pager-position")).to_have_attribute("data-total", str(everyone))
    expect(page.locator("#filter-owner")).to_have_value("")
    drawn = page.locator("#portfolio-chart").evaluate(PAINTED)
    assert drawn and drawn["painted"] > 2000, drawn
