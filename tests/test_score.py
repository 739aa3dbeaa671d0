"""Scoring as of a date: snapshots, point-in-time correctness, the commands."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from goodwill.score import load_snapshot, score
from goodwill.settings import Settings
from goodwill.simulate import generate_world
from goodwill.store import Store

END = dt.date(2025, 6, 30)
AS_OF = dt.date(2025, 2, 28)


def _own_source() -> dict[str, str]:
    """PYTHONPATH kept, so the command runs this checkout's source (a worktree's), not
    the installed one, which may read an older store version."""
    return {k: v for k, v in os.environ.items() if k == "PYTHONPATH"}


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("world")
    generate_world(out, accounts=300, years=2.5, end=END, seed=11)
    return out


def _known_at(world: Path, target: Path, day: dt.date) -> None:
    """Copy ``world`` as a supplier's systems showed it at the end of ``day``: later rows
    absent, later outcomes (payments, responses, kept promises, departures) still empty."""
    target.mkdir()
    cut = pd.Timestamp(day) + pd.Timedelta(days=1)

    def read(name: str) -> pd.DataFrame:
        return pd.read_csv(world / f"{name}.csv", dtype=str, keep_default_na=False)

    def before(frame: pd.DataFrame, column: str) -> pd.Series:
        stamp = pd.to_datetime(frame[column].replace("", None))
        return stamp < cut

    def blank_after(frame: pd.DataFrame, *columns: str) -> None:
        for c in columns:
            late = pd.to_datetime(frame[c].replace("", None)) >= cut
            frame.loc[late.fillna(False), c] = ""

    accounts = read("accounts")
    accounts = accounts[before(accounts, "created_on").fillna(True)]
    tables = {
        "accounts": accounts,
        "contacts": read("contacts"),
        "orders": read("orders"),
        "invoices": read("invoices"),
        "interactions": read("interactions"),
        "complaints": read("complaints"),
        "promises": read("promises"),
        "quotes": read("quotes"),
    }
    first = {"orders": "ordered_on", "invoices": "issued_on", "interactions": "occurred_on",
             "complaints": "opened_on", "promises": "made_on", "quotes": "issued_on"}  # fmt: skip
    keep = set(accounts["account_id"])
    for name, frame in tables.items():
        if name != "accounts":
            frame = frame[frame["account_id"].isin(keep)]
        if name in first:
            frame = frame[before(frame, first[name])]
        if name == "contacts":
            frame = frame[before(frame, "started_on").fillna(True)]
        frame = frame.copy()
        blank_after(frame, *{
            "orders": ("confirmed_on", "delivered_on"),
            "invoices": ("paid_on",),
            "complaints": ("first_response_on", "resolved_on"),
            "promises": ("kept_on",),
            "contacts": ("left_on",),
        }.get(name, ()))  # fmt: skip
        if name == "invoices":
            frame.loc[frame["paid_on"] == "", "paid_amount"] = ""
        if name == "quotes":
            late = ~before(frame, "decided_on").fillna(True)
            frame.loc[late, ["status", "decided_on", "lost_to"]] = ["open", "", ""]
        if name == "complaints":
            frame = frame[~frame["order_id"].isin(set())]
        tables[name] = frame
    orders = set(tables["orders"]["order_id"])
    tables["complaints"] = tables["complaints"][
        (tables["complaints"]["order_id"] == "") | tables["complaints"]["order_id"].isin(orders)
    ]
    contacts = set(tables["contacts"]["contact_id"])
    tables["interactions"] = tables["interactions"][
        (tables["interactions"]["contact_id"] == "")
        | tables["interactions"]["contact_id"].isin(contacts)
    ]
    for name, frame in tables.items():
        frame.to_csv(target / f"{name}.csv", index=False)


def test_scoring_is_point_in_time(world: Path, tmp_path: Path) -> None:
    """Scoring the full history as of a date gives exactly what scoring the data as it
    was known on that date gives: later rows and later-filled outcomes change nothing."""
    then = tmp_path / "then"
    _known_at(world, then, AS_OF)
    with Store.open(tmp_path / "then.duckdb") as store:
        store.import_dir(then)
        past = score(store, AS_OF, settings=Settings.load())
        saved = load_snapshot(store, AS_OF)
    with Store.open(tmp_path / "now.duckdb") as store:
        store.import_dir(world)
        now = score(store, AS_OF, settings=Settings.load())
        recomputed = load_snapshot(store, AS_OF)
    pd.testing.assert_frame_equal(past.table, now.table, check_exact=True)
    assert past.reasons == now.reasons
    assert len(saved) == len(past.table) and saved["as_of"].iloc[0] == pd.Timestamp(AS_OF)
    pd.testing.assert_frame_equal(saved, recomputed, check_exact=True)


def test_rescoring_a_date_replaces_its_snapshot_and_keeps_history(
    world: Path, tmp_path: Path
) -> None:
    with Store.open(tmp_path / "s.duckdb") as store:
        store.import_dir(world)
        first = score(store, dt.date(2025, 1, 31), settings=Settings.load())
        second = score(store, AS_OF, settings=Settings.load())
        again = score(store, AS_OF, settings=Settings.load())
        runs = store.con.execute("SELECT as_of, accounts, imports, models FROM snapshot_runs").df()
        rows = store.con.execute(
            "SELECT as_of, count(*) FROM health_snapshots GROUP BY 1 ORDER BY 1"
        ).fetchall()
    assert rows == [(dt.date(2025, 1, 31), len(first.table)), (AS_OF, len(again.table))]
    assert len(second.table) == len(again.table)
    assert len(runs) == 2
    run = runs[runs["as_of"] == pd.Timestamp(AS_OF)].iloc[0]
    assert json.loads(run["imports"]) == list(range(1, 9))
    assert json.loads(run["models"])["purchase"]["params"]["r"] > 0
    assert set(second.table["trend"]) <= {"improving", "stable", "deteriorating", "new"}
    assert (second.table["trend"] != "new").any()
    pd.testing.assert_frame_equal(second.table, again.table)


def test_snapshot_values(world: Path, tmp_path: Path) -> None:
    with Store.open(tmp_path / "s.duckdb") as store:
        store.import_dir(world)
        snap = score(store, AS_OF, settings=Settings.load(), save=False)
    t = snap.table
    assert t["health"].between(0, 100).all()
    assert set(t["status"]) <= {"healthy", "watch", "at_risk"}
    assert t["p_alive"].between(0, 1).all()
    assert np.allclose(t["net_value"], t["clv_12m"] - t["cost_to_serve_12m"])
    assert (t["revenue_12m"] >= t["margin_12m"]).mean() > 0.9
    out = snap.export_frame("nl")
    assert list(out.columns[:6]) == ["account_id", "name", "owner", "segment", "health", "status"]
    flagged = out[out["status"] == "at_risk"]
    assert (flagged["top_reason"] != "").all()
    # the relationship profile rides along: level and response, each with its reason
    assert set(t["level"]) <= {"transactional", "fruitful", "growing_together"}
    assert set(t["responsiveness"]) <= {"responds", "indifferent", "not_enough_evidence"}
    assert (out["level_reason"] != "").all() and (out["responsiveness_reason"] != "").all()
    assert out["level_reason"].tolist() != snap.export_frame("en")["level_reason"].tolist()
    # so do payments, credit advice and trust
    assert t["payment_score"].dropna().between(0, 100).all()
    assert set(t["credit_advice"]) <= {"keep", "tighten", "prepayment"}
    assert t["trust_index"].between(0, 100).all()
    tight = out[out["credit_advice"] != "keep"]
    assert (tight["credit_reason"] != "").all()
    health_only = score_only(world, tmp_path)
    pd.testing.assert_series_equal(health_only["health"], t["health"])
    assert "level" not in health_only


def score_only(world: Path, tmp_path: Path) -> pd.DataFrame:
    with Store.open(tmp_path / "s.duckdb") as store:
        return score(store, AS_OF, settings=Settings.load(), save=False, profile=False).table


def test_saved_snapshot_holds_the_profile(world: Path, tmp_path: Path) -> None:
    with Store.open(tmp_path / "s.duckdb") as store:
        store.import_dir(world)
        snap = score(store, AS_OF, settings=Settings.load())
        saved = load_snapshot(store, AS_OF).set_index("account_id")
    assert (saved["level"] == snap.table["level"].reindex(saved.index)).all()
    assert (saved["responsiveness"] == snap.table["responsiveness"].reindex(saved.index)).all()
    profile = json.loads(saved["profile"].iloc[0])
    assert {"level", "breadth", "time_for_each_other", "response_effect"} <= set(profile)
    assert profile["level_reasons"] and profile["response_reasons"]
    assert saved["payment_score"].dropna().between(0, 100).all()
    assert (saved["credit_advice"] == snap.table["credit_advice"].reindex(saved.index)).all()
    conduct = json.loads(saved["conduct"].iloc[0])
    assert {"payment_score", "credit_advice", "trust_index", "days_beyond_terms_3m",
            "payment_reasons", "credit_reasons", "trust_reasons"} <= set(conduct)  # fmt: skip


def test_score_and_evaluate_commands(world: Path, tmp_path: Path) -> None:
    db = tmp_path / "s.duckdb"
    with Store.open(db) as store:
        store.import_dir(world)
    env = {"COLUMNS": "200", "PATH": "", "GOODWILL_LANG": "en", **_own_source()}
    out = subprocess.run(
        [sys.executable, "-m", "goodwill", "score", "--db", str(db), "--as-of", "2025-02-28",
         "--out", str(tmp_path / "snap.csv")],
        capture_output=True, text=True, env=env, timeout=300,
    )  # fmt: skip
    assert out.returncode == 0, out.stderr
    assert "customer accounts as of 2025-02-28" in out.stdout
    snap = pd.read_csv(tmp_path / "snap.csv")
    assert {"account_id", "health", "status", "p_alive", "revenue_12m", "clv_12m",
            "cost_to_serve_12m", "net_value", "top_reason", "level", "level_reason",
            "responsiveness", "responsiveness_reason", "payment_score", "credit_advice",
            "credit_reason", "trust_index"} <= set(snap.columns)  # fmt: skip
    ev = subprocess.run(
        [sys.executable, "-m", "goodwill", "evaluate", "--world", str(world), "--no-calibrate"],
        capture_output=True, text=True, env=env, timeout=600,
    )  # fmt: skip
    assert ev.returncode == 0, ev.stderr
    assert "ROC AUC" in ev.stdout and "oracle" in ev.stdout and "baseline" in ev.stdout
    assert "Relationship level as of" in ev.stdout and "Response to our attention" in ev.stdout
    assert "Payment score over" in ev.stdout and "Neglected new accounts" in ev.stdout
    assert "Qualification not measured: the world is shorter than the 4 years" in ev.stdout


def test_backtest_health_and_fit_on_own_history(world: Path, tmp_path: Path) -> None:
    db = tmp_path / "s.duckdb"
    with Store.open(db) as store:
        store.import_dir(world)
    env = {"COLUMNS": "200", "PATH": "", "GOODWILL_LANG": "en", **_own_source()}
    out = subprocess.run(
        [sys.executable, "-m", "goodwill", "backtest-health", "--db", str(db), "--fit"],
        capture_output=True, text=True, env=env, timeout=600,
    )  # fmt: skip
    assert out.returncode == 0, out.stderr
    assert "ROC AUC" in out.stdout and "fitted" in out.stdout
    fitted = Settings.load(tmp_path / "goodwill.toml")
    weights = fitted["health"]["weights"]
    assert abs(sum(weights.values()) - 100.0) < 0.1
    assert all(w >= 0 for w in weights.values())
    assert fitted["health"]["at_risk_below"] < fitted["health"]["watch_below"]
    with Store.open(db) as store:  # score picks up goodwill.toml beside the store
        snap = score(store, AS_OF, save=False)
    assert snap.settings.source.endswith("goodwill.toml")


def test_score_reports_its_steps(world: Path, tmp_path: Path) -> None:
    seen: list[tuple[str, float, float]] = []
    with Store.open(tmp_path / "s.duckdb") as store:
        store.import_dir(world)
        score(store, AS_OF, settings=Settings.load(), progress=lambda *a: seen.append(a))
    labels = [label for label, _, _ in seen]
    assert labels[:3] == [
        "value and health",
        "relationship level, response to our attention, service",
        "saving the snapshot",
    ]
    assert seen[-1][1] == seen[-1][2] == 3.0
    assert [done for _, done, _ in seen] == sorted(done for _, done, _ in seen)
