"""Responsiveness on a hand-made portfolio whose effects are known: 30 accounts order
twice as often in the four weeks after our visits as otherwise, 30 order the same, one
is too young to tell."""

from __future__ import annotations

import copy
import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from goodwill.errors import GoodwillError
from goodwill.evaluate.responsiveness import evaluate_responsiveness, last_month_end
from goodwill.settings import Settings
from goodwill.signals.reasons import LABELS, TEMPLATES
from goodwill.signals.responsiveness import (
    COLUMNS,
    all_response_reasons,
    response_reasons,
    responsiveness,
)
from goodwill.store import Store

AS_OF = dt.date(2024, 12, 27)  # a Friday
WEEKS = 156
START = AS_OF - dt.timedelta(days=7 * WEEKS - 1)  # a Saturday: weeks run Saturday-Friday
RESPONSIVE = [f"R{i:02d}" for i in range(30)]
INDIFFERENT = [f"I{i:02d}" for i in range(30)]


def _write(folder: Path, name: str, header: str, rows: list[str]) -> None:
    (folder / f"{name}.csv").write_text(header + "\n" + "\n".join(rows) + "\n", encoding="utf-8")


def _visit_weeks(offset: int) -> list[int]:
    return list(range(offset % 8, WEEKS - 1, 8))


def _order_rows(account: str, rate: np.ndarray, rng: np.random.Generator) -> list[str]:
    rows = []
    for week, lam in enumerate(rate):
        k = min(int(rng.poisson(lam)), 5)
        for day in sorted(rng.choice(7, size=k, replace=False)):
            date = START + dt.timedelta(days=7 * week + int(day))
            rows.append(f"O{account}-{week}-{day},{account},{date},100")
    return rows


def _after(visits: list[int]) -> np.ndarray:
    after = np.zeros(WEEKS, dtype=bool)
    for v in visits:
        after[v + 1 : v + 5] = True
    return after


def _portfolio(
    folder: Path, *, flip: str | None = None, extra: list[str] | None = None
) -> tuple[list[str], list[str]]:
    """Write the portfolio; ``flip`` makes that indifferent account respond."""
    folder.mkdir(parents=True)
    accounts, orders, contacts = [], [], []
    for n, acc in enumerate(RESPONSIVE + INDIFFERENT):
        segment = "bouw" if n % 2 else "zorg"
        accounts.append(f"{acc},Account {acc},customer,{segment},2020-01-01")
        visits = _visit_weeks(n)
        factor = 2.0 if acc in RESPONSIVE or acc == flip else 1.0
        rate = np.where(_after(visits), factor, 1.0)
        orders += _order_rows(acc, rate, np.random.default_rng([11, n]))  # own stream
        contacts += [
            f"V{acc}-{w},{acc},{START + dt.timedelta(days=7 * w + 2)} 10:00,visit,outbound"
            for w in visits
        ]
    # a young account: created ten weeks ago, two visits, a few orders
    accounts.append(f"T,Thin,customer,bouw,{AS_OF - dt.timedelta(days=70)}")
    orders += [f"OT{k},T,{AS_OF - dt.timedelta(days=60 - 10 * k)},100" for k in range(5)]
    contacts += [f"VT{k},T,{AS_OF - dt.timedelta(days=50 - 20 * k)} 10:00,visit,outbound"
                 for k in range(2)]  # fmt: skip
    # created after the as-of date: not estimated
    accounts.append(f"N,New,customer,bouw,{AS_OF + dt.timedelta(days=3)}")
    orders += extra or []
    _write(folder, "accounts", "account_id,name,kind,segment,created_on", accounts)
    _write(folder, "orders", "order_id,account_id,ordered_on,amount", orders)
    _write(folder, "interactions", "interaction_id,account_id,occurred_on,channel,direction",
           contacts)  # fmt: skip
    return accounts, orders


def _store(tmp: Path, name: str, **kwargs: object) -> Store:
    _portfolio(tmp / name, **kwargs)  # type: ignore[arg-type]
    store = Store.open(tmp / f"{name}.duckdb")
    store.import_dir(tmp / name)
    return store


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> pd.DataFrame:
    tmp = tmp_path_factory.mktemp("resp")
    with _store(tmp, "base") as store:
        return responsiveness(store.con, AS_OF, Settings.load())


def test_every_customer_created_by_the_date_and_the_columns(base: pd.DataFrame) -> None:
    assert list(base.columns) == COLUMNS
    assert set(base.index) == set(RESPONSIVE + INDIFFERENT) | {"T"}  # not N: created later
    assert base.index.name == "account_id"
    assert set(base["response_label"]) <= {"responds", "indifferent", "not_enough_evidence"}
    row = base.loc["R00"]
    assert row["attention_visits"] == len(_visit_weeks(0))
    assert row["attention_12m"] == len([w for w in _visit_weeks(0) if w >= WEEKS - 52])
    assert row["response_weeks_after"] > 60 and row["response_weeks_other"] > 60
    assert row["response_rate_after"] > 1.5 * row["response_rate_other"]


def test_a_known_effect_is_recovered_within_its_interval(base: pd.DataFrame) -> None:
    truth = 1.0  # twice the order days after our visits: +100 %
    r = base.loc[RESPONSIVE]
    inside = (r["response_low"] <= truth) & (truth <= r["response_high"])
    assert inside.mean() >= 0.8
    assert (r["response_label"] == "responds").mean() >= 0.9
    assert r["response_effect"].median() == pytest.approx(truth, abs=0.3)
    assert (r["response_p_group"] > 0.9).all()


def test_indifferent_accounts_are_labelled_indifferent(base: pd.DataFrame) -> None:
    r = base.loc[INDIFFERENT]
    assert (r["response_label"] == "indifferent").mean() >= 0.8
    assert (r["response_label"] != "responds").all()
    assert ((r["response_low"] <= 0) & (r["response_high"] >= 0)).mean() >= 0.8
    assert r["response_effect"].abs().median() < 0.1


def test_a_thin_history_is_not_enough_evidence(base: pd.DataFrame) -> None:
    assert base.loc["T", "response_label"] == "not_enough_evidence"


def test_the_label_follows_the_accounts_own_history(base: pd.DataFrame, tmp_path: Path) -> None:
    target = next(a for a in INDIFFERENT if base.loc[a, "response_label"] == "indifferent")
    with _store(tmp_path, "flipped", flip=target) as store:
        flipped = responsiveness(store.con, AS_OF, Settings.load())
    assert flipped.loc[target, "response_label"] == "responds"
    # another account's history changed: the pooled prior moves a little, labels do not
    others = [a for a in RESPONSIVE + INDIFFERENT if a != target]
    same = (flipped.loc[others, "response_label"] == base.loc[others, "response_label"]).mean()
    assert same >= 0.95
    assert (
        flipped.loc[others, "response_effect"] - base.loc[others, "response_effect"]
    ).abs().max() < 0.1


def test_point_in_time(base: pd.DataFrame, tmp_path: Path) -> None:
    later = AS_OF + dt.timedelta(days=10)
    extra = [f"LATE{k},I03,{later},100" for k in range(3)]
    with _store(tmp_path, "later", extra=extra) as store:
        store.con.execute(
            "INSERT INTO interactions (interaction_id, account_id, occurred_on, channel, direction)"
            " VALUES ('LATEV', 'I03', $d, 'visit', 'outbound')",
            {"d": dt.datetime.combine(later, dt.time(10))},
        )
        again = responsiveness(store.con, AS_OF, Settings.load())
        earlier = responsiveness(store.con, AS_OF - dt.timedelta(days=365), Settings.load())
    pd.testing.assert_frame_equal(again, base)
    assert "T" not in earlier.index  # not yet created a year before
    assert earlier.loc["R00", "attention_visits"] < base.loc["R00", "attention_visits"]


def test_reasons_in_dutch_and_english(base: pd.DataFrame) -> None:
    reasons = all_response_reasons(base, Settings.load())
    assert set(reasons) == set(base.index)
    responds = response_reasons(base.loc["R00"], 4)[0]
    assert responds.code == "response_responds" and responds.signal == "responsiveness"
    en, nl = responds.text("en"), responds.text("nl")
    assert "weeks after our contacts" in en and "weken na ons contact" in nl
    assert str(responds.params["contacts"]) in en
    unknown = reasons["T"][0]
    assert unknown.code == "response_unknown"
    assert "not enough evidence" in unknown.text("en")
    assert "te weinig" in unknown.text("nl")
    indifferent = reasons["I00"][0]
    assert indifferent.code in ("response_indifferent", "response_indifferent_less")
    assert indifferent.text("nl") != indifferent.text("en")
    assert "responsiveness" in LABELS
    assert all(code in TEMPLATES for r in reasons.values() for code in [r[0].code])


def test_bad_settings_are_refused() -> None:
    data = copy.deepcopy(dict(Settings.load().data))
    data["responsiveness"]["interval"] = 1.5
    with pytest.raises(GoodwillError, match="interval"):
        responsiveness(None, AS_OF, Settings(data))  # type: ignore[arg-type]


def test_evaluation_against_a_truth(tmp_path: Path) -> None:
    truth = pd.DataFrame(
        {
            "account_id": RESPONSIVE + INDIFFERENT + ["T"],
            "responsive": [1] * len(RESPONSIVE) + [0] * len(INDIFFERENT) + [1],
        }
    )
    with _store(tmp_path, "eval") as store:
        ev = evaluate_responsiveness(store, truth, AS_OF)
    assert ev.n == 60  # T has less than a year
    assert ev.auc > 0.95
    assert ev.share_labelled >= 0.9
    assert ev.recall >= 0.9 and ev.precision == 1.0
    assert np.isnan(ev.oracle_auc) and ev.notes
    with pytest.raises(GoodwillError, match="responsive"):
        evaluate_responsiveness(store, truth.drop(columns="responsive"), AS_OF)


def test_last_month_end() -> None:
    assert last_month_end(dt.date(2026, 10, 30)) == dt.date(2026, 10, 31)
    assert last_month_end(dt.date(2026, 10, 12)) == dt.date(2026, 9, 30)
