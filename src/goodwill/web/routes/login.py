"""``/login`` and ``/logout``: signing in with a name and password, and out again."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from goodwill.auth import SignInError, close_session, open_session, session_user, sign_in
from goodwill.web.access import Forbidden, public
from goodwill.web.guard import (
    COOKIE,
    CROSS_SITE,
    book_of,
    flush,
    same_origin,
    set_session_cookie,
)
from goodwill.web.principals import AccountManager
from goodwill.web.templating import render, request_lang

router = APIRouter()


def safe_next(target: str | None) -> str:
    """Where to go after signing in: a path of this site only (never another site)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


def _form(request: Request, next_: str, status_code: int = 200, **context: object) -> HTMLResponse:
    return render(
        request,
        "login.html",
        {"page_id": "login", "next": safe_next(next_), **context},
        status_code=status_code,
    )


@router.get("/login", response_class=HTMLResponse, name="login", dependencies=[Depends(public)])
def login_page(request: Request, next: str = "/") -> Response:
    """The sign-in form; straight on for someone signed in, or for a store without users."""
    book = book_of(request)
    token = request.cookies.get(COOKIE)
    if not book.has_users or (token and session_user(book, token)):
        return RedirectResponse(safe_next(next), status_code=303)
    return _form(request, next)


@router.post("/login", name="login_post", dependencies=[Depends(public)])
def login(
    request: Request,
    name: Annotated[str, Form()] = "",
    password: Annotated[str, Form()] = "",
    next: Annotated[str, Form()] = "/",
) -> Response:
    """Sign in: a new session (any earlier one of this browser is ended) and back to
    ``next``; or the form again with why not."""
    if not same_origin(request):
        raise Forbidden(CROSS_SITE)
    book = book_of(request)
    try:
        user = sign_in(book, name, password)
    except SignInError as exc:
        flush(request.app)
        return _form(request, next, 401, name=name, error=exc.message(request_lang(request)))
    old = request.cookies.get(COOKIE)
    if old:
        close_session(book, old)
    token, _session = open_session(book, user)
    flush(request.app)
    response = RedirectResponse(safe_next(next), status_code=303)
    set_session_cookie(request, response, token, int(book.policy.session_max.total_seconds()))
    return response


@router.post("/logout", name="logout")
def logout(request: Request, _principal: AccountManager) -> Response:
    """End this browser's session at once and go to the sign-in page."""
    token = request.cookies.get(COOKIE)
    if token:
        close_session(book_of(request), token)
        flush(request.app)
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(COOKIE, path="/")
    return response
