"""Responsiveness against the truth on many worlds: seeds × presets, in one table.

    .venv/bin/python bench/responsiveness.py                        # seeds 7 11 19 23
    .venv/bin/python bench/responsiveness.py --seeds 3 --variants   # development seed

Each world (2,000 accounts, 3 years to 2026-10-31) is simulated once under
bench/out/resp/ and imported into a store beside it, then reused. Responsiveness is
estimated as of the world's end and compared with ``truth/accounts.csv``: ROC AUC of
``response_effect`` against the true ``responsive`` (accounts with a year of history), the
share labelled, recall and precision of ``responds``, and the latent-health oracle.

``--variants`` adds worlds where attention matters more than in the simulator's defaults,
a world whose managers vary their routine (*varied attention*: each routine contact is
skipped with probability 0.3 and every week 4 % of the customers get an extra call or
visit, drawn at random and independent of anything the account does), and a *planted*
copy of each world: a third of the order lines of the truly responsive
accounts that fall outside the 5 weeks after one of our visits, calls or events are
deleted, so those accounts order about 1.5× as much after our attention as otherwise —
the short-run response the estimator is built to find.
"""

from __future__ import annotations

import argparse
import shutil
import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from _worlds import END, WORLDS, cached_world
from goodwill.evaluate.responsiveness import ResponseEvaluation, evaluate_responsiveness
from goodwill.simulate.policy import habit_policy
from goodwill.simulate.world import World
from goodwill.store import Store

VARIANTS: dict[str, dict[str, Any]] = {
    "attention matters": {"response_effect_mean": 0.25, "order_coupling": 3.0},
}


def varied(seed: int) -> Any:
    """The habit with random variation: the exogenous variation a planner's hold-out or
    a less rigid team gives."""
    rng = np.random.default_rng([seed, 99])

    def policy(world: World) -> dict[str, str]:
        plan = {k: v for k, v in habit_policy(world).items() if rng.random() >= 0.3}
        pop, st = world.population, world.state
        eligible = np.flatnonzero(st.alive & st.is_customer)
        for i in eligible[rng.random(eligible.size) < 0.04].tolist():
            plan.setdefault(pop.account_id[i], "visit" if rng.random() < 0.4 else "call")
        return plan

    return policy


PLANT = """
    DELETE FROM orders o
    WHERE o.account_id IN (SELECT account_id FROM planted)
      AND hash(o.order_id) % 3 = 0
      AND NOT EXISTS (
        SELECT 1 FROM interactions i
        WHERE i.account_id = o.account_id AND i.direction = 'outbound'
          AND i.channel IN ('visit', 'call', 'event')
          AND CAST(i.occurred_on AS DATE)
              BETWEEN CAST(o.ordered_on AS DATE) - 35 AND CAST(o.ordered_on AS DATE) - 1)
"""


def planted(db: Path, truth: pd.DataFrame) -> Path:
    copy = db.with_name(db.stem + "-planted.duckdb")
    if not copy.exists():
        shutil.copy(db, copy)
        with Store.open(copy) as store:
            ids = truth.loc[truth["responsive"] == 1, ["account_id"]]
            store.con.register("planted", ids)
            store.con.execute(PLANT)
            store.con.unregister("planted")
    return copy


def evaluate(folder: Path, db: Path) -> tuple[ResponseEvaluation, float]:
    truth = pd.read_csv(folder / "truth" / "accounts.csv", dtype={"account_id": str})
    latent = pd.read_csv(
        folder / "truth" / "latent_monthly.csv", dtype={"account_id": str, "month": str}
    )
    start = time.perf_counter()
    with Store.open(db) as store:
        ev = evaluate_responsiveness(store, truth, END, latent=latent)
    return ev, time.perf_counter() - start


def row(label: str, ev: ResponseEvaluation, seconds: float) -> str:
    labels = ev.labels
    precision = "–" if np.isnan(ev.precision) else f"{ev.precision:.0%}"
    return (
        f"| {label} | {ev.n} | {ev.auc:.3f} | {ev.share_labelled:.0%} | {ev.recall:.0%} "
        f"| {precision} | {labels.get('responds', 0)} / {labels.get('indifferent', 0)} "
        f"| {ev.oracle_auc:.3f} | {seconds:.1f} |"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seeds", type=int, nargs="+", default=[7, 11, 19, 23])
    parser.add_argument("--variants", action="store_true", help="also variant and planted worlds")
    args = parser.parse_args()
    out = WORLDS
    out.mkdir(parents=True, exist_ok=True)
    print(
        "| world | accounts (1 y) | AUC | labelled | recall | precision "
        "| responds / indifferent | oracle AUC | s |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for seed in args.seeds:
        for preset in ("default", "hard"):
            worlds = [(f"seed {seed}, {preset}", {})]
            if args.variants:
                worlds += [(f"seed {seed}, {preset}, {k}", v) for k, v in VARIANTS.items()]
            for label, overrides in worlds:
                folder, db = cached_world(out, seed, preset, overrides)
                ev, seconds = evaluate(folder, db)
                print(row(label, ev, seconds), flush=True)
                if args.variants and not overrides:
                    folder_v, db_v = cached_world(out, seed, preset, None, ("varied", varied(seed)))
                    ev, seconds = evaluate(folder_v, db_v)
                    print(row(f"{label}, varied attention", ev, seconds), flush=True)
                    truth = pd.read_csv(
                        folder / "truth" / "accounts.csv", dtype={"account_id": str}
                    )
                    ev, seconds = evaluate(folder, planted(db, truth))
                    print(row(f"{label}, planted 1.5×", ev, seconds), flush=True)


if __name__ == "__main__":
    main()
