"""``POST /admin/backup`` and ``POST /admin/restore``: backup and restore of the store
while the server holds it (``goodwill backup`` / ``goodwill restore`` call these through
the serve file, :mod:`goodwill.web.control`). Answers are JSON; a refusal is
``{"detail": message}`` with status 400."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from goodwill.errors import GoodwillError
from goodwill.privacy.access_log import AccessLog
from goodwill.store.backup import backup_store, restore_into
from goodwill.web.access import Principal, Role, require
from goodwill.web.templating import request_lang, state_of

router = APIRouter()
Admin = Annotated[Principal, Depends(require(Role.ADMIN))]


class FileRequest(BaseModel):
    """The file to write the backup to, or to restore from (a path on the server)."""

    path: str


def _flush_access_log(request: Request) -> None:
    log: AccessLog | None = getattr(request.app.state, "access_log", None)
    if log is not None:
        log.flush(wait=True)


@router.post("/admin/backup", name="admin_backup")
def backup(request: Request, body: FileRequest, who: Admin) -> JSONResponse:
    """Write the store to a new file, under the writer lock (one consistent moment)."""
    state = state_of(request)
    _flush_access_log(request)
    try:
        with state.recording() as store:
            report = backup_store(store, Path(body.path))
    except GoodwillError as exc:
        return JSONResponse({"detail": exc.message(request_lang(request))}, status_code=400)
    return JSONResponse(report.to_json())


@router.post("/admin/restore", name="admin_restore")
def restore(request: Request, body: FileRequest, who: Admin) -> JSONResponse:
    """Replace the store's contents by a backup (the contents before are kept as
    ``PATH.before-restore-<timestamp>``); every cached page is dropped."""
    state = state_of(request)
    _flush_access_log(request)
    try:
        with state.writing() as store:
            report = restore_into(store, Path(body.path))
    except GoodwillError as exc:
        return JSONResponse({"detail": exc.message(request_lang(request))}, status_code=400)
    return JSONResponse(report.to_json())
