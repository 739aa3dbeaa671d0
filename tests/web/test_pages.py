"""The account page and its print view, the 404 page, this week's plan with its
calendar files and review, payments, service, /health and the static files."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from tests.web.conftest import END, PAST_WEEK, WEEK, get_page
from tests.web.html import cells, parse


def at_risk_account(client: TestClient) -> str:
    doc = parse(get_page(client, "/?status=at_risk&attention=1&sort=value&dir=desc"))
    return doc.by_id("portfolio-table").rows()[0].attrs["data-account-id"]


def test_account_page_sections(client: TestClient) -> None:
    account = at_risk_account(client)
    doc = parse(get_page(client, f"/accounts/{account}"))
    assert doc.by_id("account-name").attrs["data-account-id"] == account
    for section in (
        "section-scores",
        "section-reasons",
        "section-level",
        "section-responsiveness",
        "section-payments",
        "section-contacts",
    ):
        assert doc.has_id(section), section
    assert doc.by_id("reasons").iter("li"), "an account at risk says why"
    assert doc.by_id("level").attrs["data-value"] in (
        "transactional",
        "fruitful",
        "growing_together",
    )
    assert doc.by_id("credit-advice").attrs["data-value"] in ("keep", "tighten", "prepayment")
    assert doc.by_id("responsiveness").attrs["data-value"]
    timeline = doc.by_id("timeline-table").rows()
    kinds = {tr.attrs["data-kind"] for tr in timeline}
    assert "order" in kinds and len(kinds) >= 2
    days = [cells(tr)[0].text() for tr in timeline]
    assert days and END.year >= int(re.findall(r"\d{4}", days[0])[0])
    assert doc.by_id("history-chart").attrs["data-points"] == "3"  # three snapshots
    chart = client.get(f"/api/chart/account/{account}").json()
    assert len(chart["history"]["x"]) == 3 and len(chart["history"]["health"]) == 3
    assert {s["kind"] for s in chart["timeline"]["series"]} >= {"order"}
    orders = parse(get_page(client, f"/accounts/{account}?kind=order", **{"HX-Request": "true"}))
    assert {tr.attrs["data-kind"] for tr in orders.by_id("timeline-table").rows()} == {"order"}
    assert not orders.has_id("section-scores")  # the fragment only


def test_contacts_say_who_left_and_who_is_the_only_thread(client: TestClient) -> None:
    seen_left = seen_single = False
    for account in (
        parse(get_page(client, "/?per_page=60&sort=name")).by_id("portfolio-table").rows()
    ):
        doc = parse(get_page(client, f"/accounts/{account.attrs['data-account-id']}"))
        contacts = doc.by_id("contacts-table").rows()
        active = [tr for tr in contacts if tr.attrs["data-active"] == "true"]
        if len(active) == 1:
            assert doc.has_id("only-thread") and "only thread" in active[0].text()
            seen_single = True
        if any(tr.attrs["data-active"] == "false" for tr in contacts):
            seen_left = True
        if seen_left and seen_single:
            break
    assert seen_left and seen_single


def test_unknown_account_is_a_404_page(client: TestClient) -> None:
    for url in ("/accounts/NOPE", "/accounts/NOPE/print", "/no/such/page"):
        response = client.get(url + "?lang=nl")
        assert response.status_code == 404
        assert parse(response.text).has_id("not-found")
        assert "Niet gevonden" in response.text
    assert client.get("/api/chart/account/NOPE").status_code == 404


def test_print_view(client: TestClient) -> None:
    account = at_risk_account(client)
    doc = parse(get_page(client, f"/accounts/{account}/print"))
    assert doc.has_id("print-view") and doc.has_id("section-reasons")
    assert not doc.has_id("nav-portfolio") and not doc.has_id("lang-switch")
    assert len(doc.by_id("history-table").rows()) == 3


def test_plan_page_calendar_and_review(client: TestClient) -> None:
    doc = parse(get_page(client, f"/plan?week={WEEK}"))
    assert doc.by_id("plan-week").attrs["data-week"] == WEEK
    actions = doc.by_id("actions-table").rows()
    assert actions and all(cells(tr)[-1].text() for tr in actions)  # every one a purpose
    assert doc.has_id("stop-table") and doc.has_id("owners-table")
    review = {tr.attrs["data-week"] for tr in doc.by_id("review-table").rows()}
    assert review == {WEEK, PAST_WEEK}
    past = doc.by_id("past-actions-table").rows()
    assert past and {tr.attrs["data-week"] for tr in past} == {PAST_WEEK}
    assert {tr.attrs["data-done"] for tr in past} <= {"yes", "no"}  # the week is over
    owner = actions[0].attrs["data-owner"]
    mine = [tr for tr in actions if tr.attrs["data-owner"] == owner]
    only = parse(get_page(client, f"/plan?week={WEEK}&owner={owner}"))
    assert {tr.attrs["data-owner"] for tr in only.by_id("actions-table").rows()} == {owner}
    response = client.get(f"/plan/{WEEK}/{owner}.ics?lang=nl")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/calendar")
    assert "attachment" in response.headers["content-disposition"]
    body = response.text
    assert body.startswith("BEGIN:VCALENDAR\r\n") and body.endswith("END:VCALENDAR\r\n")
    events = re.findall(r"BEGIN:VEVENT\r\n(.*?)END:VEVENT", body, re.S)
    assert len(events) == len(mine)
    for event in events:
        fields = dict(
            line.split(":", 1) for line in event.replace("\r\n ", "").split("\r\n") if line
        )
        assert re.fullmatch(r"\d{8}T\d{6}", fields["DTSTART"])
        assert fields["DTEND"] > fields["DTSTART"] and fields["SUMMARY"]
    assert client.get(f"/plan/{WEEK}/NOBODY.ics").status_code == 404


def test_a_week_without_a_plan_offers_to_make_one(client: TestClient) -> None:
    doc = parse(get_page(client, "/plan?week=2025-W30"))
    assert doc.has_id("no-plan") and doc.has_id("make-plan")
    assert client.get("/plan?week=2025-W99&lang=en").status_code == 400


def test_payments_filter_sort_and_money(client: TestClient) -> None:
    doc = parse(get_page(client, "/payments?per_page=200"))
    counts = {
        a: int(doc.by_id(f"count-{a}").attrs["data-count"])
        for a in ("prepayment", "tighten", "keep")
    }
    assert sum(counts.values()) == int(doc.by_id("payments-pager-position").attrs["data-total"])
    for advice, n in counts.items():
        only = parse(get_page(client, f"/payments?advice={advice}&per_page=200"))
        rows = only.by_id("payments-table").rows()
        assert len(rows) == min(n, 200)
        assert {tr.attrs["data-advice"] for tr in rows} <= {advice}
    ranked = parse(get_page(client, "/payments?sort=open&dir=desc"))
    open_ = [
        float(td.attrs["data-value"])
        for tr in ranked.by_id("payments-table").rows()
        for td in cells(tr)
        if td.attrs.get("data-col") == "open"
    ]
    assert open_ == sorted(open_, reverse=True) and open_[0] > 0
    nl = parse(get_page(client, "/payments?sort=open&dir=desc", "nl"))
    cell = next(
        td
        for td in cells(nl.by_id("payments-table").rows()[0])
        if td.attrs.get("data-col") == "open"
    )
    assert re.fullmatch(r"€\xa0\d{1,3}(\.\d{3})*,\d{2}", cell.text()), cell.text()
    en = parse(get_page(client, "/payments?sort=open&dir=desc", "en"))
    cell = next(
        td
        for td in cells(en.by_id("payments-table").rows()[0])
        if td.attrs.get("data-col") == "open"
    )
    assert re.fullmatch(r"€\d{1,3}(,\d{3})*\.\d{2}", cell.text()), cell.text()
    assert f"{open_[0]:,.2f}" in cell.text()


def test_service_page(client: TestClient) -> None:
    doc = parse(get_page(client, "/service", "nl"))
    groups = [tr.attrs["data-group"] for tr in doc.by_id("service-table").rows()]
    assert groups[:3] == ["small", "medium", "large"] and "new" in groups
    assert doc.has_id("neglected-table") or doc.has_id("none-neglected")


def test_health_and_static_files(client: TestClient, web_db: object) -> None:
    body = client.get("/health").json()
    assert body["status"] == "ok" and body["schema_version"] >= 5
    assert body["latest_snapshot"] == END.isoformat() and body["store"] == str(web_db)
    for path in (
        "/static/vendor/htmx/htmx.min.js",
        "/static/vendor/uplot/uPlot.iife.min.js",
        "/static/goodwill.js",
        "/static/goodwill.css",
        "/static/favicon.svg",
    ):
        assert client.get(path).status_code == 200, path
    assert client.get("/favicon.ico").url.path == "/static/favicon.svg"
    page = get_page(client, "/")
    assert "/static/vendor/htmx/htmx.min.js" in page and "http" not in re.sub(
        r'href="[^"]*"|data-[a-z-]+="[^"]*"', "", page.split("<body")[0]
    ), "no CDN"


def test_the_language_asked_for_is_kept_in_a_cookie(client: TestClient) -> None:
    client.cookies.delete("goodwill_lang")
    try:
        asked = client.get("/?lang=nl")
        cookie = asked.headers.get("set-cookie", "")
        assert cookie.startswith("goodwill_lang=nl;") and "Max-Age=31536000" in cookie
        assert "samesite=lax" in cookie.lower()
        # the next page without ?lang= is Dutch: the cookie carries it
        assert 'lang="nl"' in client.get("/").text
        assert "set-cookie" not in client.get("/?lang=xx").headers
        assert client.get("/?lang=en").headers["set-cookie"].startswith("goodwill_lang=en;")
    finally:
        client.cookies.delete("goodwill_lang")
