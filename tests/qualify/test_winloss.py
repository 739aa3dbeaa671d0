"""Win/loss on the hand-made quotes of tests/qualify/world.py."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest

from goodwill.errors import GoodwillError
from goodwill.qualify.winloss import top_competitors, win_loss
from goodwill.store import Store
from tests.qualify.world import AS_OF


def _rows(frame: pd.DataFrame) -> list[tuple[object, ...]]:
    return [tuple(None if v != v else v for v in row) for row in frame.itertuples(index=False)]


def test_by_competitor_segment_size_and_quarter(qualify_db: Path) -> None:
    with Store.open(qualify_db) as store:
        table = win_loss(store.con, AS_OF)
    # Q5 (decided after AS_OF), Q7 (open), Q8 (a supplier's) and the prospects'
    # undecided requests do not count
    assert _rows(table) == [
        ("Concurrent B", "food", "250+", "2025-Q2", 0, 1, 0.0, 5000.0, 0.0),
        ("Concurrent A", "food", "10-49", "2025-Q1", 0, 1, 0.0, 2000.0, 0.0),
        (None, "food", "10-49", "2025-Q1", 1, 1, 1000.0, 700.0, 0.5),
        ("Concurrent A", "bouw", "1-9", "2025-Q2", 0, 1, 0.0, 500.0, 0.0),
        (None, "food", "10-49", "2025-Q2", 1, 0, 1500.0, 0.0, 1.0),
    ]


def test_by_quarter_and_by_segment(qualify_db: Path) -> None:
    with Store.open(qualify_db) as store:
        quarters = win_loss(store.con, AS_OF, ("quarter",)).set_index("quarter")
        segments = win_loss(store.con, AS_OF, ("segment",)).set_index("segment")
        later = win_loss(store.con, dt.date(2025, 7, 31), ("quarter",)).set_index("quarter")
        since = win_loss(store.con, AS_OF, ("quarter",), since=dt.date(2025, 4, 1))
    assert quarters.loc["2025-Q1"].tolist() == [1, 2, 1000.0, 2700.0, pytest.approx(1 / 3)]
    assert quarters.loc["2025-Q2"].tolist() == [1, 2, 1500.0, 5500.0, pytest.approx(1 / 3)]
    assert segments.loc["food", ["won", "lost"]].tolist() == [2, 3]
    assert segments.loc["bouw", "win_rate"] == 0.0
    assert later.loc["2025-Q3"].tolist() == [1, 0, 3000.0, 0.0, 1.0]  # Q5, a month later
    assert since["quarter"].tolist() == ["2025-Q2"]


def test_the_competitors_that_take_most_value(qualify_db: Path) -> None:
    with Store.open(qualify_db) as store:
        top = top_competitors(store.con, AS_OF)
    # 8,200 lost in all, 700 of it to a competitor not named
    assert _rows(top) == [
        ("Concurrent B", 1, 5000.0, pytest.approx(5000 / 8200)),
        ("Concurrent A", 2, 2500.0, pytest.approx(2500 / 8200)),
    ]


def test_an_unknown_grouping_is_refused(qualify_db: Path) -> None:
    with Store.open(qualify_db) as store, pytest.raises(GoodwillError, match="choose from"):
        win_loss(store.con, AS_OF, ("owner",))  # type: ignore[arg-type]


def test_win_loss_of_one_owners_accounts(qualify_db: Path, tmp_path: Path) -> None:
    """An account manager's win/loss counts the quotes of their own accounts only."""
    import shutil

    db = tmp_path / "owned.duckdb"
    shutil.copy(qualify_db, db)
    with Store.open(db) as store:
        store.con.execute("UPDATE accounts SET owner = 'JDV' WHERE account_id IN ('E1', 'E2')")
        store.con.execute("UPDATE accounts SET owner = 'MK' WHERE account_id NOT IN ('E1', 'E2')")
        mine = win_loss(store.con, AS_OF, (), owner="JDV")
        top = top_competitors(store.con, AS_OF, owner="JDV")
        nobody = win_loss(store.con, AS_OF, (), owner="NOBODY")
        everyone = win_loss(store.con, AS_OF, ())
    assert _rows(mine) == [(1, 1, 1000.0, 2000.0, 0.5)]  # Q1 won, Q2 lost
    assert _rows(top) == [("Concurrent A", 1, 2000.0, 1.0)]
    assert _rows(nobody) == [(0, 0, 0.0, 0.0, None)]
    assert _rows(everyone) == [(2, 4, 2500.0, 8200.0, pytest.approx(2 / 6))]
