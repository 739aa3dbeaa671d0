"""One JSON error shape for every error under ``/api/v1``:
``{"error": {"code": "not_found", "message": "...", "details": [...]}}``.

The app's handlers (HTML error pages for the pages, this shape for the API) are wrapped
by :func:`install_error_handlers`: a request under ``/api/v1`` gets this shape for every
status — 400, 401, 403, 404 (an unknown path too), 405, 409, 413, 422, 500 — and any
other request goes on to the handler that was there before (the pages keep theirs).
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, PlainTextResponse, Response
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException as StarletteHTTPException

from goodwill._typing import Lang
from goodwill.errors import GoodwillError
from goodwill.i18n import gettext
from goodwill.web.access import Forbidden, Unauthenticated
from goodwill.web.templating import state_of

__all__ = [
    "API_PREFIX",
    "ERROR_RESPONSES",
    "ApiError",
    "Error",
    "error_response",
    "install_error_handlers",
    "is_api",
]

API_PREFIX = "/api/v1"

#: status -> the error's code
CODES: dict[int, str] = {
    400: "bad_request",
    401: "unauthenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "too_large",
    422: "validation_error",
    500: "internal_error",
}


class ErrorDetail(BaseModel):
    """One part of what was wrong: which field (``query.limit``, ``body.file``) and why."""

    field: str | None = Field(description="where: query.limit, path.account_id, body.file")
    message: str
    type: str | None = Field(description="a machine-readable kind, such as less_than_equal")


class ErrorBody(BaseModel):
    code: str = Field(
        description="bad_request, unauthenticated, forbidden, not_found, method_not_allowed, "
        "conflict, too_large, validation_error or internal_error",
        examples=["not_found"],
    )
    message: str = Field(description="what went wrong and what to do, in the request's language")
    details: list[ErrorDetail] = Field(default_factory=list)


class Error(BaseModel):
    """Every error of the API has this shape."""

    error: ErrorBody


_DESCRIPTIONS = {
    400: "The request cannot be carried out as asked (the message says why).",
    401: "No valid API token: send `Authorization: Bearer <token>`.",
    403: "The token's user may not do this.",
    404: "No such resource, or not one the token's user may see.",
    409: "Conflicts with the state of the resource.",
    413: "The upload is larger than the server accepts.",
    422: "A parameter or field is not valid (details name each one).",
    500: "An unexpected error on the server.",
}


def error_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI ``responses`` entries with the error shape for ``statuses``."""
    return {s: {"model": Error, "description": _DESCRIPTIONS[s]} for s in statuses}


#: the errors every operation may answer with
ERROR_RESPONSES = error_responses(400, 401, 403, 404, 422, 500)


class ApiError(GoodwillError):
    """An error an API route answers with: its status, its message (a template in
    English and Dutch, like every :class:`~goodwill.errors.GoodwillError`) and details."""

    def __init__(
        self,
        template: str,
        /,
        *,
        status: int,
        code: str | None = None,
        details: Iterable[ErrorDetail] = (),
        headers: Mapping[str, str] | None = None,
        **params: object,
    ) -> None:
        super().__init__(template, **params)
        self.status = status
        self.code = code or CODES.get(status, "error")
        self.details = list(details)
        self.headers = dict(headers or {})


def error_response(
    status: int,
    message: str,
    *,
    code: str | None = None,
    details: Iterable[ErrorDetail] = (),
    headers: Mapping[str, str] | None = None,
) -> JSONResponse:
    """The error shape as a response."""
    body = ErrorBody(
        code=code or CODES.get(status, "error"), message=message, details=list(details)
    )
    return JSONResponse(
        Error(error=body).model_dump(mode="json"), status_code=status, headers=headers
    )


def api_lang(request: Request) -> Lang:
    """The language of an API request: ``?lang=``, else the server's default (an API
    client keeps no cookie)."""
    asked = request.query_params.get("lang")
    if asked in ("en", "nl"):
        return "nl" if asked == "nl" else "en"
    return state_of(request).lang


def is_api(request: Request) -> bool:
    """A request to the REST API (under ``/api/v1``)."""
    path = request.url.path
    return path == API_PREFIX or path.startswith(API_PREFIX + "/")


def _validation_details(exc: RequestValidationError) -> list[ErrorDetail]:
    return [
        ErrorDetail(
            field=".".join(str(p) for p in e.get("loc", ())) or None,
            message=str(e.get("msg", "")),
            type=str(e["type"]) if e.get("type") else None,
        )
        for e in exc.errors()
    ]


def _http_message(request: Request, exc: StarletteHTTPException, lang: Lang) -> str:
    path = request.url.path
    if isinstance(exc.detail, GoodwillError):  # raised where only an HTTPException passes
        return exc.detail.message(lang)
    if exc.status_code == 404 and exc.detail == "Not Found":
        return gettext("no such resource: {path}", lang, path=path)
    if exc.status_code == 405:
        allowed = (exc.headers or {}).get("Allow", "")
        return gettext(
            "{method} is not allowed on {path} (allowed: {allowed})",
            lang,
            method=request.method,
            path=path,
            allowed=allowed,
        )
    return str(exc.detail)


def _api_response(request: Request, exc: Exception) -> Response:
    """The error shape for ``exc`` raised while answering an API request."""
    lang = api_lang(request)
    if isinstance(exc, ApiError):
        return error_response(
            exc.status, exc.message(lang), code=exc.code, details=exc.details, headers=exc.headers
        )
    if isinstance(exc, Unauthenticated):
        message = str(exc) or gettext(
            "sign in: send the header Authorization: Bearer <your API token>", lang
        )
        return error_response(401, message, headers={"WWW-Authenticate": "Bearer"})
    if isinstance(exc, Forbidden):
        return error_response(403, str(exc) or gettext("your role may not do this", lang))
    if isinstance(exc, RequestValidationError):
        message = gettext("the request is not valid; see details", lang)
        return error_response(422, message, details=_validation_details(exc))
    if isinstance(exc, GoodwillError):
        return error_response(400, exc.message(lang))
    if isinstance(exc, StarletteHTTPException):
        message = _http_message(request, exc, lang)
        return error_response(exc.status_code, message, headers=exc.headers or None)
    return error_response(500, gettext("an unexpected error on the server; it was logged", lang))


Handler = Callable[[Request, Exception], Any]


def _fallback(exc: Exception) -> Response:
    """What a page gets when no handler was installed for ``exc`` before the API's."""
    if isinstance(exc, Unauthenticated):
        return PlainTextResponse("Unauthorized", status_code=401)
    if isinstance(exc, Forbidden):
        return PlainTextResponse("Forbidden", status_code=403)
    return PlainTextResponse("Internal Server Error", status_code=500)


def _wrap(app: FastAPI, kind: type[Exception]) -> None:
    previous: Handler | None = app.exception_handlers.get(kind)

    async def handler(request: Request, exc: Exception) -> Response:
        if is_api(request):
            return _api_response(request, exc)
        if previous is None:
            return _fallback(exc)
        answer = previous(request, exc)
        if inspect.isawaitable(answer):
            answer = await answer
        response: Response = answer
        return response

    app.add_exception_handler(kind, handler)


def install_error_handlers(app: FastAPI) -> None:
    """Answer every error under ``/api/v1`` with the error shape, keeping the handlers
    already installed for everything else (call it after them)."""
    for kind in (
        ApiError,
        StarletteHTTPException,
        RequestValidationError,
        GoodwillError,
        Unauthenticated,
        Forbidden,
        Exception,
    ):
        _wrap(app, kind)
