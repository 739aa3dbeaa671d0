"""The portfolio index in memory answers as the SQL of goodwill.dashboard.portfolio does:
the same page rows, counts, groups and chart for every filter, sort, page and scope."""

from __future__ import annotations

import itertools
import json
import random
from typing import Any

import pytest

from goodwill.dashboard.portfolio import (
    LEVELS,
    SORTS,
    STATUSES,
    PortfolioFilter,
    account_groups,
    portfolio_chart_data,
    portfolio_page,
)
from goodwill.dashboard.portfolio_index import portfolio_index
from goodwill.settings import Settings
from goodwill.web.kept import kept_group_table, kept_portfolio_table
from goodwill.web.state import WebState
from tests.web.conftest import plain


def _close(a: Any, b: Any) -> bool:
    if isinstance(a, float) and isinstance(b, float):
        return a == pytest.approx(b, rel=1e-9, abs=1e-9)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_close(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_close(a[k], b[k]) for k in a)
    return bool(a == b)


@pytest.fixture(scope="module")
def world(kept_state: WebState) -> Any:
    state = kept_state
    with state.reading() as store:
        as_of = state.latest_as_of(store)
        assert as_of is not None
        table = kept_portfolio_table(state, store, as_of)
        grouped = kept_group_table(state, store, as_of)
        index = portfolio_index(store, table, as_of)
    owners = sorted({r.owner for r in index.rows if r.owner})
    segments = sorted({r.segment for r in index.rows if r.segment})
    parents = sorted({r.parent_id for r in index.rows if r.parent_id})
    return state, as_of, table, grouped, index, owners, segments, parents


def _filters(owners: list[str], segments: list[str], parents: list[str]) -> list[PortfolioFilter]:
    rng = random.Random(5)
    out = [PortfolioFilter(), PortfolioFilter(attention=True), PortfolioFilter(owner="NOBODY")]
    out += [PortfolioFilter(scope=o) for o in owners]
    out += [PortfolioFilter(group=p) for p in parents[:5]]
    for _ in range(60):
        out.append(
            PortfolioFilter(
                scope=rng.choice([None, None, *owners]),
                owner=rng.choice([None, None, *owners]),
                segment=rng.choice([None, *segments]),
                level=rng.choice([None, *LEVELS]),
                status=rng.choice([None, *STATUSES]),
                group=rng.choice([None] * 8 + parents[:3]),
                attention=rng.random() < 0.3,
            )
        )
    return out


def test_pages_and_counts_are_the_sqls(world: Any) -> None:
    state, as_of, table, _, index, owners, segments, parents = world
    settings = Settings.load()
    rng = random.Random(9)
    checked = 0
    with state.reading() as store:
        for filters in _filters(owners, segments, parents):
            for sort, descending in itertools.product(SORTS, (False, True)):
                if rng.random() < 0.7:
                    continue
                page, per_page = rng.choice((1, 2, 3, 99)), rng.choice((5, 25))
                want = portfolio_page(
                    store, as_of, settings, filters, sort=sort, descending=descending,
                    page=page, per_page=per_page, rows=table,
                )  # fmt: skip
                got = index.page(
                    filters, sort=sort, descending=descending, page=page, per_page=per_page
                )
                assert (got.total, got.page, got.attention) == (
                    want.total, want.page, want.attention,
                ), (filters, sort)  # fmt: skip
                assert [plain(r) for r in got.rows] == [plain(r) for r in want.rows], (
                    filters, sort, descending, page,
                )  # fmt: skip
                checked += len(got.rows)
    assert checked > 500


def test_groups_are_the_sqls(world: Any) -> None:
    state, as_of, _, grouped, index, owners, segments, parents = world
    settings = Settings.load()
    found_some = False
    with state.reading() as store:
        for filters in _filters(owners, segments, parents):
            want, n_want = account_groups(store, as_of, settings, filters, grouped=grouped)
            got, n_got = index.groups(filters)
            assert n_got == n_want, filters
            assert _close([list(g) for g in got], [list(g) for g in want]), filters
            assert [g._fields for g in got[:1]] == [g._fields for g in want[:1]]
            found_some = found_some or bool(got)
    assert found_some, "the test world should have groups"


def test_the_chart_is_the_sqls(world: Any) -> None:
    state, as_of, table, _, index, owners, segments, parents = world
    settings = Settings.load()
    labels = {"transactional": "transactioneel", "unknown": "onbekend <?>"}
    with state.reading() as store:
        for filters in _filters(owners, segments, parents):
            for limit in (10, 2000):
                want = portfolio_chart_data(
                    store, as_of, settings, filters, labels=labels, limit=limit, rows=table
                )
                got = index.chart(filters, labels=labels, limit=limit)
                assert (got.total, got.shown, got.sampled) == (
                    want.total, want.shown, want.sampled,
                )  # fmt: skip
                assert _close(json.loads(got.json), json.loads(want.json)), (filters, limit)
