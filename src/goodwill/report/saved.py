"""A saved snapshot read back for a report: one row per customer account with its name,
owner and segment, whether it is dormant, and its reasons as data.

A report shows what ``goodwill score`` saved; it never scores for the portfolio itself,
so the page and the snapshot the user scored agree.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

import pandas as pd

from goodwill.errors import GoodwillError
from goodwill.settings import Settings
from goodwill.signals.reasons import Reason
from goodwill.store import Store

__all__ = ["NotScoredError", "SavedSnapshot", "load_saved"]


class NotScoredError(GoodwillError, LookupError):
    """The store holds no snapshot (on or before the date asked)."""


@dataclass(frozen=True)
class SavedSnapshot:
    """A snapshot as saved, with the settings it was computed with."""

    as_of: dt.date
    #: index account_id; name, owner, segment, health, status, trend, dormant, the value
    #: figures, level, responsiveness, attention_12m, credit_advice, payment_score
    table: pd.DataFrame
    #: per account, the ranked reasons; and the credit advice's own reasons
    reasons: dict[str, list[Reason]]
    credit_reasons: dict[str, list[Reason]]
    settings: Settings


def snapshot_date(store: Store, as_of: dt.date | None = None) -> dt.date:
    """The date of the latest snapshot on or before ``as_of`` (default: the latest)."""
    row = store.con.execute(
        "SELECT max(as_of) FROM snapshot_runs WHERE ? IS NULL OR as_of <= ?", [as_of, as_of]
    ).fetchone()
    if row is None or row[0] is None:
        if as_of is None:
            raise NotScoredError(
                "the store {file} has not been scored yet: run goodwill score --db {file} first",
                file=store.path,
            )
        raise NotScoredError(
            "the store {file} has no snapshot on or before {date}: run goodwill score "
            "--db {file} --as-of {date} first",
            file=store.path,
            date=as_of.isoformat(),
        )
    return dt.date.fromisoformat(str(row[0]))


def _reasons(text: str | None) -> list[Reason]:
    return [Reason.from_dict(r) for r in json.loads(text)] if text else []


def load_saved(store: Store, as_of: dt.date | None = None) -> SavedSnapshot:
    """The latest snapshot on or before ``as_of``, read back (see :class:`SavedSnapshot`)."""
    day = snapshot_date(store, as_of)
    run = store.con.execute("SELECT settings FROM snapshot_runs WHERE as_of = ?", [day]).fetchone()
    settings = Settings(json.loads(run[0]), f"snapshot of {day}") if run else Settings.load()
    frame = store.con.execute(
        """
        SELECT s.account_id, coalesce(a.name, s.account_id) AS name,
               coalesce(a.owner, '-') AS owner, coalesce(a.segment, '-') AS segment,
               s.health, s.status, s.trend, s.p_alive, s.revenue_12m, s.margin_12m, s.clv_12m,
               s.cost_to_serve_12m, s.net_value, s.level, s.responsiveness, s.credit_advice,
               s.payment_score,
               TRY_CAST(json_extract(s.signals, '$.days_since_order') AS DOUBLE)
                   AS days_since_order,
               TRY_CAST(json_extract(s.profile, '$.attention_12m') AS DOUBLE) AS attention_12m,
               s.reasons AS reasons_json,
               CAST(json_extract(s.conduct, '$.credit_reasons') AS VARCHAR) AS credit_json
        FROM health_snapshots s LEFT JOIN accounts a USING (account_id)
        WHERE s.as_of = ? ORDER BY s.account_id
        """,
        [day],
    ).df()
    frame = frame.set_index("account_id")
    # as scoring defines it (goodwill.score): no order for longer than the churn silence
    silence = float(settings["health"]["churn_silence_days"])
    frame["dormant"] = (frame["days_since_order"] > silence).fillna(False).astype(bool)
    ids = frame.index.tolist()
    reasons = dict(zip(ids, map(_reasons, frame.pop("reasons_json")), strict=True))
    credit = dict(zip(ids, map(_reasons, frame.pop("credit_json")), strict=True))
    return SavedSnapshot(day, frame, reasons, credit, settings)
