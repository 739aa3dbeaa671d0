"""``/import``: upload one file for one input table. The store's import validates it
all or nothing; on failure the page shows every problem (file, row, column, problem,
fix) and nothing is written; on success the latest as-of date is scored again."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse

from goodwill.errors import ImportValidationError, InputFileError
from goodwill.store.schema import TABLE_ORDER
from goodwill.web.importing import import_and_score, upload_name
from goodwill.web.principals import Manager
from goodwill.web.templating import render, request_lang, state_of

router = APIRouter()
#: problems listed on the page (the count says how many there are in all)
PROBLEM_ROWS = 200


def _imports(request: Request) -> Any:
    with state_of(request).reading() as store:
        return store.imports().head(20)


def _page(request: Request, status_code: int = 200, **context: Any) -> HTMLResponse:
    full = {"page_id": "import", "tables": TABLE_ORDER, "log": _imports(request), **context}
    return render(request, "import.html", full, status_code=status_code)


@router.get("/import", response_class=HTMLResponse, name="import")
def import_form(request: Request, _principal: Manager) -> HTMLResponse:
    return _page(request)


@router.post("/import", response_class=HTMLResponse, name="import_file")
def import_file(
    request: Request,
    _principal: Manager,
    table: Annotated[str, Form()],
    file: Annotated[UploadFile, File()],
) -> HTMLResponse:
    """Import the uploaded file into ``table``; then score the latest as-of date again."""
    state = state_of(request)
    lang = request_lang(request)
    if table not in TABLE_ORDER:
        return _page(request, 400, table=table, error=f"unknown table '{table}'")
    try:
        name = upload_name(file.filename)
    except InputFileError as error:
        return _page(request, 400, table=table, error=error.message(lang))
    with tempfile.TemporaryDirectory(prefix="goodwill-upload-") as folder:
        path = Path(folder) / name
        with path.open("wb") as out:
            shutil.copyfileobj(file.file, out)
        try:
            report, snapshot = import_and_score(state, table, path, lang)
        except ImportValidationError as exc:
            return _page(
                request,
                422,
                table=table,
                error=exc.message(lang),
                problems=exc.problems[:PROBLEM_ROWS],
                total=exc.total,
            )
        except InputFileError as exc:
            return _page(request, 422, table=table, error=exc.message(lang))
    return _page(request, table=table, report=report, snapshot=snapshot)
