"""The upload limit of the API: a request body larger than ``[api] max_upload_mb`` is
refused with 413 — at once when it says its length, else as soon as it grows past it —
before any of it is parsed or written."""

from __future__ import annotations

from typing import Any

from fastapi import HTTPException, Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from goodwill.api.errors import ApiError, api_lang, error_response

#: room for the multipart framing around the file
_FRAMING = 64 * 1024


def max_upload_bytes(app: Any) -> int:
    """The largest upload ``app`` takes (``[api] max_upload_mb`` of its settings)."""
    return int(float(app.state.goodwill.settings["api"]["max_upload_mb"]) * 1024 * 1024)


def too_large(limit: int) -> ApiError:
    return ApiError(
        "the file is larger than the {megabytes} MB this server takes; split it, or raise "
        "[api] max_upload_mb in the settings",
        status=413,
        megabytes=f"{round(limit / 1024 / 1024, 3):g}",
    )


class UploadLimit:
    """ASGI middleware: refuse bodies over the limit on paths under ``prefix``."""

    def __init__(self, app: ASGIApp, prefix: str) -> None:
        self.app = app
        self.prefix = prefix

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not str(scope.get("path", "")).startswith(self.prefix):
            await self.app(scope, receive, send)
            return
        limit = max_upload_bytes(scope["app"])
        length = dict(scope.get("headers") or []).get(b"content-length", b"")
        if length.isdigit() and int(length) > limit + _FRAMING:
            error = too_large(limit)
            message = error.message(api_lang(Request(scope)))
            await error_response(413, message)(scope, receive, send)
            return
        seen = 0

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit + _FRAMING:
                    raise HTTPException(413, too_large(limit))
            return message

        await self.app(scope, counted, send)
