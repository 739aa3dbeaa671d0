"""Recording who viewed which account (the access log, :mod:`goodwill.privacy.access_log`)."""

from __future__ import annotations

from fastapi import Request

from goodwill.privacy.access_log import AccessKind, AccessLog
from goodwill.web.access import Principal


def viewed(request: Request, who: Principal, account_id: str, what: AccessKind) -> None:
    """Note that ``who`` viewed ``account_id``; written behind the request."""
    log: AccessLog | None = getattr(request.app.state, "access_log", None)
    if log is not None:
        log.record(who.name, account_id, what)
