"""``/health`` for monitoring, ``POST /score`` to score the latest day again, and
``/favicon.ico`` for browsers that ask for it (on /health and other JSON)."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response

from goodwill import __version__
from goodwill.dashboard.status import store_status
from goodwill.rescore import rescore
from goodwill.web.access import public
from goodwill.web.principals import Manager
from goodwill.web.templating import state_of

router = APIRouter()


@router.get("/health", name="health", dependencies=[Depends(public)])
def health(request: Request) -> JSONResponse:
    """``{"status": "ok", "ready": ..., "store": ..., "schema_version": ...,
    "latest_snapshot": ...}``; ``ready`` is false while the values the pages keep are
    made after the start (seconds at 50,000 accounts; a load balancer's readiness check
    waits for it)."""
    state = state_of(request)
    with state.reading() as store:
        status = store_status(store)
    return JSONResponse(
        {
            "status": "ok",
            "ready": state.ready,
            "store": str(status.path),
            "schema_version": status.schema_version,
            "latest_snapshot": status.latest_snapshot.isoformat()
            if status.latest_snapshot
            else None,
            "accounts": status.accounts,
            "imports": status.imports,
            "goodwill": __version__,
        }
    )


@router.post("/score", name="score")
def score_now(request: Request, _principal: Manager) -> RedirectResponse:
    """Score as of the last order day (the start for a store that has none yet)."""
    state = state_of(request)
    with state.writing() as store:
        rescore(store, None, state.settings)
    return RedirectResponse(request.url_for("portfolio"), status_code=303)


@router.get("/favicon.ico", name="favicon", include_in_schema=False, dependencies=[Depends(public)])
def favicon() -> Response:
    """The dashboard's icon where a browser looks for it by itself (a page without a
    ``<link rel="icon">``, such as /health), instead of a 404 in its console."""
    return RedirectResponse("/static/favicon.svg", status_code=308)
