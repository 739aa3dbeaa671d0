"""Every page in Chromium: it opens without a JavaScript or console error and does what a
person uses it for — an account's charts and timeline, its print view, the plan and its
calendar file, payments, service, prospects and new accounts page by page, a bad import
that writes nothing, /health."""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING

import pytest

from tests.browser.conftest import PAINTED, Server, Watch, expect
from tests.web.world import WEEK

if TYPE_CHECKING:
    from playwright.sync_api import Page

PAGES = {
    "/": "Portfolio",
    "/plan": "This week",
    "/payments": "Payments and credit",
    "/service": "Service",
    "/qualify": "Prospects and new accounts",
    "/import": "Import",
}


@pytest.mark.parametrize("path", PAGES)
def test_page_opens(page: Page, path: str) -> None:
    response = page.goto(path)
    assert response is not None and response.status == 200
    expect(page.locator("main h1")).to_contain_text(PAGES[path])
    expect(
        page.locator(f"#nav-{page.locator('body').get_attribute('data-page')}")
    ).to_have_attribute("aria-current", "page")


def open_first_account(page: Page) -> str:
    """Open the account at the top of the portfolio (the weakest health) from its link."""
    page.goto("/")
    link = page.locator("#portfolio-table tbody tr [data-testid=account-link]").first
    account = link.locator("xpath=ancestor::tr").get_attribute("data-account-id") or ""
    link.click()
    expect(page).to_have_url(re.compile(rf"/accounts/{re.escape(account)}$"))
    return account


def test_an_account_shows_its_reasons_and_draws_its_charts(page: Page) -> None:
    account = open_first_account(page)
    expect(page.locator("#account-name")).to_have_attribute("data-account-id", account)
    for section in ("reasons", "level", "payments", "contacts", "scores"):
        expect(page.locator(f"#section-{section}")).to_be_visible()
    expect(page.locator("#reasons li").first).to_be_visible()
    history = page.locator("#history-chart").evaluate(PAINTED)
    assert int(page.locator("#history-chart").get_attribute("data-points") or 0) == 3
    assert history and history["width"] > 200 and history["painted"] > 1000, history
    timeline = page.locator("#timeline-chart").evaluate(PAINTED)
    assert timeline and timeline["painted"] > 1000 and timeline["colours"] >= 3, timeline


def test_the_timeline_filters_by_kind(page: Page) -> None:
    open_first_account(page)
    rows = page.locator("#timeline-table tbody tr")
    kinds = set(rows.evaluate_all("rs => rs.map(r => r.dataset.kind)"))
    assert {"order", "invoice"} <= kinds
    page.evaluate("window.__sameDocument = true")
    page.select_option("#timeline-kind", "invoice")
    expect(page.locator("#timeline-table tbody tr:not([data-kind=invoice])")).to_have_count(0)
    assert rows.count() > 0
    assert page.evaluate("window.__sameDocument === true")
    # the timeline chart was drawn again, with invoices only
    drawn = page.locator("#timeline-chart").evaluate(PAINTED)
    assert drawn and drawn["painted"] > 500


def test_the_print_view_has_the_account_without_navigation(page: Page) -> None:
    account = open_first_account(page)
    page.click("#print-link")
    expect(page).to_have_url(re.compile(rf"/accounts/{re.escape(account)}/print$"))
    expect(page.locator("#print-view")).to_be_visible()
    expect(page.locator("header.site")).to_have_count(0)
    expect(page.locator("#history-table tbody tr")).to_have_count(3)
    assert page.locator("#timeline-table tbody tr").count() > 0
    page.emulate_media(media="print")
    expect(page.locator(".no-print").first).to_be_hidden()


def test_the_plan_shows_the_week_and_its_calendar_file_downloads(page: Page) -> None:
    page.goto(f"/plan?week={WEEK}")
    expect(page.locator("#plan-week")).to_have_attribute("data-week", WEEK)
    owners = page.locator("#owners-table tbody tr")
    assert owners.count() > 1
    assert page.locator("#actions-table tbody tr").count() > 0
    owner = owners.first.get_attribute("data-owner") or ""
    with page.expect_download() as info:
        owners.first.locator("[data-testid=ics-link]").click()
    download = info.value
    assert download.suggested_filename.endswith(".ics") and owner in download.suggested_filename
    text = download.path().read_text(encoding="utf-8")
    assert text.startswith("BEGIN:VCALENDAR") and "BEGIN:VEVENT" in text
    assert text.rstrip().endswith("END:VCALENDAR")
    # one account manager's actions only
    owners.first.locator("a").first.click()
    expect(page).to_have_url(re.compile(r"owner="))
    got = set(
        page.locator("#actions-table tbody tr").evaluate_all("rs => rs.map(r => r.dataset.owner)")
    )
    assert got == {owner}


def test_the_plan_week_choice_opens_that_week(page: Page) -> None:
    page.goto(f"/plan?week={WEEK}")
    choices = page.locator("#week-select option").evaluate_all("os => os.map(o => o.value)")
    other = next(w for w in choices if w != WEEK)
    page.select_option("#week-select", other)
    expect(page.locator("#plan-week")).to_have_attribute("data-week", other)


def test_payments_filter_and_sort(page: Page) -> None:
    page.goto("/payments")
    rows = page.locator("#payments-table tbody tr")
    assert rows.count() > 0
    counts = {
        li.get_attribute("id"): int(li.get_attribute("data-count") or 0)
        for li in page.locator("#advice-counts li").all()
    }
    advice = max(counts, key=lambda k: counts[k] or 0).removeprefix("count-")  # type: ignore[union-attr]
    page.select_option("#filter-advice", advice)
    expect(page).to_have_url(re.compile(rf"advice={advice}"))
    expect(page.locator(f"#payments-table tbody tr:not([data-advice={advice}])")).to_have_count(0)
    page.click("[data-testid=sort-name]")
    expect(page.locator("th[data-sort=name]")).to_have_attribute("aria-sort", re.compile("ing"))
    expect(page.locator("#filter-advice")).to_have_value(advice)
    assert rows.count() > 0


def test_qualify_pages_through_every_account_once_and_shows_growth(page: Page) -> None:
    page.goto("/qualify?per_page=10")
    position = page.locator("#qualify-pager-position")
    pages = int(position.get_attribute("data-pages") or 0)
    total = int(position.get_attribute("data-total") or 0)
    assert pages > 1
    rows = page.locator("#qualify-table tbody tr")
    seen = [r.get_attribute("data-account-id") for r in rows.all()]
    page.evaluate("window.__samePage = true")
    for number in range(2, pages + 1):
        page.click("#qualify-pager-next")  # htmx swaps the table in, the address follows
        expect(position).to_have_attribute("data-page", str(number))
        expect(page).to_have_url(re.compile(rf"page={number}"))
        seen += [r.get_attribute("data-account-id") for r in rows.all()]
    assert len(seen) == len(set(seen)) == total
    assert page.evaluate("window.__samePage === true")  # swapped, not reloaded
    assert page.locator("#growth-table tbody tr").count() > 0
    assert page.locator("#quarters-table tbody tr").count() > 0


def test_service_shows_the_sizes_and_ages(page: Page) -> None:
    page.goto("/service")
    assert page.locator("#service-table tbody tr").count() >= 2


def test_a_bad_import_lists_every_problem_and_writes_nothing(
    page: Page, server: Server, watch: Watch
) -> None:
    before = server.json("/health")
    page.goto("/import")
    log_rows = page.locator("#imports-table tbody tr").count()
    bad = (
        "order_id,account_id,ordered_on,amount\n"
        "X1,K100001,2025-06-01,12.50\n"
        "X2,K100001,2025-06-02,twelve\n"
        "X3,NOBODY,31-02-2025,5\n"
    )
    watch.expect(422, "/import")
    page.select_option("#import-table", "orders")
    page.set_input_files(
        "#import-file",
        files={"name": "orders-bad.csv", "mimeType": "text/csv", "buffer": bad.encode()},
    )
    with page.expect_navigation():
        page.click("#import-submit")
    expect(page.locator("#import-error")).to_contain_text("Nothing was written")
    table = page.locator("#problems-table")
    headers = table.locator("thead th").all_inner_texts()
    assert [h.strip() for h in headers] == ["file", "row", "column", "value", "problem", "fix"]
    rows = [
        [c.strip() for c in tr.locator("td").all_inner_texts()]
        for tr in table.locator("tbody tr").all()
    ]
    assert ["orders-bad.csv", "3", "amount", "twelve"] in [r[:4] for r in rows]
    assert all(r[0] == "orders-bad.csv" and r[4] and r[5] for r in rows), rows
    assert len(rows) >= 2
    # nothing written: the import log and the store's counts are as they were
    expect(page.locator("#imports-table tbody tr")).to_have_count(log_rows)
    after = server.json("/health")
    assert after["imports"] == before["imports"] and after["accounts"] == before["accounts"]


def test_health_answers_json(page: Page) -> None:
    response = page.goto("/health")
    assert response is not None and response.status == 200
    body = json.loads(page.locator("body").inner_text())
    assert body["status"] == "ok" and body["latest_snapshot"] == "2025-06-30"


def test_an_unknown_account_is_a_page_not_a_crash(page: Page, watch: Watch) -> None:
    watch.expect(404, "/accounts/NOBODY")
    response = page.goto("/accounts/NOBODY")
    assert response is not None and response.status == 404
    expect(page.locator("main")).to_contain_text("NOBODY")
    expect(page.locator("#nav-portfolio")).to_be_visible()
