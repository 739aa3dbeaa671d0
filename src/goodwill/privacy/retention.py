"""Retention: remove old versions of rows from the history tables and old lines from the
access log, after the number of days the settings keep them (``[privacy]``).

The history is what lets an import be undone. An import whose replaced rows are removed
here can no longer be undone: it is marked ``final`` in the import log, and ``goodwill
imports undo`` refuses it with that reason (instead of removing its rows and bringing
nothing back). An import whose own rows were undone and then removed stays undone.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from goodwill.settings import Settings
from goodwill.store import Store
from goodwill.store.ddl import IMPORTS_TABLE, history_table
from goodwill.store.schema import TABLE_ORDER

#: the import log's status of an import that can no longer be undone
FINAL = "final"


@dataclass(frozen=True)
class RetentionReport:
    """What retention removed (or, in a dry run, would remove)."""

    history_before: dt.datetime | None  # None: history is kept for ever
    access_log_before: dt.datetime | None
    history_rows: dict[str, int] = field(default_factory=dict)  # per history table
    access_log_rows: int = 0
    final_imports: tuple[int, ...] = ()
    dry_run: bool = False

    @property
    def rows(self) -> int:
        return sum(self.history_rows.values()) + self.access_log_rows


def _cutoff(now: dt.datetime, days: float) -> dt.datetime | None:
    return None if days <= 0 else now - dt.timedelta(days=float(days))


def retention_days(settings: Settings) -> tuple[float, float]:
    """(history, access log) days from the ``[privacy]`` settings."""
    privacy = settings["privacy"]
    return float(privacy["history_retention_days"]), float(privacy["access_log_retention_days"])


def apply_retention(
    store: Store,
    settings: Settings,
    *,
    dry_run: bool = False,
    now: dt.datetime | None = None,
) -> RetentionReport:
    """Remove history rows changed before the history cut-off and access-log lines
    before the access-log cut-off, in one transaction (nothing in a dry run)."""
    now = now or dt.datetime.now()
    history_days, access_days = retention_days(settings)
    history_before, access_before = _cutoff(now, history_days), _cutoff(now, access_days)
    con = store.con
    removed: dict[str, int] = {}
    finals: set[int] = set()
    access_rows = 0
    con.execute("BEGIN TRANSACTION")
    try:
        if history_before is not None:
            for name in TABLE_ORDER:
                hist = history_table(name)
                old = f"FROM {hist} WHERE _changed_at < ?"
                row = con.execute(f"SELECT count(*) {old}", [history_before]).fetchone()
                n = int(row[0]) if row else 0
                if not n:
                    continue
                removed[hist] = n
                finals.update(
                    int(r[0])
                    for r in con.execute(
                        f"SELECT DISTINCT _replaced_by {old} AND _change = 'replaced'",
                        [history_before],
                    ).fetchall()
                )
                con.execute(f"DELETE {old}", [history_before])
            if finals:
                con.execute(
                    f"UPDATE {IMPORTS_TABLE} SET status = ? WHERE status = 'done' "
                    f"AND import_id IN ({', '.join('?' * len(finals))})",
                    [FINAL, *sorted(finals)],
                )
        if access_before is not None:
            row = con.execute(
                "SELECT count(*) FROM access_log WHERE viewed_at < ?", [access_before]
            ).fetchone()
            access_rows = int(row[0]) if row else 0
            con.execute("DELETE FROM access_log WHERE viewed_at < ?", [access_before])
        con.execute("ROLLBACK" if dry_run else "COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    return RetentionReport(
        history_before,
        access_before,
        removed,
        access_rows,
        tuple(sorted(finals)),
        dry_run,
    )
