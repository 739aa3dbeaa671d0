"""Commands on this machine talking to a running ``goodwill serve``: the serve file.

While ``goodwill serve`` runs it writes ``<store>.serve.json`` beside the store (mode
0600: only its owner may read it) with its address, process id and the per-run control
token; it removes the file when it stops. A command that finds the store held by the
server (backup, restore) reads the file and asks the server to do the work, presenting
the token as ``Authorization: Bearer <token>`` (the local administrator, see
:mod:`goodwill.web.access`).
"""

from __future__ import annotations

import json
import os
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from goodwill.errors import GoodwillError

SUFFIX = ".serve.json"
#: seconds a backup or restore through the server may take
TIMEOUT_SECONDS = 3600.0


class ServerError(GoodwillError):
    """The running server could not be reached or refused the request."""


@dataclass(frozen=True)
class ServeInfo:
    """What a running ``goodwill serve`` tells commands on this machine."""

    url: str
    pid: int
    token: str
    store: str


def serve_file(db: str | Path) -> Path:
    """``<store>.serve.json`` beside the store ``db``."""
    path = Path(db).expanduser().resolve()
    return path.with_name(path.name + SUFFIX)


def local_url(host: str, port: int) -> str:
    """The address a command on this machine reaches the server at."""
    if host in ("0.0.0.0", ""):
        host = "127.0.0.1"
    elif host == "::":
        host = "::1"
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}"


def write_serve_file(db: str | Path, url: str, token: str) -> Path:
    """Write the serve file (readable by its owner only); returns its path."""
    path = serve_file(db)
    path.unlink(missing_ok=True)  # a file left by a server that was killed
    info = {"url": url, "pid": os.getpid(), "token": token, "store": str(Path(db).resolve())}
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        json.dump(info, fh)
    return path


def remove_serve_file(db: str | Path) -> None:
    """Remove the serve file if this process wrote it."""
    path = serve_file(db)
    info = read_serve_file(db, check_alive=False)
    if info is not None and info.pid == os.getpid():
        path.unlink(missing_ok=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def read_serve_file(db: str | Path, *, check_alive: bool = True) -> ServeInfo | None:
    """The running server's details, or ``None`` when no (living) server wrote them."""
    path = serve_file(db)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        info = ServeInfo(str(data["url"]), int(data["pid"]), str(data["token"]), str(data["store"]))
    except (OSError, ValueError, KeyError, TypeError):
        return None
    if check_alive and not _alive(info.pid):
        return None
    return info


def call_server(
    info: ServeInfo, route: str, payload: dict[str, Any], *, lang: str = "en"
) -> dict[str, Any]:
    """POST ``payload`` as JSON to ``route`` of the server; its JSON answer. Refusals
    come back as :class:`ServerError` with the server's message."""
    request = urllib.request.Request(
        f"{info.url}{route}?lang={lang}",
        data=json.dumps(payload).encode(),
        method="POST",
        headers={"Content-Type": "application/json", "Authorization": f"Bearer {info.token}"},
    )
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:
            answer: dict[str, Any] = json.loads(response.read().decode())
            return answer
    except urllib.error.HTTPError as exc:
        try:
            detail = str(json.loads(exc.read().decode()).get("detail", exc.reason))
        except ValueError:
            detail = str(exc.reason)
        raise ServerError(
            "the server at {url} refused: {detail}", url=info.url, detail=detail
        ) from None
    except (urllib.error.URLError, OSError) as exc:
        raise ServerError(
            "cannot reach the goodwill server at {url} ({reason}); is it still running?",
            url=info.url,
            reason=str(getattr(exc, "reason", exc)),
        ) from exc
