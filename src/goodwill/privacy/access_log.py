"""The access log: who viewed which account, and when.

A view is recorded in memory (:meth:`AccessLog.record`, a list append) and written to
the ``access_log`` table in batches behind the request: a flush only *tries* the
store's writer lock, and when an import holds it the lines wait in memory for the next
try (a later request, the background flusher, or shutdown, which waits for the lock).
So viewing an account never waits for a long import.
"""

from __future__ import annotations

import datetime as dt
import threading
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Protocol

import pandas as pd

from goodwill.store import Store

#: what was viewed: the account page (and its timeline fragment), its print view, the
#: chart data
AccessKind = str
#: lines kept in memory while the store is busy; past this the oldest are dropped (and
#: counted), so a store locked for hours cannot exhaust memory
MAX_BUFFERED = 1_000_000


class Writer(Protocol):
    """What the access log needs of the web's state (:class:`~goodwill.web.state.WebState`)."""

    def recording(self) -> AbstractContextManager[Store]: ...

    def try_recording(self) -> AbstractContextManager[Store | None]: ...


@dataclass(frozen=True)
class AccessEntry:
    viewed_at: dt.datetime
    user_name: str
    account_id: str
    what: AccessKind


class AccessLog:
    """An in-memory buffer of views, flushed to the store in batches.

    ``batch``: flush once this many lines wait; ``every_seconds``: or once the oldest
    waited this long (checked on each record and by :meth:`start`'s thread).
    """

    def __init__(self, writer: Writer, *, batch: int = 200, every_seconds: float = 2.0) -> None:
        self.writer = writer
        self.batch = batch
        self.every_seconds = every_seconds
        self.dropped = 0
        self._lines: list[AccessEntry] = []
        self._lock = threading.Lock()
        self._flushing = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def record(self, user_name: str, account_id: str, what: AccessKind) -> None:
        """Note that ``user_name`` viewed ``account_id``; written behind, never waits."""
        entry = AccessEntry(dt.datetime.now(), user_name, account_id, what)
        with self._lock:
            self._lines.append(entry)
            if len(self._lines) > MAX_BUFFERED:
                del self._lines[0]
                self.dropped += 1
            due = len(self._lines) >= self.batch or (
                (entry.viewed_at - self._lines[0].viewed_at).total_seconds() >= self.every_seconds
            )
        if due:
            self.flush()

    @property
    def pending(self) -> int:
        """Lines waiting in memory."""
        with self._lock:
            return len(self._lines)

    def flush(self, *, wait: bool = False) -> int:
        """Write the waiting lines; returns how many. Without ``wait`` it gives up at
        once when the store's writer is busy (the lines stay for the next try)."""
        if not self._flushing.acquire(blocking=wait):
            return 0
        try:
            with self._lock:
                if not self._lines:
                    return 0
            hold = self.writer.recording() if wait else self.writer.try_recording()
            with hold as store:
                if store is None:
                    return 0
                with self._lock:
                    lines, self._lines = self._lines, []
                try:
                    _insert(store, lines)
                except BaseException:
                    with self._lock:
                        self._lines[:0] = lines
                    raise
                return len(lines)
        finally:
            self._flushing.release()

    def start(self) -> None:
        """Flush in a background thread every ``every_seconds`` (for quiet times)."""
        if self._thread is not None:
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="goodwill-access-log", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.wait(self.every_seconds):
            try:
                self.flush()
            except Exception:  # the store may be closing or swapped: tried again at stop
                continue

    def stop(self) -> None:
        """Stop the background thread and write what waits (waiting for the writer)."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=10)
            self._thread = None
        self.flush(wait=True)


def _insert(store: Store, lines: list[AccessEntry]) -> None:
    frame = pd.DataFrame(
        {
            "viewed_at": [e.viewed_at for e in lines],
            "user_name": [e.user_name for e in lines],
            "account_id": [e.account_id for e in lines],
            "what": [e.what for e in lines],
        }
    )
    con = store.con
    con.register("_goodwill_access_lines", frame)
    try:
        con.execute(
            "INSERT INTO access_log SELECT viewed_at, user_name, account_id, what "
            "FROM _goodwill_access_lines"
        )
    finally:
        con.unregister("_goodwill_access_lines")


def access_lines(
    store: Store,
    *,
    account_id: str | None = None,
    user_name: str | None = None,
    since: dt.date | None = None,
    limit: int | None = None,
) -> pd.DataFrame:
    """The access log, newest first, filtered by account, user and first day."""
    where: list[str] = []
    params: list[object] = []
    if account_id is not None:
        where.append("account_id = ?")
        params.append(account_id)
    if user_name is not None:
        where.append("user_name = ?")
        params.append(user_name)
    if since is not None:
        where.append("viewed_at >= ?")
        params.append(dt.datetime.combine(since, dt.time()))
    sql = "SELECT viewed_at, user_name, account_id, what FROM access_log"
    if where:
        sql += " WHERE " + " AND ".join(where)
    sql += " ORDER BY viewed_at DESC, account_id"
    if limit is not None:
        sql += f" LIMIT {int(limit)}"
    return store.con.execute(sql, params).df()
