"""The payments in memory answer as the SQL of goodwill.dashboard.payments does: the same
rows, counts and totals for every advice, owner, sort, page and scope."""

from __future__ import annotations

import itertools
import random
from typing import Any

import pytest

from goodwill.dashboard.payments import ADVICE, SORTS, payments_page, payments_slice
from goodwill.dashboard.payments_index import payments_index
from goodwill.web.kept import kept_payments_table
from goodwill.web.state import WebState
from tests.web.conftest import plain


@pytest.fixture(scope="module")
def world(kept_state: WebState) -> Any:
    with kept_state.reading() as store:
        as_of = kept_state.latest_as_of(store)
        table = kept_payments_table(kept_state, store, as_of)
        return kept_state, as_of, table, payments_index(store, table, as_of)


def test_pages_and_slices_are_the_sqls(world: Any) -> None:
    state, as_of, table, index = world
    owners = sorted({r.owner for r in index.rows if r.owner})
    assert len(index.rows) > 100 and len(owners) > 1
    rng = random.Random(4)
    rows = 0
    with state.reading() as store:
        for advice, owner, scope in itertools.product(
            (None, *ADVICE, "nonsense"), (None, owners[0], "NOBODY"), (None, *owners[:2])
        ):
            for sort, descending in itertools.product(SORTS, (False, True)):
                page, per_page = rng.choice((1, 2, 9)), rng.choice((5, 25))
                want = payments_page(
                    store, as_of, advice=advice, owner=owner, sort=sort, descending=descending,
                    page=page, per_page=per_page, rows=table, scope=scope,
                )  # fmt: skip
                got = index.page(
                    advice=advice, owner=owner, sort=sort, descending=descending, page=page,
                    per_page=per_page, scope=scope,
                )  # fmt: skip
                assert (got.total, got.page, got.by_advice) == (
                    want.total, want.page, want.by_advice,
                )  # fmt: skip
                assert got.open_amount == pytest.approx(want.open_amount, rel=1e-9)
                assert got.overdue_amount == pytest.approx(want.overdue_amount, rel=1e-9)
                assert [plain(r) for r in got.rows] == [plain(r) for r in want.rows]
                offset, limit = rng.choice((0, 3, 40)), rng.choice((10, 50))
                kwargs = {"advice": advice, "owner": owner, "scope": scope, "sort": sort,
                          "descending": descending, "offset": offset, "limit": limit}  # fmt: skip
                assert index.slice(**kwargs) == payments_slice(store, as_of, rows=table, **kwargs)
                rows += len(want.rows)
    assert rows > 1000
    with pytest.raises(ValueError):
        index.slice(sort="nonsense")
