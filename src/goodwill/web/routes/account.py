"""``/accounts/{id}``: one account — timeline, scores over time, reasons, contacts,
payments and credit, level, responsiveness — and its print view."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response

from goodwill.dashboard.account import (
    EVENT_KINDS,
    AccountView,
    account_timeline,
    account_view,
    history_series,
    timeline_series,
)
from goodwill.web.access import Principal
from goodwill.web.audit import viewed
from goodwill.web.chart_json import EncodedChart
from goodwill.web.formatting import Formatter
from goodwill.web.principals import AccountManager
from goodwill.web.templating import is_fragment, render, request_lang, state_of

router = APIRouter()
#: events the timeline lists before "show all"
TIMELINE_ROWS = 100


@dataclass
class _Kept:
    """What the accounts seen last keep: the view, the whole timeline and, once asked
    for, the chart data of every event encoded."""

    view: AccountView
    events: list[Any]
    full_chart: EncodedChart | None = None

    def chart(self) -> EncodedChart:
        if self.full_chart is None:  # two requests at once may both make it: same value
            self.full_chart = EncodedChart.of(
                {"history": history_series(self.view), "timeline": timeline_series(self.events)}
            )
        return self.full_chart


def _account(request: Request, account_id: str, scope: str | None) -> _Kept | None:
    """The account's view and its whole timeline, kept for the accounts seen last (the
    page, its chart data and its timeline filtered by kind read the same); None for an
    unknown account and for an account of another owner than ``scope``."""
    state = state_of(request)

    def make() -> _Kept | None:
        with state.reading() as store:
            view = account_view(store, account_id, state.settings, scope)
            if view is None:
                return None
            events, _ = account_timeline(store, account_id, view.as_of, limit=None)
        return _Kept(view, events)

    found: _Kept | None = state.recent(("account", account_id, scope), make)
    return found


def _context(
    request: Request, principal: Principal, account_id: str, kind: str | None, all_: bool
) -> dict[str, Any]:
    found = _account(request, account_id, principal.scope)
    if found is None:
        return {}
    view, events = found.view, found.events
    if kind in EVENT_KINDS:
        events = [e for e in events if e.kind == kind]
    n_events = len(events)
    if not all_:
        events = events[:TIMELINE_ROWS]
    return {
        "page_id": "account",
        "view": view,
        "events": events,
        "n_events": n_events,
        "kind": kind if kind in EVENT_KINDS else "",
        "kinds": EVENT_KINDS,
        "chart": {"history": history_series(view), "timeline": timeline_series(events)},
        "kind_labels": {k: Formatter(request_lang(request)).word(k) for k in EVENT_KINDS},
    }


def _not_found(request: Request, account_id: str) -> HTMLResponse:
    return render(
        request, "not_found.html", {"page_id": "not_found", "what": account_id}, status_code=404
    )


@router.get("/accounts/{account_id}", response_class=HTMLResponse, name="account")
def account(
    request: Request,
    principal: AccountManager,
    account_id: str,
    kind: str | None = None,
    all: int = 0,
) -> HTMLResponse:
    context = _context(request, principal, account_id, kind, bool(all))
    if not context:
        return _not_found(request, account_id)
    fragment = is_fragment(request)
    viewed(request, principal, account_id, "timeline" if fragment else "page")
    if fragment:
        return render(request, "account_timeline.html", context)
    return render(request, "account.html", context)


@router.get("/accounts/{account_id}/print", response_class=HTMLResponse, name="account_print")
def account_print(request: Request, principal: AccountManager, account_id: str) -> HTMLResponse:
    context = _context(request, principal, account_id, None, False)
    if not context:
        return _not_found(request, account_id)
    viewed(request, principal, account_id, "print")
    return render(request, "account_print.html", context)


@router.get("/api/chart/account/{account_id}", name="account_chart")
def account_chart(request: Request, principal: AccountManager, account_id: str) -> Response:
    found = _account(request, account_id, principal.scope)
    if found is None:
        return JSONResponse(
            {"error": {"code": "not_found", "message": f"no account {account_id}"}},
            status_code=404,
        )
    viewed(request, principal, account_id, "chart")
    return Response(found.chart().body, media_type="application/json")
