"""The REST API under ``/api/v1``, described by OpenAPI at ``/api/v1/openapi.json``:
accounts, snapshots with their reasons, weekly plans, payments and credit, and import
jobs; paged and filtered; one JSON error shape for every error (docs/api.md).

Every route declares its role with :func:`~goodwill.web.access.require` and reads
through the principal's ``scope``: an account manager only ever sees the accounts of
their owner code, and another owner's account is not found (404). The routes are thin
shells over :mod:`goodwill.dashboard` and the store, like the pages.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, FastAPI, Request, Security
from fastapi.openapi.utils import get_openapi
from fastapi.responses import JSONResponse

from goodwill import __version__
from goodwill.api import accounts, imports, payments, plans, snapshots
from goodwill.api.errors import API_PREFIX, ERROR_RESPONSES, install_error_handlers
from goodwill.api.jobs import ImportJobs
from goodwill.api.limits import UploadLimit
from goodwill.api.params import bearer
from goodwill.web.access import public

__all__ = ["API_PREFIX", "describe", "install", "openapi_document", "router", "shutdown"]

router = APIRouter(prefix=API_PREFIX, dependencies=[Security(bearer)], responses=ERROR_RESPONSES)
for _module in (accounts, snapshots, plans, payments, imports):
    router.include_router(_module.router)

_DESCRIPTION = """\
goodwill's data for other systems: accounts with their health, value, level and
credit advice; the saved snapshots with their reasons; the weekly plans; payments and
credit; imports. Send a personal API token as `Authorization: Bearer <token>`.
Lists are paged with `limit` (1-500) and `offset`; every error has the shape
`{"error": {"code", "message", "details"}}`. See docs/api.md."""


def describe() -> dict[str, Any]:
    """The OpenAPI description of the ``/api/v1`` routes, and of nothing else."""
    # the API's routes alone, as FastAPI includes them (an app of its own keeps the
    # pages out, whatever form include_router gives them in this FastAPI)
    alone = FastAPI()
    alone.include_router(router)
    return get_openapi(
        title="goodwill API", version=__version__, description=_DESCRIPTION, routes=alone.routes
    )


def openapi_document(app: FastAPI) -> dict[str, Any]:
    """:func:`describe`, made once per app."""
    found: dict[str, Any] | None = getattr(app.state, "api_openapi", None)
    if found is None:
        found = app.state.api_openapi = describe()
    return found


def _openapi(request: Request) -> JSONResponse:
    return JSONResponse(openapi_document(request.app))


def install(app: FastAPI) -> None:
    """Mount the API on ``app``: its routes, its OpenAPI description, its import jobs,
    its upload limit and its error shape. Call it after the app's own error handlers."""
    app.include_router(router)
    app.add_api_route(
        f"{API_PREFIX}/openapi.json",
        _openapi,
        methods=["GET"],
        include_in_schema=False,
        dependencies=[Depends(public)],
        name="api_openapi",
    )
    app.state.import_jobs = ImportJobs(app.state.goodwill)
    app.add_middleware(UploadLimit, prefix=API_PREFIX)
    install_error_handlers(app)


def shutdown(app: FastAPI) -> None:
    """Wait for the import job running now; the queued ones are dropped."""
    jobs: ImportJobs | None = getattr(app.state, "import_jobs", None)
    if jobs is not None:
        jobs.close()
