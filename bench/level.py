"""Relationship level against the truth on many worlds: seeds × presets, one table.

    PYTHONPATH=src .venv/bin/python bench/level.py                 # seeds 7 11 19 23
    PYTHONPATH=src .venv/bin/python bench/level.py --seeds 3 29 31  # the development seeds

Each world (2,000 accounts, 3 years to 2026-10-31) is simulated once under
bench/out/level/ and imported into a store beside it; the level is scored as of the
world's last month end. Nothing was tuned on seeds other than 3, 29 and 31.
"""

from __future__ import annotations

import argparse
import time

import pandas as pd

from _worlds import WORLDS, cached_world
from goodwill.evaluate.level import evaluate_levels
from goodwill.signals.calibrate import month_ends
from goodwill.store import Store


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seeds", type=int, nargs="+", default=[7, 11, 19, 23])
    parser.add_argument("--presets", nargs="+", default=["default", "hard"])
    args = parser.parse_args()
    out = WORLDS
    out.mkdir(parents=True, exist_ok=True)
    print("| seed | preset | n | balanced accuracy | recall t / f / g | all customers | s |")
    print("| ---: | --- | ---: | ---: | --- | ---: | ---: |")
    for seed in args.seeds:
        for preset in args.presets:
            folder, db = cached_world(out, seed, preset)
            truth = pd.read_csv(folder / "truth" / "accounts.csv", dtype={"account_id": str})
            with Store.open(db) as store:
                first, last = store.order_span()
                as_of = month_ends(first, last)[-1]
                t = time.perf_counter()
                ev = evaluate_levels(store, truth, as_of)
                seconds = time.perf_counter() - t
            recall = " / ".join(f"{v:.2f}" for v in ev.recall.values())
            print(
                f"| {seed} | {preset} | {ev.n} | **{ev.balanced_accuracy:.3f}** | {recall} "
                f"| {ev.balanced_accuracy_all:.3f} | {seconds:.1f} |",
                flush=True,
            )


if __name__ == "__main__":
    main()
