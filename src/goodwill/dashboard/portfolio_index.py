"""The portfolio of one snapshot held in memory as arrays, for a server that shows it
again and again: the same answers as :func:`~goodwill.dashboard.portfolio.portfolio_page`,
:func:`~goodwill.dashboard.portfolio.account_groups` and
:func:`~goodwill.dashboard.portfolio.portfolio_chart_data` (which stay the reference;
the tests hold the two to the same rows), from boolean masks and orders made once.

Under 20 concurrent clients on two cores, the portfolio page's four DuckDB queries over
the 50,000 rows took about 30 ms of CPU per page — more than everything else the page
does — although each filter is an equality on a handful of columns and each order
one of ten. Here a filter is a comparison of small integer codes, a sort an index
made once per key, a page a slice, and the chart's JSON a join of strings written once.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import threading
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from goodwill.dashboard.coded import Coded, codes, equal, order_by, ranks
from goodwill.dashboard.portfolio import (
    LEVELS,
    MAX_PER_PAGE,
    SORTS,
    Attention,
    Chart,
    PortfolioFilter,
    PortfolioPage,
    _top_reason,
)
from goodwill.dashboard.records import records, row_type
from goodwill.store import Store

#: what a page row holds, in order (the columns portfolio_page selects)
PAGE_COLUMNS = (
    "account_id", "name", "owner", "segment", "parent_id", "group_name", "health", "status",
    "trend", "level", "responsiveness", "revenue_12m", "clv_12m", "net_value",
    "credit_advice", "payment_score", "needs_attention", "top_reason",
)  # fmt: skip
#: the sort keys' columns (SORTS gives SQL expressions over them)
_SORT_COLUMNS = {
    "name": "name", "owner": "owner", "segment": "segment", "group": "group_name",
    "health": "health", "status": "status_rank", "level": "level_rank",
    "revenue": "revenue_12m", "value": "clv_12m", "net_value": "net_value",
}  # fmt: skip
#: the columns filters compare, as codes
_CODED = ("owner", "segment", "level", "status")


def _number(value: Any) -> float | None:
    return None if value is None or value != value else float(value)


def _json_number(value: float) -> str:
    return json.dumps(value)


@dataclass
class PortfolioIndex:
    """One snapshot's portfolio rows in chart order, with what filtering, sorting,
    counting, grouping and drawing them takes. Made by :func:`portfolio_index`."""

    as_of: dt.date
    #: per account, in chart order: the row a page shows (top_reason as JSON text)
    rows: list[Any]
    columns: dict[str, list[Any]]
    codes: dict[str, Coded]
    #: coalesce(parent_id, account_id), coded
    group_id: Coded
    attention: np.ndarray
    at_risk: np.ndarray
    watch: np.ndarray
    credit: np.ndarray
    neglected: np.ndarray
    #: rows that can belong to a group (a parent, or an account with one)
    grouped: np.ndarray
    #: rows with a parent
    has_parent: np.ndarray
    #: health, revenue_12m, clv_12m, net_value as floats (NaN for missing)
    numbers: dict[str, np.ndarray]
    #: each row's place among the account ids in order
    id_rank: np.ndarray
    #: per group code: its id, its name (the parent's, else its id) and its place among
    #: the group ids in order
    group_ids: list[str]
    group_names: list[str]
    group_rank: np.ndarray
    #: per row: the code of the group it is the parent of (-1: none)
    own_group: np.ndarray
    #: per account: the chart point's values as JSON text
    points: dict[str, np.ndarray]
    _orders: dict[tuple[str, bool, str | None], np.ndarray] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    # -- filters ---------------------------------------------------------------------
    def mask(self, filters: PortfolioFilter) -> np.ndarray:
        """The accounts that pass ``filters`` (as :meth:`PortfolioFilter.where`)."""
        keep = np.ones(len(self.rows), dtype=bool)
        wanted = [("owner", filters.scope)] + [(n, getattr(filters, n) or None) for n in _CODED]
        for name, value in wanted:
            if value is not None:
                keep &= equal(self.codes[name], value)
        if filters.group:
            keep &= equal(self.group_id, filters.group)
        if filters.attention:
            keep &= self.attention
        return keep

    # -- the table ---------------------------------------------------------------------
    def order(self, sort: str, descending: bool, scope: str | None = None) -> np.ndarray:
        """Row positions ordered by ``sort`` (NULLS LAST either way), then account id;
        by group, an account manager's rows sort by the groups they see."""
        scope = scope if sort == "group" else None
        key = (sort, descending, scope)
        found = self._orders.get(key)
        if found is None:
            values = self.columns[_SORT_COLUMNS[sort]]
            if scope is not None:
                owners = self.columns["group_owner"]
                values = [v if o == scope else None for v, o in zip(values, owners, strict=True)]
            found = order_by(values, self.id_rank, descending)
            with self._lock:
                self._orders[key] = found
        return found

    def page(
        self,
        filters: PortfolioFilter,
        *,
        sort: str = "health",
        descending: bool = False,
        page: int = 1,
        per_page: int = 25,
        choices: dict[str, list[str]] | None = None,
    ) -> PortfolioPage:
        """What :func:`~goodwill.dashboard.portfolio.portfolio_page` gives."""
        sort = sort if sort in SORTS else "health"
        per_page = max(1, min(int(per_page), MAX_PER_PAGE))
        keep = self.mask(filters)
        n = int(np.count_nonzero(keep))
        attention = Attention(
            n,
            int(np.count_nonzero(keep & self.at_risk)),
            int(np.count_nonzero(keep & self.watch)),
            int(np.count_nonzero(keep & self.credit)),
            int(np.count_nonzero(keep & self.neglected)),
            int(np.count_nonzero(keep & self.attention)),
        )
        pages = max(1, math.ceil(n / per_page))
        page = max(1, min(int(page), pages))
        order = self.order(sort, descending, filters.scope)
        chosen = order[keep[order]][(page - 1) * per_page : page * per_page]
        shown = [self._shown(int(i), filters.scope) for i in chosen]
        return PortfolioPage(
            as_of=self.as_of,
            rows=shown,
            total=n,
            page=page,
            per_page=per_page,
            sort=sort,
            descending=descending,
            attention=attention,
            choices=choices or {},
        )

    def _shown(self, i: int, scope: str | None) -> Any:
        row = self.rows[i]
        row = row._replace(top_reason=_top_reason(row.top_reason))
        if scope is not None and self.columns["group_owner"][i] != scope:
            row = row._replace(parent_id=None, group_name=None)
        return row

    # -- the groups --------------------------------------------------------------------
    def groups(self, filters: PortfolioFilter, *, limit: int = 20) -> tuple[list[Any], int]:
        """What :func:`~goodwill.dashboard.portfolio.account_groups` gives."""
        at = np.flatnonzero(self.mask(filters) & self.grouped)
        n = len(self.group_id[1])
        member = self.group_id[0][at]
        members = np.bincount(member, minlength=n)
        has_parent = np.bincount(member, weights=self.has_parent[at], minlength=n) > 0
        attention = np.bincount(member, weights=self.attention[at], minlength=n)
        sums = {}
        for col in ("revenue_12m", "clv_12m", "net_value"):
            v = self.numbers[col][at]
            known = ~np.isnan(v)
            total = np.bincount(member[known], weights=v[known], minlength=n)
            counted = np.bincount(member[known], minlength=n)
            sums[col] = np.where(counted > 0, total, np.nan)
        lowest = np.full(n, np.inf)
        h = self.numbers["health"][at]
        known = ~np.isnan(h)
        np.minimum.at(lowest, member[known], h[known])
        lowest[np.isinf(lowest)] = np.nan
        chosen = (members > 1) | has_parent
        if filters.scope is not None:
            own_codes = self.own_group[self.grouped & self.owned(filters.scope)]
            own = np.zeros(n, dtype=bool)
            own[own_codes[own_codes >= 0]] = True  # the groups whose parent they own
            chosen &= own
        picked = np.flatnonzero(chosen)
        revenue = sums["revenue_12m"][picked]
        order = np.lexsort((self.group_rank[picked], -np.nan_to_num(revenue), np.isnan(revenue)))
        group_row = row_type(_GROUP_COLUMNS)
        out = [
            group_row(
                self.group_ids[g],
                self.group_names[g],
                int(members[g]),
                _number(sums["revenue_12m"][g]),
                _number(sums["clv_12m"][g]),
                _number(sums["net_value"][g]),
                _number(lowest[g]),
                int(attention[g]),
                len(picked),
            )
            for g in picked[order][: int(limit)].tolist()
        ]
        return out, len(picked)

    def owned(self, owner: str) -> np.ndarray:
        """The rows of ``owner``."""
        return equal(self.codes["owner"], owner)

    # -- the chart ---------------------------------------------------------------------
    def chart(
        self, filters: PortfolioFilter, *, labels: dict[str, str] | None = None, limit: int = 2000
    ) -> Chart:
        """What :func:`~goodwill.dashboard.portfolio.portfolio_chart_data` gives."""
        labels = labels or {}
        keep = self.mask(filters)
        total = int(np.count_nonzero(keep))
        drawn = np.flatnonzero(keep)[: int(limit)]
        level_codes, level_table = self.codes["level"]
        series = []
        for level in (*LEVELS, "unknown"):
            code = -1 if level == "unknown" else level_table.get(level)
            if code is None:
                continue
            at = drawn[level_codes[drawn] == code]
            if not len(at):
                continue
            parts = ",".join(
                f'"{key}":[{",".join(self.points[key][at].tolist())}]'
                for key in ("x", "y", "revenue", "ids", "names", "attention")
            )
            series.append(
                f'{{"label":{json.dumps(labels.get(level, level), ensure_ascii=False)},'
                f'"level":{json.dumps(level)},{parts}}}'
            )
        shown = len(drawn)
        sampled = shown < total
        text = (
            f'{{"sampled":{json.dumps(sampled)},"series":[{",".join(series)}],'
            f'"shown":{shown},"total":{total}}}'
        )
        return Chart(text, total, shown, sampled)


#: a group's row (the columns account_groups gives)
_GROUP_COLUMNS = (
    "group_id", "name", "members", "revenue_12m", "clv_12m", "net_value", "lowest_health",
    "needing_attention", "n_groups",
)  # fmt: skip


def portfolio_index(store: Store, table: str, as_of: dt.date) -> PortfolioIndex:
    """The index of the portfolio rows in ``table`` (a kept table of
    :func:`~goodwill.dashboard.portfolio.portfolio_rows`) as of ``as_of``."""
    from goodwill.dashboard.portfolio import NEEDS_ATTENTION

    cursor = store.con.execute(
        f"""SELECT {", ".join(PAGE_COLUMNS[:-2])}, coalesce({NEEDS_ATTENTION}, false)
                   AS needs_attention, top_reason, group_owner, status_rank, level_rank,
                   status = 'at_risk' AND NOT dormant AS at_risk_alive,
                   status = 'watch' AND NOT dormant AS watch_alive,
                   coalesce(credit_advice IN ('tighten', 'prepayment'), false) AS credit_flag,
                   coalesce(service_neglected, false) AS neglected_flag,
                   parent_id IS NOT NULL
                   OR account_id IN (SELECT parent_id FROM {table}) AS can_group
            FROM {table} ORDER BY chart_rank"""
    )
    every = records(cursor)
    names = every[0]._fields if every else ()
    columns = {n: [getattr(r, n) for r in every] for n in names}
    for col in ("health", "revenue_12m", "clv_12m", "net_value"):
        if col in columns:
            columns[col] = [_number(v) for v in columns[col]]

    def flag(name: str) -> np.ndarray:
        return np.array([bool(v) for v in columns.get(name, [])], dtype=bool)

    page_row = row_type(PAGE_COLUMNS)
    rows = [page_row._make(getattr(r, c) for c in PAGE_COLUMNS) for r in every]
    ids = columns.get("account_id", [])
    parents = columns.get("parent_id", [])
    clv, health, revenue = (columns.get(c, []) for c in ("clv_12m", "health", "revenue_12m"))
    points = {
        "x": [_json_number(max(v, 1.0)) if _finite(v) else "1.0" for v in clv],
        "y": [_json_number(v) if _finite(v) else "null" for v in health],
        "revenue": [_json_number(v) if _finite(v) else "0.0" for v in revenue],
        "ids": [json.dumps(str(v), ensure_ascii=False) for v in ids],
        "names": [json.dumps(v or "", ensure_ascii=False) for v in columns.get("name", [])],
        "attention": ["true" if v else "false" for v in columns.get("needs_attention", [])],
    }
    group_codes, group_table = codes(
        [p if p is not None else a for p, a in zip(parents, ids, strict=True)]
    )
    name_of = dict(zip(ids, columns.get("name", []), strict=True))
    group_ids = list(group_table)
    index = PortfolioIndex(
        as_of=as_of,
        rows=rows,
        columns=columns,
        codes={n: codes(columns.get(n, [])) for n in _CODED},
        group_id=(group_codes, group_table),
        attention=flag("needs_attention"),
        at_risk=flag("at_risk_alive"),
        watch=flag("watch_alive"),
        credit=flag("credit_flag"),
        neglected=flag("neglected_flag"),
        grouped=flag("can_group"),
        has_parent=np.array([p is not None for p in parents], dtype=bool),
        numbers={
            c: np.array([np.nan if v is None else v for v in columns.get(c, [])], dtype=float)
            for c in ("health", "revenue_12m", "clv_12m", "net_value")
        },
        id_rank=ranks(ids),
        group_ids=[str(g) for g in group_ids],
        group_names=[str(name_of.get(g) or g) for g in group_ids],
        group_rank=ranks(group_ids),
        own_group=np.array([group_table.get(a, -1) for a in ids], dtype=np.int64),
        points={k: np.array(v, dtype=object) for k, v in points.items()},
    )
    for sort in SORTS:  # every order now, not in the first requests that sort by it
        for descending in (False, True):
            index.order(sort, descending)
    return index


def _finite(value: Any) -> bool:
    return value is not None and math.isfinite(value)
