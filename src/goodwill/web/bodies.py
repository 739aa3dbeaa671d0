"""Uploads in large pieces: an ASGI middleware that hands the body of an upload to the
app in pieces of a few megabytes instead of the server's 64 KiB.

Starlette writes each piece of an uploaded file past its first megabyte through the
thread pool, one hop per piece. While the pool's threads serve other requests (and an
import holds a core), a hop waits for the interpreter's lock, so a 80 MB file in 64 KiB
pieces — 1,300 hops — took 31 s to arrive under the issue-11 load instead of one or
two. In 4 MiB pieces it is about 20 hops; memory grows by one piece per upload.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = ["PIECE", "LargePieces"]

#: bytes handed on at a time (the last piece may be smaller)
PIECE = 4 * 1024 * 1024


class LargePieces:
    """Join the body messages of ``POST`` requests to ``paths`` into pieces of at least
    ``piece`` bytes (the last one as it comes); other requests pass untouched."""

    def __init__(self, app: ASGIApp, paths: tuple[str, ...], piece: int = PIECE) -> None:
        self.app = app
        self.paths = frozenset(paths)
        self.piece = piece

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] != "http"
            or scope.get("method") != "POST"
            or scope.get("path") not in self.paths
        ):
            await self.app(scope, receive, send)
            return
        held: list[Message] = []  # a message that ended a piece early (a disconnect)

        async def joined() -> Message:
            if held:
                return held.pop()
            message = await receive()
            if message["type"] != "http.request" or not message.get("more_body", False):
                return message
            parts = [message.get("body", b"")]
            size = len(parts[0])
            more = True
            while more and size < self.piece:
                following = await receive()
                if following["type"] != "http.request":
                    held.append(following)  # the body so far first, then this
                    break
                parts.append(following.get("body", b""))
                size += len(parts[-1])
                more = bool(following.get("more_body", False))
            return {"type": "http.request", "body": b"".join(parts), "more_body": more}

        await self.app(scope, joined, send)
