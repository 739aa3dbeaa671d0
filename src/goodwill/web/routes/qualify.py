"""``/qualify``: prospects and new accounts — pursue, serve efficiently or decline
politely — and the competitors we lose quotes to."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from goodwill.dashboard.qualify import qualify_view
from goodwill.qualify import ADVICE
from goodwill.report.words import GROUPING_WORDS, QUALIFY_WORDS
from goodwill.web.principals import AccountManager
from goodwill.web.templating import render, state_of

router = APIRouter()


@router.get("/qualify", response_class=HTMLResponse, name="qualify")
def qualify_page(request: Request, principal: AccountManager) -> HTMLResponse:
    state = state_of(request)
    scope = principal.scope
    with state.reading() as store:
        as_of = state.latest_as_of(store)
        if as_of is None:
            return render(request, "empty.html", {"page_id": "qualify"})
        view = state.cached(
            ("qualify", as_of, scope), lambda: qualify_view(store, as_of, state.settings, scope)
        )
    context = {
        "page_id": "qualify",
        "view": view,
        "advices": ADVICE,
        "advice_words": QUALIFY_WORDS,
        "grouping_words": GROUPING_WORDS,
    }
    return render(request, "qualify.html", context)
