"""Relationship level and success factors on hand-made accounts whose answers are known."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from goodwill.settings import Settings
from goodwill.signals.level import COLUMNS, LEVELS, level_reasons, relationship_levels
from goodwill.signals.level_model import LevelModel, _monotone, fit_levels
from goodwill.store import Store

AS_OF = dt.date(2024, 11, 29)
START = dt.date(2022, 12, 5)


def _write(folder: Path, name: str, header: str, rows: list[str]) -> None:
    (folder / f"{name}.csv").write_text(header + "\n" + "\n".join(rows) + "\n", encoding="utf-8")


def _story(acc: str, meetings_per_year: int, references: int, joint: int) -> list[str]:
    """Two years of monthly sales calls, plus meetings without agenda, references and
    joint projects spread over each year."""
    rows = []
    for month in range(24):
        day = START + dt.timedelta(days=30 * month)
        rows.append(f"{acc}s{month},{acc},{day},call,inbound,sales")
    for year in range(2):
        base = START + dt.timedelta(days=365 * year + 3)
        n = 0
        for k in range(meetings_per_year):
            n += 1
            day = base + dt.timedelta(days=(360 * k) // max(meetings_per_year, 1))
            rows.append(f"{acc}m{year}{n},{acc},{day},meeting,outbound,relationship")
        for k in range(references):
            n += 1
            day = base + dt.timedelta(days=40 + 90 * k)
            rows.append(f"{acc}r{year}{n},{acc},{day},call,outbound,reference")
        for k in range(joint):
            n += 1
            day = base + dt.timedelta(days=70 + 100 * k)
            rows.append(f"{acc}j{year}{n},{acc},{day},visit,outbound,joint_project")
    return rows


def _portfolio(folder: Path, extra: list[str] | None = None) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    trans = [f"T{i:02d}" for i in range(24)]
    fruit = [f"F{i:02d}" for i in range(12)]
    grow = [f"G{i}" for i in range(5)]
    accounts = [f"{a},Account {a},customer," for a in trans + fruit + grow + ["N"]]
    accounts.append("Y,Young One,customer,2024-06-01")
    _write(folder, "accounts", "account_id,name,kind,created_on", accounts)
    rows = []
    for i, a in enumerate(trans):
        rows += _story(a, i % 2, 0, 0)
    for a in fruit:
        rows += _story(a, 4, 2, 0)
    for a in grow:
        rows += _story(a, 10, 2, 3)
    rows += [f"Y{k},Y,2024-{7 + k:02d}-10,call,inbound,sales" for k in range(4)]
    rows += extra or []
    header = "interaction_id,account_id,occurred_on,channel,direction,purpose"
    _write(folder, "interactions", header, rows)
    _write(
        folder,
        "contacts",
        "contact_id,account_id,role,started_on,left_on",
        ["c1,F00,buyer,2022-01-01,", "c2,F00,director,2022-01-01,", "c3,F00,buyer,2023-01-01,",
         "c4,F00,engineer,2022-01-01,2024-06-01", "c5,F00,planner,2025-01-01,"],
    )  # fmt: skip
    _write(
        folder,
        "promises",
        "promise_id,account_id,made_on,due_on,kept_on",
        ["p1,F00,2024-03-01,2024-03-10,2024-03-09", "p2,F00,2024-05-01,2024-05-10,2024-05-20",
         "p3,F00,2024-11-01,2024-12-20,", "p4,F00,2023-01-01,2023-01-10,"],
    )  # fmt: skip
    _write(
        folder,
        "complaints",
        "complaint_id,account_id,opened_on,first_response_on",
        ["k1,F00,2024-10-01 08:00,2024-10-01 20:00", "k2,F00,2024-10-08 08:00,2024-10-09 20:00",
         "k3,F00,2024-10-15 08:00,2024-10-16 08:00"],
    )  # fmt: skip
    return folder


def _levels(tmp_path: Path, folder: Path, as_of: dt.date = AS_OF) -> pd.DataFrame:
    with Store.open(tmp_path / f"{folder.name}.duckdb") as store:
        if store.count("interactions") == 0:
            store.import_dir(folder)
        return relationship_levels(store.con, as_of, Settings.load())


@pytest.fixture(scope="module")
def levels(tmp_path_factory: pytest.TempPathFactory) -> pd.DataFrame:
    tmp = tmp_path_factory.mktemp("level")
    return _levels(tmp, _portfolio(tmp / "data"))


def test_each_hand_made_level(levels: pd.DataFrame) -> None:
    assert list(levels.columns) == list(COLUMNS)
    assert set(levels["level_method"]) == {"model"}
    lv = levels["level"]
    assert (lv[[f"T{i:02d}" for i in range(24)]] == "transactional").all()
    assert (lv[[f"F{i:02d}" for i in range(12)]] == "fruitful").all()
    assert (lv[[f"G{i}" for i in range(5)]] == "growing_together").all()
    assert lv["N"] == "transactional" and levels.loc["N", "contact_moments"] == 0


def test_evidence_and_change(levels: pd.DataFrame) -> None:
    g = levels.loc["G0"]
    assert g["joint_projects"] == 3 and g["no_agenda_meetings"] == 10 and g["meetings"] == 10
    assert g["references"] == 2 and g["contact_moments"] - (10 + 2 + 3) in (11, 12, 13)
    assert g["level_year_ago"] == "growing_together" and g["level_change"] == "same"
    assert str(g["example_1"]).endswith("joint_project") or "relationship" in g["example_1"]
    assert levels.loc["Y", "level_change"] == "new" and levels.loc["Y", "level_year_ago"] is None


def test_success_factors(levels: pd.DataFrame) -> None:
    f = levels.loc["F00"]
    # a sales call every 30 days, 4 meetings without agenda, 2 references: 6 beyond selling
    assert f["time_for_each_other"] == pytest.approx(6 / f["contact_moments"])
    # p1 kept on time, p2 late; p3 not yet due, p4 outside the 12 months
    assert f["care_promises_due"] == 2 and f["care_promises_kept_share"] == pytest.approx(0.5)
    assert f["care_response_hours"] == pytest.approx(24.0)  # median of 12, 36, 24
    assert f["breadth"] == 2  # buyer and director; the engineer left, the planner starts later
    assert levels.loc["T00", "time_for_each_other"] == 0.0
    assert pd.isna(levels.loc["N", "time_for_each_other"])
    assert pd.isna(levels.loc["T00", "care_promises_kept_share"])


def test_point_in_time(tmp_path: Path, levels: pd.DataFrame) -> None:
    later = [f"X{k},T00,2025-0{k + 1}-10,meeting,outbound,joint_project" for k in range(5)]
    later += [f"Z{k},F00,2025-0{k + 1}-12,call,inbound,sales" for k in range(5)]
    again = _levels(tmp_path, _portfolio(tmp_path / "later", later))
    pd.testing.assert_frame_equal(again, levels)


def test_reasons_in_both_languages(levels: pd.DataFrame) -> None:
    reasons = level_reasons(levels)
    g = reasons["G0"][0]
    assert g.code == "level_growing_together"
    assert g.text("en") == (
        "growing together: 3 joint project(s) and 10 meeting(s) without agenda in the last "
        "12 months"
    )
    assert g.text("nl").startswith("groeien samen: 3 gezamenlijk(e) project(en)")
    for account in ("T00", "F00", "N"):
        first = reasons[account][0]
        assert first.text("en") != first.text("nl")
    assert reasons["N"][0].code == "level_no_contact"


def test_small_portfolio_uses_the_rule(tmp_path: Path) -> None:
    folder = tmp_path / "small"
    folder.mkdir()
    _write(folder, "accounts", "account_id,name", ["A,A", "B,B", "C,C"])
    rows = _story("A", 0, 0, 0) + _story("B", 2, 1, 0) + _story("C", 6, 0, 1)
    _write(
        folder,
        "interactions",
        "interaction_id,account_id,occurred_on,channel,direction,purpose",
        rows,
    )
    out = _levels(tmp_path, folder)
    assert set(out["level_method"]) == {"rule"}
    assert out["level"].to_dict() == {
        "A": "transactional",
        "B": "fruitful",
        "C": "growing_together",
    }


def test_no_interactions_is_neutral(tmp_path: Path) -> None:
    folder = tmp_path / "quiet"
    folder.mkdir()
    _write(folder, "accounts", "account_id,name", ["A,A", "B,B"])
    _write(folder, "orders", "order_id,account_id,ordered_on,amount", ["o1,A,2024-01-02,10"])
    out = _levels(tmp_path, folder)
    assert (out["level"] == "transactional").all()
    assert (out["contact_moments"] == 0).all() and (out["level_change"] == "new").all()
    assert {r[0].code for r in level_reasons(out).values()} == {"level_no_contact"}


def _synthetic(seed: int, n: int = 3000) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Accounts drawn from a known three-class model: purposes Dirichlet-multinomial
    around each class's mix, meetings Poisson."""
    rng = np.random.default_rng(seed)
    truth = rng.choice(3, size=n, p=[0.6, 0.3, 0.1])
    mixes = np.array([[0.6, 0.3, 0.05, 0.05], [0.5, 0.25, 0.15, 0.1], [0.4, 0.2, 0.2, 0.2]])
    own = np.array([rng.dirichlet(20.0 * mixes[k]) for k in truth])
    total = rng.poisson(25.0, n) + 1
    x = np.array([rng.multinomial(t, p) for t, p in zip(total, own, strict=True)], dtype=float)
    e = rng.uniform(0.3, 1.0, n)
    m = rng.poisson(e * np.array([1.0, 5.0, 14.0])[truth]).astype(float)
    return x, m, e, truth


def test_model_recovers_known_classes() -> None:
    x, m, e, truth = _synthetic(1)
    depth = np.array([False, False, True, True])
    model = fit_levels(x, m, e, depth, iterations=300)
    assert model.mu == pytest.approx([1.0, 5.0, 14.0], rel=0.25)
    assert model.weights == pytest.approx([0.6, 0.3, 0.1], abs=0.06)
    assert model.concentration == pytest.approx([20.0, 20.0, 20.0], rel=0.5)
    post = model.posterior(x, m, e)
    assert post.sum(axis=1) == pytest.approx(np.ones(len(m)))
    evidence = model.log_likelihood(x, m, e)
    assert (evidence.argmax(axis=1) == truth).mean() > 0.8
    # deterministic
    again = fit_levels(x, m, e, depth, iterations=300)
    assert np.array_equal(again.theta, model.theta) and np.array_equal(again.mu, model.mu)


def test_equal_levels_and_fit_accounts(tmp_path: Path, levels: pd.DataFrame) -> None:
    folder = _portfolio(tmp_path / "data")
    for text in ("equal_levels = false", "fit_accounts = 20"):
        (tmp_path / "s.toml").write_text(f"[level]\n{text}\n", encoding="utf-8")
        with Store.open(tmp_path / "same.duckdb") as store:
            if store.count("interactions") == 0:
                store.import_dir(folder)
            out = relationship_levels(store.con, AS_OF, Settings.load(tmp_path / "s.toml"))
        # the hand-made levels are clear enough for either decision and a partial fit
        pd.testing.assert_series_equal(out["level"], levels["level"])
        if text.startswith("equal"):
            probs = out[[f"p_{name}" for name in LEVELS]].to_numpy()
            assert (np.array(LEVELS)[probs.argmax(axis=1)] == out["level"]).all()


def test_fits_deepening_in_both_come_first() -> None:
    depth = np.array([False, True])
    theta = np.array([[0.9, 0.1], [0.6, 0.4], [0.7, 0.3]])
    model = LevelModel(np.full(3, 1 / 3), theta, np.full(3, 10.0), np.array([1.0, 2.0, 5.0]))
    assert not _monotone(model, depth)  # the middle class is the deepest in purposes
    deep = LevelModel(model.weights, theta[[0, 2, 1]], model.concentration, model.mu)
    assert _monotone(deep, depth)


def test_without_meetings_the_depth_share_orders() -> None:
    x, _, e, _ = _synthetic(2)
    depth = np.array([False, False, True, True])
    model = fit_levels(x, np.zeros(len(e)), e, depth, iterations=300)
    share = model.theta[:, 2:].sum(axis=1)
    assert (np.diff(share) > 0).all()
