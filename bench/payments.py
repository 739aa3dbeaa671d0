"""The payment score and credit advice against the truth on many worlds: seeds × presets.

    .venv/bin/python bench/payments.py                 # seeds 7 11 19 23
    .venv/bin/python bench/payments.py --seeds 3       # the development seed

Each world (2,000 accounts, 3 years to 2026-10-31) is simulated once under
bench/out/worlds/ and imported into a store beside it. The score is computed at every
month end of the world's last two years; an account-month counts as *troubled* when
the account's financial trouble (the truth's ``distress_on``) began at least 30 days
before that month end. AUC: a low payment score against troubled, over the account-months
of accounts with an invoice that had not gone by then. "Flagged": advised to tighten or
to deliver only against prepayment.
"""

from __future__ import annotations

import argparse
import datetime as dt
import time

import pandas as pd

from _worlds import END, WORLDS, cached_world
from goodwill.evaluate.payments import evaluate_payments
from goodwill.signals.calibrate import month_ends
from goodwill.store import Store


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seeds", type=int, nargs="+", default=[7, 11, 19, 23])
    parser.add_argument("--presets", nargs="+", default=["default", "hard"])
    args = parser.parse_args()
    print(
        "| seed | preset | account-months | troubled | AUC | AUC at the end "
        "| troubled flagged | others flagged | s per date |"
    )
    print("| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    dates = month_ends(END - dt.timedelta(days=730), END)
    for seed in args.seeds:
        for preset in args.presets:
            folder, db = cached_world(WORLDS, seed, preset)
            truth = pd.read_csv(folder / "truth" / "accounts.csv", dtype={"account_id": str})
            with Store.open(db) as store:
                start = time.perf_counter()
                ev = evaluate_payments(store, truth, dates)
                seconds = (time.perf_counter() - start) / len(dates)
                last = evaluate_payments(store, truth, END)
            print(
                f"| {seed} | {preset} | {ev.n} | {ev.troubled} | **{ev.auc:.3f}** "
                f"| {last.auc:.3f} | {ev.troubled_flagged:.0%} | {ev.others_flagged:.0%} "
                f"| {seconds:.2f} |",
                flush=True,
            )


if __name__ == "__main__":
    main()
