"""Play goodwill's plan and the simple policies forward (issue 9, docs/plan-evaluation.md).

    PYTHONPATH=src python bench/plans.py --seeds 5 --accounts 1000   # seeds 101..105

Prints one markdown table per preset: V per policy (mean over seeds), V − V_none with a
paired t-based 95 % interval, and the 1.1× check when goodwill's planner is available.
The default seeds (101 and up) are not the seeds anything was tuned on (0-99).
"""

from __future__ import annotations

import argparse
import time

from goodwill.evaluate.plans import GOODWILL, NONE, PlanEvaluation, evaluate_plans


def _eur(x: float) -> str:
    return f"{x:,.0f}"


def table(result: PlanEvaluation) -> str:
    means = result.values().mean()
    secs = result.runs.groupby("policy")["seconds"].mean()
    hours = result.runs.groupby("policy")["minutes"].mean() / 60.0
    lines = [
        "| policy | V (mean) | V − V_none | 95 % interval | actions' hours | s per run |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for name in result.policies:
        if name == NONE:
            diff, ci = "", ""
        else:
            d = result.difference(name)
            diff, ci = _eur(d.mean), f"[{_eur(d.low)}, {_eur(d.high)}]"
        lines.append(
            f"| {name} | {_eur(float(means[name]))} | {diff} | {ci} | "
            f"{hours[name]:,.0f} | {secs[name]:.1f} |"
        )
    ex = result.excess(GOODWILL)
    if ex is None:
        lines.append("")
        lines.append(f"best simple policy: {result.best_simple()}; goodwill's plan: pending.")
    else:
        lines.append("")
        lines.append(
            f"goodwill − none − 1.1 × ({result.best_simple()} − none): {_eur(ex.mean)} "
            f"[{_eur(ex.low)}, {_eur(ex.high)}] → {'pass' if result.passes() else 'fail'}"
        )
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--seeds", type=int, default=5)
    ap.add_argument("--first-seed", type=int, default=101)
    ap.add_argument("--accounts", type=int, default=1000)
    ap.add_argument("--years", type=float, default=2.0)
    ap.add_argument("--weeks", type=int, default=26)
    ap.add_argument("--presets", default="default,hard")
    args = ap.parse_args()
    seeds = list(range(args.first_seed, args.first_seed + args.seeds))
    for preset in args.presets.split(","):
        t0 = time.perf_counter()
        result = evaluate_plans(
            seeds, preset, weeks=args.weeks, accounts=args.accounts, years=args.years
        )
        print(
            f"\n### {preset}: {args.accounts:,} accounts, {args.years:g} years of history, "
            f"{args.weeks} weeks forward, seeds {seeds[0]}..{seeds[-1]} "
            f"({time.perf_counter() - t0:.0f} s)\n"
        )
        print(table(result))


if __name__ == "__main__":
    main()
