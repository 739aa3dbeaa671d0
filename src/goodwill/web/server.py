"""Run the dashboard with uvicorn: ``goodwill serve`` and the end of ``goodwill demo``."""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from goodwill._typing import Lang
from goodwill.errors import GoodwillError
from goodwill.qualify.profile import StrategyProfile
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


def is_loopback(host: str) -> bool:
    """Whether ``host`` is this machine only (127.0.0.1, ::1, localhost)."""
    if host.strip().lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def check_exposure(host: str, has_users: bool, db: str | Path) -> None:
    """Refuse to serve a store without users beyond this machine: without users every
    visitor is its administrator."""
    if not has_users and not is_loopback(host):
        raise GoodwillError(
            "the store {db} has no users, so anyone reaching --host {host} would be its"
            " administrator; add one first (goodwill user add NAME --role admin --db {db})"
            " or serve on 127.0.0.1",
            db=db,
            host=host,
        )


def serve(
    db: str | Path,
    *,
    host: str = "127.0.0.1",
    port: int = 8765,
    lang: Lang | str = "en",
    settings: Settings | None = None,
    proxy: bool = False,
    forwarded_allow_ips: str | None = None,
    strategy: StrategyProfile | None = None,
) -> None:
    """Serve the dashboard over the store at ``db`` until interrupted. The store is
    opened first, so a missing or locked store is refused before anything listens.

    Behind a reverse proxy that ends TLS, ``proxy`` trusts its ``X-Forwarded-Proto`` and
    ``X-Forwarded-For`` from ``forwarded_allow_ips`` (default 127.0.0.1), so the app
    knows a request came over HTTPS and marks its session cookie Secure."""
    import uvicorn

    from goodwill.web.app import create_app
    from goodwill.web.control import local_url, remove_serve_file, write_serve_file

    check_port(host, port)
    app = create_app(db, settings, lang=lang, strategy=strategy)
    try:
        check_exposure(host, app.state.auth.has_users, db)
    except GoodwillError:
        app.state.goodwill.close()
        raise
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
    trusted = forwarded_allow_ips or "127.0.0.1"
    try:
        uvicorn.run(
            app,
            host=host,
            port=port,
            log_level="warning",
            access_log=False,
            proxy_headers=proxy,
            forwarded_allow_ips=trusted if proxy else None,
        )
    finally:
        remove_serve_file(db)
