"""Jinja2 templates of the dashboard, with the page's language: ``?lang=nl`` sets it
(and a cookie that keeps it), else the cookie, else the app's default."""

from __future__ import annotations

import os
from collections.abc import Mapping
from importlib import resources
from typing import Any
from urllib.parse import urlencode

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from jinja2 import Environment, FileSystemLoader, select_autoescape

from goodwill._typing import Lang
from goodwill.i18n import gettext
from goodwill.web.access import LOCAL, Role
from goodwill.web.formatting import Formatter
from goodwill.web.principals import ROLE_LABELS
from goodwill.web.state import WebState

LANG_COOKIE = "goodwill_lang"


def make_templates() -> Jinja2Templates:
    folder = str(resources.files("goodwill").joinpath("web/templates"))
    env = Environment(
        loader=FileSystemLoader(folder),
        autoescape=select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
        # the installed templates do not change while serving: no stat of the file on
        # every page (set GOODWILL_TEMPLATES_RELOAD=1 while editing them)
        auto_reload=os.environ.get("GOODWILL_TEMPLATES_RELOAD") == "1",
    )
    return Jinja2Templates(env=env)


def state_of(request: Request) -> WebState:
    state: WebState = request.app.state.goodwill
    return state


def request_lang(request: Request) -> Lang:
    """The language of this request: query, then cookie, then the app's default."""
    for value in (request.query_params.get("lang"), request.cookies.get(LANG_COOKIE)):
        if value in ("en", "nl"):
            return "nl" if value == "nl" else "en"
    return state_of(request).lang


def is_fragment(request: Request) -> bool:
    """An htmx request that swaps part of the page (not a boosted full page)."""
    return request.headers.get("HX-Request") == "true"


def url_with(request: Request, **changes: Any) -> str:
    """The current URL's path with its query changed (``None`` removes a key)."""
    params = {k: v for k, v in request.query_params.items() if k != "lang"}
    for key, value in changes.items():
        if value is None or value == "":
            params.pop(key, None)
        else:
            params[key] = str(value)
    query = urlencode(params)
    return request.url.path + ("?" + query if query else "")


def render(
    request: Request,
    template: str,
    context: Mapping[str, Any],
    *,
    status_code: int = 200,
) -> HTMLResponse:
    """Render ``template`` in the request's language."""
    lang = request_lang(request)
    state = state_of(request)
    templates: Jinja2Templates = request.app.state.templates

    def translate(message: str, **params: Any) -> str:
        return gettext(message, lang, **params)

    def switch(to: str) -> str:
        query = {k: v for k, v in request.query_params.items() if k != "lang"}
        query["lang"] = to
        return request.url.path + "?" + urlencode(query)

    principal = getattr(request.state, "principal", None)
    book = getattr(request.app.state, "auth", None)
    if principal is None and book is not None and not book.has_users:
        principal = LOCAL  # a page no route dependency ran for (not found) in open mode
    session = getattr(request.state, "session", None)
    full = {
        "request": request,
        #: who is signed in (None: nobody, or the local administrator of a store without users)
        "principal": principal if session is not None else None,
        #: whether the request's principal has a role (``may('manager')``)
        "may": lambda code: principal is not None and principal.may(Role.parse(code)),
        "role_label": lambda role: translate(ROLE_LABELS[role]),
        #: the session's CSRF token, for the hidden ``csrf`` field of every form that posts
        "csrf": session.csrf if session is not None else "",
        "lang": lang,
        "_": translate,
        "f": Formatter(lang),
        "url_with": lambda **changes: url_with(request, **changes),
        "lang_url": switch,
        "store_path": state.path,
        **context,
    }
    return templates.TemplateResponse(request, template, full, status_code=status_code)
