"""`goodwill serve`: the web dashboard over a store (docs/web.md)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from goodwill.cli.commands_score import Db, SettingsFile
from goodwill.cli.context import _, console, lang
from goodwill.settings import Settings

Host = Annotated[str, typer.Option("--host", help="Address to listen on.")]
Port = Annotated[int, typer.Option("--port", help="Port to listen on.")]


def start(
    db: Path, host: str, port: int, language: str | None, settings: Path | None = None
) -> None:
    """Open the store, say where the dashboard is, and serve until Ctrl-C."""
    from goodwill.web.server import address, check_port, serve

    check_port(host, port)
    conf = Settings.for_store(db, settings) if settings else None
    console.print(_("Serving {db} at {url} (Ctrl-C to stop).", db=str(db), url=address(host, port)))
    serve(db, host=host, port=port, lang=language or lang(), settings=conf)


def serve_command(
    db: Db = Path("goodwill.duckdb"),
    host: Host = "127.0.0.1",
    port: Port = 8765,
    language: Annotated[
        str | None, typer.Option("--lang", help="Default language of the pages: nl or en.")
    ] = None,
    settings: SettingsFile = None,
) -> None:
    """Serve the web dashboard; while it runs it is the store's only writer (import and
    score through its pages)."""
    from goodwill.cli.context import set_lang
    from goodwill.store import Store

    if language is not None:
        set_lang(language)
    Store.open(db, create=False).close()  # a missing, foreign or locked store: say so now
    start(db, host, port, lang(), settings)


def register(app: typer.Typer) -> None:
    app.command("serve")(serve_command)
