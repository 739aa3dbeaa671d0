"""``/admin``: the administrator's pages — users (add, role, disable, a new password,
revoke tokens, remove) and the settings in force."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from goodwill.auth import AuthBook, UserError, revoke_token, user_tokens
from goodwill.settings import dump_toml
from goodwill.web.access import Principal, Role
from goodwill.web.guard import book_of, flush
from goodwill.web.principals import Admin
from goodwill.web.templating import render, request_lang, state_of

router = APIRouter(prefix="/admin")

Text = Annotated[str, Form()]


def _page(request: Request, status_code: int = 200, **context: Any) -> HTMLResponse:
    book = book_of(request)
    now = book.clock()
    users = [
        {
            "user": u,
            "locked": u.locked(now),
            "sessions": sum(1 for s in book.sessions.values() if s.user_id == u.user_id),
            "tokens": sum(1 for t in user_tokens(book, u.user_id) if t.active),
        }
        for u in book.list_users()
    ]
    return render(
        request,
        "admin_users.html",
        {"page_id": "admin", "users": users, "roles": list(Role), **context},
        status_code=status_code,
    )


@router.get("/users", response_class=HTMLResponse, name="admin_users")
def users(request: Request, _principal: Admin) -> HTMLResponse:
    return _page(request)


def _change(request: Request, done: str, change: Callable[[AuthBook], object]) -> Response:
    """Make a change to the users; back to the list, or the list with why not."""
    try:
        change(book_of(request))
    except (UserError, ValueError) as exc:
        message = exc.message(request_lang(request)) if isinstance(exc, UserError) else str(exc)
        return _page(request, 400, error=message)
    flush(request.app)
    return RedirectResponse(request.url_for("admin_users").include_query_params(done=done), 303)


@router.post("/users", name="admin_user_add")
def add(
    request: Request,
    _principal: Admin,
    name: Text = "",
    role: Text = "account-manager",
    owner: Text = "",
    password: Text = "",
) -> Response:
    return _change(
        request, "added", lambda b: b.add_user(name, Role.parse(role), password, owner or None)
    )


@router.post("/users/{name}/role", name="admin_user_role")
def set_role(
    request: Request, principal: Admin, name: str, role: Text = "", owner: Text = ""
) -> Response:
    _not_yourself(principal, name)
    return _change(request, "role", lambda b: b.set_role(name, Role.parse(role), owner or None))


@router.post("/users/{name}/disable", name="admin_user_disable")
def disable(request: Request, principal: Admin, name: str) -> Response:
    _not_yourself(principal, name)
    return _change(request, "disabled", lambda b: b.set_disabled(name, True))


@router.post("/users/{name}/enable", name="admin_user_enable")
def enable(request: Request, _principal: Admin, name: str) -> Response:
    return _change(request, "enabled", lambda b: b.set_disabled(name, False))


@router.post("/users/{name}/password", name="admin_user_password")
def reset_password(request: Request, _principal: Admin, name: str, password: Text = "") -> Response:
    """A new password set by the administrator (it lifts a lock-out too)."""
    return _change(request, "password", lambda b: b.set_password(name, password))


@router.post("/users/{name}/tokens/revoke", name="admin_user_tokens_revoke")
def revoke_tokens(request: Request, _principal: Admin, name: str) -> Response:
    def revoke_all(book: AuthBook) -> None:
        user = book.get(name)
        for token in user_tokens(book, user.user_id):
            if token.active:
                revoke_token(book, token.token_id)

    return _change(request, "tokens", revoke_all)


@router.post("/users/{name}/remove", name="admin_user_remove")
def remove(request: Request, principal: Admin, name: str) -> Response:
    _not_yourself(principal, name)
    return _change(request, "removed", lambda b: b.remove_user(name))


def _not_yourself(principal: Principal, name: str) -> None:
    if principal.name.lower() == name.strip().lower():
        raise UserError(
            "you cannot change the role of, disable or remove your own user; "
            "another administrator can"
        )


@router.get("/settings", response_class=HTMLResponse, name="admin_settings")
def settings(request: Request, _principal: Admin) -> HTMLResponse:
    """The settings in force (read only): where they come from, and their TOML."""
    state = state_of(request)
    return render(
        request,
        "admin_settings.html",
        {
            "page_id": "admin",
            "source": state.settings.source,
            "toml": dump_toml(state.settings.data),
        },
    )
