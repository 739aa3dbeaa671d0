"""Import jobs: an uploaded file waits in a queue and is imported on one worker thread
through the app's single writer (the same path as the Import page), so the request that
uploaded it returns at once and any number of readers go on meanwhile.

A job is kept in memory — the last :data:`KEEP` — with what its import did or every
problem found (then nothing was written). A server that stops waits for the job it is
running and drops the queued ones; the store's import log keeps every import that was
written.
"""

from __future__ import annotations

import datetime as dt
import logging
import secrets
import shutil
import threading
from collections import OrderedDict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from goodwill._typing import Lang
from goodwill.errors import GoodwillError, ImportValidationError
from goodwill.ingest.problems import Problem
from goodwill.ingest.report import ImportReport
from goodwill.store import Store
from goodwill.web.importing import import_into
from goodwill.web.state import WebState

log = logging.getLogger("goodwill.web")

#: jobs kept for their status
KEEP = 500
#: problems a failed job keeps (its count says how many were found)
PROBLEMS_KEPT = 200

Status = Literal["queued", "running", "succeeded", "failed"]


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


@dataclass
class Job:
    """One uploaded file on its way into the store."""

    job_id: str
    table: str
    file_name: str
    #: the upload, in a folder of its own that is removed when the job ends
    path: Path
    size_bytes: int
    content_hash: str
    lang: Lang
    created_at: dt.datetime = field(default_factory=_now)
    status: Status = "queued"
    started_at: dt.datetime | None = None
    finished_at: dt.datetime | None = None
    report: ImportReport | None = None
    rescored_as_of: dt.date | None = None
    #: why it failed, or a note on a success (a message in either language)
    error: GoodwillError | None = None
    problems: list[Problem] = field(default_factory=list)
    problems_total: int = 0

    @property
    def active(self) -> bool:
        return self.status in ("queued", "running")

    def message(self, lang: Lang) -> str | None:
        return self.error.message(lang) if self.error is not None else None


class DuplicateUpload(Exception):
    """The same file is already queued or being imported into the same table."""

    def __init__(self, job: Job) -> None:
        super().__init__(job.job_id)
        self.job = job


class ImportJobs:
    """The app's import jobs, run one at a time in the order they came."""

    def __init__(self, state: WebState, keep: int = KEEP) -> None:
        self.state = state
        self.keep = keep
        self._jobs: OrderedDict[str, Job] = OrderedDict()
        self._lock = threading.Lock()
        self._worker: ThreadPoolExecutor | None = None

    def submit(
        self, table: str, file_name: str, path: Path, size_bytes: int, content_hash: str, lang: Lang
    ) -> Job:
        """Queue the upload at ``path`` (whose folder the job then owns) for ``table``;
        :class:`DuplicateUpload` when the same content is already on its way there."""
        with self._lock:
            for job in self._jobs.values():
                if job.active and job.table == table and job.content_hash == content_hash:
                    raise DuplicateUpload(job)
            job = Job(
                job_id=secrets.token_hex(8),
                table=table,
                file_name=file_name,
                path=path,
                size_bytes=size_bytes,
                content_hash=content_hash,
                lang=lang,
            )
            self._jobs[job.job_id] = job
            self._forget_old()
            if self._worker is None:
                self._worker = ThreadPoolExecutor(1, thread_name_prefix="goodwill-import")
            self._worker.submit(self._run, job)
        return job

    def get(self, job_id: str) -> Job | None:
        with self._lock:
            return self._jobs.get(job_id)

    def _forget_old(self) -> None:
        finished = [j for j in self._jobs.values() if not j.active]
        for job in finished[: max(0, len(self._jobs) - self.keep)]:
            del self._jobs[job.job_id]

    def _run(self, job: Job) -> None:
        try:
            with self.state.writing() as store:  # queued until the writer is free
                job.started_at = _now()
                job.status = "running"
                job.status = self._import(job, store)
        except Exception as exc:  # around the import itself: a job never stays active
            log.exception("import job %s (%s, %s) failed", job.job_id, job.table, job.file_name)
            if job.active:
                job.error = GoodwillError(
                    "the import stopped on an unexpected error: {reason}",
                    reason=f"{type(exc).__name__}: {exc}",
                )
                job.finished_at, job.status = _now(), "failed"
        finally:
            shutil.rmtree(job.path.parent, ignore_errors=True)

    def _import(self, job: Job, store: Store) -> Status:
        """Import the job's file and score again; its outcome is set on ``job`` before
        the status it returns is (a reader that sees the status sees the outcome)."""

        def imported(report: ImportReport) -> None:
            job.report = report

        status: Status = "failed"
        try:
            _, snapshot = import_into(
                store, self.state.settings, job.table, job.path, job.lang, on_imported=imported
            )
            job.rescored_as_of = snapshot.as_of if snapshot is not None else None
            status = "succeeded"
        except ImportValidationError as exc:
            job.error = exc
            job.problems, job.problems_total = exc.problems[:PROBLEMS_KEPT], exc.total
        except GoodwillError as exc:
            job.error = exc
        except Exception as exc:  # reported on the job and logged; the server goes on
            log.exception("import job %s (%s, %s) failed", job.job_id, job.table, job.file_name)
            job.error = GoodwillError(
                "the import stopped on an unexpected error: {reason}",
                reason=f"{type(exc).__name__}: {exc}",
            )
        if status == "failed" and job.report is not None:
            # written, but scoring the latest day again failed: the import stands
            reason = job.error.message("en") if job.error else ""
            job.error = GoodwillError(
                "imported; scoring the latest day again failed: {reason}", reason=reason
            )
            status = "succeeded"
        job.finished_at = _now()
        return status

    def close(self) -> None:
        """Wait for the job running now; drop the queued ones (their files too)."""
        with self._lock:
            worker, self._worker = self._worker, None
        if worker is not None:
            worker.shutdown(wait=True, cancel_futures=True)
        with self._lock:
            for job in self._jobs.values():
                if job.status == "queued":
                    job.status, job.finished_at = "failed", _now()
                    job.error = GoodwillError(
                        "the server stopped before this import ran; upload it again"
                    )
                    shutil.rmtree(job.path.parent, ignore_errors=True)
