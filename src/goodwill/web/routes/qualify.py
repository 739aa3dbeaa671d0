"""``/qualify``: prospects and new accounts — pursue, serve efficiently or decline
politely — a page at a time; the established customers with most growth potential per
account manager; and the quotes won and lost, per quarter and to which competitors."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from goodwill.dashboard.qualify import TOP_OPPORTUNITIES, qualify_page, qualify_view
from goodwill.qualify import ADVICE
from goodwill.report.words import GROUPING_WORDS, QUALIFY_WORDS
from goodwill.web.principals import AccountManager
from goodwill.web.templating import is_fragment, render, state_of

router = APIRouter()


@router.get("/qualify", response_class=HTMLResponse, name="qualify")
def qualify_page_route(
    request: Request, principal: AccountManager, page: int = 1, per_page: int = 25
) -> HTMLResponse:
    state = state_of(request)
    scope = principal.scope
    with state.reading() as store:
        as_of = state.latest_as_of(store)
        if as_of is None:
            return render(request, "empty.html", {"page_id": "qualify"})
        view = state.cached(
            ("qualify", as_of, scope),
            lambda: qualify_view(store, as_of, state.settings, scope, state.strategy),
        )
    context = {
        "page_id": "qualify",
        "view": view,
        "table": qualify_page(view, page, per_page),
        "advices": ADVICE,
        "advice_words": QUALIFY_WORDS,
        "grouping_words": GROUPING_WORDS,
        "top_opportunities": TOP_OPPORTUNITIES,
    }
    if is_fragment(request):
        return render(request, "qualify_results.html", context)
    return render(request, "qualify.html", context)
