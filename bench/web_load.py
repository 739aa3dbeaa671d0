"""The dashboard under load (issue 10): a real ``goodwill serve`` process over a scored
store of ~50,000 accounts, and an open-loop load of ``--rate`` requests per second for
``--seconds`` on loopback. Each request is, at random, a portfolio page with random
filters (owner, segment, level, status, needs attention, sort, direction, page; values
that exist in the store) followed by its chart data (``/api/chart/portfolio``, same
filters), or a random account's page followed by its chart data
(``/api/chart/account/{id}``). A request is timed end to end, page and chart data
together, from the moment it was *scheduled* (so a slow server cannot slow the load
down or hide its own queueing); page and chart data are also shown apart.

    .venv/bin/python bench/web_load.py --accounts 50000 --rate 20 --seconds 60

The world, its store (scored and saved as of 2026-09-30 and 2026-10-31) and nothing
else are kept under bench/out/web-<accounts>/ and reused. There is no reference library
for a dashboard, so no ratio to one is given.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import math
import os
import platform
import random
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from goodwill.score import score
from goodwill.settings import Settings
from goodwill.simulate import generate_world
from goodwill.store import Store

END = dt.date(2026, 10, 31)
SNAPSHOTS = (dt.date(2026, 9, 30), END)
SORTS = ("name", "owner", "segment", "group", "health", "status", "level", "revenue", "value")


def build_store(accounts: int) -> Path:
    """The scored store of ``accounts`` simulated accounts, made once and reused."""
    out = Path("bench/out") / f"web-{accounts}"
    world, db = out / "world", out / "store.duckdb"
    done = out / "scored"
    if done.exists() and db.exists():
        return db
    out.mkdir(parents=True, exist_ok=True)
    db.unlink(missing_ok=True)
    t = time.perf_counter()
    if not (world / "accounts.csv").exists():
        generate_world(world, accounts=accounts, years=3.0, end=END, seed=3)
    print(f"simulated in {time.perf_counter() - t:.0f} s", flush=True)
    t = time.perf_counter()
    with Store.open(db) as store:
        store.import_dir(world)
    print(f"imported in {time.perf_counter() - t:.0f} s", flush=True)
    settings = Settings.for_store(db)
    for as_of in SNAPSHOTS:
        t = time.perf_counter()
        with Store.open(db) as store:
            score(store, as_of, settings=settings, save=True)
        print(f"scored and saved as of {as_of} in {time.perf_counter() - t:.0f} s", flush=True)
    done.touch()
    return db


def choices(db: Path) -> tuple[dict[str, list[str]], list[str]]:
    """The filter values that exist in the latest snapshot, and every account id."""
    from goodwill.dashboard.portfolio import filter_choices
    from goodwill.dashboard.status import latest_as_of

    with Store.open(db, create=False) as store:
        as_of = latest_as_of(store)
        assert as_of is not None, "the store has no snapshot"
        found = filter_choices(store, as_of)
        ids = [str(r[0]) for r in store.con.execute("SELECT account_id FROM accounts").fetchall()]
    return found, ids


def calib() -> float:
    """Seconds a fixed Python loop (5M multiply-adds) takes: this shared machine's speed
    of the moment (it swung between 0.25 and 0.5 s within minutes on 2026-12-01), to
    print beside every load run."""
    start = time.perf_counter()
    total = 0
    for i in range(5_000_000):
        total += i * i
    return time.perf_counter() - start


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(db: Path, port: int, log: Path | None = None) -> subprocess.Popen[bytes]:
    """``goodwill serve`` on ``db``, once it answers /health; its stderr goes to ``log``
    when given (a pipe nobody reads would stop a server that logs much)."""
    src = Path(__file__).resolve().parents[1] / "src"
    env = {**os.environ, "PYTHONPATH": str(src)}
    cmd = [sys.executable, "-m", "goodwill", "serve", "--db", str(db), "--port", str(port)]
    err = log.open("wb") if log is not None else subprocess.PIPE
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=err)
    deadline = time.monotonic() + 120
    while True:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=5) as r:
                if r.status == 200:
                    return proc
        except OSError:
            if proc.poll() is not None:
                said = log.read_text() if log is not None else proc.stderr.read().decode()  # type: ignore[union-attr]
                raise SystemExit(f"the server stopped: {said}") from None
            if time.monotonic() > deadline:
                proc.kill()
                raise SystemExit("the server did not answer /health in 120 s") from None
            time.sleep(0.3)


class RssSampler(threading.Thread):
    """Samples the resident memory of a process from /proc every 0.1 s."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid, self.peak_kib, self.stop = pid, 0, threading.Event()

    def read(self, key: str) -> int:
        with open(f"/proc/{self.pid}/status") as f:
            for line in f:
                if line.startswith(key):
                    return int(line.split()[1])
        return 0

    def run(self) -> None:
        while not self.stop.is_set():
            try:
                self.peak_kib = max(self.peak_kib, self.read("VmRSS:"), self.read("VmHWM:"))
            except OSError:
                return
            self.stop.wait(0.1)


@dataclass
class Timings:
    ms: dict[str, list[float]] = field(default_factory=dict)
    errors: dict[str, int] = field(default_factory=dict)
    examples: list[str] = field(default_factory=list)

    def add(self, kind: str, ms: float) -> None:
        self.ms.setdefault(kind, []).append(ms)

    def error(self, kind: str, what: str) -> None:
        self.errors[kind] = self.errors.get(kind, 0) + 1
        if len(self.examples) < 5:
            self.examples.append(f"{kind}: {what}")


def portfolio_query(rng: random.Random, found: dict[str, list[str]]) -> dict[str, str]:
    """Random filters (each used about a third of the time), sort, direction and page."""
    query: dict[str, str] = {}
    for name in ("owner", "segment", "level", "status"):
        if found.get(name) and rng.random() < 1 / 3:
            query[name] = rng.choice(found[name])
    if rng.random() < 0.2:
        query["attention"] = "1"
    query["sort"] = rng.choice(SORTS)
    query["dir"] = rng.choice(("asc", "desc"))
    query["page"] = str(rng.choice((1, 1, 1, 2, 3, 5, 10)))
    return query


async def one(
    client: httpx.AsyncClient,
    scheduled: float,
    kind: str,
    urls: list[tuple[str, str, dict[str, str]]],
    timings: Timings,
) -> None:
    """Fetch the page, then its chart data, timed from the scheduled start."""
    start = scheduled
    for part, url, params in urls:
        try:
            r = await client.get(url, params=params)
            ok = r.status_code == 200 and len(r.content) > 0
        except httpx.HTTPError as exc:
            ok, r = False, None
            what = repr(exc)
        now = time.perf_counter()
        if not ok:
            if r is not None:
                what = f"{r.status_code} {url}"
            timings.error(kind, what)
            return
        timings.add(f"{kind} {part}", (now - start) * 1000)
        start = now
    timings.add(kind, (time.perf_counter() - scheduled) * 1000)
    timings.add("all", (time.perf_counter() - scheduled) * 1000)


def plan_requests(
    rng: random.Random, found: dict[str, list[str]], ids: list[str]
) -> tuple[str, list[tuple[str, str, dict[str, str]]]]:
    if rng.random() < 0.5:
        q = portfolio_query(rng, found)
        chart = {k: v for k, v in q.items() if k not in ("sort", "dir", "page")}
        return "portfolio", [("page", "/", q), ("chart", "/api/chart/portfolio", chart)]
    account = rng.choice(ids)
    return "account", [
        ("page", f"/accounts/{account}", {}),
        ("chart", f"/api/chart/account/{account}", {}),
    ]


async def load(
    base: str, rate: float, seconds: float, found: dict[str, list[str]], ids: list[str], seed: int
) -> tuple[Timings, float, int]:
    """Open loop: request i starts at i / rate seconds whatever came back before."""
    rng = random.Random(seed)
    timings = Timings()
    limits = httpx.Limits(max_connections=1000, max_keepalive_connections=100)
    async with httpx.AsyncClient(base_url=base, timeout=60, limits=limits) as client:
        for kind, urls in (plan_requests(rng, found, ids) for _ in range(2)):  # warm up
            await one(client, time.perf_counter(), kind, urls, Timings())
        n = int(rate * seconds)
        tasks = []
        t0 = time.perf_counter()
        for i in range(n):
            at = t0 + i / rate
            delay = at - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            kind, urls = plan_requests(rng, found, ids)
            tasks.append(asyncio.create_task(one(client, at, kind, urls, timings)))
        sent = time.perf_counter() - t0
        await asyncio.gather(*tasks)
    return timings, n / sent if sent > 0 else 0.0, n


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    i = min(len(ordered) - 1, max(0, math.ceil(q / 100 * len(ordered)) - 1))  # nearest rank
    return ordered[i]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--accounts", type=int, default=50_000)
    parser.add_argument("--rate", type=float, default=20.0, help="requests per second")
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    db = build_store(args.accounts)
    found, ids = choices(db)
    port = free_port()
    proc = start_server(db, port)
    sampler = RssSampler(proc.pid)
    sampler.start()
    try:
        timings, achieved, n = asyncio.run(
            load(f"http://127.0.0.1:{port}", args.rate, args.seconds, found, ids, args.seed)
        )
    finally:
        sampler.stop.set()
        sampler.join()
        proc.terminate()  # an overloaded server drains its queue first: wait, then kill
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    errors = sum(timings.errors.values())
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, load average "
        f"{os.getloadavg()[0]:.1f}; python {platform.python_version()}"
    )
    print(
        f"accounts {len(ids):,}; requests {n:,} scheduled at {args.rate:g}/s for "
        f"{args.seconds:g} s, sent at {achieved:.2f}/s; errors {errors}; "
        f"server peak RSS {sampler.peak_kib / 1024:,.0f} MiB"
    )
    print("| request | n | errors | p50 ms | p95 ms | p99 ms | max ms |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for kind in (
        "portfolio",
        "portfolio page",
        "portfolio chart",
        "account",
        "account page",
        "account chart",
        "all",
    ):
        ms = timings.ms.get(kind, [])
        err = errors if kind == "all" else timings.errors.get(kind, 0)
        err_shown = err if " " not in kind else ""
        print(
            f"| {kind} | {len(ms):,} | {err_shown} | {pct(ms, 50):.0f} | {pct(ms, 95):.0f} | "
            f"{pct(ms, 99):.0f} | {max(ms, default=float('nan')):.0f} |"
        )
    for example in timings.examples:
        print("error:", example)
    p95 = pct(timings.ms.get("all", []), 95)
    met = errors == 0 and p95 < 300
    print(f"target (issue 10): p95 < 300 ms with no errors — {'met' if met else 'NOT met'}")


if __name__ == "__main__":
    main()
