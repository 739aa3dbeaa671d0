"""`goodwill serve`: the web dashboard over a store (docs/web.md)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from goodwill.cli.commands_score import Db, SettingsFile
from goodwill.cli.context import _, console, lang
from goodwill.qualify.profile import StrategyProfile
from goodwill.settings import Settings
from goodwill.store import Store

Host = Annotated[str, typer.Option("--host", help="Address to listen on.")]
Port = Annotated[int, typer.Option("--port", help="Port to listen on.")]
Proxy = Annotated[
    bool,
    typer.Option(
        "--proxy",
        help="Behind a reverse proxy with TLS: trust its X-Forwarded-Proto/-For headers.",
    ),
]
ForwardedAllowIps = Annotated[
    str | None,
    typer.Option(
        "--forwarded-allow-ips",
        help="Addresses of the proxy whose forwarded headers are trusted (default 127.0.0.1;"
        " implies --proxy).",
    ),
]
StrategyFile = Annotated[
    Path | None,
    typer.Option(
        "--strategy",
        help="Strategy profile the qualification page and the plans made here use (TOML, "
        "see docs/strategy.example.toml; default: everything fits).",
    ),
]


def start(
    db: Path,
    host: str,
    port: int,
    language: str | None,
    settings: Path | None = None,
    *,
    proxy: bool = False,
    forwarded_allow_ips: str | None = None,
    strategy: StrategyProfile | None = None,
) -> None:
    """Open the store, say where the dashboard is, and serve until Ctrl-C."""
    from goodwill.web.server import address, check_exposure, check_port, serve

    check_port(host, port)
    with Store.open(db, create=False) as store:  # a store without users: this machine only
        users = store.con.execute("SELECT count(*) FROM users").fetchall()[0][0]
    check_exposure(host, bool(users), db)
    conf = Settings.for_store(db, settings) if settings else None
    console.print(_("Serving {db} at {url} (Ctrl-C to stop).", db=str(db), url=address(host, port)))
    serve(
        db,
        host=host,
        port=port,
        lang=language or lang(),
        settings=conf,
        proxy=proxy or forwarded_allow_ips is not None,
        forwarded_allow_ips=forwarded_allow_ips,
        strategy=strategy,
    )


def serve_command(
    db: Db = Path("goodwill.duckdb"),
    host: Host = "127.0.0.1",
    port: Port = 8765,
    language: Annotated[
        str | None, typer.Option("--lang", help="Default language of the pages: nl or en.")
    ] = None,
    settings: SettingsFile = None,
    proxy: Proxy = False,
    forwarded_allow_ips: ForwardedAllowIps = None,
    strategy: StrategyFile = None,
) -> None:
    """Serve the web dashboard; while it runs it is the store's only writer (import and
    score through its pages). A store without users is served on this machine only;
    add users (goodwill user add) to serve it to others (docs/security.md)."""
    from goodwill.cli.context import set_lang

    if language is not None:
        set_lang(language)
    profile = StrategyProfile.load(strategy) if strategy is not None else None  # bad: say so now
    Store.open(db, create=False).close()  # a missing, foreign or locked store: say so now
    start(db, host, port, lang(), settings, proxy=proxy, forwarded_allow_ips=forwarded_allow_ips,
          strategy=profile)  # fmt: skip


def register(app: typer.Typer) -> None:
    app.command("serve")(serve_command)
