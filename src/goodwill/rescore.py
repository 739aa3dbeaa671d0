"""Scoring in a child process, for a process that holds the store and must stay
responsive meanwhile (``goodwill serve`` after an import).

Scoring is mostly Python — model fits, reasons, packing the snapshot — and in the
server it competed with every request for the one interpreter: at 50,000 accounts it
took 23 s alone and 55 s under 20 clients, who waited the longer for it. DuckDB lets
one process hold the store's file, so the child scores a *copy* of the file, made while
the caller holds the writer's lock (no write can land between the copy and the
snapshot), at a lower priority; the caller then takes the snapshot's rows from the copy
into the store in one transaction. The snapshot is the one :func:`goodwill.score.score`
would have written in the process itself.

Where the copy cannot be made (no room on the disk, a store in memory) the scoring runs
in the process as before.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from goodwill.errors import GoodwillError
from goodwill.score import as_date
from goodwill.settings import Settings
from goodwill.store import Store

log = logging.getLogger("goodwill.rescore")

#: the child's niceness (Linux: 0 is normal, 19 the lowest priority): at 19 a machine
#: busy with other work (a test run on two cores) left it next to no time at all
NICENESS = 10
#: the tables a snapshot writes (see goodwill.score.save_snapshot)
SNAPSHOT_TABLES = ("health_snapshots", "snapshot_runs")
_ATTACHED = "goodwill_rescored"


@dataclass(frozen=True)
class Rescored:
    """What a scoring saved: its date and the accounts scored."""

    as_of: dt.date
    accounts: int


def rescore(store: Store, as_of: dt.date | None, settings: Settings) -> Rescored:
    """Score ``as_of`` (default: the last order date) again and save the snapshot into
    ``store`` — in a child process on a copy of the file where one can be made, else
    here. The caller must hold the only writer (nothing may write to ``store`` until
    this returns)."""
    as_of = as_date(as_of, store)
    try:
        folder = Path(tempfile.mkdtemp(prefix=".goodwill-rescore-", dir=store.path.parent))
    except OSError:
        return _here(store, as_of, settings)
    try:
        copy = folder / "store.duckdb"
        try:
            _copy_store(store.path, copy)
        except OSError as exc:
            log.warning("scoring in the server: copying the store failed (%s)", exc)
            return _here(store, as_of, settings)
        accounts = _score_in_child(folder, copy, as_of, settings)
        _take_snapshot(store, copy, as_of)
        return Rescored(as_of, accounts)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _here(store: Store, as_of: dt.date, settings: Settings) -> Rescored:
    from goodwill.score import score

    snapshot = score(store, as_of, settings=settings)
    return Rescored(snapshot.as_of, len(snapshot.table))


def _copy_store(path: Path, copy: Path) -> None:
    """The store's file and its write-ahead log, as they are (no write runs meanwhile,
    so together they are the store as of its last commit)."""
    if not path.is_file():
        raise OSError(f"{path} is not a file")
    shutil.copyfile(path, copy)
    wal = path.with_name(path.name + ".wal")
    if wal.exists():
        shutil.copyfile(wal, copy.with_name(copy.name + ".wal"))


def _score_in_child(folder: Path, copy: Path, as_of: dt.date, settings: Settings) -> int:
    """Run ``python -m goodwill.rescore`` on ``copy``; the accounts it scored, or the
    error it met (as the same :class:`GoodwillError`, in either language)."""
    job = folder / "job.json"
    result = folder / "result.json"
    job.write_text(
        json.dumps(
            {
                "store": str(copy),
                "as_of": as_of.isoformat(),
                "settings": settings.data,
                "settings_source": settings.source,
                "result": str(result),
            },
            default=str,
        ),
        encoding="utf-8",
    )
    done = subprocess.run(
        [sys.executable, "-m", "goodwill.rescore", str(job)],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        log.error("scoring in a child process failed:\n%s", done.stderr)
    if not result.exists():
        tail = (done.stderr or "").strip().splitlines()[-1:] or [f"exit code {done.returncode}"]
        raise GoodwillError("scoring stopped on an unexpected error: {reason}", reason=tail[0])
    answer = json.loads(result.read_text(encoding="utf-8"))
    if "error" in answer:
        raise GoodwillError(answer["error"]["template"], **answer["error"]["params"])
    return int(answer["accounts"])


def _take_snapshot(store: Store, copy: Path, as_of: dt.date) -> None:
    """The snapshot of ``as_of`` from ``copy`` into ``store``, replacing the one there,
    in one transaction."""
    con = store.con
    quoted = str(copy).replace("'", "''")
    con.execute(f"ATTACH '{quoted}' AS {_ATTACHED} (READ_ONLY)")
    try:
        con.execute("BEGIN TRANSACTION")
        try:
            for table in SNAPSHOT_TABLES:
                con.execute(f"DELETE FROM {table} WHERE as_of = ?", [as_of])
                con.execute(
                    f"INSERT INTO {table} SELECT * FROM {_ATTACHED}.{table} WHERE as_of = ?",
                    [as_of],
                )
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise
    finally:
        con.execute(f"DETACH {_ATTACHED}")


def _child(job_file: Path) -> int:
    """The child's side: score the copy named in ``job_file`` and write the result."""
    from goodwill.score import score

    job = json.loads(job_file.read_text(encoding="utf-8"))
    result = Path(job["result"])
    if hasattr(os, "nice"):
        os.nice(NICENESS)
    settings = Settings(job["settings"], job["settings_source"])
    try:
        with Store.open(job["store"], create=False) as store:
            snapshot = score(store, dt.date.fromisoformat(job["as_of"]), settings=settings)
        answer: dict[str, object] = {"accounts": len(snapshot.table)}
    except GoodwillError as exc:
        params = {k: str(v) for k, v in exc.params.items()}
        answer = {"error": {"template": exc.template, "params": params}}
    result.write_text(json.dumps(answer), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(_child(Path(sys.argv[1])))
