"""The portfolio as of the latest snapshot: filtered, sorted and paged in DuckDB; the
accounts that need attention counted; account groups (``parent_id``) rolled up; and a
bounded set of chart points that always holds the accounts needing attention."""

from __future__ import annotations

import datetime as dt
import json
import math
import threading
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, TypeAlias

import pyarrow as pa
import pyarrow.compute as pc

from goodwill.dashboard.records import records
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

_SNAPSHOT_ROWS = """
SELECT s.account_id, a.name, a.owner, a.segment, a.parent_id, g.name AS group_name,
       g.owner AS group_owner,
       s.health, s.status, s.trend, s.level, s.responsiveness, s.revenue_12m, s.clv_12m,
       s.net_value, s.credit_advice, s.payment_score,
       CAST(json_extract(s.reasons, '$[0]') AS VARCHAR) AS top_reason,
       coalesce(TRY_CAST(json_extract(s.conduct, '$.service_neglected') AS BOOLEAN), false)
           AS service_neglected,
       coalesce(TRY_CAST(json_extract(s.signals, '$.days_since_order') AS DOUBLE), 0)
           > $silence AS dormant,
       CASE s.status WHEN 'at_risk' THEN 0 WHEN 'watch' THEN 1 ELSE 2 END AS status_rank,
       CASE s.level WHEN 'transactional' THEN 0 WHEN 'fruitful' THEN 1
                    WHEN 'growing_together' THEN 2 ELSE 3 END AS level_rank,
       hash(s.account_id) AS sample_key
FROM health_snapshots s JOIN accounts a USING (account_id)
LEFT JOIN accounts g ON g.account_id = a.parent_id
WHERE s.as_of = $as_of
"""
#: an alert on health, on credit, or on a neglected first order
NEEDS_ATTENTION = (
    "((status IN ('at_risk', 'watch') AND NOT dormant) "
    "OR credit_advice IN ('tighten', 'prepayment') OR service_neglected)"
)
#: the order in which the chart draws accounts, whatever the filters: every account
#: needing attention (the most valuable first), then the others by a fixed sample key
_CHART_ORDER = (
    f"{NEEDS_ATTENTION} DESC, CASE WHEN {NEEDS_ATTENTION} THEN clv_12m END DESC NULLS LAST, "
    f"CASE WHEN NOT {NEEDS_ATTENTION} THEN sample_key END, account_id"
)
_ROWS = f"""
SELECT *, row_number() OVER (ORDER BY {_CHART_ORDER}) AS chart_rank
FROM ({_SNAPSHOT_ROWS}) ORDER BY account_id
"""
#: a snapshot's rows (:func:`portfolio_rows`): an Arrow table, registered for each
#: query, or the name of a table on the store's database holding them (the web keeps one
#: in memory per snapshot: goodwill.web.kept)
Rows: TypeAlias = "pa.Table | str"


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
    #: the owner an account manager is limited to (:attr:`Principal.scope`); ``None``: all
    scope: str | None = None

    def where(self) -> tuple[str, dict[str, Any]]:
        """The SQL condition over the base rows and its parameters."""
        parts, params = ["true"], {}
        if self.scope is not None:
            parts.append("owner = $scope")
            params["scope"] = self.scope
        for name in ("owner", "segment", "level", "status"):
            value = getattr(self, name)
            if value:
                parts.append(f"{name} = ${name}")
                params[name] = value
        if self.group:
            parts.append("coalesce(parent_id, account_id) = $group")
            params["group"] = self.group
        if self.attention:
            parts.append(NEEDS_ATTENTION)
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
    #: payment_score, needs_attention, top_reason (a Reason or None): named tuples
    rows: list[Any]
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


def portfolio_rows(store: Store, as_of: dt.date, settings: Settings) -> pa.Table:
    """Every account scored as of ``as_of`` with what the portfolio shows and filters on:
    its figures, its first reason (JSON), ``service_neglected`` and ``dormant`` (no order
    for ``health.churn_silence_days``) read from the snapshot's JSON, and a fixed sample
    key. Reading the JSON is the costly part over 50k accounts: pass the table as
    ``rows`` to the functions here to skip reading it again (the web app keeps it per
    snapshot until the next write)."""
    silence = float(settings["health"]["churn_silence_days"])
    result = store.con.execute(_ROWS, {"as_of": as_of, "silence": silence})
    table: pa.Table = result.df().pipe(pa.Table.from_pandas, preserve_index=False)
    return table


def _source(store: Store, as_of: dt.date, settings: Settings, rows: Rows | None, alias: str) -> str:
    """The table the queries read the snapshot's rows from: ``rows`` when it names one,
    else the Arrow table registered on the store's connection as ``alias``."""
    if isinstance(rows, str):
        return rows
    table = rows if rows is not None else portfolio_rows(store, as_of, settings)
    # DuckDB refuses to register while an earlier result (a fetchone) is still open
    store.con.execute("SELECT 1").fetchall()
    store.con.register(alias, table)
    return alias


def _top_reason(text: Any) -> Reason | None:
    return _reason_of(text) if isinstance(text, str) and text else None


@lru_cache(maxsize=4096)
def _reason_of(text: str) -> Reason:
    """A reason from its JSON text, kept (the first pages are shown again and again;
    the reason is only read)."""
    return Reason.from_dict(json.loads(text))


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
    rows: Rows | None = None,
) -> PortfolioPage:
    """The ``page``-th page (from 1) of the accounts scored as of ``as_of`` that pass
    ``filters``, ordered by ``sort`` (a key of :data:`SORTS`; unknown keys sort by
    health), with the counts of the accounts that need attention."""
    filters = filters or PortfolioFilter()
    sort = sort if sort in SORTS else "health"
    per_page = max(1, min(int(per_page), MAX_PER_PAGE))
    where, extra = filters.where()
    source = _source(store, as_of, settings, rows, "_portfolio_rows")
    params = extra
    con = store.con
    counts = con.execute(
        f"""WITH base AS (SELECT * FROM {source}) SELECT count(*),
               count(*) FILTER (status = 'at_risk' AND NOT dormant),
               count(*) FILTER (status = 'watch' AND NOT dormant),
               count(*) FILTER (credit_advice IN ('tighten', 'prepayment')),
               count(*) FILTER (service_neglected),
               count(*) FILTER ({NEEDS_ATTENTION})
            FROM base WHERE {where}""",
        params,
    ).fetchall()[0]
    n, risk, watch, credit, neglected, flagged = (int(x) for x in (counts or (0,) * 6))
    pages = max(1, math.ceil(n / per_page))
    page = max(1, min(int(page), pages))
    order = f"{SORTS[sort]} {'DESC' if descending else 'ASC'} NULLS LAST, account_id"
    found = con.execute(
        f"""WITH base AS (SELECT * FROM {source})
            SELECT account_id, name, owner, segment, {_parent(filters.scope)}, health, status,
                   trend, level, responsiveness, revenue_12m, clv_12m, net_value,
                   credit_advice, payment_score, {NEEDS_ATTENTION} AS needs_attention,
                   top_reason
            FROM base WHERE {where} ORDER BY {order}
            LIMIT {per_page} OFFSET {(page - 1) * per_page}""",
        params,
    )
    shown = [r._replace(top_reason=_top_reason(r.top_reason)) for r in records(found)]
    return PortfolioPage(
        as_of=as_of,
        rows=shown,
        total=n,
        page=page,
        per_page=per_page,
        sort=sort,
        descending=descending,
        attention=Attention(n, risk, watch, credit, neglected, flagged),
        choices=filter_choices(
            store, as_of, rows=rows if rows is not None else source, scope=filters.scope
        ),
    )


def _parent(scope: str | None) -> str:
    """The group columns of a row: for an account manager only a parent they own."""
    if scope is None:
        return "parent_id, group_name"
    return (
        "CASE WHEN group_owner = $scope THEN parent_id END AS parent_id, "
        "CASE WHEN group_owner = $scope THEN group_name END AS group_name"
    )


def filter_choices(
    store: Store,
    as_of: dt.date,
    *,
    rows: Rows | None = None,
    scope: str | None = None,
) -> dict[str, list[str]]:
    """The owners, segments, levels and statuses of the accounts scored as of ``as_of``
    (read from ``rows``, the snapshot's :func:`portfolio_rows`, when given), of the
    accounts of the owner ``scope`` only when given."""
    out: dict[str, list[str]] = {}
    names = ("owner", "segment", "level", "status")
    if isinstance(rows, str):
        # a kept table never changes under its name: its choices are kept with it
        key = (rows, scope)
        kept = _CHOICES.get(key)
        if kept is None:
            lists = ", ".join(
                f"list(DISTINCT {n} ORDER BY {n}) FILTER ({n} IS NOT NULL)" for n in names
            )
            row = store.con.execute(
                f"SELECT {lists} FROM {rows} WHERE $scope IS NULL OR owner = $scope",
                {"scope": scope},
            ).fetchone()
            made = {
                n: [str(v) for v in (row[i] if row else None) or []] for i, n in enumerate(names)
            }
            with _CHOICES_LOCK:
                while len(_CHOICES) >= 256:
                    _CHOICES.pop(next(iter(_CHOICES)))
                _CHOICES[key] = made
            kept = made
        return {n: list(v) for n, v in kept.items()}
    if rows is not None:
        table: pa.Table = rows
        if scope is not None:
            table = table.filter(pc.equal(table.column("owner"), scope))
        for name in names:
            values = pc.unique(table.column(name).drop_null()).to_pylist()
            out[name] = sorted(str(v) for v in values)
        return out
    for name, source in (
        ("owner", "a.owner"),
        ("segment", "a.segment"),
        ("level", "s.level"),
        ("status", "s.status"),
    ):
        found = store.con.execute(
            f"SELECT DISTINCT {source} FROM health_snapshots s JOIN accounts a "
            f"USING (account_id) WHERE s.as_of = ? AND {source} IS NOT NULL "
            "AND (? IS NULL OR a.owner = ?) ORDER BY 1",
            [as_of, scope, scope],
        ).fetchall()
        out[name] = [str(r[0]) for r in found]
    return out


#: filter choices of the kept tables, by (table name, scope)
_CHOICES: dict[tuple[str, str | None], dict[str, list[str]]] = {}
_CHOICES_LOCK = threading.Lock()

#: the rows that can belong to a group, in SQL (what :func:`group_rows` keeps)
_GROUPED = "parent_id IS NOT NULL OR account_id IN (SELECT parent_id FROM {rows})"


def group_rows(rows: pa.Table) -> pa.Table:
    """The rows of :func:`portfolio_rows` that can belong to a group: an account with a
    parent, and a parent. Grouping only these (a tenth of the accounts in the simulated
    worlds) instead of every account as a group of its own makes the groups several
    times cheaper."""
    parent = rows.column("parent_id")
    parents = pc.unique(parent.drop_null())
    mask = pc.or_(pc.is_valid(parent), pc.is_in(rows.column("account_id"), value_set=parents))
    table: pa.Table = rows.filter(mask)
    return table


#: for an account manager: only the groups whose parent they own too
_OWN_GROUPS = "WHERE g.group_id IN (SELECT account_id FROM base WHERE owner = $scope)"


def account_groups(
    store: Store,
    as_of: dt.date,
    settings: Settings,
    filters: PortfolioFilter | None = None,
    *,
    limit: int = 20,
    rows: Rows | None = None,
    grouped: Rows | None = None,
) -> tuple[list[Any], int]:
    """Groups of accounts (a parent and the accounts whose ``parent_id`` names it) among
    those that pass ``filters``, rolled up: members, revenue, value, net value, the
    lowest health and how many need attention — the largest revenue first; and how many
    groups there are. Pass the snapshot's ``rows`` (:func:`portfolio_rows`) or, cheaper,
    only its ``grouped`` rows (:func:`group_rows`). The groups are named tuples (with
    ``n_groups``, the count, on each)."""
    filters = filters or PortfolioFilter()
    where, extra = filters.where()
    if grouped is None:
        if isinstance(rows, str):
            grouped = f"(SELECT * FROM {rows} WHERE {_GROUPED.format(rows=rows)})"
        else:
            table = rows if rows is not None else portfolio_rows(store, as_of, settings)
            grouped = group_rows(table)
    source = _source(store, as_of, settings, grouped, "_group_rows")
    params = extra
    # the name of a group: its parent's, on the members' rows (group_name) or its own row
    query = f"""WITH base AS (SELECT * FROM {source}),
        members AS (SELECT coalesce(parent_id, account_id) AS group_id, * FROM base
                    WHERE {where}),
        groups AS (SELECT group_id, count(*) AS members, sum(revenue_12m) AS revenue_12m,
                          sum(clv_12m) AS clv_12m, sum(net_value) AS net_value,
                          min(health) AS lowest_health,
                          count(*) FILTER ({NEEDS_ATTENTION}) AS needing_attention,
                          coalesce(any_value(group_name),
                                   any_value(name) FILTER (account_id = group_id),
                                   group_id) AS name
                   FROM members GROUP BY 1
                   HAVING count(*) > 1 OR bool_or(parent_id IS NOT NULL))
            SELECT g.group_id, g.name, g.members,
                   g.revenue_12m, g.clv_12m, g.net_value, g.lowest_health,
                   g.needing_attention, count(*) OVER () AS n_groups
            FROM groups g
            {_OWN_GROUPS if filters.scope is not None else ""}
            ORDER BY g.revenue_12m DESC NULLS LAST, g.group_id LIMIT {int(limit)}"""
    found = records(store.con.execute(query, params))
    total = int(found[0].n_groups) if found else 0
    return found, total


@dataclass(frozen=True)
class Chart:
    """The portfolio chart's points as JSON text, made in DuckDB: ``{"series": [...],
    "total": ..., "shown": ..., "sampled": ...}``, one series per relationship level
    (``level``, ``label``, and per point ``x`` value, ``y`` health, ``revenue``, ``ids``,
    ``names``, ``attention``)."""

    json: str
    #: accounts passing the filters
    total: int
    #: points drawn
    shown: int
    #: fewer drawn than pass the filters
    sampled: bool


def _points_json(column: str) -> str:
    """A list of the points' values in chart order, as JSON-ready SQL."""
    return f"list({column} ORDER BY chart_rank)"


#: per point: value at least 1 (the axis is logarithmic), health (null when missing),
#: revenue (0 when missing), id, name, needs attention
_SERIES = ", ".join(
    f"'{key}': {_points_json(expr)}"
    for key, expr in (
        ("x", "CASE WHEN isfinite(clv_12m) THEN greatest(clv_12m, 1.0) ELSE 1.0 END"),
        ("y", "CASE WHEN isfinite(health) THEN health END"),
        ("revenue", "CASE WHEN isfinite(revenue_12m) THEN revenue_12m ELSE 0.0 END"),
        ("ids", "account_id"),
        ("names", "coalesce(name, '')"),
        ("attention", "coalesce(needs_attention, false)"),
    )
)


def portfolio_chart_data(
    store: Store,
    as_of: dt.date,
    settings: Settings,
    filters: PortfolioFilter | None = None,
    *,
    labels: dict[str, str] | None = None,
    limit: int = 2000,
    rows: Rows | None = None,
) -> Chart:
    """The chart of the accounts that pass ``filters``: every account needing attention
    (up to ``limit``, the most valuable first), then a fixed sample of the rest (by a
    hash of the account id, so the same accounts stay drawn as filters change) up to
    ``limit`` points; ``labels`` names each level (``"unknown"`` included). The JSON is
    written by DuckDB (2,000 points through pandas and Python's json took a fifth of the
    page's time in the interpreter)."""
    filters = filters or PortfolioFilter()
    labels = labels or {}
    where, extra = filters.where()
    source = _source(store, as_of, settings, rows, "_portfolio_rows")
    # the order is the snapshot's chart_rank: a top-N over one integer
    found = store.con.execute(
        f"""WITH p AS (SELECT *, {NEEDS_ATTENTION} AS needs_attention FROM {source}
                       WHERE {where} ORDER BY chart_rank LIMIT {int(limit)})
            SELECT coalesce(level, 'unknown'), count(*), CAST(to_json({{{_SERIES}}}) AS VARCHAR)
            FROM p GROUP BY 1""",
        extra,
    ).fetchall()
    by_level = {str(level): (int(n), str(text)) for level, n, text in found}
    shown = sum(n for n, _ in by_level.values())
    if shown < limit:
        total = shown
    else:
        row = store.con.execute(f"SELECT count(*) FROM {source} WHERE {where}", extra).fetchone()
        total = int(row[0]) if row else 0
    series = [
        '{"label":'
        + json.dumps(labels.get(level, level), ensure_ascii=False)
        + ',"level":'
        + json.dumps(level)
        + ","
        + by_level[level][1][1:]  # the points' object without its opening brace
        for level in (*LEVELS, "unknown")
        if level in by_level
    ]
    sampled = shown < total
    text = (
        f'{{"sampled":{json.dumps(sampled)},"series":[{",".join(series)}],'
        f'"shown":{shown},"total":{total}}}'
    )
    return Chart(text, total, shown, sampled)
