"""Value models: goodwill against lifetimes 0.11.3, from a Parquet file of orders to
per-account P(alive) and 12-month CLV.

    .venv/bin/python bench/models.py --sizes 100000 1000000
    .venv/bin/python bench/models.py --sizes 10000000 --lifetimes-memory-gib 20

Data are simulated from BG/NBD (r=0.75, α=25, a=0.6, b=4, in days) and Gamma-Gamma
(p=6, q=4, v=15): first purchases spread over 2023, observed to 2025-12-31, about 10
orders per customer; written to ``bench/out/orders_<n>.parquet`` (kept for reruns).

Each side runs in its own subprocess (so each peak memory is its own), timed inside that
process after its imports:

- ``scan``: the issue's DuckDB reference query over the same Parquet file;
- ``goodwill``: ``rfm_summary`` → ``BetaGeo().fit`` → ``GammaGamma().fit`` → ``p_alive``
  and ``clv``;
- ``lifetimes`` (in ``bench/.venv-lifetimes``, created from
  ``bench/requirements-lifetimes.txt`` when missing; address space capped at
  ``--lifetimes-memory-gib``): ``read_parquet`` → ``summary_data_from_transaction_data`` →
  ``BetaGeoFitter`` → ``GammaGammaFitter`` → ``conditional_probability_alive`` and
  ``customer_lifetime_value(time=12, discount_rate=0.01, freq="D")``.

CLV settings on both sides: 12 steps of 30 days, each discounted 1 % (goodwill:
``period_days=1, step_days=30, horizon_days=360, discount_rate_per_year=1.01**(365.25/30)-1``).
The script asserts that goodwill's parameters are within a relative 1e-3 of lifetimes'
and P(alive) within 1e-4, and prints one table row per size.

With ``--pareto`` it compares the Pareto/NBD fit instead: both sides fit the same
per-customer summary (goodwill's ``rfm_summary`` of the Parquet file, written once to
``bench/out/summary_<n>.parquet``) and compute P(alive), timed from reading that summary
— goodwill's ``ParetoNBD().fit`` against lifetimes' ``ParetoNBDFitter().fit`` (its
defaults: Nelder-Mead, tol 1e-4, no compression of identical rows).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
OUT = HERE / "out"
LIFETIMES_VENV = HERE / ".venv-lifetimes"
REQUIREMENTS = HERE / "requirements-lifetimes.txt"

TRUE_BG = {"r": 0.75, "alpha": 25.0, "a": 0.6, "b": 4.0}  # per day
TRUE_GG = {"p": 6.0, "q": 4.0, "v": 15.0}
START = "2023-01-01"
END = "2025-12-31"  # last observed day, inclusive
CHUNK_CUSTOMERS = 1_000_000
SCAN_SQL = (
    "SELECT account_id, count(DISTINCT CAST(ordered_on AS DATE)), min(ordered_on), "
    "max(ordered_on), sum(amount) FROM read_parquet(?) GROUP BY account_id"
)


def _peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# --------------------------------------------------------------------------- data
def generate(n_customers: int, path: Path, seed: int = 2005) -> None:
    """Simulate orders from BG/NBD + Gamma-Gamma, vectorised, one row group per chunk."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.parquet as pq

    rng = np.random.default_rng(seed)
    start = np.datetime64(START, "s")
    horizon_days = float((np.datetime64(END, "D") + 1 - np.datetime64(START, "D")).astype(int))
    tmp = path.with_suffix(".tmp")
    schema = pa.schema(
        [("account_id", pa.string()), ("ordered_on", pa.timestamp("s")), ("amount", pa.float64())]
    )
    with pq.ParquetWriter(tmp, schema) as writer:
        for lo in range(0, n_customers, CHUNK_CUSTOMERS):
            n = min(CHUNK_CUSTOMERS, n_customers - lo)
            first = rng.uniform(0, 365, size=n)  # first purchase, days after START
            big_t = horizon_days - first
            lam = rng.gamma(TRUE_BG["r"], 1 / TRUE_BG["alpha"], size=n)
            p = rng.beta(TRUE_BG["a"], TRUE_BG["b"], size=n)
            k = rng.geometric(np.clip(p, 1e-12, 1))
            events = rng.poisson(lam * big_t)
            x = np.minimum(k, events)
            # the first x of `events` uniform order statistics on (0, T], per customer
            total = int(x.sum())
            cust = np.repeat(np.arange(n), x)
            starts = np.cumsum(x) - x
            j = np.arange(total) - np.repeat(starts, x)
            steps = rng.exponential(size=total) / (events[cust] - j)
            cs = np.cumsum(steps)
            before = np.where(starts > 0, cs[np.maximum(starts - 1, 0)], 0.0)
            s = cs - np.repeat(before, x)
            repeat_at = first[cust] + big_t[cust] * -np.expm1(-s)
            nu = rng.gamma(TRUE_GG["q"], 1 / TRUE_GG["v"], size=n)
            who = np.concatenate([np.arange(n), cust])
            when = np.concatenate([first, repeat_at])
            amount = np.round(rng.gamma(TRUE_GG["p"], 1 / nu[who]), 2)
            order = np.argsort(when, kind="stable")
            seconds = (when[order] * 86400).astype(np.int64)
            ids = pa.array(who[order] + lo + 1).cast(pa.string())
            table = pa.table(
                {
                    "account_id": ids,
                    "ordered_on": pa.array(start + seconds.astype("timedelta64[s]")),
                    "amount": amount[order],
                },
                schema=schema,
            )
            writer.write_table(table)
    tmp.rename(path)


# -------------------------------------------------------------------------- workers
def worker_scan(path: Path) -> dict[str, Any]:
    import duckdb

    con = duckdb.connect(config={"autoinstall_known_extensions": False})
    con.execute("SET enable_progress_bar = false")
    times = []
    for _ in range(2):  # the first run warms the page cache for everyone
        t0 = time.perf_counter()
        con.sql(SCAN_SQL.replace("?", "$path"), params={"path": str(path)}).to_arrow_table()
        times.append(time.perf_counter() - t0)
    return {"scan_s": times[-1], "peak_mib": _peak_mib()}


def worker_goodwill(path: Path, out: Path) -> dict[str, Any]:
    import numpy as np
    import pandas as pd

    from goodwill.features import rfm_summary
    from goodwill.models import BetaGeo, GammaGamma, clv

    t0 = time.perf_counter()
    s = rfm_summary(path, as_of=END, period="D", customers_only=False)
    t1 = time.perf_counter()
    x, t_x, big_t, m = (
        s[c].to_numpy(np.float64) for c in ("frequency", "recency", "T", "monetary_value")
    )
    bg = BetaGeo().fit(x, t_x, big_t)
    t2 = time.perf_counter()
    gg = GammaGamma().fit(x, m)
    t3 = time.perf_counter()
    alive = bg.p_alive(x, t_x, big_t)
    value = clv(
        bg, gg, x, t_x, big_t, m,
        period_days=1, step_days=30, horizon_days=360,
        discount_rate_per_year=1.01 ** (365.25 / 30) - 1,
    )  # fmt: skip
    t4 = time.perf_counter()
    pd.DataFrame({"p_alive": alive, "clv": value}, index=s.index).to_parquet(out)
    return {
        "summary_s": t1 - t0,
        "fit_bg_s": t2 - t1,
        "fit_gg_s": t3 - t2,
        "predict_s": t4 - t3,
        "total_s": t4 - t0,
        "model_s": t4 - t1,
        "customers": len(s),
        "rows_fitted": bg.n_rows_fitted_,
        "bg": bg.params_,
        "gg": gg.params_,
        "peak_mib": _peak_mib(),
    }


def worker_lifetimes(path: Path, out: Path) -> dict[str, Any]:
    import pandas as pd
    from lifetimes import BetaGeoFitter, GammaGammaFitter
    from lifetimes.utils import summary_data_from_transaction_data

    t0 = time.perf_counter()
    orders = pd.read_parquet(path)
    s = summary_data_from_transaction_data(
        orders, "account_id", "ordered_on", monetary_value_col="amount",
        observation_period_end=END, freq="D",
    )  # fmt: skip
    del orders
    t1 = time.perf_counter()
    bgf = BetaGeoFitter().fit(s["frequency"], s["recency"], s["T"])
    t2 = time.perf_counter()
    rep = s[s["frequency"] > 0]
    ggf = GammaGammaFitter().fit(rep["frequency"], rep["monetary_value"])
    t3 = time.perf_counter()
    alive = bgf.conditional_probability_alive(s["frequency"], s["recency"], s["T"])
    value = ggf.customer_lifetime_value(
        bgf, s["frequency"], s["recency"], s["T"], s["monetary_value"],
        time=12, discount_rate=0.01, freq="D",
    )  # fmt: skip
    t4 = time.perf_counter()
    pd.DataFrame({"p_alive": alive, "clv": value.to_numpy()}, index=s.index).to_parquet(out)
    return {
        "summary_s": t1 - t0,
        "fit_bg_s": t2 - t1,
        "fit_gg_s": t3 - t2,
        "predict_s": t4 - t3,
        "total_s": t4 - t0,
        "bg": {k: float(v) for k, v in bgf.params_.items()},
        "gg": {k: float(v) for k, v in ggf.params_.items()},
        "peak_mib": _peak_mib(),
    }


def worker_pnbd_goodwill(path: Path, out: Path) -> dict[str, Any]:
    import numpy as np
    import pandas as pd

    from goodwill.models import ParetoNBD

    t0 = time.perf_counter()
    s = pd.read_parquet(path)
    x, t_x, big_t = (s[c].to_numpy(np.float64) for c in ("frequency", "recency", "T"))
    t1 = time.perf_counter()
    model = ParetoNBD().fit(x, t_x, big_t)
    t2 = time.perf_counter()
    alive = model.p_alive(x, t_x, big_t)
    t3 = time.perf_counter()
    pd.DataFrame({"p_alive": alive}, index=s.index).to_parquet(out)
    return {
        "fit_s": t2 - t1,
        "predict_s": t3 - t2,
        "total_s": t3 - t0,
        "rows_fitted": model.n_rows_fitted_,
        "params": model.params_,
        "ll": model.log_likelihood_,
        "peak_mib": _peak_mib(),
    }


def worker_pnbd_lifetimes(path: Path, out: Path) -> dict[str, Any]:
    import pandas as pd
    from lifetimes import ParetoNBDFitter

    t0 = time.perf_counter()
    s = pd.read_parquet(path)
    t1 = time.perf_counter()
    model = ParetoNBDFitter().fit(s["frequency"], s["recency"], s["T"])
    t2 = time.perf_counter()
    alive = model.conditional_probability_alive(s["frequency"], s["recency"], s["T"])
    t3 = time.perf_counter()
    pd.DataFrame({"p_alive": alive}, index=s.index).to_parquet(out)
    return {
        "fit_s": t2 - t1,
        "predict_s": t3 - t2,
        "total_s": t3 - t0,
        "params": {k: float(v) for k, v in model.params_.items()},
        "peak_mib": _peak_mib(),
    }


def pareto_main(
    sizes: list[int], lifetimes_python: str | None, memory_gib: float, timeout_s: float
) -> None:
    """One table row per size: the Pareto/NBD fit and P(alive), goodwill vs lifetimes."""
    import pandas as pd

    from goodwill.features import rfm_summary

    print(
        "| customers | distinct rows | goodwill fit s | goodwill P(alive) s | lifetimes fit s "
        "| lifetimes P(alive) s | speed-up (fit + P(alive)) | peak MiB goodwill / lifetimes "
        "| max param rel diff | max P(alive) diff |"
    )
    print("|" + "---|" * 10)
    for n in sizes:
        orders = OUT / f"orders_{n}.parquet"
        if not orders.exists():
            generate(n, orders)
        summary = OUT / f"summary_{n}.parquet"
        if not summary.exists():
            s = rfm_summary(orders, as_of=END, period="D", customers_only=False)
            s[["frequency", "recency", "T"]].to_parquet(summary)
        gw_out, lt_out = OUT / f"pnbd_goodwill_{n}.parquet", OUT / f"pnbd_lifetimes_{n}.parquet"
        gw = _run_worker(sys.executable, "pnbd_goodwill", summary, gw_out, None, timeout_s)
        if "error" in gw:
            raise SystemExit(f"goodwill failed at {n:,} customers: {gw['error']}")
        lt: dict[str, Any] = {"error": "not run"}
        if lifetimes_python is not None:
            lt = _run_worker(
                lifetimes_python, "pnbd_lifetimes", summary, lt_out, memory_gib, timeout_s
            )
        if "error" in lt:
            cells = f"failed: {lt['error']} | – | – | {gw['peak_mib']:.0f} / – | – | –"
        else:
            a, b = pd.read_parquet(gw_out), pd.read_parquet(lt_out)
            rel = max(abs(gw["params"][k] / lt["params"][k] - 1) for k in gw["params"])
            diff = float((a["p_alive"] - b["p_alive"].loc[a.index]).abs().max())
            speed = (lt["fit_s"] + lt["predict_s"]) / (gw["fit_s"] + gw["predict_s"])
            cells = (
                f"{lt['fit_s']:.1f} | {lt['predict_s']:.2f} | {speed:.0f}× "
                f"| {gw['peak_mib']:.0f} / {lt['peak_mib']:.0f} | {rel:.1e} | {diff:.1e}"
            )
        print(
            f"| {n:,} | {gw['rows_fitted']:,} | {gw['fit_s']:.2f} "
            f"| {gw['predict_s']:.2f} | {cells} |",
            flush=True,
        )
        load = ", ".join(f"{v:.1f}" for v in os.getloadavg())
        print(f"# load average after {n:,}: {load} (other work on the machine skews times)")
        print(f"# detail {n}: goodwill {json.dumps(gw)}", flush=True)
        print(f"# detail {n}: lifetimes {json.dumps(lt)}", flush=True)


# ---------------------------------------------------------------------- orchestration
def _ensure_lifetimes_venv() -> Path:
    python = LIFETIMES_VENV / "bin" / "python"
    if not python.exists():
        subprocess.run([sys.executable, "-m", "venv", str(LIFETIMES_VENV)], check=True)
        subprocess.run(
            [str(python), "-m", "pip", "install", "--quiet", "-r", str(REQUIREMENTS)], check=True
        )
    return python


def _run_worker(
    python: str, kind: str, path: Path, out: Path, memory_gib: float | None, timeout_s: float
) -> dict[str, Any]:
    def cap() -> None:
        if memory_gib is not None:
            limit = int(memory_gib * 2**30)
            resource.setrlimit(resource.RLIMIT_AS, (limit, limit))

    env = {**os.environ, "PYTHONPATH": str(HERE.parent / "src")}
    try:
        proc = subprocess.run(
            [python, __file__, "--worker", kind, "--path", str(path), "--out", str(out)],
            capture_output=True,
            text=True,
            preexec_fn=cap,
            env=env,
            timeout=timeout_s,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return {"error": f"timed out after {timeout_s:.0f} s"}
    if proc.returncode != 0:
        last = (proc.stderr.strip().splitlines() or ["?"])[-1]
        return {"error": f"exit {proc.returncode}: {last[:200]}"}
    result: dict[str, Any] = json.loads(proc.stdout.strip().splitlines()[-1])
    return result


def _compare(
    gw: dict[str, Any], lt: dict[str, Any], gw_out: Path, lt_out: Path
) -> dict[str, float]:
    import pandas as pd

    a = pd.read_parquet(gw_out)
    b = pd.read_parquet(lt_out)
    a.index = a.index.astype(str)
    b.index = b.index.astype(str)
    b = b.loc[a.index]
    params = {
        **{k: abs(gw["bg"][k] / lt["bg"][k] - 1) for k in gw["bg"]},
        **{k: abs(gw["gg"][k] / lt["gg"][k] - 1) for k in gw["gg"]},
    }
    return {
        "param_rel": max(params.values()),
        "p_alive_abs": float((a["p_alive"] - b["p_alive"]).abs().max()),
        "clv_rel": float(((a["clv"] - b["clv"]).abs() / b["clv"].abs()).max()),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--no-lifetimes", action="store_true")
    parser.add_argument("--lifetimes-memory-gib", type=float, default=20.0)
    parser.add_argument("--timeout-s", type=float, default=3600.0)
    parser.add_argument("--pareto", action="store_true", help="compare the Pareto/NBD fit")
    parser.add_argument(
        "--worker",
        choices=["scan", "goodwill", "lifetimes", "pnbd_goodwill", "pnbd_lifetimes"],
    )
    parser.add_argument("--path", type=Path)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()

    if args.worker:
        if args.worker == "scan":
            result = worker_scan(args.path)
        elif args.worker == "goodwill":
            result = worker_goodwill(args.path, args.out)
        elif args.worker == "pnbd_goodwill":
            result = worker_pnbd_goodwill(args.path, args.out)
        elif args.worker == "pnbd_lifetimes":
            result = worker_pnbd_lifetimes(args.path, args.out)
        else:
            result = worker_lifetimes(args.path, args.out)
        print(json.dumps(result))
        return

    OUT.mkdir(exist_ok=True)
    lifetimes_python = None if args.no_lifetimes else str(_ensure_lifetimes_venv())
    print(f"# {platform.node()} · {os.cpu_count()} cores · python {platform.python_version()}")
    if args.pareto:
        pareto_main(args.sizes, lifetimes_python, args.lifetimes_memory_gib, args.timeout_s)
        return
    header = (
        "| customers | orders | DuckDB scan s | goodwill s (summary + model) | model s "
        "| lifetimes s (summary + fit) | speed-up | goodwill peak MiB | lifetimes peak MiB "
        "| max param rel diff | max P(alive) diff | max CLV rel diff |"
    )
    print(header)
    print("|" + "---|" * (header.count("|") - 1))
    for n in args.sizes:
        path = OUT / f"orders_{n}.parquet"
        if not path.exists():
            t0 = time.perf_counter()
            generate(n, path)
            print(f"# generated {path.name} in {time.perf_counter() - t0:.1f} s", flush=True)
        import pyarrow.parquet as pq

        n_orders = pq.ParquetFile(path).metadata.num_rows
        scan = _run_worker(sys.executable, "scan", path, OUT / "unused", None, args.timeout_s)
        gw_out = OUT / f"goodwill_{n}.parquet"
        gw = _run_worker(sys.executable, "goodwill", path, gw_out, None, args.timeout_s)
        if "error" in gw:
            raise SystemExit(f"goodwill failed at {n:,} customers: {gw['error']}")
        lt: dict[str, Any] = {"error": "not run"}
        lt_out = OUT / f"lifetimes_{n}.parquet"
        if lifetimes_python is not None:
            lt = _run_worker(
                lifetimes_python,
                "lifetimes",
                path,
                lt_out,
                args.lifetimes_memory_gib,
                args.timeout_s,
            )
        cmp: dict[str, float] = {}
        if "error" not in lt:
            cmp = _compare(gw, lt, gw_out, lt_out)
        lt_cell = (
            f"{lt['total_s']:.1f} ({lt['summary_s']:.1f} + {lt['fit_bg_s'] + lt['fit_gg_s']:.1f})"
            if "error" not in lt
            else f"failed: {lt['error']}"
        )
        speed = f"{lt['total_s'] / gw['total_s']:.0f}×" if "error" not in lt else "–"
        print(
            f"| {n:,} | {n_orders:,} | {scan.get('scan_s', float('nan')):.2f} "
            f"| {gw['total_s']:.2f} ({gw['summary_s']:.2f} + {gw['model_s']:.2f}) "
            f"| {gw['model_s']:.2f} | {lt_cell} | {speed} | {gw['peak_mib']:.0f} "
            f"| {lt.get('peak_mib', float('nan')):.0f} "
            f"| {cmp.get('param_rel', float('nan')):.1e} "
            f"| {cmp.get('p_alive_abs', float('nan')):.1e} "
            f"| {cmp.get('clv_rel', float('nan')):.1e} |",
            flush=True,
        )
        load = ", ".join(f"{v:.1f}" for v in os.getloadavg())
        print(f"# load average after {n:,}: {load} (other work on the machine skews times)")
        print(f"# detail {n}: goodwill {json.dumps(gw)}", flush=True)
        print(f"# detail {n}: lifetimes {json.dumps(lt)}", flush=True)
        if cmp and (cmp["param_rel"] > 1e-3 or cmp["p_alive_abs"] > 1e-4):
            raise SystemExit(f"goodwill and lifetimes disagree at {n:,} customers: {cmp}")


if __name__ == "__main__":
    main()
