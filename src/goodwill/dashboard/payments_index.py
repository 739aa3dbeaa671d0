"""The payments and credit of one snapshot held in memory as arrays: the same answers as
:func:`~goodwill.dashboard.payments.payments_page` and
:func:`~goodwill.dashboard.payments.payments_slice` (which stay the reference; the tests
hold the two to the same rows), from codes, masks and orders made once — as
:mod:`goodwill.dashboard.portfolio_index` does for the portfolio. The page's three
queries were most of its 31 ms under one client."""

from __future__ import annotations

import datetime as dt
import math
import threading
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from goodwill.dashboard.coded import Coded, codes, equal, order_by_keys, ranks
from goodwill.dashboard.payments import ADVICE, SORTS, PaymentsPage, _first
from goodwill.dashboard.records import records
from goodwill.store import Store


@dataclass
class PaymentsIndex:
    """The snapshot's payments rows, as :func:`payments_index` makes it."""

    as_of: dt.date
    rows: list[Any]
    columns: dict[str, list[Any]]
    owner: Coded
    advice: Coded
    open_amount: np.ndarray
    overdue_amount: np.ndarray
    id_rank: np.ndarray
    _orders: dict[tuple[str, bool], np.ndarray] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def mask(self, advice: str | None, owner: str | None, scope: str | None) -> np.ndarray:
        """The rows for an advice and an owner, of the owner ``scope`` when given."""
        keep = np.ones(len(self.rows), dtype=bool)
        if advice in ADVICE:
            keep &= equal(self.advice, advice)
        if owner:
            keep &= equal(self.owner, owner)
        if scope is not None:
            keep &= equal(self.owner, scope)
        return keep

    def order(self, sort: str, descending: bool) -> np.ndarray:
        """Row positions by ``sort``, then the most money open, then account id."""
        key = (sort, descending)
        found = self._orders.get(key)
        if found is None:
            found = order_by_keys(
                [(self.columns[SORTS[sort]], descending), (self.columns["open_amount"], True)],
                self.id_rank,
            )
            with self._lock:
                self._orders[key] = found
        return found

    def _chosen(
        self,
        advice: str | None,
        owner: str | None,
        scope: str | None,
        sort: str,
        descending: bool,
        start: int,
        stop: int,
    ) -> tuple[list[int], int]:
        keep = self.mask(advice, owner, scope)
        order = self.order(sort, descending)
        return order[keep[order]][start:stop].tolist(), int(np.count_nonzero(keep))

    def page(
        self,
        *,
        advice: str | None = None,
        owner: str | None = None,
        sort: str = "advice",
        descending: bool = False,
        page: int = 1,
        per_page: int = 25,
        scope: str | None = None,
    ) -> PaymentsPage:
        """What :func:`~goodwill.dashboard.payments.payments_page` gives."""
        sort = sort if sort in SORTS else "advice"
        per_page = max(1, min(int(per_page), 200))
        total = int(np.count_nonzero(self.mask(advice, owner, scope)))
        page = max(1, min(int(page), max(1, math.ceil(total / per_page))))
        chosen, _ = self._chosen(
            advice, owner, scope, sort, descending, (page - 1) * per_page, page * per_page
        )
        shown = [
            self.rows[i]._replace(
                reason=_first(self.rows[i].credit_reasons, self.rows[i].payment_reasons)
            )
            for i in chosen
        ]
        scoped = self.mask(None, None, scope)
        return PaymentsPage(
            as_of=self.as_of,
            rows=shown,
            total=total,
            page=page,
            per_page=per_page,
            sort=sort,
            descending=descending,
            by_advice={a: int(np.count_nonzero(scoped & equal(self.advice, a))) for a in ADVICE},
            open_amount=float(np.nansum(self.open_amount[scoped])),
            overdue_amount=float(np.nansum(self.overdue_amount[scoped])),
        )

    def slice(
        self,
        *,
        advice: str | None = None,
        owner: str | None = None,
        scope: str | None = None,
        sort: str = "advice",
        descending: bool = False,
        offset: int = 0,
        limit: int = 50,
    ) -> tuple[list[dict[str, Any]], int]:
        """What :func:`~goodwill.dashboard.payments.payments_slice` gives."""
        if sort not in SORTS:
            raise ValueError(f"unknown sort {sort!r}; choose one of {', '.join(SORTS)}")
        start = max(0, int(offset))
        chosen, total = self._chosen(
            advice, owner, scope, sort, descending, start, start + max(0, int(limit))
        )
        names = [n for n in self.rows[0]._fields if n != "reason"] if self.rows else []
        return [{n: getattr(self.rows[i], n) for n in names} for i in chosen], total


def payments_index(store: Store, table: str, as_of: dt.date) -> PaymentsIndex:
    """The index of the rows in ``table`` (a kept table of
    :func:`~goodwill.dashboard.payments.payments_rows`) as of ``as_of``."""
    every = records(store.con.execute(f"SELECT *, NULL AS reason FROM {table}"))
    names = every[0]._fields if every else ()
    columns = {n: [getattr(r, n) for r in every] for n in names}

    def amounts(name: str) -> np.ndarray:
        return np.array(
            [np.nan if v is None else float(v) for v in columns.get(name, [])], dtype=float
        )

    index = PaymentsIndex(
        as_of=as_of,
        rows=every,
        columns=columns,
        owner=codes(columns.get("owner", [])),
        advice=codes(columns.get("credit_advice", [])),
        open_amount=amounts("open_amount"),
        overdue_amount=amounts("overdue_amount"),
        id_rank=ranks(columns.get("account_id", [])),
    )
    if every:
        for sort in SORTS:  # every order now, not in the first requests that sort by it
            for descending in (False, True):
                index.order(sort, descending)
    return index
