"""Scoring speed: `score(store, as_of)` against the RFM summary alone, on a simulated
world (100k accounts ≈ 9M order lines and 4.6M interactions by default). "score" is
value and health with payments, credit advice and trust (`profile=False`); the next
columns add the relationship level, the response to our attention and the service to new
accounts, then saving the snapshot.

    .venv/bin/python bench/score.py --accounts 100000

The world and its store are kept under bench/out/score-<accounts>/ and reused.
"""

from __future__ import annotations

import argparse
import datetime as dt
import platform
import resource
import time
from pathlib import Path

import duckdb

from goodwill.features import rfm_summary
from goodwill.score import score
from goodwill.settings import Settings
from goodwill.simulate import generate_world
from goodwill.store import Store


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--accounts", type=int, default=100_000)
    parser.add_argument("--years", type=float, default=3.0)
    args = parser.parse_args()
    out = Path("bench/out") / f"score-{args.accounts}"
    world, db = out / "world", out / "store.duckdb"
    end = dt.date(2026, 10, 31)
    if not db.exists():
        out.mkdir(parents=True, exist_ok=True)
        t = time.perf_counter()
        generate_world(world, accounts=args.accounts, years=args.years, end=end, seed=3)
        sim_s = time.perf_counter() - t
        t = time.perf_counter()
        with Store.open(db) as store:
            store.import_dir(world)
        imp_s = time.perf_counter() - t
        print(f"simulated in {sim_s:.0f} s, imported in {imp_s:.0f} s")
    with Store.open(db) as store:
        counts = store.counts()
        t = time.perf_counter()
        rfm = rfm_summary(store, as_of=end, period="W")
        rfm_s = time.perf_counter() - t
        t = time.perf_counter()
        snap = score(store, end, settings=Settings.load(), save=False, profile=False)
        score_s = time.perf_counter() - t
        t = time.perf_counter()
        score(store, end, settings=Settings.load(), save=False)
        profile_s = time.perf_counter() - t
        t = time.perf_counter()
        score(store, end, settings=Settings.load(), save=True)
        saved_s = time.perf_counter() - t
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"machine: {platform.machine()}, {__import__('os').cpu_count()} cores; "
        f"python {platform.python_version()}; duckdb {duckdb.__version__}"
    )
    print("| accounts | orders | interactions | scored | RFM summary s | score s | "
          "+ profile and service s | + save s | ratio score / RFM | peak MiB |")  # fmt: skip
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    print(
        f"| {counts['accounts']:,} | {counts['orders']:,} | {counts['interactions']:,} | "
        f"{len(snap.table):,} | {rfm_s:.2f} | {score_s:.2f} | {profile_s:.2f} | {saved_s:.2f} | "
        f"{score_s / rfm_s:.1f}× | {peak:,.0f} |"
    )
    del rfm


if __name__ == "__main__":
    main()
