"""The portfolio as of the latest snapshot: filtered, sorted and paged in DuckDB; the
accounts that need attention counted; account groups (``parent_id``) rolled up; and a
bounded set of chart points that always holds the accounts needing attention."""

from __future__ import annotations

import datetime as dt
import json
import math
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from goodwill._typing import Lang
from goodwill.settings import Settings
from goodwill.signals.reasons import Reason
from goodwill.store import Store

#: sort keys a caller may ask for -> the SQL expression they order by
SORTS: dict[str, str] = {
    "name": "name",
    "owner": "owner",
    "segment": "segment",
    "group": "group_name",
    "health": "health",
    "status": "status_rank",
    "level": "level_rank",
    "revenue": "revenue_12m",
    "value": "clv_12m",
    "net_value": "net_value",
}
STATUSES = ("at_risk", "watch", "healthy")
LEVELS = ("transactional", "fruitful", "growing_together")
#: most rows a page may hold
MAX_PER_PAGE = 200

_BASE = """
SELECT s.account_id, a.name, a.owner, a.segment, a.parent_id, g.name AS group_name,
       s.health, s.status, s.trend, s.level, s.responsiveness, s.revenue_12m, s.clv_12m,
       s.net_value, s.credit_advice, s.payment_score, s.reasons,
       coalesce(f.service_neglected, false) AS service_neglected,
       coalesce(f.dormant, false) AS dormant,
       CASE s.status WHEN 'at_risk' THEN 0 WHEN 'watch' THEN 1 ELSE 2 END AS status_rank,
       CASE s.level WHEN 'transactional' THEN 0 WHEN 'fruitful' THEN 1
                    WHEN 'growing_together' THEN 2 ELSE 3 END AS level_rank
FROM health_snapshots s JOIN accounts a USING (account_id)
LEFT JOIN accounts g ON g.account_id = a.parent_id
LEFT JOIN _portfolio_flags f ON f.account_id = s.account_id
WHERE s.as_of = $as_of
"""
#: the flags read from a snapshot's JSON (the costly part of a query over 50k accounts)
_FLAGS = """
SELECT account_id,
       coalesce(TRY_CAST(json_extract(conduct, '$.service_neglected') AS BOOLEAN), false)
           AS service_neglected,
       coalesce(TRY_CAST(json_extract(signals, '$.days_since_order') AS DOUBLE), 0)
           > $silence AS dormant
FROM health_snapshots WHERE as_of = $as_of
"""
#: at risk or on watch and still buying: the same rule as Snapshot.needing_attention
_ALERT = "(status IN ('at_risk', 'watch') AND NOT dormant)"
#: an alert on health, on credit, or on a neglected first order
_ATTENTION = f"({_ALERT} OR credit_advice IN ('tighten', 'prepayment') OR service_neglected)"


@dataclass(frozen=True)
class PortfolioFilter:
    """Which accounts to show; ``None`` means any."""

    owner: str | None = None
    segment: str | None = None
    level: str | None = None
    status: str | None = None
    #: the account id of a group's parent: the parent and its members
    group: str | None = None
    #: only the accounts that need attention
    attention: bool = False

    def where(self) -> tuple[str, dict[str, Any]]:
        """The SQL condition over the base rows and its parameters."""
        parts, params = ["true"], {}
        for name in ("owner", "segment", "level", "status"):
            value = getattr(self, name)
            if value:
                parts.append(f"{name} = ${name}")
                params[name] = value
        if self.group:
            parts.append("coalesce(parent_id, account_id) = $group")
            params["group"] = self.group
        if self.attention:
            parts.append(_ATTENTION)
        return " AND ".join(parts), params


@dataclass(frozen=True)
class Attention:
    """How many accounts (of those filtered) need attention, and why."""

    accounts: int
    at_risk: int
    watch: int
    credit: int
    neglected: int
    total: int


@dataclass(frozen=True)
class PortfolioPage:
    """One page of the portfolio table."""

    as_of: dt.date
    #: account_id, name, owner, segment, parent_id, group_name, health, status, trend,
    #: level, responsiveness, revenue_12m, clv_12m, net_value, credit_advice,
    #: payment_score, needs_attention, top_reason (a Reason or None)
    rows: pd.DataFrame
    total: int
    page: int
    per_page: int
    sort: str
    descending: bool
    attention: Attention
    #: the values each filter can take (owner, segment, level, status)
    choices: dict[str, list[str]] = field(default_factory=dict)

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.per_page))


def attention_flags(store: Store, as_of: dt.date, settings: Settings) -> pd.DataFrame:
    """Per account scored as of ``as_of``: ``service_neglected`` and ``dormant`` (no
    order for ``health.churn_silence_days``), read from the snapshot's JSON once. Pass
    the frame as ``flags`` to the functions here to skip reading it again (a caller that
    serves many pages of one snapshot keeps it)."""
    silence = float(settings["health"]["churn_silence_days"])
    return store.con.execute(_FLAGS, {"as_of": as_of, "silence": silence}).df()


def _params(
    store: Store, as_of: dt.date, settings: Settings, flags: pd.DataFrame | None
) -> dict[str, Any]:
    """The query parameters, with the flags registered on the store's connection."""
    frame = flags if flags is not None else attention_flags(store, as_of, settings)
    # DuckDB refuses to register while an earlier result (a fetchone) is still open
    store.con.execute("SELECT 1").fetchall()
    store.con.register("_portfolio_flags", frame)
    return {"as_of": as_of}


def _top_reason(text: str | None) -> Reason | None:
    if not text:
        return None
    found = json.loads(text)
    return Reason.from_dict(found[0]) if found else None


def portfolio_page(
    store: Store,
    as_of: dt.date,
    settings: Settings,
    filters: PortfolioFilter | None = None,
    *,
    sort: str = "health",
    descending: bool = False,
    page: int = 1,
    per_page: int = 25,
    flags: pd.DataFrame | None = None,
) -> PortfolioPage:
    """The ``page``-th page (from 1) of the accounts scored as of ``as_of`` that pass
    ``filters``, ordered by ``sort`` (a key of :data:`SORTS`; unknown keys sort by
    health), with the counts of the accounts that need attention."""
    filters = filters or PortfolioFilter()
    sort = sort if sort in SORTS else "health"
    per_page = max(1, min(int(per_page), MAX_PER_PAGE))
    where, extra = filters.where()
    params = {**_params(store, as_of, settings, flags), **extra}
    con = store.con
    counts = con.execute(
        f"""WITH base AS ({_BASE}) SELECT count(*),
               count(*) FILTER (status = 'at_risk' AND NOT dormant),
               count(*) FILTER (status = 'watch' AND NOT dormant),
               count(*) FILTER (credit_advice IN ('tighten', 'prepayment')),
               count(*) FILTER (service_neglected),
               count(*) FILTER ({_ATTENTION})
            FROM base WHERE {where}""",
        params,
    ).fetchall()[0]
    n, risk, watch, credit, neglected, flagged = (int(x) for x in (counts or (0,) * 6))
    pages = max(1, math.ceil(n / per_page))
    page = max(1, min(int(page), pages))
    order = f"{SORTS[sort]} {'DESC' if descending else 'ASC'} NULLS LAST, account_id"
    rows = con.execute(
        f"""WITH base AS ({_BASE})
            SELECT account_id, name, owner, segment, parent_id, group_name, health, status,
                   trend, level, responsiveness, revenue_12m, clv_12m, net_value,
                   credit_advice, payment_score, {_ATTENTION} AS needs_attention,
                   reasons
            FROM base WHERE {where} ORDER BY {order}
            LIMIT {per_page} OFFSET {(page - 1) * per_page}""",
        params,
    ).df()
    rows["top_reason"] = pd.Series(
        [_top_reason(t) for t in rows.pop("reasons")], index=rows.index, dtype=object
    )
    return PortfolioPage(
        as_of=as_of,
        rows=rows,
        total=n,
        page=page,
        per_page=per_page,
        sort=sort,
        descending=descending,
        attention=Attention(n, risk, watch, credit, neglected, flagged),
        choices=filter_choices(store, as_of),
    )


def filter_choices(store: Store, as_of: dt.date) -> dict[str, list[str]]:
    """The owners, segments, levels and statuses of the accounts scored as of ``as_of``."""
    out: dict[str, list[str]] = {}
    for name, source in (
        ("owner", "a.owner"),
        ("segment", "a.segment"),
        ("level", "s.level"),
        ("status", "s.status"),
    ):
        rows = store.con.execute(
            f"SELECT DISTINCT {source} FROM health_snapshots s JOIN accounts a "
            f"USING (account_id) WHERE s.as_of = ? AND {source} IS NOT NULL ORDER BY 1",
            [as_of],
        ).fetchall()
        out[name] = [str(r[0]) for r in rows]
    return out


def account_groups(
    store: Store,
    as_of: dt.date,
    settings: Settings,
    filters: PortfolioFilter | None = None,
    *,
    limit: int = 20,
    flags: pd.DataFrame | None = None,
) -> tuple[pd.DataFrame, int]:
    """Groups of accounts (a parent and the accounts whose ``parent_id`` names it) among
    those that pass ``filters``, rolled up: members, revenue, value, net value, the
    lowest health and how many need attention — the largest revenue first; and how many
    groups there are."""
    filters = filters or PortfolioFilter()
    where, extra = filters.where()
    params = {**_params(store, as_of, settings, flags), **extra}
    grouped = f"""WITH base AS ({_BASE}),
        members AS (SELECT coalesce(parent_id, account_id) AS group_id, * FROM base
                    WHERE {where}),
        groups AS (SELECT group_id, count(*) AS members, sum(revenue_12m) AS revenue_12m,
                          sum(clv_12m) AS clv_12m, sum(net_value) AS net_value,
                          min(health) AS lowest_health,
                          count(*) FILTER ({_ATTENTION}) AS needing_attention
                   FROM members GROUP BY 1
                   HAVING count(*) > 1 OR bool_or(parent_id IS NOT NULL))"""
    total = store.con.execute(f"{grouped} SELECT count(*) FROM groups", params).fetchall()[0]
    frame = store.con.execute(
        f"""{grouped}
            SELECT g.group_id, coalesce(a.name, g.group_id) AS name, g.members,
                   g.revenue_12m, g.clv_12m, g.net_value, g.lowest_health,
                   g.needing_attention
            FROM groups g LEFT JOIN accounts a ON a.account_id = g.group_id
            ORDER BY g.revenue_12m DESC NULLS LAST, g.group_id LIMIT {int(limit)}""",
        params,
    ).df()
    return frame, int(total[0]) if total else 0


@dataclass(frozen=True)
class ChartPoints:
    """Accounts to draw: at most ``limit``, every one needing attention first."""

    #: account_id, name, x (value: predicted margin, next 12 months), y (health),
    #: revenue_12m, level, needs_attention
    points: pd.DataFrame
    total: int
    sampled: bool


def portfolio_points(
    store: Store,
    as_of: dt.date,
    settings: Settings,
    filters: PortfolioFilter | None = None,
    *,
    limit: int = 2000,
    flags: pd.DataFrame | None = None,
) -> ChartPoints:
    """Points of the portfolio chart for the accounts that pass ``filters``: every
    account needing attention (up to ``limit``, the most valuable first), then a fixed
    sample of the rest (by a hash of the account id, so the same accounts stay drawn as
    filters change) up to ``limit`` points."""
    filters = filters or PortfolioFilter()
    where, extra = filters.where()
    params = {**_params(store, as_of, settings, flags), **extra}
    select = f"""WITH base AS ({_BASE})
        SELECT account_id, name, clv_12m AS x, health AS y, revenue_12m, level,
               {_ATTENTION} AS needs_attention
        FROM base WHERE {where}"""
    total = store.con.execute(f"WITH q AS ({select}) SELECT count(*) FROM q", params).fetchall()[0]
    n = int(total[0]) if total else 0
    flagged = store.con.execute(
        f"WITH q AS ({select}) SELECT * FROM q WHERE needs_attention "
        f"ORDER BY x DESC NULLS LAST, account_id LIMIT {int(limit)}",
        params,
    ).df()
    rest = max(0, int(limit) - len(flagged))
    others = store.con.execute(
        f"WITH q AS ({select}) SELECT * FROM q WHERE NOT needs_attention "
        f"ORDER BY hash(account_id), account_id LIMIT {rest}",
        params,
    ).df()
    points = pd.concat([flagged, others], ignore_index=True) if len(others) else flagged
    return ChartPoints(points, n, len(points) < n)


def chart_series(chart: ChartPoints, label: dict[str, str]) -> dict[str, Any]:
    """The points as JSON-ready series, one per relationship level (``label`` names
    each level, ``"unknown"`` included), with ids and names for links and tooltips."""
    frame = chart.points
    series = []
    for level in (*LEVELS, "unknown"):
        part = frame[frame["level"].fillna("unknown") == level]
        if part.empty:
            continue
        series.append(
            {
                "level": level,
                "label": label.get(level, level),
                "x": [max(1.0, float(v)) if v == v else 1.0 for v in part["x"]],
                "y": [float(v) if v == v else None for v in part["y"]],
                "revenue": [float(v) if v == v else 0.0 for v in part["revenue_12m"]],
                "ids": part["account_id"].astype(str).tolist(),
                "names": part["name"].astype(str).tolist(),
                "attention": part["needs_attention"].astype(bool).tolist(),
            }
        )
    return {"series": series, "total": chart.total, "shown": len(frame), "sampled": chart.sampled}


def format_reason(reason: Reason | None, lang: Lang) -> str:
    """A reason's sentence in ``lang`` ('' for none)."""
    return reason.text(lang) if reason is not None else ""
