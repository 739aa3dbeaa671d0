"""The purchase-rhythm summary on Spark (local mode) against DuckDB, on the same Parquet file.

Writes ~``--orders-per-customer`` order lines per customer (returns, test orders, times of
day; BIGINT account ids) with DuckDB to ``bench/out/spark_rfm_orders_<N>.parquet``, then
runs ``rfm_summary(path, calibration_end=..., holdout_end=..., period="W", engine=...)``
for each engine in its own process, so that each peak memory (RSS of the process and its
children: Spark's JVM) is its own. Prints a table, and checks that both engines give the
same totals (count, sum of frequencies and T exactly, sum of spend within 1e-9).

    .venv/bin/python bench/spark_rfm.py --customers 1000000 10000000
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import threading
import time
from pathlib import Path

import duckdb

from goodwill._typing import Engine

OUT = Path(__file__).resolve().parent / "out"
CAL_END = "2022-06-30"
HOLDOUT_END = "2022-12-31"


def write_orders(customers: int, per_customer: int, path: Path) -> int:
    """Orders 2020-01-01..2022-12-31 for ``customers`` accounts; return the line count."""
    lines = customers * per_customer
    con = duckdb.connect(config={"autoinstall_known_extensions": False})
    con.execute("SET enable_progress_bar = false")
    con.execute(f"SET memory_limit = '{os.environ.get('BENCH_DUCKDB_MEMORY', '6GB')}'")
    target = str(path).replace("'", "''")
    con.execute(
        f"""COPY (
            SELECT
                CAST(hash(i, 'account') % {customers} AS BIGINT) AS account_id,
                TIMESTAMP '2020-01-01' + to_seconds(CAST(hash(i, 'when') % (1096 * 86400)
                    AS BIGINT)) AS ordered_on,
                CASE WHEN hash(i, 'return') % 20 = 0
                     THEN -CAST(hash(i, 'amount') % 5000 AS DOUBLE) / 100
                     ELSE CAST(hash(i, 'amount') % 50000 AS DOUBLE) / 100 END AS amount,
                hash(i, 'test') % 200 = 0 AS is_test
            FROM range({lines}) t(i)
        ) TO '{target}' (FORMAT parquet, ROW_GROUP_SIZE 1000000)"""
    )
    con.close()
    return lines


def run_engine(engine: str, path: Path, driver_memory: str) -> dict[str, float]:
    """In a child process: one summary; the seconds it took and totals to compare."""
    from goodwill.features import rfm_summary

    started = time.perf_counter()
    if engine == "spark":
        from goodwill.features.spark import spark_session

        spark_session(
            "local[2]",
            app_name="goodwill-bench",
            config={
                "spark.driver.memory": driver_memory,
                "spark.driver.maxResultSize": "4g",
                "spark.sql.shuffle.partitions": "16",
            },
        )
    ready = time.perf_counter()
    chosen: Engine = "spark" if engine == "spark" else "duckdb"
    summary = rfm_summary(
        path, calibration_end=CAL_END, holdout_end=HOLDOUT_END, period="W", engine=chosen
    )
    done = time.perf_counter()
    return {
        "start_s": ready - started,
        "summary_s": done - ready,
        "accounts": float(len(summary)),
        "sum_frequency_cal": float(summary["frequency_cal"].sum()),
        # whole days, so that the totals are exact whatever the row order
        "sum_T_cal_days": float((summary["T_cal"] * 7).round().astype("int64").sum()),
        "sum_recency_cal_days": float((summary["recency_cal"] * 7).round().astype("int64").sum()),
        "sum_frequency_holdout": float(summary["frequency_holdout"].sum()),
        "sum_monetary_cal": float(summary["monetary_value_cal"].sum()),
    }


def _tree_rss_bytes(pid: int) -> int:
    """Resident memory of ``pid`` and all its descendants, from /proc."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    page = os.sysconf("SC_PAGE_SIZE")
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
            statm = Path(f"/proc/{entry}/statm").read_text()
        except OSError:
            continue
        parent = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(parent, []).append(int(entry))
        rss[int(entry)] = int(statm.split()[1]) * page
    total, todo = 0, [pid]
    while todo:
        current = todo.pop()
        total += rss.get(current, 0)
        todo.extend(children.get(current, []))
    return total


def measure(engine: str, path: Path, driver_memory: str) -> dict[str, float]:
    """Run one engine in a fresh process, sampling the peak RSS of its process tree."""
    cmd = [sys.executable, __file__, "--child", engine, str(path), "--driver-memory", driver_memory]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    peak = 0
    stop = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not stop.is_set():
            peak = max(peak, _tree_rss_bytes(proc.pid))
            stop.wait(0.2)

    sampler = threading.Thread(target=sample, daemon=True)
    started = time.perf_counter()
    sampler.start()
    out, _ = proc.communicate()
    wall = time.perf_counter() - started
    stop.set()
    sampler.join()
    if proc.returncode != 0:
        raise SystemExit(f"{engine} failed (exit {proc.returncode}); run the child by hand to see")
    result: dict[str, float] = json.loads(out.strip().splitlines()[-1])
    result["wall_s"] = wall
    result["peak_mb"] = peak / 2**20
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, nargs="+", default=[10_000_000])
    parser.add_argument("--orders-per-customer", type=int, default=10)
    parser.add_argument("--driver-memory", default="8g", help="Spark driver heap (local mode)")
    parser.add_argument("--child", nargs=2, metavar=("ENGINE", "PATH"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        engine, path = args.child
        print(json.dumps(run_engine(engine, Path(path), args.driver_memory)))
        return

    import pyspark

    print(
        f"Python {platform.python_version()}, DuckDB {duckdb.__version__}, "
        f"PySpark {pyspark.__version__}, {os.cpu_count()} cores; Spark local[2], "
        f"driver memory {args.driver_memory}; calibration to {CAL_END}, holdout to {HOLDOUT_END}"
    )
    header = (
        "| customers | order lines | Parquet MB | engine | start s | summary s | ratio | peak MB |"
    )
    rows = [header, "| ---: | ---: | ---: | --- | ---: | ---: | ---: | ---: |"]
    OUT.mkdir(exist_ok=True)
    for customers in args.customers:
        path = OUT / f"spark_rfm_orders_{customers}.parquet"
        lines = customers * args.orders_per_customer
        if not path.exists():
            write_orders(customers, args.orders_per_customer, path)
        size_mb = path.stat().st_size / 2**20
        duck = measure("duckdb", path, args.driver_memory)
        spark = measure("spark", path, args.driver_memory)
        exact = ("accounts", "sum_frequency_cal", "sum_T_cal_days", "sum_recency_cal_days")
        for key in (*exact, "sum_frequency_holdout"):
            if duck[key] != spark[key]:
                raise SystemExit(f"{key} differs: DuckDB {duck[key]} vs Spark {spark[key]}")
        rel = abs(duck["sum_monetary_cal"] - spark["sum_monetary_cal"]) / abs(
            duck["sum_monetary_cal"]
        )
        if rel > 1e-9:
            raise SystemExit(f"sum of monetary_value_cal differs by {rel:.2e} relative")
        ratio = spark["summary_s"] / duck["summary_s"]
        for name, res, shown in (("DuckDB", duck, "1.0"), ("Spark", spark, f"{ratio:.1f}")):
            rows.append(
                f"| {customers:,} | {lines:,} | {size_mb:,.0f} | {name} | {res['start_s']:.1f} "
                f"| {res['summary_s']:.1f} | {shown} | {res['peak_mb']:,.0f} |"
            )
        print("\n".join(rows), flush=True)
        print(f"same totals on both engines ({int(duck['accounts']):,} accounts)", flush=True)


if __name__ == "__main__":
    main()
