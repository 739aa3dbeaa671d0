"""The account list in memory answers as the SQL of goodwill.dashboard.listing does: the
same rows and counts for every filter, sort, slice and scope."""

from __future__ import annotations

import random
from typing import Any

import pytest

from goodwill.dashboard.listing import LIST_SORTS, AccountQuery, account_list
from goodwill.dashboard.listing_index import listing_index
from goodwill.dashboard.portfolio import LEVELS, STATUSES, PortfolioFilter
from goodwill.web.kept import kept_listed_table
from goodwill.web.state import WebState


@pytest.fixture(scope="module")
def world(kept_state: WebState) -> Any:
    with kept_state.reading() as store:
        as_of = kept_state.latest_as_of(store)
        listed = kept_listed_table(kept_state, store, as_of)
        return kept_state, as_of, listed, listing_index(store, listed)


def test_the_list_is_the_sqls(world: Any) -> None:
    state, as_of, listed, index = world
    owners = sorted({r["owner"] for r in index.rows if r["owner"]})
    segments = sorted({r["segment"] for r in index.rows if r["segment"]})
    parents = sorted({r["parent_id"] for r in index.rows if r["parent_id"]})
    kinds = sorted({r["kind"] for r in index.rows if r["kind"]})
    assert len(kinds) > 1 and parents, "the test world should have prospects and groups"
    rng = random.Random(3)
    queries = [AccountQuery(), AccountQuery(needs_attention=False), AccountQuery(kind="prospect")]
    queries += [AccountQuery(scope=o) for o in owners]

    def some(values: list[Any], share: float = 0.25) -> Any:
        return rng.choice(values) if values and rng.random() < share else None

    for _ in range(150):
        queries.append(
            AccountQuery(
                filters=PortfolioFilter(
                    owner=some(owners),
                    segment=some(segments),
                    level=some(list(LEVELS)),
                    status=some(list(STATUSES)),
                    group=some(parents[:3], 0.1),
                    attention=rng.random() < 0.15,
                ),
                kind=some(kinds),
                needs_attention=some([True, False]),
                scope=some(owners, 0.2),
            )
        )
    rows = 0
    with state.reading() as store:
        for query in queries:
            sort, descending = rng.choice(list(LIST_SORTS)), rng.random() < 0.5
            offset, limit = rng.choice((0, 0, 7, 50)), rng.choice((5, 20, 100))
            want = account_list(
                store, as_of, state.settings, query, sort=sort, descending=descending,
                offset=offset, limit=limit, listed=listed,
            )  # fmt: skip
            got = index.accounts(
                query, sort=sort, descending=descending, offset=offset, limit=limit
            )
            assert got == want, (query, sort, descending, offset)
            rows += len(want[0])
    assert rows > 1000
    assert index.accounts(AccountQuery(text="bakker")) is None  # a search is SQL's
    with pytest.raises(ValueError):
        index.accounts(AccountQuery(), sort="nonsense")
