"""Speed of the simulator, and how visible its hidden states are, per preset.

    .venv/bin/python bench/simulate.py                 # 2,000 x 3 years and 100,000 x 3 years
    .venv/bin/python bench/simulate.py --sizes 2000:3  # just one size
    .venv/bin/python bench/simulate.py --signals       # visibility table, default vs hard

Each size runs in a fresh process so the peak memory (max RSS) is that run's own.
Prints Markdown tables for bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from typing import Any

RUN = r"""
import json, resource, sys, time, datetime as dt
from goodwill.simulate import make_config, simulate, write_world
accounts, years, out = int(sys.argv[1]), float(sys.argv[2]), sys.argv[3]
t0 = time.perf_counter()
world = simulate(make_config(accounts=accounts, years=years, end=dt.date(2025, 12, 31), seed=1))
t1 = time.perf_counter()
rows = write_world(world, out)
t2 = time.perf_counter()
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"simulate_s": t1 - t0, "write_s": t2 - t1, "peak_mb": peak, "rows": rows}))
"""

SIGNALS = """
WITH ch AS (
  SELECT t.account_id, t.churn_on AS gone FROM '{d}/truth/accounts.csv' t
  JOIN '{d}/accounts.csv' a USING (account_id)
  WHERE t.churn_on IS NOT NULL AND t.churn_on - INTERVAL 450 DAY >= a.created_on
    AND t.churn_on >= DATE '2023-09-01'),
ev AS (SELECT account_id, occurred_on::DATE AS d FROM '{d}/interactions.csv'
       WHERE direction = 'inbound'),
per AS (
  SELECT ch.account_id,
    count(d) FILTER (WHERE d >= gone - INTERVAL 90 DAY AND d < gone) AS last90,
    count(d) FILTER (WHERE d >= gone - INTERVAL 450 DAY AND d < gone - INTERVAL 90 DAY) / 4.0
      AS before90
  FROM ch LEFT JOIN ev USING (account_id) GROUP BY ALL)
SELECT avg(CASE WHEN last90 < 0.5 * before90 THEN 1.0 ELSE 0.0 END) FROM per WHERE before90 > 0
"""
BASELINE = """
WITH st AS (SELECT account_id, DATE '2025-09-01' AS ref FROM '{d}/truth/accounts.csv'
            WHERE churn_on IS NULL AND leaving_on IS NULL AND kind = 'customer'),
ev AS (SELECT account_id, occurred_on::DATE AS d FROM '{d}/interactions.csv'
       WHERE direction = 'inbound'),
per AS (
  SELECT st.account_id,
    count(d) FILTER (WHERE d >= ref - INTERVAL 90 DAY AND d < ref) AS last90,
    count(d) FILTER (WHERE d >= ref - INTERVAL 450 DAY AND d < ref - INTERVAL 90 DAY) / 4.0
      AS before90
  FROM st LEFT JOIN ev USING (account_id) GROUP BY ALL)
SELECT avg(CASE WHEN last90 < 0.5 * before90 THEN 1.0 ELSE 0.0 END) FROM per WHERE before90 > 0
"""
REL = "'relationship','reference','event','product_preview','joint_project'"
LEVELS = """
WITH per AS (
  SELECT t.level, avg(CASE WHEN i.purpose IN ({rel}) THEN 1.0 ELSE 0.0 END) AS share
  FROM '{d}/interactions.csv' i JOIN '{d}/truth/accounts.csv' t USING (account_id)
  GROUP BY t.level, i.account_id HAVING count(*) >= 10)
SELECT level, avg(share) FROM per GROUP BY 1 ORDER BY 1
"""
NEGLECT = """
SELECT t.neglected, median(epoch(c.first_response_on) - epoch(c.opened_on)) / 3600
FROM '{d}/complaints.csv' c JOIN '{d}/truth/accounts.csv' t USING (account_id)
WHERE c.first_response_on IS NOT NULL GROUP BY 1 ORDER BY 1
"""
DISTRESS = """
SELECT i.issued_on >= t.distress_on + 90, avg(date_diff('day', i.due_on, i.paid_on))
FROM '{d}/invoices.csv' i JOIN '{d}/truth/accounts.csv' t USING (account_id)
WHERE t.distress_on IS NOT NULL AND i.paid_on IS NOT NULL GROUP BY 1 ORDER BY 1
"""


def speed(sizes: list[tuple[int, float]]) -> None:
    print(
        "| accounts | years | orders | interactions | invoices | other rows | simulate s "
        "| write s | total s | peak MB |"
    )
    print("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for accounts, years in sizes:
        with tempfile.TemporaryDirectory() as tmp:
            done = subprocess.run(
                [sys.executable, "-c", RUN, str(accounts), str(years), tmp],
                check=True,
                capture_output=True,
                text=True,
            )
            r = json.loads(done.stdout)
        rows = r["rows"]
        main = ("orders", "interactions", "invoices")
        other = sum(v for k, v in rows.items() if k not in main and not k.startswith("truth/"))
        total = r["simulate_s"] + r["write_s"]
        print(
            f"| {accounts:,} | {years:g} | {rows['orders']:,} | {rows['interactions']:,} "
            f"| {rows['invoices']:,} | {other:,} | {r['simulate_s']:.1f} | {r['write_s']:.1f} "
            f"| {total:.1f} | {r['peak_mb']:,.0f} |"
        )


def signals() -> None:
    import datetime as dt

    import duckdb

    from goodwill.simulate import make_config, simulate, write_world

    print(
        "| preset | churners quiet in last 90 days | stayers 'quiet' (false alarms) "
        "| relationship purposes t / f / g | complaint reply h (neglected / not) "
        "| days late after trouble (before / after 90 d) |"
    )
    print("| --- | ---: | ---: | --- | --- | --- |")
    for preset in ("default", "hard"):
        with tempfile.TemporaryDirectory() as tmp:
            cfg = make_config(preset, accounts=4000, years=3, end=dt.date(2025, 12, 31), seed=5)
            write_world(simulate(cfg), tmp)
            con = duckdb.connect()

            def q(sql: str, con: duckdb.DuckDBPyConnection = con, d: str = tmp) -> list[Any]:
                return con.execute(sql.format(d=d, rel=REL)).fetchall()

            quiet = q(SIGNALS)[0][0]
            base = q(BASELINE)[0][0]
            lv = dict(q(LEVELS))
            ng = dict(q(NEGLECT))
            ds = dict(q(DISTRESS))
            print(
                f"| {preset} | {quiet:.0%} | {base:.0%} | {lv['transactional']:.2f} / "
                f"{lv['fruitful']:.2f} / {lv['growing_together']:.2f} | {ng[1]:.0f} / {ng[0]:.0f} "
                f"| {ds.get(False, float('nan')):.1f} / {ds.get(True, float('nan')):.1f} |"
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="2000:3,100000:3", help="accounts:years,...")
    parser.add_argument("--signals", action="store_true", help="Print the visibility table.")
    args = parser.parse_args()
    if args.signals:
        signals()
        return
    sizes = [(int(a), float(y)) for a, y in (s.split(":") for s in args.sizes.split(","))]
    speed(sizes)


if __name__ == "__main__":
    main()
