"""Who is asking, for every request: the ``authenticate`` hook of the access contract
(``goodwill.web.access``), CSRF and same-origin checks on posts, the answers to a
refused request, and the users' book written behind to the store.

A request is the user of its session cookie, or of ``Authorization: Bearer <API token>``;
``Bearer <control token>`` (made per run, handed to commands on the same machine) is
the local administrator, and so is every request while the store has no users (the
single-user dashboard on one's own machine; ``goodwill serve`` then listens on the
loopback address only). See docs/security.md.
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import logging
from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import quote, urlsplit

import anyio.from_thread
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response
from starlette.datastructures import FormData

from goodwill.auth import AuthBook, AuthPolicy, Session, session_user, token_user
from goodwill.i18n import N_, gettext
from goodwill.web.access import LOCAL, Forbidden, Principal, Role, Unauthenticated
from goodwill.web.state import WebState
from goodwill.web.templating import is_fragment, render, request_lang

__all__ = [
    "COOKIE",
    "authenticate",
    "book_of",
    "flush",
    "install",
    "set_session_cookie",
    "writing_behind",
]

log = logging.getLogger("goodwill.web")

#: the cookie that carries the session's token
COOKIE = "goodwill_session"
#: how often the book's changes are written when the writer's lock is free
FLUSH_SECONDS = 2.0
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

SIGN_IN = N_("Sign in to see this page.")
BAD_TOKEN = N_("The API token is not valid: unknown, revoked, or its user is disabled.")
NO_RIGHTS = N_("Your role does not allow this: it needs {role}.")
BAD_CSRF = N_("The form has expired or did not come from this site; reload the page and try again.")
CROSS_SITE = N_("A request from another site was refused.")


def book_of(request: Request) -> AuthBook:
    book: AuthBook = request.app.state.auth
    return book


def install(app: FastAPI, state: WebState) -> None:
    """Load the store's users into the app and make :func:`authenticate` its hook."""
    with state.reading() as store:
        app.state.auth = AuthBook.load(store, AuthPolicy.from_settings(state.settings))
    app.state.authenticate = authenticate
    _handlers(app)


def authenticate(request: Request, role: Role) -> Principal:
    """The request's principal when it has at least ``role``; else :class:`Unauthenticated`
    (no valid session or token) or :class:`Forbidden` (a lower role, a post without the
    session's CSRF token, or from another site)."""
    principal = _principal(request)
    request.state.principal = principal
    if not principal.may(role):
        raise Forbidden(NO_RIGHTS, role.code)
    return principal


def _principal(request: Request) -> Principal:
    state: WebState = request.app.state.goodwill
    book = book_of(request)
    given = request.headers.get("authorization", "")
    if given[:7].lower() == "bearer ":
        secret = given[7:].strip()
        if hmac.compare_digest(secret.encode(), state.control_token.encode()):
            return LOCAL
        if not book.has_users:
            return LOCAL
        user = token_user(book, secret)
        if user is None:
            raise Unauthenticated(BAD_TOKEN)
        return user.principal
    unsafe = request.method not in SAFE_METHODS
    if unsafe and not same_origin(request):
        raise Forbidden(CROSS_SITE)
    if not book.has_users:
        return LOCAL
    token = request.cookies.get(COOKIE)
    found = session_user(book, token) if token else None
    if found is None:
        raise Unauthenticated(SIGN_IN)
    session, user = found
    request.state.session = session
    if unsafe and not hmac.compare_digest(_csrf_given(request).encode(), session.csrf.encode()):
        raise Forbidden(BAD_CSRF)
    return user.principal


def same_origin(request: Request) -> bool:
    """Whether a browser's ``Origin`` (when it sends one) is this site's host. A reverse
    proxy must pass the ``Host`` header on (docs/security.md)."""
    origin = request.headers.get("origin")
    if origin is None:
        return True
    return urlsplit(origin).netloc.lower() == request.headers.get("host", "").lower()


def _csrf_given(request: Request) -> str:
    """The CSRF token a post carries: the ``X-CSRF-Token`` header (htmx) or the form's
    ``csrf`` field."""
    header = request.headers.get("x-csrf-token")
    if header:
        return header
    kind = request.headers.get("content-type", "")
    if not kind.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
        return ""

    async def read() -> FormData:
        return await request.form()

    try:  # the form FastAPI read for the route, or read now (a route without form fields)
        form = anyio.from_thread.run(read)
    except RuntimeError:  # not on a worker thread of the app
        return ""
    value = form.get("csrf")
    return value if isinstance(value, str) else ""


def session_of(request: Request) -> Session | None:
    found: Session | None = getattr(request.state, "session", None)
    return found


def set_session_cookie(request: Request, response: Response, token: str, max_age: int) -> None:
    """The session cookie: HttpOnly, SameSite=Lax, and Secure when the request came over
    HTTPS (behind a proxy: with ``goodwill serve --proxy``, see docs/security.md)."""
    response.set_cookie(
        COOKIE,
        token,
        max_age=max_age,
        httponly=True,
        samesite="lax",
        secure=request.url.scheme == "https",
        path="/",
    )


def _api(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def _message(request: Request, exc: Exception) -> str:
    template = str(exc.args[0]) if exc.args else SIGN_IN
    extra = {"role": exc.args[1]} if len(exc.args) > 1 else {}
    return gettext(template, request_lang(request), **extra)


def _error(code: str, message: str, status: int, **headers: str) -> JSONResponse:
    return JSONResponse(
        {"error": {"code": code, "message": message}}, status_code=status, headers=headers
    )


def login_url(request: Request) -> str:
    """The sign-in page, coming back to where the request wanted to go."""
    current = request.headers.get("HX-Current-URL")
    if current:
        parts = urlsplit(current)
        back = parts.path + ("?" + parts.query if parts.query else "")
    elif request.method in SAFE_METHODS:
        back = request.url.path + ("?" + request.url.query if request.url.query else "")
    else:
        back = "/"
    return "/login?next=" + quote(back, safe="")


def _handlers(app: FastAPI) -> None:
    @app.exception_handler(Unauthenticated)
    async def unauthenticated(request: Request, exc: Unauthenticated) -> Response:
        if _api(request):
            return _error(
                "unauthenticated", _message(request, exc), 401, **{"WWW-Authenticate": "Bearer"}
            )
        if is_fragment(request):
            return Response(status_code=401, headers={"HX-Redirect": login_url(request)})
        return RedirectResponse(login_url(request), status_code=303)

    @app.exception_handler(Forbidden)
    async def forbidden(request: Request, exc: Forbidden) -> Response:
        message = _message(request, exc)
        if _api(request):
            return _error("forbidden", message, 403)
        return render(
            request, "error.html", {"page_id": "error", "message": message}, status_code=403
        )


def flush(app: Any, *, wait: bool = False) -> int:
    """Write the book's changes when the writer's lock is free (or, with ``wait``, when
    it becomes free); how many rows were written."""
    book: AuthBook = app.state.auth
    state: WebState = app.state.goodwill
    if not book.pending:
        return 0
    if wait:
        with state.recording() as store:
            return book.flush(store.con)
    with state.try_recording() as free:
        return 0 if free is None else book.flush(free.con)


@contextlib.asynccontextmanager
async def writing_behind(app: FastAPI) -> AsyncIterator[None]:
    """While the app runs, write the book's changes every few seconds when the writer's
    lock is free; at shutdown, wait for it and write what is left."""

    async def loop() -> None:
        while True:
            await asyncio.sleep(FLUSH_SECONDS)
            try:
                await asyncio.to_thread(flush, app)
            except Exception:  # kept in memory and tried again
                log.exception("writing sessions and users to the store failed")

    task = asyncio.create_task(loop())
    try:
        yield
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
        await asyncio.to_thread(flush, app, wait=True)
