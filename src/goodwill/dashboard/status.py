"""The store at a glance for monitoring: path, schema version, latest snapshot."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from goodwill.store import Store


@dataclass(frozen=True)
class StoreStatus:
    """What ``/health`` reports."""

    path: Path
    schema_version: int
    latest_snapshot: dt.date | None
    accounts: int
    imports: int


def latest_as_of(store: Store) -> dt.date | None:
    """The date of the latest saved snapshot, or None when nothing is scored yet."""
    row = store.con.execute("SELECT max(as_of) FROM health_snapshots").fetchone()
    return row[0] if row and row[0] is not None else None


def snapshot_dates(store: Store) -> list[dt.date]:
    """Every date with a saved snapshot, oldest first."""
    rows = store.con.execute("SELECT DISTINCT as_of FROM health_snapshots ORDER BY 1").fetchall()
    return [r[0] for r in rows]


def store_status(store: Store) -> StoreStatus:
    """Path, schema version, latest snapshot date and a few counts of ``store``."""
    done = store.con.execute(
        "SELECT count(*) FROM goodwill_imports WHERE status = 'done'"
    ).fetchone()
    return StoreStatus(
        path=store.path,
        schema_version=store.schema_version,
        latest_snapshot=latest_as_of(store),
        accounts=store.count("accounts"),
        imports=int(done[0]) if done else 0,
    )
