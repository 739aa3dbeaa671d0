"""``?lang=nl`` on any page also sets the cookie that keeps the language: a pure ASGI
middleware (Starlette's ``@app.middleware("http")`` wraps every request and response in
streams of its own, a cost paid by every request for the few that ask for a language)."""

from __future__ import annotations

from urllib.parse import parse_qs

from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from goodwill.web.templating import LANG_COOKIE

LANGS = ("en", "nl")
#: a year
MAX_AGE = 365 * 24 * 3600


def _cookie_header(lang: str) -> tuple[bytes, bytes]:
    """The ``Set-Cookie`` header that keeps ``lang``, written by Starlette."""
    carrier = Response()
    carrier.set_cookie(LANG_COOKIE, lang, max_age=MAX_AGE, samesite="lax")
    return next((k, v) for k, v in carrier.raw_headers if k == b"set-cookie")


class RememberLang:
    """Adds the language cookie to the answer of a request with ``?lang=en|nl``."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self._headers = {lang: _cookie_header(lang) for lang in LANGS}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        query = scope.get("query_string", b"") if scope["type"] == "http" else b""
        if b"lang=" not in query:
            await self.app(scope, receive, send)
            return
        asked = parse_qs(query.decode("latin-1")).get("lang", [""])[0]
        header = self._headers.get(asked)
        if header is None:
            await self.app(scope, receive, send)
            return

        async def send_with_cookie(message: Message) -> None:
            if message["type"] == "http.response.start":
                message = {**message, "headers": [*message.get("headers", []), header]}
            await send(message)

        await self.app(scope, receive, send_with_cookie)
