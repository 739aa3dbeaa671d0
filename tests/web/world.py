"""The small simulated world behind the web and browser tests: 250 accounts imported,
scored on three month ends and planned for two weeks."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from goodwill.plan import plan_week
from goodwill.plan.saved import save_plan
from goodwill.score import score
from goodwill.settings import Settings
from goodwill.simulate import generate_world
from goodwill.store import Store

END = dt.date(2025, 6, 30)
#: the week after the data, and one three weeks before its end (reviewed as done or not)
WEEK, PAST_WEEK = "2025-W27", "2025-W24"


def build_world_store(out: Path) -> Path:
    """Simulate, import, score and plan the world under ``out``; the store's path."""
    generate_world(out / "world", accounts=250, years=1.5, end=END, seed=11)
    db = out / "web.duckdb"
    settings = Settings.load()
    with Store.open(db) as store:
        store.import_dir(out / "world")
        for day in (dt.date(2025, 4, 30), dt.date(2025, 5, 31)):
            score(store, day, settings=settings, profile=False)
        snapshot = score(store, END, settings=settings)
        for week in (PAST_WEEK, WEEK):
            save_plan(store, plan_week(store, week, settings, snapshot=snapshot, seed=1), settings)
    return db
