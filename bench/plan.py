"""Planning speed: one week for many account managers and accounts, given the scores.

    .venv/bin/python bench/plan.py --accounts 100000 --managers 50

Uses the world of bench/score.py (bench/out/score-<accounts>/, made there if missing),
scores it once with the profile (not timed here: see bench/score.py), spreads the
accounts over ``--managers`` account managers, and times ``plan_week`` (candidates,
expected values, one exact integer program per account manager, purposes, the stop
list) three times.
"""

from __future__ import annotations

import argparse
import platform
import resource
import time
from pathlib import Path

import numpy as np

from goodwill.plan import plan_week
from goodwill.score import score
from goodwill.settings import Settings
from goodwill.store import Store


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--accounts", type=int, default=100_000)
    parser.add_argument("--managers", type=int, default=50)
    args = parser.parse_args()
    db = Path("bench/out") / f"score-{args.accounts}" / "store.duckdb"
    if not db.exists():
        raise SystemExit(f"{db} is missing: run bench/score.py --accounts {args.accounts} first")
    settings = Settings.load()
    with Store.open(db) as store:
        _, last = store.order_span()
        t = time.perf_counter()
        snap = score(store, last, settings=settings, save=False)
        scoring = time.perf_counter() - t
        table = snap.table
        rng = np.random.default_rng(0)
        codes = np.array([f"AM{i:02d}" for i in range(args.managers)])
        table["owner"] = codes[rng.integers(0, args.managers, len(table))]
        times = []
        for _ in range(3):
            t = time.perf_counter()
            plan = plan_week(store, "2026-W45", settings, snapshot=snap, seed=1)
            times.append(time.perf_counter() - t)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"machine: {platform.machine()}, {__import__('os').cpu_count()} cores")
    print("| accounts scored | managers | eligible | actions | plan s (best of 3) "
          "| optimal | scoring s (not in plan) | peak MiB |")  # fmt: skip
    print("|---:|---:|---:|---:|---:|---|---:|---:|")
    print(
        f"| {len(table):,} | {args.managers} | {len(plan.eligible):,} | {len(plan.actions):,} "
        f"| {min(times):.2f} | {plan.objective >= plan.bound - 1e-6} | {scoring:.1f} "
        f"| {peak:,.0f} |"
    )


if __name__ == "__main__":
    main()
