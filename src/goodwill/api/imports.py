"""``/imports``: upload one file for one table as an import job (202 and where to ask
for its status), the job's status with every problem found, and the store's import log.

A job runs through the app's single writer like the Import page: the file is checked
all or nothing (a bad file writes nothing and the job lists its problems: file, row,
column, value, problem, fix) and after a good one the latest as-of date is scored again.
"""

from __future__ import annotations

import hashlib
import shutil
import tempfile
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, File, Form, Request, Response, UploadFile

from goodwill._typing import Lang, TableName
from goodwill.api import models, present
from goodwill.api.errors import ApiError, error_responses
from goodwill.api.jobs import DuplicateUpload, ImportJobs, Job
from goodwill.api.limits import max_upload_bytes, too_large
from goodwill.api.params import LangQuery, Limit, Manager, Offset, lang_of, next_link
from goodwill.web.importing import upload_name
from goodwill.web.templating import state_of

router = APIRouter(tags=["imports"])
#: the header of a 202 that says where the job's status is
_LOCATION = {"description": "the path of the job's status", "schema": {"type": "string"}}
#: bytes copied at a time from the upload
_CHUNK = 1 << 20


def jobs_of(request: Request) -> ImportJobs:
    jobs: ImportJobs = request.app.state.import_jobs
    return jobs


def _keep(upload: UploadFile, name: str, limit: int) -> tuple[Path, int, str]:
    """Copy the upload into a folder of its own: its path, size and SHA-256."""
    folder = Path(tempfile.mkdtemp(prefix="goodwill-upload-"))
    path = folder / name
    digest, size = hashlib.sha256(), 0
    try:
        with path.open("wb") as out:
            while chunk := upload.file.read(_CHUNK):
                size += len(chunk)
                if size > limit:
                    raise too_large(limit)
                digest.update(chunk)
                out.write(chunk)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    return path, size, digest.hexdigest()


def _job(request: Request, job: Job, lang: Lang) -> models.ImportJob:
    report = job.report
    return models.ImportJob(
        job_id=job.job_id,
        status=job.status,
        table=job.table,
        file_name=job.file_name,
        size_bytes=job.size_bytes,
        created_at=job.created_at,
        started_at=job.started_at,
        finished_at=job.finished_at,
        import_id=report.import_id if report else None,
        rows=report.rows if report else None,
        inserted=report.inserted if report else None,
        updated=report.updated if report else None,
        unchanged=report.unchanged if report else None,
        rescored_as_of=job.rescored_as_of,
        message=job.message(lang),
        problems=[
            models.Problem(
                file=p.file,
                row=p.row,
                column=p.column,
                value=p.value,
                code=p.code,
                problem=p.message(lang),
                fix=p.fix(lang),
            )
            for p in job.problems
        ],
        problems_total=job.problems_total,
    )


@router.post(
    "/imports",
    status_code=202,
    operation_id="createImport",
    responses={
        **error_responses(409, 413),
        202: {"headers": {"Location": _LOCATION}},
    },
)
def create_import(
    request: Request,
    response: Response,
    principal: Manager,
    table: Annotated[TableName, Form(description="the table the file holds rows of")],
    file: Annotated[UploadFile, File(description="one CSV, XLSX or Parquet file")],
    lang: LangQuery = None,
) -> models.ImportJob:
    """Queue ``file`` for import into ``table``: 202 with the job and its ``Location``.
    Poll the job until it has succeeded or failed; a file of another kind is refused
    at once (400), and so is the same file while it is still on its way (409)."""
    language = lang_of(request, lang)
    name = upload_name(file.filename)
    path, size, content_hash = _keep(file, name, max_upload_bytes(request.app))
    try:
        job = jobs_of(request).submit(table, name, path, size, content_hash, language)
    except DuplicateUpload as duplicate:
        shutil.rmtree(path.parent, ignore_errors=True)
        raise ApiError(
            "this file is already being imported into {table} (job {job}); wait for that job",
            status=409,
            table=table,
            job=duplicate.job.job_id,
        ) from None
    response.headers["Location"] = request.app.url_path_for("getImport", job_id=job.job_id)
    return _job(request, job, language)


@router.get("/imports/{job_id}", operation_id="getImport", name="getImport")
def get_import(
    request: Request, principal: Manager, job_id: str, lang: LangQuery = None
) -> models.ImportJob:
    """An import job: queued, running, succeeded (with what it wrote) or failed (with the
    first problems and how many there are; nothing was written)."""
    job = jobs_of(request).get(job_id)
    if job is None:
        raise ApiError(
            "no import job '{job}' (jobs are kept while the server runs)", status=404, job=job_id
        )
    return _job(request, job, lang_of(request, lang))


@router.get("/imports", operation_id="listImports")
def list_imports(
    request: Request, principal: Manager, limit: Limit = 50, offset: Offset = 0
) -> models.ImportLog:
    """The store's import log, newest first: every file imported (or undone)."""
    with state_of(request).reading() as store:
        log = store.imports()
    total = len(log)
    items = []
    for row in present.records(log.iloc[offset : offset + limit]):
        row["table"] = str(row.pop("table_name"))
        for key in ("started_at", "finished_at", "undone_at"):
            row[key] = present.as_datetime(row[key])
        items.append(models.ImportLogEntry(**row))
    return models.ImportLog(
        items=items,
        total=total,
        limit=limit,
        offset=offset,
        next=next_link(request, offset, limit, total),
    )
