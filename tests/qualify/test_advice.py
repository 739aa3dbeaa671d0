"""Qualification on the hand-made portfolio of tests/qualify/world.py: every advice
branch, the buyer's test, the capacity, the reasons in Dutch and English."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import pytest

from goodwill.i18n import catalog
from goodwill.qualify.advice import Qualification, qualify
from goodwill.qualify.profile import StrategyProfile
from goodwill.settings import Settings
from goodwill.signals.reasons import TEMPLATES
from goodwill.store import Store
from tests.qualify.world import AS_OF, CANDIDATES, EXPECTED, PROFILE


def _qualify(
    db: Path, profile: StrategyProfile | None = PROFILE, as_of: dt.date = AS_OF
) -> Qualification:
    with Store.open(db) as store:
        return qualify(store.con, as_of, Settings.load(), profile)


@pytest.fixture(scope="module")
def result(qualify_db: Path) -> Qualification:
    return _qualify(qualify_db)


def _codes(result: Qualification, acc: str) -> list[str]:
    return [r.code for r in result.reasons[acc]]


def test_who_is_qualified(result: Qualification) -> None:
    # prospects and customers whose first order is at most 90 days old; not LATER
    # (created after AS_OF), R1 (200 days), the established customers or the supplier
    assert sorted(result.table.index) == sorted(CANDIDATES)
    assert result.small_first_order == 1000.0  # 25th percentile of 50, 60, 1,000 ×12, 5,000
    assert result.buyer_test_potential == 3500.0  # the median established customer


@pytest.mark.parametrize("acc", sorted(EXPECTED))
def test_every_advice_branch(result: Qualification, acc: str) -> None:
    assert result.table.loc[acc, "advice"] == EXPECTED[acc]


def test_pursue_fits_with_high_potential(result: Qualification) -> None:
    row = result.table.loc["P_PURSUE"]
    assert row["fits"] and row["potential"] == 4000.0 and row["effort_points"] == 0
    assert _codes(result, "P_PURSUE") == [
        "qualify_potential_high", "qualify_fits", "qualify_lookalike_segment_size",
    ]  # fmt: skip


def test_serve_efficiently_branches(result: Qualification) -> None:
    t = result.table
    # fits, potential below the minimum (3,000 < 3,200), no effort
    assert t.loc["P_SERVE_LOW", "fits"] and not t.loc["P_SERVE_LOW", "potential_ok"]
    assert _codes(result, "P_SERVE_LOW")[0] == "qualify_potential_low"
    # high potential, but not our segment
    assert _codes(result, "P_SERVE_MISFIT")[:2] == ["qualify_segment_no",
                                                    "qualify_potential_high"]  # fmt: skip
    assert result.reasons["P_SERVE_MISFIT"][0].params == {"segment": "bouw"}
    # a region outside the targets: a misfit and effort
    assert not t.loc["P_FAR", "fit_region"] and t.loc["P_FAR", "effort_points"] == 1
    assert _codes(result, "P_FAR")[0] == "qualify_region_no"
    # segment not known
    assert _codes(result, "P_UNKNOWN")[0] == "qualify_segment_unknown"
    # a small first order from an account of low potential: effort, not a buyer's test
    assert not t.loc["N_SMALL", "buyer_test"] and t.loc["N_SMALL", "effort_points"] == 1
    assert "qualify_small_first_order" in _codes(result, "N_SMALL")


def test_many_quotes_weigh_only_against_low_potential(result: Qualification) -> None:
    t = result.table
    # fits with high potential and asked 4 quotes, accepting none: worth the effort
    assert t.loc["P_PURSUE_QUOTES", "quotes_many"] and t.loc["P_PURSUE_QUOTES", "potential_ok"]
    assert t.loc["P_PURSUE_QUOTES", "effort_points"] == 0
    assert _codes(result, "P_PURSUE_QUOTES")[0] == "qualify_potential_high"
    assert "qualify_quotes_many" in _codes(result, "P_PURSUE_QUOTES")
    # the same from an account of low potential is high effort (see the decline below)
    assert t.loc["P_DECLINE_EFFORT", "effort_points"] == 2


def test_decline_politely_branches(result: Qualification) -> None:
    assert _codes(result, "P_DECLINE_MISFIT")[:2] == ["qualify_country_no",
                                                      "qualify_potential_low"]  # fmt: skip
    assert result.table.loc["P_DECLINE_EFFORT", "effort_high"]
    assert _codes(result, "P_DECLINE_EFFORT")[:2] == ["qualify_potential_low",
                                                      "qualify_quotes_many"]  # fmt: skip
    assert result.reasons["P_DECLINE_EFFORT"][1].params == {"n": 3, "won": 0}


def test_a_small_first_order_with_high_potential_is_a_buyers_test(result: Qualification) -> None:
    t = result.table
    assert t.index[t["buyer_test"]].tolist() == ["N_TEST"]
    assert t.loc["N_TEST", "first_order"] == dt.date(2025, 5, 1)
    first = result.reasons["N_TEST"][0]
    assert first.code == "qualify_buyer_test" and first.params == {"amount": 50, "pct": 25.0}
    assert not t.loc["N_BIG", "buyer_test"]  # a large first order is no test


def test_size_criteria(qualify_db: Path) -> None:
    narrow = StrategyProfile(employees_min=25, employees_max=250)
    t = _qualify(qualify_db, narrow)
    codes = {acc: _codes(t, acc) for acc in ("P_PURSUE", "P_PURSUE_QUOTES")}
    assert "qualify_size_small" in codes["P_PURSUE"]
    assert "qualify_size_large" in codes["P_PURSUE_QUOTES"]
    small = next(r for r in t.reasons["P_PURSUE"] if r.code == "qualify_size_small")
    assert small.params == {"employees": 20, "min": 25}


def test_the_default_profile_lets_everything_fit(qualify_db: Path) -> None:
    t = _qualify(qualify_db, None).table
    assert t["fits"].all() and t["potential_ok"].all()
    # without a minimum every potential is high: no effort holds an account back
    assert (t["advice"] == "pursue").all() and (t["effort_points"] == 0).all()


def test_capacity_goes_to_buyers_tests_first_then_potential(qualify_db: Path) -> None:
    profile = dataclasses.replace(PROFILE, new_accounts_per_quarter=1)
    result = _qualify(qualify_db, profile)
    t = result.table
    assert t.index[t["advice"] == "pursue"].tolist() == ["N_TEST"]
    assert t.loc[["N_BIG", "P_PURSUE"], "advice"].tolist() == ["serve_efficiently"] * 2
    assert result.reasons["P_PURSUE"][0].code == "qualify_capacity"
    assert result.reasons["P_PURSUE"][0].params == {"capacity": 1}


def test_nothing_after_the_as_of_date(qualify_db: Path) -> None:
    # a month before the new accounts' first orders they were not yet customers
    t = _qualify(qualify_db, as_of=dt.date(2025, 4, 1)).table
    assert not t.index.isin(["N_TEST", "N_SMALL", "N_BIG"]).any()


def test_every_reason_reads_in_dutch_and_english(result: Qualification) -> None:
    nl = catalog("nl")
    codes = [c for c in TEMPLATES if c.startswith("qualify_")]
    assert len(codes) == 22
    for code in codes:
        assert nl.get(TEMPLATES[code]), f"no Dutch text for {code}"
        assert nl[TEMPLATES[code]] != TEMPLATES[code]
    for reasons in result.reasons.values():
        for reason in reasons:
            assert reason.code in codes
            english, dutch = reason.text("en"), reason.text("nl")
            assert english and dutch and english != dutch and "{" not in dutch
    assert result.reasons["P_PURSUE"][0].text("nl") == (
        "7 vergelijkbare klanten brengen mediaan €4.000 per jaar op (de helft €2.500 tot "
        "€7.500), minstens ons minimum van €3.200"
    )
    # a new account: its one order day of €12.50 margin weighs little against the 7
    # look-alikes' €4,000 (so few customers say little about how they differ: a = c = 30)
    assert result.reasons["N_TEST"][1].text("nl") == (
        "1 orderdag(en) in de 60 dagen sinds de eerste order, gewogen met 7 vergelijkbare "
        "klanten (mediaan €4.000 per jaar): ongeveer €3.850 per jaar (€3.356 tot €4.298), "
        "minstens ons minimum van €3.200"
    )
