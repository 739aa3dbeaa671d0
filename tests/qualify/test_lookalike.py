"""Look-alike potential on the hand-made portfolio (tests/qualify/world.py): exact
medians and spreads, and the back-off from segment+size+region to everyone."""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from goodwill.qualify.lookalike import (
    MIN_FIT,
    customer_values,
    lookalike_potential,
    size_band,
    size_elasticity,
)
from goodwill.store import Store
from tests.qualify.world import AS_OF, ESTABLISHED


@pytest.fixture
def customers(qualify_db: Path) -> pd.DataFrame:
    with Store.open(qualify_db) as store:
        return customer_values(store.con, AS_OF, 0.25)


def test_established_customers_and_their_yearly_margin(customers: pd.DataFrame) -> None:
    # D1 ordered last in 2023, R1 first ordered 200 days ago, the candidates are new
    assert sorted(customers.index) == sorted(ESTABLISHED)
    expected = {acc: float(v[3]) for acc, v in ESTABLISHED.items()}
    # E3's order has no margin: 25 % of 12,000; E1's order after AS_OF does not count
    assert customers["value"].to_dict() == pytest.approx(expected)


def _targets(*rows: tuple[str, str | None, float | None, str | None]) -> pd.DataFrame:
    return pd.DataFrame(
        [{"segment": s, "employees": e, "region": r} for _a, s, e, r in rows],
        index=[a for a, *_ in rows],
    )


def test_medians_spread_and_back_off(customers: pd.DataFrame) -> None:
    targets = _targets(
        ("noord", "Food", 20, "noord "),  # 5 alike: 1,000 .. 5,000
        ("zuid", "food", 30, "Zuid"),  # 2 in Zuid: segment and size, 7 alike
        ("groot", "food", 300, "Noord"),  # 1 alike of 250+: all 8 of food
        ("bouw", "bouw", 5, "Noord"),  # 2 of bouw: all 10 customers
        ("onbekend", "food", None, "Noord"),  # size unknown: segment
        ("leeg", None, None, None),  # nothing known: all
    )
    got = lookalike_potential(targets, customers, min_lookalikes=5)
    assert got.loc["noord"].to_dict() == {
        "potential": 3000.0, "potential_low": 2000.0, "potential_high": 4000.0,
        "lookalikes": 5, "grouping": "segment_size_region",
    }  # fmt: skip
    # 1,000 2,000 3,000 4,000 5,000 10,000 20,000
    assert got.loc["zuid"].to_dict() == {
        "potential": 4000.0, "potential_low": 2500.0, "potential_high": 7500.0,
        "lookalikes": 7, "grouping": "segment_size",
    }  # fmt: skip
    # ... and 50,000
    food = {"potential": 4500.0, "potential_low": 2750.0, "potential_high": 12500.0,
            "lookalikes": 8, "grouping": "segment"}  # fmt: skip
    assert got.loc["groot"].to_dict() == food
    assert got.loc["onbekend"].to_dict() == food
    # ... and 600, 800
    everyone = {"potential": 3500.0, "potential_low": 1250.0, "potential_high": 8750.0,
                "lookalikes": 10, "grouping": "all"}  # fmt: skip
    assert got.loc["bouw"].to_dict() == everyone
    assert got.loc["leeg"].to_dict() == everyone


def test_a_lower_minimum_keeps_the_finer_grouping(customers: pd.DataFrame) -> None:
    got = lookalike_potential(_targets(("zuid", "food", 20, "Zuid")), customers, 2)
    assert got.loc["zuid", "grouping"] == "segment_size_region"
    assert got.loc["zuid", "potential"] == 15000.0 and got.loc["zuid", "lookalikes"] == 2


def test_values_scaled_to_the_size_of_the_account() -> None:
    # value = 100 × employees ** 0.8 (food) and twice that (bouw): elasticity 0.8
    emp = np.array([2, 5, 8, 12, 20, 35, 60, 90, 150, 400] * 4, dtype=float)
    seg = ["food"] * 20 + ["bouw"] * 20
    customers = pd.DataFrame(
        {"segment": seg, "region": "Noord", "employees": emp,
         "value": 100 * emp**0.8 * np.where(np.array(seg) == "bouw", 2.0, 1.0)},
        index=[f"C{i}" for i in range(len(emp))],
    )  # fmt: skip
    assert size_elasticity(customers) == pytest.approx(0.8)
    targets = _targets(("f30", "food", 30, "Noord"), ("b7", "bouw", 7, "Zuid"),
                       ("f?", "food", None, "Noord"))  # fmt: skip
    got = lookalike_potential(targets, customers)
    # every look-alike scaled to 30 employees brings the same: the spread is nil
    assert got.loc["f30", "potential"] == pytest.approx(100 * 30**0.8)
    assert got.loc["f30", "potential_low"] == pytest.approx(100 * 30**0.8)
    assert got.loc["f30", "grouping"] == "segment_size_region"
    assert got.loc["b7", "potential"] == pytest.approx(200 * 7**0.8)  # segment and size
    # size not known: the plain median of the segment
    assert got.loc["f?", "potential"] == pytest.approx(customers["value"][:20].median())
    # too few customers to fit on, or told not to scale: unscaled medians
    assert size_elasticity(customers.iloc[: MIN_FIT - 1]) == 0.0
    plain = lookalike_potential(targets, customers, elasticity=0.0)
    band = customers[(customers["segment"] == "food") & (emp >= 10) & (emp < 50)]
    assert plain.loc["f30", "potential"] == pytest.approx(band["value"].median())


def test_no_customers_no_estimate() -> None:
    got = lookalike_potential(_targets(("x", "food", 20, "Noord")), pd.DataFrame(
        {"segment": [], "region": [], "employees": [], "value": []}))  # fmt: skip
    assert np.isnan(got.loc["x", "potential"])
    assert got.loc["x", "lookalikes"] == 0 and got.loc["x", "grouping"] == "none"


def test_size_bands() -> None:
    bands = size_band(pd.Series([1, 9, 10, 49, 50, 249, 250, 10_000, 0, None, "x"]))
    assert bands.tolist() == ["1-9", "1-9", "10-49", "10-49", "50-249", "50-249", "250+",
                              "250+", None, None, None]  # fmt: skip


def test_100k_accounts_in_seconds() -> None:
    rng = np.random.default_rng(13)
    n = 100_000

    def accounts(prefix: str) -> pd.DataFrame:
        return pd.DataFrame(
            {
                "segment": rng.choice(["food", "bouw", "industrie", None], n),
                "region": rng.choice([f"r{i}" for i in range(12)] + [None], n),
                "employees": rng.choice([3.0, 20.0, 100.0, 500.0, np.nan], n),
            },
            index=[f"{prefix}{i}" for i in range(n)],
        )

    customers = accounts("C").assign(value=rng.gamma(2.0, 1000.0, n))
    targets = accounts("P")
    start = time.perf_counter()
    got = lookalike_potential(targets, customers)
    assert time.perf_counter() - start < 10
    assert got["potential"].notna().all() and (got["lookalikes"] >= 5).all()
