"""Uploads reach the app in pieces of megabytes (goodwill.web.bodies): the same bytes,
fewer and larger messages, and a disconnect still seen after the body so far."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor

from starlette.types import Message, Receive, Scope, Send

from goodwill.web.bodies import LargePieces


def _run(scope: Scope, messages: list[Message], piece: int) -> list[Message]:
    """The messages an app behind :class:`LargePieces` receives from ``messages``."""
    seen: list[Message] = []

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        while True:
            message = await receive()
            seen.append(message)
            if message["type"] != "http.request" or not message.get("more_body", False):
                return

    queue = list(messages)

    async def receive() -> Message:
        return queue.pop(0)

    async def send(message: Message) -> None:
        raise AssertionError("nothing is sent")

    # A thread of its own: a browser test earlier in this worker may leave Playwright's
    # event loop running on the main thread, where asyncio.run() refuses to start.
    with ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(
            asyncio.run, LargePieces(app, ("/upload",), piece=piece)(scope, receive, send)
        ).result()
    return seen


def _body(n: int, more: bool = True) -> Message:
    return {"type": "http.request", "body": bytes([n % 251]) * 1000, "more_body": more}


POST: Scope = {"type": "http", "method": "POST", "path": "/upload"}


def test_an_upload_arrives_in_large_pieces_with_the_same_bytes() -> None:
    sent = [_body(i) for i in range(24)] + [_body(24, more=False)]
    seen = _run(POST, sent, piece=10_000)
    assert [len(m["body"]) for m in seen] == [10_000, 10_000, 5_000]
    assert [m["more_body"] for m in seen] == [True, True, False]
    assert b"".join(m["body"] for m in seen) == b"".join(m["body"] for m in sent)


def test_a_disconnect_comes_after_the_body_received_so_far() -> None:
    sent = [_body(0), _body(1), {"type": "http.disconnect"}]
    seen = _run(POST, sent, piece=10_000)
    assert [m["type"] for m in seen] == ["http.request", "http.disconnect"]
    assert len(seen[0]["body"]) == 2_000 and seen[0]["more_body"] is True


def test_other_requests_pass_untouched() -> None:
    sent = [_body(i) for i in range(3)] + [_body(3, more=False)]
    for scope in (
        {"type": "http", "method": "POST", "path": "/elsewhere"},
        {"type": "http", "method": "PUT", "path": "/upload"},
    ):
        assert _run(scope, sent, piece=10_000) == sent
