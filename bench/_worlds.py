"""Simulated worlds for the accuracy benchmarks, made once under bench/out/ and reused:
2,000 accounts × 3 years ending 2026-10-31, a seed, a preset and optional parameter
overrides (see docs/simulator.md), with a store they are imported into."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from goodwill.simulate.config import make_config
from goodwill.simulate.generate import simulate
from goodwill.simulate.writer import write_world
from goodwill.store import Store

END = dt.date(2026, 10, 31)


def cached_world(
    out: Path, seed: int, preset: str, overrides: dict[str, Any] | None = None
) -> tuple[Path, Path]:
    """The world's folder and its imported store (``<folder>.duckdb``), made if missing."""
    overrides = overrides or {}
    name = f"s{seed}-{preset}" + "".join(f"-{k}={v}" for k, v in sorted(overrides.items()))
    folder, db = out / name, out / f"{name}.duckdb"
    if not (folder / "truth" / "accounts.csv").exists():
        cfg = make_config(preset, accounts=2000, years=3.0, end=END, seed=seed, **overrides)
        write_world(simulate(cfg), folder)
        db.unlink(missing_ok=True)
    if not db.exists():
        out.mkdir(parents=True, exist_ok=True)
        with Store.open(db) as store:
            store.import_dir(folder)
    return folder, db
