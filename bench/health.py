"""Health against the truth on many worlds: seeds × presets, and worlds whose hidden
state shows through other channels (simulator parameters changed), in one table.

    .venv/bin/python bench/health.py                       # seeds 7 11 19 23, both presets
    .venv/bin/python bench/health.py --seeds 7 --variants  # plus the variant worlds

Each world is simulated once under bench/out/health/ and reused. Every row is what
``goodwill evaluate --world DIR`` prints: weights fitted on the world's own observed
churn (never on the truth), then ROC AUC for churn within 90 days against the three
baselines and the oracle, and the *at risk* alarm for churn within 180 days.
"""

from __future__ import annotations

import argparse
import time
from typing import Any

from _worlds import WORLDS, cached_world
from goodwill.evaluate import Evaluation, evaluate_world

#: worlds where the hidden state shows through one channel much more than by default
VARIANTS: dict[str, dict[str, Any]] = {
    "orders speak": {"order_coupling": 3.0, "quiet_share": 0.2},
    "contact speaks": {"quiet_coupling": 3.0, "quiet_share": 0.9},
}


def row(label: str, ev: Evaluation, seconds: float) -> str:
    base_name, base = ev.best_baseline()
    health = ev.auc["health"]
    oracle = ev.auc.get("oracle: true latent hazard", float("nan"))
    return (
        f"| {label} | {health:.3f} | {ev.auc.get('health, default weights', float('nan')):.3f} "
        f"| {base:.3f} ({base_name.removeprefix('baseline: ')}) | **{health - base:+.3f}** "
        f"| {oracle:.3f} | {ev.alarm_recall_180d:.0%} at {ev.alarm_lift_180d:.2f}× "
        f"({ev.alarm_share_marked:.0%} marked) | {ev.median_lead_days:.0f} | {seconds:.0f} |"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seeds", type=int, nargs="+", default=[7, 11, 19, 23])
    parser.add_argument("--variants", action="store_true", help="also the variant worlds")
    args = parser.parse_args()
    out = WORLDS
    out.mkdir(parents=True, exist_ok=True)
    runs: list[tuple[str, int, str, dict[str, Any]]] = [
        (f"seed {s} {p}", s, p, {}) for s in args.seeds for p in ("default", "hard")
    ]
    if args.variants:
        runs += [(f"seed {s} {name}", s, "default", o) for s in args.seeds
                 for name, o in VARIANTS.items()]  # fmt: skip
    print("| world | health AUC | default weights | best baseline | margin | oracle | "
          "at risk: catch of 180-day churn | median lead days | s |")  # fmt: skip
    print("| --- | ---: | ---: | --- | ---: | ---: | --- | ---: | ---: |")
    for label, seed, preset, overrides in runs:
        folder, db = cached_world(out, seed, preset, overrides)
        t = time.perf_counter()
        ev = evaluate_world(folder, db=db)
        print(row(label, ev, time.perf_counter() - t), flush=True)


if __name__ == "__main__":
    main()
