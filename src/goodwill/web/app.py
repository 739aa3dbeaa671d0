"""The dashboard's app factory: ``create_app(db_path)`` opens the store (the app is its
single writer while it runs), mounts the packaged static files and wires the routes.

Every page is rendered on the server (Jinja2) in Dutch or English; htmx swaps a table
or chart when a filter, page or sort order changes; uPlot draws the charts. See
docs/web.md.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from importlib import resources
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from goodwill import api
from goodwill._typing import Lang
from goodwill.errors import GoodwillError
from goodwill.i18n import normalize_lang
from goodwill.privacy.access_log import AccessLog
from goodwill.qualify.profile import StrategyProfile
from goodwill.settings import Settings
from goodwill.store import Store
from goodwill.web import guard, kept
from goodwill.web.bodies import LargePieces
from goodwill.web.lang_cookie import RememberLang
from goodwill.web.routes import (
    account,
    admin,
    conduct,
    imports,
    login,
    me,
    operations,
    plan,
    portfolio,
    qualify,
    report,
    status,
)
from goodwill.web.state import WebState
from goodwill.web.templating import make_templates, render, request_lang

__all__ = ["create_app"]


def create_app(
    db_path: str | Path,
    settings: Settings | None = None,
    *,
    lang: Lang | str = "en",
    store: Store | None = None,
    strategy: StrategyProfile | None = None,
) -> FastAPI:
    """The dashboard over the store at ``db_path`` (which must exist), in ``lang`` by
    default. The app opens the store now — a missing, foreign or locked file is refused
    here with a clear :class:`~goodwill.errors.StoreError` — and closes it on shutdown.
    Pass ``store`` to serve an already open store (the caller keeps closing it), and
    ``strategy`` to qualify prospects and new accounts (and plan buyer's tests) against a
    strategy profile instead of the default, where everything fits."""
    opened = store or Store.open(db_path, create=False)
    state = WebState(
        store=opened,
        settings=settings or Settings.for_store(opened.path),
        lang=normalize_lang(lang),
        strategy=strategy or StrategyProfile(),
    )

    access_log = AccessLog(state)
    state.after_write.append(lambda: kept.warm(state))

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        access_log.start()
        warming = asyncio.create_task(asyncio.to_thread(kept.warm, state))
        async with guard.writing_behind(app):
            yield
        await warming
        api.shutdown(app)
        access_log.stop()  # the views still in memory are written before the store closes
        if store is None:
            state.close()

    app = FastAPI(
        title="goodwill", docs_url=None, redoc_url=None, openapi_url=None, lifespan=lifespan
    )
    app.state.goodwill = state
    app.state.access_log = access_log
    app.state.templates = make_templates()
    static = resources.files("goodwill").joinpath("web/static")
    app.mount("/static", StaticFiles(directory=str(static)), name="static")  # public
    modules = (
        portfolio,
        account,
        plan,
        conduct,
        qualify,
        imports,
        status,
        login,
        me,
        admin,
        operations,
        report,
    )
    for module in modules:
        app.include_router(module.router)
    _handlers(app)
    guard.install(app, state)
    api.install(app)  # the REST API under /api/v1, after the handlers it wraps
    # uploads reach the parser in pieces of megabytes, not 64 KiB (bodies.py)
    app.add_middleware(LargePieces, paths=("/import", f"{api.API_PREFIX}/imports"))
    app.add_middleware(RememberLang)  # ?lang=nl also sets the cookie (lang_cookie.py)

    return app


def _wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/") or request.url.path == "/health"


def _handlers(app: FastAPI) -> None:
    @app.exception_handler(GoodwillError)
    async def goodwill_error(request: Request, exc: GoodwillError) -> Response:
        message = exc.message(request_lang(request))
        if _wants_json(request):
            return JSONResponse({"detail": message}, status_code=400)
        return render(
            request, "error.html", {"page_id": "error", "message": message}, status_code=400
        )

    @app.exception_handler(RequestValidationError)
    async def bad_request(request: Request, exc: RequestValidationError) -> Response:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e.get('loc', ())[1:])}: {e.get('msg', '')}"
            for e in exc.errors()
        )
        if _wants_json(request):
            return JSONResponse({"detail": problems}, status_code=400)
        return render(
            request, "error.html", {"page_id": "error", "message": problems}, status_code=400
        )

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        if exc.status_code == 404 and not _wants_json(request):
            return render(
                request,
                "not_found.html",
                {"page_id": "not_found", "what": request.url.path},
                status_code=404,
            )
        if _wants_json(request) or exc.status_code != 404:
            return JSONResponse({"detail": str(exc.detail)}, status_code=exc.status_code)
        return HTMLResponse(str(exc.detail), status_code=exc.status_code)
