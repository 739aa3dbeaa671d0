"""The demo builds a store from a simulated world; the overview summarises any store."""

from __future__ import annotations

import datetime as dt
import os
import sys
from pathlib import Path

import pytest

from goodwill.demo import build_demo
from goodwill.errors import NotAStoreError
from goodwill.overview import portfolio_overview
from goodwill.store import Store

ROOT = Path(__file__).resolve().parents[1]


def test_demo_builds_a_store_and_replaces_its_own(tmp_path: Path) -> None:
    db = tmp_path / "demo.duckdb"
    result = build_demo(db, accounts=120, years=1.0, end=dt.date(2025, 6, 30), seed=3)
    assert result.end == dt.date(2025, 6, 30)
    assert {r.table for r in result.imports} >= {"accounts", "orders", "interactions"}
    with Store.open(db) as store:
        counts = store.counts()
        ov = portfolio_overview(store)
    assert counts["accounts"] == 120 and counts["orders"] > 0
    assert ov.as_of is not None and ov.as_of <= dt.date(2025, 6, 30)
    assert sum(n for _, n in ov.by_kind) == 120
    assert ov.largest and ov.largest[0][4] >= ov.largest[-1][4]
    assert sum(v for _, v, _, _ in ov.revenue_by_year) > 0
    again = build_demo(db, accounts=120, years=1.0, end=dt.date(2025, 6, 30), seed=3)
    assert [r.inserted for r in again.imports] == [r.inserted for r in result.imports]


def test_demo_never_overwrites_a_foreign_file(tmp_path: Path) -> None:
    db = tmp_path / "important.duckdb"
    db.write_text("my work")
    with pytest.raises(NotAStoreError):
        build_demo(db, accounts=50, years=0.5, seed=1)
    assert db.read_text() == "my work"


def test_demo_command_prints_the_overview(tmp_path: Path) -> None:
    import subprocess

    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "goodwill",
            "--lang",
            "nl",
            "demo",
            "--db",
            str(tmp_path / "d.duckdb"),
            "--accounts",
            "80",
            "--years",
            "1",
            "--no-serve",
        ],
        capture_output=True,
        text=True,
        # (PYTHONPATH kept: a worktree's tests run its own source, not the installed one)
        env={
            "COLUMNS": "160",
            "PATH": "",
            **{k: v for k, v in os.environ.items() if k == "PYTHONPATH"},
        },
        timeout=300,
    )
    assert out.returncode == 0, out.stderr
    assert "Relaties per soort" in out.stdout and "Grootste klanten" in out.stdout
    assert "Plan voor " in out.stdout and "Per accountmanager" in out.stdout  # next week
    assert "goodwill-admin" in out.stdout and "goodwill-manager" in out.stdout  # demo logins
    with Store.open(tmp_path / "d.duckdb") as store:
        users = dict(store.con.execute("SELECT name, role FROM users").fetchall())
        owners = store.con.execute(
            "SELECT DISTINCT lower(owner) FROM accounts WHERE kind = 'customer'"
        ).fetchall()
    assert users["admin"] == "admin" and users["manager"] == "manager"
    assert {o for (o,) in owners} <= {n for n, r in users.items() if r == "account-manager"}


def test_import_doc_lists_every_column() -> None:
    sys.path.insert(0, str(ROOT / "tools"))
    import schema_doc

    assert schema_doc.section(schema_doc.DOC.read_text(encoding="utf-8")) == schema_doc.render(), (
        "docs/import.md is out of date: run tools/schema_doc.py --write"
    )
