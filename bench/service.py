"""The neglect list of new accounts against the truth on many worlds: seeds × presets.

    PYTHONPATH=src .venv/bin/python bench/service.py                 # seeds 7 11 19 23
    PYTHONPATH=src .venv/bin/python bench/service.py --seeds 3       # the development seed

Each world (2,000 accounts, 3 years to 2026-10-31) is simulated once under
bench/out/service/ and imported into a store beside it. The list is made as of the
world's last month end and as of a year before (the new accounts of the two dates do not
overlap); ``pooled`` adds the two up. Nothing was tuned on seeds other than 3.
"""

from __future__ import annotations

import argparse
import datetime as dt
import time

import pandas as pd

from _worlds import WORLDS, cached_world
from goodwill.evaluate.responsiveness import last_month_end
from goodwill.evaluate.service import ServiceEvaluation, evaluate_service
from goodwill.store import Store


def _f(x: float) -> str:
    return "–" if x != x else f"{x:.2f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seeds", type=int, nargs="+", default=[7, 11, 19, 23])
    parser.add_argument("--presets", nargs="+", default=["default", "hard"])
    args = parser.parse_args()
    out = WORLDS
    out.mkdir(parents=True, exist_ok=True)
    print("| seed | preset | as of | new accounts | neglected | flagged | recall | precision | s |")
    print("| ---: | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    for seed in args.seeds:
        for preset in args.presets:
            folder, db = cached_world(out, seed, preset)
            truth = pd.read_csv(folder / "truth" / "accounts.csv", dtype={"account_id": str})
            with Store.open(db) as store:
                _, last = store.order_span()
                end = last_month_end(last)
                dates = [last_month_end(end - dt.timedelta(days=365)), end]
                t = time.perf_counter()
                evs = [evaluate_service(store, truth, d) for d in dates]
                seconds = (time.perf_counter() - t) / len(dates)
            pooled = ServiceEvaluation(
                as_of=end,
                new_accounts=sum(e.new_accounts for e in evs),
                neglected=sum(e.neglected for e in evs),
                flagged=sum(e.flagged for e in evs),
                true_positives=sum(e.true_positives for e in evs),
            )
            for label, ev in [*((e.as_of.isoformat(), e) for e in evs), ("pooled", pooled)]:
                b = "**" if label == "pooled" else ""
                print(
                    f"| {seed} | {preset} | {label} | {ev.new_accounts} | {ev.neglected} "
                    f"| {ev.flagged} | {b}{_f(ev.recall)}{b} | {b}{_f(ev.precision)}{b} "
                    f"| {seconds:.1f} |",
                    flush=True,
                )


if __name__ == "__main__":
    main()
