"""``/payments`` and ``/service``: payments and credit advice; service to small and new
accounts."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from goodwill.dashboard.payments import ADVICE
from goodwill.dashboard.portfolio import filter_choices
from goodwill.dashboard.service import service_view
from goodwill.web.kept import kept_payments_index
from goodwill.web.principals import AccountManager
from goodwill.web.routes.portfolio import snapshot_rows
from goodwill.web.templating import is_fragment, render, state_of

router = APIRouter()


@router.get("/payments", response_class=HTMLResponse, name="payments")
def payments(
    request: Request,
    principal: AccountManager,
    advice: str | None = None,
    owner: str | None = None,
    sort: str = "advice",
    dir: str = "asc",
    page: int = 1,
    per_page: int = 25,
) -> HTMLResponse:
    state = state_of(request)
    with state.reading() as store:
        as_of = state.latest_as_of(store)
        if as_of is None:
            return render(request, "empty.html", {"page_id": "payments"})
        table = kept_payments_index(state, store, as_of).page(
            advice=advice or None,
            owner=owner or None,
            sort=sort,
            descending=dir == "desc",
            page=page,
            per_page=per_page,
            scope=principal.scope,
        )
        owners = filter_choices(
            store, as_of, rows=snapshot_rows(request, store, as_of), scope=principal.scope
        )["owner"]
    context = {
        "page_id": "payments",
        "as_of": as_of,
        "table": table,
        "advice": advice or "",
        "owner": owner or "",
        "owners": owners,
        "advices": ADVICE,
    }
    if is_fragment(request):
        return render(request, "payments_results.html", context)
    return render(request, "payments.html", context)


@router.get("/service", response_class=HTMLResponse, name="service")
def service(request: Request, principal: AccountManager) -> HTMLResponse:
    state = state_of(request)
    scope = principal.scope
    with state.reading() as store:
        as_of = state.latest_as_of(store)
        if as_of is None:
            return render(request, "empty.html", {"page_id": "service"})
        view = state.cached(
            ("service", as_of, scope), lambda: service_view(store, as_of, state.settings, scope)
        )
    return render(request, "service.html", {"page_id": "service", "view": view})
