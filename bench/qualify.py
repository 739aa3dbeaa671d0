"""Qualification against the next three years on many worlds: seeds × presets (issue 13).

    PYTHONPATH=src .venv/bin/python bench/qualify.py                  # seeds 201..205
    PYTHONPATH=src .venv/bin/python bench/qualify.py --seeds 101 102  # the tuning seeds

Each world (2,000 accounts, 5 years to 2026-10-31) is simulated once under
bench/out/qualify/ and imported into a store beside it; ``goodwill.evaluate.qualify``
qualifies the new accounts every 90 days from three years before the end back to a year
after the start (5 dates) and compares with the margin of the three years after. The
estimator was developed on seeds 101-103; the reported seeds were never used for it.
"""

from __future__ import annotations

import argparse
import datetime as dt
import time
from pathlib import Path

import pandas as pd

from _worlds import simulator_version
from goodwill.evaluate.qualify import MINIMUM, NEW, PROSPECT, evaluate_qualification
from goodwill.evaluate.truth import read_truth
from goodwill.settings import Settings
from goodwill.simulate.config import make_config
from goodwill.simulate.generate import simulate
from goodwill.simulate.writer import write_world
from goodwill.store import Store

END = dt.date(2026, 10, 31)
OUT = Path("bench/out/qualify")


def world(seed: int, preset: str, accounts: int, years: float) -> tuple[Path, Path]:
    """The world's folder and its store, made if missing."""
    name = f"s{seed}-{preset}-{accounts}x{years:g}-{simulator_version()}"
    folder, db = OUT / name, OUT / f"{name}.duckdb"
    if not (folder / "truth" / "accounts.csv").exists():
        cfg = make_config(preset, accounts=accounts, years=years, end=END, seed=seed)
        write_world(simulate(cfg), folder)
        db.unlink(missing_ok=True)
    if not db.exists():
        with Store.open(db) as store:
            store.import_dir(folder)
    return folder, db


def _f(x: float, digits: int = 2) -> str:
    return "–" if x != x else ("∞" if x == float("inf") else f"{x:.{digits}f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seeds", type=int, nargs="+", default=[201, 202, 203, 204, 205])
    parser.add_argument("--presets", nargs="+", default=["default", "hard"])
    parser.add_argument("--accounts", type=int, default=2000)
    parser.add_argument("--years", type=float, default=5.0)
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    settings = Settings.load()
    print(
        "| preset | seed | new | Spearman | look-alikes only | prospects | Spearman | pursue "
        "| serve | decline | mean pursue | mean decline | ratio of means | ratio of medians | s |"
    )
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: "
          "| ---: | ---: | ---: |")  # fmt: skip
    rows = []
    for preset in args.presets:
        for seed in args.seeds:
            folder, db = world(seed, preset, args.accounts, args.years)
            truth, _latent = read_truth(folder)
            t = time.perf_counter()
            with Store.open(db) as store:
                ev = evaluate_qualification(store, settings, truth)
            seconds = time.perf_counter() - t
            if ev is None:
                print(f"| {preset} | {seed} | world too short |")
                continue
            stats = ev.by_advice(MINIMUM, NEW)
            row = {
                "preset": preset,
                "seed": seed,
                "rho": ev.spearman(NEW),
                "rho_lookalike": ev.spearman(NEW, "lookalike_value"),
                "rho_p": ev.spearman(PROSPECT),
                "ratio": ev.ratio(MINIMUM, NEW),
                "ratio_median": ev.ratio(MINIMUM, NEW, "median"),
            }
            rows.append(row)
            n = stats["n"]
            print(
                f"| {preset} | {seed} | {ev.n(NEW)} | {_f(row['rho'])} "
                f"| {_f(row['rho_lookalike'])} | {ev.n(PROSPECT)} "
                f"| {_f(row['rho_p'])} | {n['pursue']} | {n['serve_efficiently']} "
                f"| {n['decline_politely']} | {stats.loc['pursue', 'mean']:,.0f} "
                f"| {stats.loc['decline_politely', 'mean']:,.0f} | {_f(row['ratio'], 1)} "
                f"| {_f(row['ratio_median'], 1)} | {seconds:.0f} |",
                flush=True,
            )
    if rows:
        frame = pd.DataFrame(rows)
        print()
        for preset, g in frame.groupby("preset", sort=False):
            print(
                f"{preset}: Spearman new accounts mean {g['rho'].mean():.2f} "
                f"(min {g['rho'].min():.2f}), prospects {g['rho_p'].mean():.2f}; ratio of "
                f"means median {g['ratio'].median():.1f} (min {g['ratio'].min():.1f})"
            )


if __name__ == "__main__":
    main()
