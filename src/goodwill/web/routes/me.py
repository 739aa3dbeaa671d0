"""``/me``: one's own account — a new password, and personal API tokens (made, shown
once, revoked)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from goodwill.auth import (
    User,
    UserError,
    create_token,
    open_session,
    revoke_token,
    user_tokens,
    verify_password,
)
from goodwill.web.access import Principal
from goodwill.web.guard import book_of, flush, set_session_cookie
from goodwill.web.principals import AccountManager
from goodwill.web.templating import render, request_lang

router = APIRouter()


def _user(request: Request, principal: Principal) -> User | None:
    """The signed-in user (None for the local administrator of a store without users)."""
    return book_of(request).find(principal.name) if book_of(request).has_users else None


def _page(
    request: Request, principal: Principal, status_code: int = 200, **context: Any
) -> HTMLResponse:
    user = _user(request, principal)
    tokens = user_tokens(book_of(request), user.user_id) if user else []
    return render(
        request,
        "me.html",
        {"page_id": "me", "user": user, "tokens": tokens, **context},
        status_code=status_code,
    )


@router.get("/me", response_class=HTMLResponse, name="me")
def me(request: Request, principal: AccountManager) -> HTMLResponse:
    return _page(request, principal)


@router.post("/me/password", name="me_password")
def change_password(
    request: Request,
    principal: AccountManager,
    current: Annotated[str, Form()] = "",
    new: Annotated[str, Form()] = "",
    repeat: Annotated[str, Form()] = "",
) -> Response:
    """A new password (the current one asked again); the user's other sessions end."""
    book = book_of(request)
    user = _user(request, principal)
    lang = request_lang(request)
    if user is None:
        return _page(request, principal, 400, error=_no_user(lang))
    problem = None
    if not verify_password(user.password_hash, current):
        problem = UserError("the current password is not right")
    elif new != repeat:
        problem = UserError("the new passwords differ; type the same one twice")
    else:
        try:
            book.set_password(user.name, new)
        except UserError as exc:
            problem = exc
    if problem is not None:
        return _page(request, principal, 400, error=problem.message(lang))
    book.end_sessions(user.user_id)
    token, _session = open_session(book, user)
    flush(request.app)
    response = RedirectResponse(request.url_for("me").include_query_params(done="password"), 303)
    set_session_cookie(request, response, token, int(book.policy.session_max.total_seconds()))
    return response


@router.post("/me/tokens", response_class=HTMLResponse, name="me_token_create")
def new_token(
    request: Request, principal: AccountManager, label: Annotated[str, Form()] = ""
) -> HTMLResponse:
    """A new API token, shown on this page once (only its hash is kept)."""
    user = _user(request, principal)
    if user is None:
        return _page(request, principal, 400, error=_no_user(request_lang(request)))
    secret, token = create_token(book_of(request), user, label)
    flush(request.app)
    return _page(request, principal, secret=secret, made=token)


@router.post("/me/tokens/{token_id}/revoke", name="me_token_revoke")
def revoke(request: Request, principal: AccountManager, token_id: int) -> Response:
    user = _user(request, principal)
    if user is None:
        return _page(request, principal, 400, error=_no_user(request_lang(request)))
    try:
        revoke_token(book_of(request), token_id, user.user_id)
    except UserError as exc:
        return _page(request, principal, 404, error=exc.message(request_lang(request)))
    flush(request.app)
    return RedirectResponse(request.url_for("me").include_query_params(done="revoked"), 303)


def _no_user(lang: str) -> str:
    return UserError(
        "this store has no users: the dashboard runs as the local administrator; "
        "add users with goodwill user add or on the Users page"
    ).message("nl" if lang == "nl" else "en")
