"""Run the dashboard with uvicorn: ``goodwill serve`` and the end of ``goodwill demo``."""

from __future__ import annotations

import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from goodwill._typing import Lang
from goodwill.errors import GoodwillError
from goodwill.settings import Settings


def check_port(host: str, port: int) -> None:
    """Refuse, with a clear message, a port that is taken or a host that is unknown."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise GoodwillError("unknown host '{host}'; try --host 127.0.0.1", host=host) from exc
    family, kind, proto, _, address = infos[0]
    with socket.socket(family, kind, proto) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(address)
        except OSError as exc:
            raise GoodwillError(
                "port {port} on {host} is in use or not allowed; choose another with --port",
                port=port,
                host=host,
            ) from exc


def address(host: str, port: int) -> str:
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}/"


def serve(
    db: str | Path,
    *,
    host: str = "127.0.0.1",
    port: int = 8765,
    lang: Lang | str = "en",
    settings: Settings | None = None,
) -> None:
    """Serve the dashboard over the store at ``db`` until interrupted. The store is
    opened first, so a missing or locked store is refused before anything listens."""
    import uvicorn

    from goodwill.web.app import create_app
    from goodwill.web.control import local_url, remove_serve_file, write_serve_file

    check_port(host, port)
    app = create_app(db, settings, lang=lang)
    inner = app.router.lifespan_context

    @asynccontextmanager
    async def lifespan(started: Any) -> AsyncIterator[None]:
        """The app's own lifespan, and the serve file removed when it stops (uvicorn
        ends the process by the signal it caught right after, so no ``finally`` below
        would run)."""
        async with inner(started):
            try:
                yield
            finally:
                remove_serve_file(db)

    app.router.lifespan_context = lifespan
    # commands on this machine (backup, restore) find the server and its token here
    write_serve_file(db, local_url(host, port), app.state.goodwill.control_token)
    try:
        uvicorn.run(app, host=host, port=port, log_level="warning", access_log=False)
    finally:
        remove_serve_file(db)
