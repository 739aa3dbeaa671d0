"""Growth potential: share of wallet against look-alikes of the same segment and size, the
categories look-alikes buy and an account does not, and the top opportunities per owner."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from goodwill.qualify.growth import (
    comparable,
    growth_potential,
    missing_categories,
    named_categories,
    top_opportunities,
)
from goodwill.settings import Settings
from goodwill.store import Store
from tests.qualify.world import AS_OF, ESTABLISHED


def test_share_of_wallet_on_the_portfolio(qualify_db: Path) -> None:
    with Store.open(qualify_db) as store:
        growth, _missing = growth_potential(store.con, AS_OF, Settings.load())
    assert sorted(growth.index) == sorted(ESTABLISHED)
    # food / 10-49: E1..E7 (1,000 .. 5,000, 10,000, 20,000): the 75th percentile is 7,500
    e1 = growth.loc["E1"]
    assert (e1["wallet"], e1["growth"], e1["grouping"], e1["lookalikes"]) == (
        7500.0, 6500.0, "segment_size", 7,
    )  # fmt: skip
    assert e1["share_of_wallet"] == pytest.approx(1000 / 7500)
    assert growth.loc["E7", "share_of_wallet"] == 1.0 and growth.loc["E7", "growth"] == 0.0
    # food / 250+ has one account: all of food (8), 75th percentile 12,500
    assert growth.loc["E8", ["wallet", "grouping"]].tolist() == [12500.0, "segment"]
    # bouw has two: all ten customers, 75th percentile 8,750
    assert growth.loc["E9", ["wallet", "growth", "grouping"]].tolist() == [8750.0, 8150.0, "all"]


def test_missing_categories() -> None:
    customers = pd.DataFrame(
        {"segment": ["food"] * 4 + ["bouw"], "employees": [20, 20, 20, 20, 20]},
        index=["A", "B", "C", "D", "X"],
    )
    bought = pd.DataFrame(
        [("A", "pbm"), ("B", "pbm"), ("C", "pbm"), ("A", "gereedschap"), ("B", "gereedschap"),
         ("C", "schoonmaak"), ("X", "hout")],
        columns=["account_id", "category"],
    )  # fmt: skip
    got = missing_categories(customers, bought, share=0.5)
    # of four food accounts, 3 buy pbm and 2 gereedschap; schoonmaak (1) is not common
    assert [tuple(r) for r in got.itertuples(index=False)] == [
        ("C", "gereedschap", 0.5),
        ("D", "pbm", 0.75),
        ("D", "gereedschap", 0.5),
    ]


def test_top_opportunities_per_owner() -> None:
    growth = pd.DataFrame(
        {"owner": ["JDV", "JDV", "JDV", "PK", "PK"], "value": [1.0, 2.0, 3.0, 4.0, 5.0],
         "growth": [300.0, 100.0, 200.0, 0.0, 50.0]},
        index=["A", "B", "C", "D", "E"],
    )  # fmt: skip
    top = top_opportunities(growth, n=2)
    assert top.index.tolist() == ["A", "C", "E"]


def test_comparable_leaves_out_a_wallet_of_every_customer(qualify_db: Path) -> None:
    with Store.open(qualify_db) as store:
        growth, _ = growth_potential(store.con, AS_OF, Settings.load())
    kept = comparable(growth)
    # E9 and E10 (bouw, 5) have no segment of five: their wallet was every customer's
    assert set(growth.index) - set(kept.index) == {"E9", "E10"}
    assert (kept["grouping"] != "all").all()


def test_named_categories_keeps_the_first_of_each_account() -> None:
    missing = pd.DataFrame(
        [("A", "pbm", 0.9), ("A", "hout", 0.8), ("A", "verf", 0.7), ("B", "pbm", 0.6)],
        columns=["account_id", "category", "lookalike_share"],
    )
    assert named_categories(missing, 2) == {"A": ["pbm", "hout"], "B": ["pbm"]}
    assert named_categories(missing.iloc[:0]) == {}
