"""A small simulated world, imported and scored once per test session; tests that
write to a store (a saved plan, another snapshot) work on a copy."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from goodwill.score import score
from goodwill.settings import Settings
from goodwill.simulate import generate_world
from goodwill.store import Store

END = dt.date(2025, 6, 30)
#: the week after the data: the report's default week
WEEK = "2025-W27"


@pytest.fixture(scope="session")
def scored_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A 300-account world over 2.5 years, scored as of its last day (and never written
    to again)."""
    out = tmp_path_factory.mktemp("report")
    generate_world(out / "world", accounts=300, years=2.5, end=END, seed=5)
    with Store.open(out / "w.duckdb") as store:
        store.import_dir(out / "world")
        score(store, END, settings=Settings.load())
    return out / "w.duckdb"


@pytest.fixture
def scored_copy(scored_db: Path, tmp_path: Path) -> Path:
    """A copy of the scored store that a test may change."""
    target = tmp_path / "copy.duckdb"
    shutil.copyfile(scored_db, target)
    return target
