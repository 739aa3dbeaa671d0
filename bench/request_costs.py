"""What each kind of request costs the server alone: one client, one request at a time,
over a served copy of bench/web_load.py's scored store (50,000 accounts by default),
signed in as the manager; the same mix as bench/api_load.py (pages and API calls with
random filters, accounts and paging). No import runs. The wall time of a request here is
the least it takes under load; their mean over the mix bounds what one server answers a
second.

    .venv/bin/python bench/request_costs.py --accounts 50000 --rounds 150
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import os
import platform
import random
import shutil
import statistics
import time

import duckdb
import httpx

from api_load import (
    OWNERS,
    Person,
    accounts_by_owner,
    add_people,
    api_request,
    page_request,
    sign_in,
)
from web_load import build_store, choices, free_port, start_server


async def measure(
    base: str,
    token: str,
    person: Person,
    every: list[str],
    found: dict[str, list[str]],
    rounds: int,
) -> dict[str, list[float]]:
    times: dict[str, list[float]] = {}
    api_headers = {"Authorization": f"Bearer {token}"}
    async with (
        httpx.AsyncClient(base_url=base, timeout=120) as page,
        httpx.AsyncClient(base_url=base, timeout=120, headers=api_headers) as api,
    ):
        await sign_in(page, person)
        rng = random.Random(1)
        for n in range(20 + rounds):  # the first 20 rounds warm the server up
            for plan, client in ((page_request, page), (api_request, api)):
                what, url, params = plan(rng, person, every, found)
                start = time.perf_counter()
                r = await client.get(url, params=params)
                ms = (time.perf_counter() - start) * 1000
                if r.status_code != 200:
                    raise SystemExit(f"{url}: {r.status_code} {r.text[:200]}")
                if n >= 20:
                    times.setdefault(what, []).append(ms)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--accounts", type=int, default=50_000)
    parser.add_argument("--rounds", type=int, default=150, help="page + API request pairs")
    args = parser.parse_args()
    cached = build_store(args.accounts)
    found, _ = choices(cached)
    _, every, ranked = accounts_by_owner(cached)
    db = cached.with_name("request-costs.duckdb")
    db.unlink(missing_ok=True)
    shutil.copy(cached, db)
    people = add_people(db, ranked[:OWNERS])
    manager = next(p for p in people if p.name == "max")
    port = free_port()
    proc = start_server(db, port, cached.parent / "request-costs-server.log")
    try:
        base = f"http://127.0.0.1:{port}"
        with httpx.Client(base_url=base, timeout=60) as c:
            while not c.get("/health").json().get("ready"):
                time.sleep(0.2)
        times = asyncio.run(measure(base, manager.token, manager, every, found, args.rounds))
    finally:
        proc.terminate()
        proc.wait()
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores; python "
        f"{platform.python_version()}; duckdb {duckdb.__version__}; "
        f"{dt.datetime.now():%Y-%m-%d %H:%M}; accounts {args.accounts:,}"
    )
    print("| request | n | mean ms | p50 ms | p95 ms |")
    print("|---|---:|---:|---:|---:|")
    every_ms: list[float] = []
    for what, ms in sorted(times.items()):
        every_ms += ms
        p95 = statistics.quantiles(ms, n=20)[-1] if len(ms) > 1 else ms[0]
        print(
            f"| {what} | {len(ms)} | {statistics.mean(ms):.1f} | "
            f"{statistics.median(ms):.1f} | {p95:.1f} |"
        )
    print(
        f"| **the mix** | {len(every_ms)} | {statistics.mean(every_ms):.1f} | "
        f"{statistics.median(every_ms):.1f} | |"
    )


if __name__ == "__main__":
    main()
