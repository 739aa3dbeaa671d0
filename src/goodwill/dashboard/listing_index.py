"""The REST API's account list of one snapshot held in memory as arrays: the same answers
as :func:`~goodwill.dashboard.listing.account_list` (which stays the reference; the
tests hold the two to the same rows) for every query but a text search, from codes,
masks and orders made once — as :mod:`goodwill.dashboard.portfolio_index` does for the
portfolio page. Its two queries over the 50,000 accounts were most of the list's
time under load."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from goodwill.dashboard.coded import Coded, codes, equal, order_by, ranks
from goodwill.dashboard.listing import LIST_SORTS, AccountQuery
from goodwill.dashboard.portfolio import NEEDS_ATTENTION
from goodwill.dashboard.records import dict_rows
from goodwill.store import Store

#: the keys of a listed row, in order (what account_list gives)
LIST_COLUMNS = (
    "account_id", "name", "kind", "owner", "segment", "parent_id", "scored", "health",
    "status", "trend", "level", "responsiveness", "revenue_12m", "clv_12m", "net_value",
    "credit_advice", "payment_score", "needs_attention", "top_reason",
)  # fmt: skip
_CODED = ("owner", "segment", "level", "status", "kind")
#: LIST_SORTS' expressions are plain columns of the listed rows
_SORT_COLUMNS = dict(LIST_SORTS)


@dataclass
class ListingIndex:
    """Every account with the snapshot's figures, as :func:`listing_index` makes it."""

    rows: list[dict[str, Any]]
    columns: dict[str, list[Any]]
    codes: dict[str, Coded]
    group_id: Coded
    #: NEEDS_ATTENTION is true (unknown for an account not scored: not true)
    attention_true: np.ndarray
    id_rank: np.ndarray
    _orders: dict[tuple[str, bool], np.ndarray] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def mask(self, query: AccountQuery) -> np.ndarray:
        """The accounts that pass ``query`` (not its text search)."""
        f = query.filters
        keep = np.ones(len(self.rows), dtype=bool)
        for name, value in (
            ("owner", f.scope), ("owner", f.owner or None), ("segment", f.segment or None),
            ("level", f.level or None), ("status", f.status or None), ("kind", query.kind or None),
            ("owner", query.scope),
        ):  # fmt: skip
            if value is not None:
                keep &= equal(self.codes[name], value)
        if f.group:
            keep &= equal(self.group_id, f.group)
        if f.attention:
            keep &= self.attention_true
        if query.needs_attention is True:
            keep &= self.attention_true
        elif query.needs_attention is False:
            keep &= ~self.attention_true
        return keep

    def order(self, sort: str, descending: bool) -> np.ndarray:
        """Row positions by ``sort`` (NULLS LAST either way), then account id."""
        key = (sort, descending)
        found = self._orders.get(key)
        if found is None:
            found = order_by(self.columns[_SORT_COLUMNS[sort]], self.id_rank, descending)
            with self._lock:
                self._orders[key] = found
        return found

    def accounts(
        self,
        query: AccountQuery,
        *,
        sort: str = "id",
        descending: bool = False,
        offset: int = 0,
        limit: int = 50,
    ) -> tuple[list[dict[str, Any]], int] | None:
        """What :func:`~goodwill.dashboard.listing.account_list` gives; None for a text
        search (left to it)."""
        if query.text:
            return None
        if sort not in LIST_SORTS:
            raise ValueError(f"unknown sort {sort!r}; choose one of {', '.join(LIST_SORTS)}")
        keep = self.mask(query)
        order = self.order(sort, descending)
        start = max(0, int(offset))
        chosen = order[keep[order]][start : start + max(0, int(limit))]
        return [dict(self.rows[i]) for i in chosen.tolist()], int(np.count_nonzero(keep))


def listing_index(store: Store, listed: str) -> ListingIndex:
    """The index of the rows in ``listed`` (a kept table of
    :func:`~goodwill.dashboard.listing.listed_sql`)."""
    cursor = store.con.execute(
        f"""SELECT {", ".join(LIST_COLUMNS[:-2])}, coalesce({NEEDS_ATTENTION}, false)
                   AS needs_attention, top_reason, {NEEDS_ATTENTION} AS attention,
                   status_rank, level_rank
            FROM {listed}"""
    )
    every = dict_rows(cursor)
    names = list(every[0]) if every else [*LIST_COLUMNS, "attention", "status_rank", "level_rank"]
    columns = {n: [r[n] for r in every] for n in names}
    rows = [{k: r[k] for k in LIST_COLUMNS} for r in every]
    ids = columns["account_id"]
    attention = columns["attention"]
    index = ListingIndex(
        rows=rows,
        columns=columns,
        codes={n: codes(columns[n]) for n in _CODED},
        group_id=codes(
            [p if p is not None else a for p, a in zip(columns["parent_id"], ids, strict=True)]
        ),
        attention_true=np.array([a is True for a in attention], dtype=bool),
        id_rank=ranks(ids),
    )
    for sort in LIST_SORTS:  # every order now, not in the first requests that sort by it
        for descending in (False, True):
            index.order(sort, descending)
    return index
