"""One account as the account page shows it: who it is, its latest scores with their
reasons, level, responsiveness and conduct, its scores over time, its contacts, and a
timeline of everything recorded about it — all as of the latest snapshot."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from typing import Any, NamedTuple

import pandas as pd

from goodwill.dashboard.records import records
from goodwill.settings import Settings
from goodwill.signals.reasons import Reason
from goodwill.store import Store

#: the kinds of events on the timeline, in the order they are offered as filters
EVENT_KINDS = ("order", "interaction", "complaint", "invoice", "payment", "promise", "quote")

_TIMELINE = """
WITH inv AS (  -- invoices and payments from one account's blocks (kept in account order
  -- since store version 8; materialising it, as when an index found them, cost more)
  SELECT invoice_id, amount, paid_amount, CAST(issued_on AS DATE) AS issued,
         CAST(due_on AS DATE) AS due, CAST(paid_on AS DATE) AS paid
  FROM invoices WHERE account_id = $id
)
SELECT * FROM (
  SELECT CAST(ordered_on AS DATE) AS day, 'order' AS kind, order_id AS ref, amount,
         concat_ws(' · ', category, channel) AS detail,
         CASE WHEN delivered_on IS NULL THEN 'not_delivered' ELSE 'delivered' END AS state,
         CAST(delivered_on AS DATE) AS state_on
  FROM orders WHERE account_id = $id AND NOT coalesce(is_test, false)
  UNION ALL
  SELECT CAST(occurred_on AS DATE), 'interaction', interaction_id, cost,
         concat_ws(' · ', channel, direction, purpose, employee), NULL, NULL
  FROM interactions WHERE account_id = $id
  UNION ALL
  SELECT CAST(opened_on AS DATE), 'complaint', complaint_id, NULL,
         concat_ws(' · ', severity, category),
         CASE WHEN resolved_on IS NULL THEN 'open' ELSE 'resolved' END,
         CAST(resolved_on AS DATE)
  FROM complaints WHERE account_id = $id
  UNION ALL
  SELECT issued, 'invoice', invoice_id, amount, NULL, 'due', due FROM inv
  UNION ALL
  SELECT paid, 'payment', invoice_id, coalesce(paid_amount, amount), NULL,
         CASE WHEN paid > due THEN 'late' ELSE 'on_time' END, due
  FROM inv WHERE paid IS NOT NULL
  UNION ALL
  SELECT CAST(made_on AS DATE), 'promise', promise_id, NULL,
         concat_ws(' · ', description, made_by),
         CASE WHEN kept_on IS NULL THEN 'not_kept' ELSE 'kept' END, CAST(due_on AS DATE)
  FROM promises WHERE account_id = $id
  UNION ALL
  SELECT CAST(issued_on AS DATE), 'quote', quote_id, amount, lost_to, status,
         CAST(decided_on AS DATE)
  FROM quotes WHERE account_id = $id
) WHERE day <= $as_of
"""


@dataclass(frozen=True)
class AccountView:
    """Everything the account page shows of one account."""

    account_id: str
    #: the accounts row (name, kind, owner, segment, ..., parent_id)
    info: dict[str, Any]
    #: the parent's (id, name) when the account belongs to a group
    parent: tuple[str, str] | None
    #: the group's other members: (id, name), when the account is a parent
    members: list[tuple[str, str]]
    as_of: dt.date | None
    #: the latest snapshot row's figures (health, status, trend, values, level, ...)
    scores: dict[str, Any]
    reasons: list[Reason]
    #: level and responsiveness evidence (the snapshot's profile JSON; reasons as Reason)
    profile: dict[str, Any]
    #: payment, credit, trust and service figures (the snapshot's conduct JSON)
    conduct: dict[str, Any]
    #: as_of, health, clv_12m, net_value, revenue_12m: every saved snapshot, oldest
    #: first (named tuples; a missing figure is None)
    history: list[Any]
    #: contact_id, name, role, email, started_on, left_on, active, left_recently (named
    #: tuples)
    contacts: list[Any]
    notes: list[str] = field(default_factory=list)

    @property
    def scored(self) -> bool:
        return bool(self.scores)

    def topic_reasons(self, topic: str) -> list[Reason]:
        """Reasons of one topic of the profile or conduct (``level_reasons``,
        ``response_reasons``, ``payment_reasons``, ``credit_reasons``, ``trust_reasons``,
        ``service_reasons``)."""
        found = self.profile.get(topic) or self.conduct.get(topic) or []
        return [Reason.from_dict(r) for r in found]

    @property
    def active_contacts(self) -> int:
        return sum(1 for k in self.contacts if k.active)


def _json(text: Any) -> dict[str, Any]:
    if not isinstance(text, str) or not text:
        return {}
    value = json.loads(text)
    return value if isinstance(value, dict) else {}


#: the figures the history chart follows
_HISTORY = ("health", "clv_12m", "net_value", "revenue_12m")


class _History(NamedTuple):
    """One snapshot's figures in the account's history."""

    as_of: dt.date
    health: float | None
    clv_12m: float | None
    net_value: float | None
    revenue_12m: float | None


def _number(value: Any) -> float | None:
    return None if value is None or value != value else float(value)


def _one_row(con: Any, sql: str, key: str) -> dict[str, Any] | None:
    """The first row ``sql`` finds for ``key`` as a dict of clean values, or None."""
    cursor = con.execute(sql, [key])
    row = cursor.fetchone()
    if row is None:
        return None
    return {str(d[0]): _clean(v) for d, v in zip(cursor.description, row, strict=True)}


def _clean(value: Any) -> Any:
    """NaN and NaT as None, numpy scalars as Python ones, timestamps as dates."""
    if value is None:
        return None
    if isinstance(value, pd.Timestamp):
        return None if pd.isna(value) else value.to_pydatetime()
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float) and value != value:
        return None
    return value


def account_view(
    store: Store, account_id: str, settings: Settings, scope: str | None = None
) -> AccountView | None:
    """The account page's data for ``account_id``, or None for an unknown account — and,
    with ``scope`` (an account manager's owner code), for an account of another owner;
    then its group shows only the parent and members of that owner too."""
    con = store.con
    # lookups by the indexes of store version 8, read as tuples (a data frame per query
    # costs milliseconds of its own)
    info = _one_row(
        con, "SELECT * EXCLUDE (_import_id) FROM accounts WHERE account_id = ?", account_id
    )
    if info is None:
        return None
    if scope is not None and info.get("owner") != scope:
        return None
    parent = None
    if info.get("parent_id"):
        row = con.execute(
            "SELECT account_id, name, owner FROM accounts WHERE account_id = ?",
            [info["parent_id"]],
        ).fetchone()
        parent = (str(row[0]), str(row[1])) if row else (str(info["parent_id"]), "")
        if scope is not None and (row is None or row[2] != scope):
            parent = None
    members = [
        (str(i), str(n))
        for i, n in con.execute(
            "SELECT account_id, name FROM accounts WHERE parent_id = ? "
            "AND (? IS NULL OR owner = ?) ORDER BY 1",
            [account_id, scope, scope],
        ).fetchall()
    ]
    # every snapshot of the account in one lookup (without ORDER BY ... LIMIT, which
    # DuckDB plans as a scan): the latest for the figures, all for the history
    cursor = con.execute("SELECT * FROM health_snapshots WHERE account_id = ?", [account_id])
    names = [str(d[0]) for d in cursor.description]
    snaps = sorted(
        (dict(zip(names, row, strict=True)) for row in cursor.fetchall()),
        key=lambda r: r["as_of"],
    )
    notes: list[str] = []
    scores: dict[str, Any] = {}
    reasons: list[Reason] = []
    profile: dict[str, Any] = {}
    conduct: dict[str, Any] = {}
    as_of: dt.date | None = None
    if snaps:
        latest = snaps[-1]
        as_of = latest["as_of"]
        scores = {
            k: _clean(v)
            for k, v in latest.items()
            if k not in ("reasons", "signals", "profile", "conduct")
        }
        scores["signals"] = _json(latest["signals"])
        reasons = [Reason.from_dict(r) for r in json.loads(latest["reasons"] or "[]")]
        profile = _json(latest["profile"])
        conduct = _json(latest["conduct"])
    history = [_History(r["as_of"], *(_number(r[c]) for c in _HISTORY)) for r in snaps]
    day = as_of or dt.date.today()
    window = int(float(settings["health"]["departure_window_days"]))
    contacts = con.execute(
        """SELECT contact_id, name, role, email, CAST(started_on AS DATE) AS started_on,
                  CAST(left_on AS DATE) AS left_on,
                  (started_on IS NULL OR CAST(started_on AS DATE) <= $a)
                    AND (left_on IS NULL OR CAST(left_on AS DATE) > $a) AS active,
                  left_on IS NOT NULL AND CAST(left_on AS DATE) <= $a
                    AND CAST(left_on AS DATE) > $a - $w AS left_recently
           FROM contacts WHERE account_id = $id
           ORDER BY active DESC, left_on DESC NULLS FIRST, name""",
        {"id": account_id, "a": day, "w": window},
    )
    return AccountView(
        account_id=account_id,
        info=info,
        parent=parent,
        members=members,
        as_of=as_of,
        scores=scores,
        reasons=reasons,
        profile=profile,
        conduct=conduct,
        history=history,
        contacts=records(contacts),
        notes=notes,
    )


def account_timeline(
    store: Store,
    account_id: str,
    as_of: dt.date | None = None,
    *,
    kinds: tuple[str, ...] = EVENT_KINDS,
    limit: int | None = 200,
) -> tuple[list[Any], int]:
    """Everything recorded about ``account_id`` up to ``as_of`` (default: all), newest
    first: day, kind (:data:`EVENT_KINDS`), ref (the row's id), amount, detail (the
    row's own words: category, channel, purpose ...), state (delivered, open, resolved,
    due, late, on_time, kept, not_kept, or a quote's status) and state_on (the date that
    goes with the state) as named tuples; at most ``limit`` events, and how many there
    are in all."""
    chosen = [k for k in kinds if k in EVENT_KINDS] or list(EVENT_KINDS)
    params = {"id": account_id, "as_of": as_of or dt.date(9999, 12, 31), "kinds": chosen}
    where = "" if len(chosen) == len(EVENT_KINDS) else " WHERE kind IN (SELECT unnest($kinds))"
    if len(chosen) == len(EVENT_KINDS):
        del params["kinds"]
    if limit is None:
        found = store.con.execute(
            f"SELECT * FROM ({_TIMELINE}){where} ORDER BY day DESC, kind, ref", params
        )
        every = records(found)
        return every, len(every)
    # one pass over the facts: the count rides along as a window over every event
    found = store.con.execute(
        f"SELECT *, count(*) OVER () AS n_events FROM ({_TIMELINE}){where} "
        f"ORDER BY day DESC, kind, ref LIMIT {int(limit)}",
        params,
    )
    rows = records(found)
    total = int(rows[0].n_events) if rows else 0
    return rows, total


def history_series(view: AccountView) -> dict[str, Any]:
    """Health and value over time as JSON-ready columns (days since the epoch for the
    x axis, in seconds as uPlot expects)."""
    h = view.history

    def values(col: str) -> list[float | None]:
        return [None if v is None else round(v, 2) for v in (getattr(r, col) for r in h)]

    return {
        "x": [_seconds(r.as_of) for r in h],
        "health": values("health"),
        "value": values("clv_12m"),
        "net_value": values("net_value"),
        "revenue": values("revenue_12m"),
    }


_EPOCH = dt.date(1970, 1, 1)


def _seconds(day: dt.date) -> int:
    """A day as seconds since the epoch (its midnight, UTC)."""
    if isinstance(day, dt.datetime):
        day = day.date()
    return (day - _EPOCH).days * 86400


def timeline_series(events: list[Any]) -> dict[str, Any]:
    """The timeline's events (:func:`account_timeline`'s rows) as JSON-ready points per
    kind: x in seconds, y the kind's lane, with refs for tooltips."""
    by_kind: dict[str, tuple[list[int], list[str]]] = {}
    for e in events:
        x, refs = by_kind.setdefault(e.kind, ([], []))
        x.append(_seconds(e.day))
        refs.append(str(e.ref))
    out = [
        {"kind": kind, "lane": lane, "x": by_kind[kind][0], "refs": by_kind[kind][1]}
        for lane, kind in enumerate(EVENT_KINDS)
        if kind in by_kind
    ]
    return {"kinds": list(EVENT_KINDS), "series": out}
