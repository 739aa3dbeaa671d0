"""``/accounts/{id}``: one account — timeline, scores over time, reasons, contacts,
payments and credit, level, responsiveness — and its print view."""

from __future__ import annotations

from typing import Annotated, Any

import pandas as pd
from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, JSONResponse

from goodwill.dashboard.account import (
    EVENT_KINDS,
    AccountView,
    account_timeline,
    account_view,
    history_series,
    timeline_series,
)
from goodwill.web.access import Principal, Role, require
from goodwill.web.audit import viewed
from goodwill.web.formatting import Formatter
from goodwill.web.templating import is_fragment, render, request_lang, state_of

router = APIRouter()
#: the principal of a request that may see accounts (recorded in the access log)
Viewer = Annotated[Principal, Depends(require(Role.ACCOUNT_MANAGER))]
#: events the timeline lists before "show all"
TIMELINE_ROWS = 100


def _account(request: Request, account_id: str) -> tuple[AccountView, pd.DataFrame] | None:
    """The account's view and its whole timeline, kept for the accounts seen last (the
    page, its chart data and its timeline filtered by kind read the same)."""
    state = state_of(request)

    def make() -> tuple[AccountView, pd.DataFrame] | None:
        with state.reading() as store:
            view = account_view(store, account_id, state.settings)
            if view is None:
                return None
            events, _ = account_timeline(store, account_id, view.as_of, limit=None)
        return view, events

    found: tuple[AccountView, pd.DataFrame] | None = state.recent(("account", account_id), make)
    return found


def _context(request: Request, account_id: str, kind: str | None, all_: bool) -> dict[str, Any]:
    found = _account(request, account_id)
    if found is None:
        return {}
    view, events = found
    if kind in EVENT_KINDS:
        events = events[events["kind"] == kind].reset_index(drop=True)
    n_events = len(events)
    if not all_:
        events = events.head(TIMELINE_ROWS)
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
    request: Request, who: Viewer, account_id: str, kind: str | None = None, all: int = 0
) -> HTMLResponse:
    context = _context(request, account_id, kind, bool(all))
    if not context:
        return _not_found(request, account_id)
    fragment = is_fragment(request)
    viewed(request, who, account_id, "timeline" if fragment else "page")
    if fragment:
        return render(request, "account_timeline.html", context)
    return render(request, "account.html", context)


@router.get("/accounts/{account_id}/print", response_class=HTMLResponse, name="account_print")
def account_print(request: Request, who: Viewer, account_id: str) -> HTMLResponse:
    context = _context(request, account_id, None, False)
    if not context:
        return _not_found(request, account_id)
    viewed(request, who, account_id, "print")
    return render(request, "account_print.html", context)


@router.get("/api/chart/account/{account_id}", name="account_chart")
def account_chart(request: Request, who: Viewer, account_id: str) -> JSONResponse:
    context = _context(request, account_id, None, True)
    if not context:
        return JSONResponse({"detail": f"no account {account_id}"}, status_code=404)
    viewed(request, who, account_id, "chart")
    return JSONResponse(context["chart"])
