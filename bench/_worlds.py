"""Simulated worlds for the accuracy benchmarks, made once under bench/out/ and reused:
2,000 accounts × 3 years ending 2026-10-31, a seed, a preset and optional parameter
overrides (see docs/simulator.md), with a store they are imported into."""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path
from typing import Any

from goodwill.simulate.config import make_config
from goodwill.simulate.generate import Policy, simulate
from goodwill.simulate.writer import write_world
from goodwill.store import Store

END = dt.date(2026, 10, 31)
#: where the accuracy benchmarks keep their worlds (shared: the same seed is one world)
WORLDS = Path("bench/out/worlds")


def simulator_version() -> str:
    """A short hash of the simulator's source: a changed simulator makes new worlds."""
    root = Path(simulate.__code__.co_filename).parent
    digest = hashlib.sha256()
    for path in sorted(root.glob("*.py")):
        digest.update(path.read_bytes())
    return digest.hexdigest()[:8]


def cached_world(
    out: Path,
    seed: int,
    preset: str,
    overrides: dict[str, Any] | None = None,
    policy: tuple[str, Policy] | None = None,
) -> tuple[Path, Path]:
    """The world's folder and its imported store (``<folder>.duckdb``), made if missing;
    ``policy`` is a (name, policy) pair to use instead of the managers' habit."""
    overrides = overrides or {}
    name = f"s{seed}-{preset}-{simulator_version()}" + "".join(
        f"-{k}={v}" for k, v in sorted(overrides.items())
    )
    if policy is not None:
        name += f"-{policy[0]}"
    folder, db = out / name, out / f"{name}.duckdb"
    if not (folder / "truth" / "accounts.csv").exists():
        cfg = make_config(preset, accounts=2000, years=3.0, end=END, seed=seed, **overrides)
        world = simulate(cfg) if policy is None else simulate(cfg, policy[1])
        write_world(world, folder)
        db.unlink(missing_ok=True)
    if not db.exists():
        out.mkdir(parents=True, exist_ok=True)
        with Store.open(db) as store:
            store.import_dir(folder)
    return folder, db
