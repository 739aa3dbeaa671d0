"""Progress reporting without printing: the library calls back, the CLI draws a bar."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import duckdb

#: ``callback(label, done, total)``; ``total`` 0 means unknown.
ProgressCallback = Callable[[str, float, float], None]


def noop(label: str, done: float, total: float) -> None:
    """The default callback: report nothing."""


@contextmanager
def watch_query(
    con: duckdb.DuckDBPyConnection,
    callback: ProgressCallback | None,
    label: str,
    interval_s: float = 0.25,
) -> Iterator[None]:
    """Report DuckDB's own progress of the query that runs inside the block."""
    if callback is None:
        yield
        return
    stop = threading.Event()

    def poll() -> None:
        while not stop.wait(interval_s):
            try:
                pct = con.query_progress()
            except duckdb.Error:
                continue
            if pct is not None and pct >= 0:
                callback(label, float(pct), 100.0)

    thread = threading.Thread(target=poll, daemon=True)
    callback(label, 0.0, 100.0)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()
        callback(label, 100.0, 100.0)
