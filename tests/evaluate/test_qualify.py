"""Qualification against what happened: the three-year value on a hand-made store where
every euro is known, the dates and the evaluation profile, and the whole evaluation on a
small simulated world (sane, non-trivial figures)."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from goodwill.cli import context
from goodwill.cli.evaluate_qualify import print_qualification
from goodwill.evaluate.qualify import (
    MINIMUM,
    NEW,
    PROSPECT,
    QualifyEvaluation,
    as_of_dates,
    evaluate_qualification,
    evaluation_profile,
    three_year_value,
)
from goodwill.evaluate.truth import read_truth
from goodwill.settings import Settings
from goodwill.simulate import make_config, simulate, write_world
from goodwill.store import Store

AS_OF = dt.date(2024, 6, 30)
#: the last day of the three years after AS_OF
LAST = dt.date(2027, 6, 30)

ACCOUNTS = [
    # account_id, kind, region, created_on
    *[(f"E{i}", "customer", "Noord" if i < 4 else "Zuid", "2022-01-01") for i in range(1, 6)],
    ("N1", "customer", "Noord", "2024-06-01"),  # new: first order 20 days before AS_OF
    ("N2", "customer", "Zuid", "2024-04-01"),  # new, never orders again
    ("R1", "customer", "Noord", "2023-12-01"),  # first order 181 days before: not new
    ("P1", "customer", "Noord", "2024-01-01"),  # a prospect on AS_OF, converted after it
    ("P2", "prospect", "Noord", "2024-01-01"),  # never converts
]
ORDERS = [
    # order_id, account_id, ordered_on, amount, margin, is_test
    *[(f"O{i}a", f"E{i}", "2022-06-01", 1000, 100, "false") for i in range(1, 6)],
    *[(f"O{i}b", f"E{i}", "2024-03-01", 4000 * i, 1000 * i, "false") for i in range(1, 6)],
    ("N1a", "N1", "2024-06-10", 400, 100, "false"),  # before AS_OF: not counted
    ("N1b", "N1", "2024-07-01", 1000, 300, "false"),  # 300
    ("N1c", "N1", "2025-01-01", 2000, "", "false"),  # no margin: 25 % of 2,000 = 500
    ("N1d", "N1", "2025-02-01", 5000, 777, "true"),  # a test order: left out
    ("N1e", "N1", LAST.isoformat(), 100, 50, "false"),  # the last day counts: 50
    ("N1f", "N1", (LAST + dt.timedelta(days=1)).isoformat(), 9000, 999, "false"),  # after
    ("N2a", "N2", "2024-05-01", 300, 60, "false"),
    ("R1a", "R1", "2024-01-01", 500, 100, "false"),
    ("R1b", "R1", "2024-08-01", 500, 120, "false"),
    ("P1a", "P1", "2024-09-05", 800, 200, "false"),  # 200
]
TRUTH = pd.DataFrame(
    {
        "account_id": [a for a, *_ in ACCOUNTS if not a.startswith("E")],
        "converted_on": [None, None, None, "2024-09-01", None],
    }
)


@pytest.fixture(scope="module")
def store_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("qeval")
    data = folder / "data"
    data.mkdir()
    rows = [f"{a},Klant {a},{k},food,NL,{r},20,{c}" for a, k, r, c in ACCOUNTS]
    header = "account_id,name,kind,segment,country,region,employees,created_on"
    (data / "accounts.csv").write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    header = "order_id,account_id,ordered_on,amount,margin,is_test"
    rows = [",".join(map(str, o)) for o in ORDERS]
    (data / "orders.csv").write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    path = folder / "store.duckdb"
    with Store.open(path) as store:
        store.import_dir(data)
    return path


def test_three_year_value_counts_the_margin_after_the_date(store_path: Path) -> None:
    with Store.open(store_path) as store:
        value = three_year_value(store.con, AS_OF, 0.25)
    assert value["N1"] == pytest.approx(300 + 500 + 50)
    assert value["P1"] == pytest.approx(200)
    assert value["R1"] == pytest.approx(120)
    assert "N2" not in value.index and "E1" not in value.index


def test_new_accounts_and_converted_prospects_once_each(store_path: Path) -> None:
    settings = Settings.load()
    earlier = AS_OF - dt.timedelta(days=90)
    with Store.open(store_path) as store:
        ev = evaluate_qualification(store, settings, TRUTH, dates=[earlier, AS_OF])
        kinds = dict(store.con.execute("SELECT account_id, kind FROM accounts").fetchall())
    assert ev is not None
    t = ev.table.set_index("account_id")
    # N1 and N2 are new on AS_OF; P1 was a prospect on both dates, kept at the last one;
    # R1 is not new, P2 never became a customer, the established customers are neither
    assert sorted(t.index) == ["N1", "N2", "P1"]
    assert t.loc["N1", "value_3y"] == pytest.approx(850) and t.loc["N2", "value_3y"] == 0
    assert t.loc["P1", "value_3y"] == pytest.approx(200)
    assert t.loc["P1", "group"] == PROSPECT and t.loc["P1", "as_of"] == AS_OF
    assert (t.loc[["N1", "N2"], "group"] == NEW).all()
    # look-alikes of food / 10-49 / Noord (fewer than 5: food, 10-49): median 3,000
    assert t.loc["N1", "potential"] > 0 and ev.minimum[AS_OF] == pytest.approx(3000)
    assert set(t["advice_default"]) <= {"pursue", "serve_efficiently", "decline_politely"}
    # the conversion was undone: the store is as it was
    assert kinds["P1"] == "customer"


def test_dates_step_back_from_three_years_before_the_end() -> None:
    first, last = dt.date(2020, 1, 1), dt.date(2025, 1, 1)
    dates = as_of_dates(first, last, 90)
    assert dates[-1] == last - dt.timedelta(days=3 * 365)
    assert dates[0] >= first + dt.timedelta(days=365) > dates[0] - dt.timedelta(days=90)
    assert all((b - a).days == 90 for a, b in itertools.pairwise(dates))
    assert as_of_dates(first, dt.date(2023, 12, 30), 90) == []  # a day short of 4 years


def test_the_evaluation_profile_sets_a_minimum_and_half_the_regions() -> None:
    customers = pd.DataFrame(
        {
            "value": [1.0, 2.0, 3.0, 4.0, 100.0],
            "region": ["A", "A", " b", "B", "C"],
        }
    )
    profile = evaluation_profile(customers)
    assert profile.min_yearly_value_eur == 3.0
    # A and B hold 2 each: the first holds less than half, both hold more
    assert profile.regions == frozenset({"a", "b"})
    nothing = evaluation_profile(pd.DataFrame({"value": [1.0], "region": [None]}))
    assert nothing.regions == frozenset() and nothing.min_yearly_value_eur == 1.0


def test_the_figures_of_a_hand_made_table() -> None:
    advice = ["decline_politely"] * 2 + ["serve_efficiently", "pursue", "pursue"]
    table = pd.DataFrame(
        {
            "group": [NEW] * 6 + [PROSPECT],
            "potential": [1.0, 2.0, 3.0, 4.0, np.nan, 6.0, 1.0],
            "value_3y": [10.0, 30.0, 20.0, 40.0, 5.0, 0.0, 1.0],
            "advice_minimum": [*advice, "serve_efficiently", "pursue"],
        }
    )
    ev = QualifyEvaluation(table, [AS_OF], {AS_OF: 0.0})
    # ranks of the five with a potential: (1, 2, 3, 4, 5) against (2, 4, 3, 5, 1)
    assert ev.spearman() == pytest.approx(1 - 6 * (1 + 4 + 0 + 1 + 16) / (5 * 24))
    assert ev.n() == 6 and ev.n(PROSPECT) == 1 and np.isnan(ev.spearman(PROSPECT))
    stats = ev.by_advice(MINIMUM)
    assert stats["n"].tolist() == [2, 2, 2]
    assert ev.ratio() == pytest.approx(22.5 / 20) and ev.ratio(stat="median") == 22.5 / 20


@pytest.fixture
def restore_lang() -> Iterator[None]:
    """The CLI's language is process-wide: put it back after a test sets it."""
    before = dict(context._state)
    yield
    context._state.clear()
    context._state.update(before)


def test_a_short_world_says_so_in_one_line(restore_lang: None) -> None:
    context.set_lang("en")
    with context.console.capture() as out:
        print_qualification(None)
    text = " ".join(out.get().split())
    assert text.startswith("Qualification not measured: the world is shorter than the 4 years")


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_the_lines_evaluate_prints(
    simulated: QualifyEvaluation, lang: str, restore_lang: None
) -> None:
    context.set_lang(lang)
    with context.console.capture() as out:
        print_qualification(simulated)
    text = " ".join(out.get().split())
    n = simulated.n()
    if lang == "en":
        assert f"Spearman correlation of {simulated.spearman():.2f} over {n} new accounts" in text
        assert "decline politely" in text and "With the default strategy profile" in text
    else:
        assert f"Spearman-correlatie van {simulated.spearman():.2f} over {n} nieuwe klanten" in text
        assert "beleefd afwijzen" in text and "Met het standaard strategieprofiel" in text


@pytest.fixture(scope="module")
def simulated(tmp_path_factory: pytest.TempPathFactory) -> QualifyEvaluation:
    folder = tmp_path_factory.mktemp("qeval-world")
    config = make_config(accounts=1000, years=4.5, end=dt.date(2024, 12, 31), seed=5)
    write_world(simulate(config), folder / "world")
    truth, _latent = read_truth(folder / "world")
    with Store.open(folder / "store.duckdb") as store:
        store.import_dir(folder / "world")
        ev = evaluate_qualification(store, Settings.load(), truth)
    assert ev is not None
    return ev


def test_on_a_simulated_world_the_potential_ranks_the_value(simulated: QualifyEvaluation) -> None:
    ev = simulated
    assert len(ev.as_of) == 3 and ev.n() >= 40 and ev.n(PROSPECT) >= 10
    assert not ev.table.duplicated(subset=["group", "account_id"]).any()
    assert (ev.table["value_3y"] >= 0).all() and ev.table["value_3y"].gt(0).mean() > 0.8
    assert ev.spearman() > 0.3 and ev.spearman(PROSPECT) > 0.1
    stats = ev.by_advice(MINIMUM)
    assert (stats["n"] > 0).all()  # all three advice branches occur
    assert stats.loc["pursue", "mean"] > stats.loc["decline_politely", "mean"]
    assert ev.rows(NEW)["advice_default"].eq("pursue").mean() > 0.5
