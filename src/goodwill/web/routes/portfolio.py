"""``/``: the portfolio — value against health, the table beside it, the groups."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response

from goodwill.dashboard.portfolio import LEVELS, PortfolioFilter, filter_choices
from goodwill.i18n import gettext
from goodwill.store import Store
from goodwill.web.chart_json import EncodedChart
from goodwill.web.formatting import WORDS
from goodwill.web.kept import kept_portfolio_index, kept_portfolio_table
from goodwill.web.principals import AccountManager
from goodwill.web.templating import is_fragment, render, request_lang, state_of

router = APIRouter()
#: most points the chart draws; the ones needing attention are always among them
CHART_POINTS = 2000


def _filters(
    owner: str | None = None,
    segment: str | None = None,
    level: str | None = None,
    status: str | None = None,
    group: str | None = None,
    attention: str | None = None,
    *,
    scope: str | None = None,
) -> PortfolioFilter:
    return PortfolioFilter(
        scope=scope,
        owner=owner or None,
        segment=segment or None,
        level=level or None,
        status=status or None,
        group=group or None,
        attention=attention in ("1", "true", "on", "yes"),
    )


Text = Annotated[str | None, Query()]


def snapshot_rows(request: Request, store: Store, as_of: dt.date) -> str:
    """The table of the snapshot's portfolio rows (figures, flags, first reason), made
    once per snapshot and write."""
    return kept_portfolio_table(state_of(request), store, as_of)


def _chart(request: Request, filters: PortfolioFilter) -> EncodedChart | None:
    """The chart's series for ``filters``, kept for the filters seen last (the page
    embeds them and its chart data asks for the same)."""
    state = state_of(request)
    lang = request_lang(request)

    def make() -> EncodedChart | None:
        labels = {lv: gettext(WORDS[lv], lang) for lv in LEVELS}
        labels["unknown"] = gettext("level unknown", lang)
        with state.reading() as store:
            as_of = state.latest_as_of(store)
            if as_of is None:
                return None
            index = kept_portfolio_index(state, store, as_of)
        chart = index.chart(filters, labels=labels, limit=CHART_POINTS)
        meta = {"total": chart.total, "shown": chart.shown, "sampled": chart.sampled}
        return EncodedChart.of_json(meta, chart.json)

    found: EncodedChart | None = state.recent(("portfolio_chart", filters, lang), make)
    return found


@router.get("/", response_class=HTMLResponse, name="portfolio")
def portfolio(
    request: Request,
    principal: AccountManager,
    owner: Text = None,
    segment: Text = None,
    level: Text = None,
    status: Text = None,
    group: Text = None,
    attention: Text = None,
    sort: str = "health",
    dir: str = "asc",
    page: int = 1,
    per_page: int = 25,
) -> HTMLResponse:
    """The portfolio page, or (for htmx) only its results: chart data, table, groups."""
    state = state_of(request)
    filters = _filters(owner, segment, level, status, group, attention, scope=principal.scope)
    with state.reading() as store:
        as_of = state.latest_as_of(store)
        if as_of is None:
            return render(request, "empty.html", {"page_id": "portfolio"})
        index = kept_portfolio_index(state, store, as_of)
        choices = filter_choices(
            store, as_of, rows=snapshot_rows(request, store, as_of), scope=filters.scope
        )
    table = index.page(
        filters, sort=sort, descending=dir == "desc", page=page, per_page=per_page, choices=choices
    )
    groups, n_groups = index.groups(filters)
    context = {
        "page_id": "portfolio",
        "as_of": as_of,
        "table": table,
        "filters": filters,
        "groups": groups,
        "n_groups": n_groups,
        "chart": _chart(request, filters),
    }
    if is_fragment(request):
        return render(request, "portfolio_results.html", context)
    return render(request, "portfolio.html", context)


@router.get("/api/chart/portfolio", name="portfolio_chart")
def portfolio_chart(
    request: Request,
    principal: AccountManager,
    owner: Text = None,
    segment: Text = None,
    level: Text = None,
    status: Text = None,
    group: Text = None,
    attention: Text = None,
) -> Response:
    """The portfolio chart's points as JSON (what the page embeds when it loads)."""
    filters = _filters(owner, segment, level, status, group, attention, scope=principal.scope)
    chart = _chart(request, filters)
    if chart is None:
        return JSONResponse({"series": [], "total": 0, "shown": 0, "sampled": False})
    return Response(chart.body, media_type="application/json")
