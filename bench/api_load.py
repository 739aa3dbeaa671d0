"""The API and the dashboard under load while a large import runs (issue 11): a real
``goodwill serve`` process over a copy of the scored store of ``--accounts`` accounts
(bench/web_load.py builds and keeps it), with users and personal API tokens, and
``--clients`` concurrent signed-in clients for ``--seconds`` — closed loop, each its own
HTTP client: half browse the pages with a session cookie got from ``POST /login`` (the
portfolio with random filters, an account page, payments), half call the REST API with
their Bearer token (``/api/v1/accounts`` with filters and paging, an account, its
snapshots, payments). Clients sign in as a manager, an administrator or an account
manager (who asks for their own accounts only). ``--import-after`` seconds in, the
manager posts a ``--rows`` orders file (new orders of existing accounts) to
``/api/v1/imports`` and polls the job until it has succeeded; the store is scored again
as part of the job.

    .venv/bin/python bench/api_load.py --accounts 50000 --clients 20 --seconds 60 --rows 1000000

The clients sign in, then run the same load for ``--warmup`` seconds (default 5, not
counted) once the server says it is ready (``/health``), so the minute measured is a
server in service, not its first seconds (cold templates and caches: up to 5 s a
request). ``--think`` adds a mean pause between a client's answer and its next request
(0: none, the hardest reading of "20 concurrent clients").

Every request's status and time (from sending it to its last byte) is kept; an error is
a status of 400 or more, or no answer. The table splits them by kind (page / api), by
what was asked, and by phase: before the upload, during the import (upload, import and
scoring), after it. The store copy, the orders file and the server's log are under
bench/out/web-<accounts>/.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import os
import platform
import random
import shutil
import subprocess
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import httpx

from goodwill.auth import AuthBook
from goodwill.auth.tokens import create_token
from goodwill.store import Store
from goodwill.web.access import Role
from web_load import (
    RssSampler,
    build_store,
    calib,
    choices,
    free_port,
    pct,
    portfolio_query,
    start_server,
)

#: account managers signed in: the owner codes with the most accounts
OWNERS = 6
TARGET_MS = 500.0
API_SORTS = ("id", "name", "owner", "health", "status", "value", "revenue", "payment_score")
LEVELS = ("transactional", "fruitful", "growing_together")
STATUSES = ("at_risk", "watch", "healthy")


@dataclass(frozen=True)
class Person:
    name: str
    role: Role
    owner: str | None
    password: str
    token: str


@dataclass
class Sample:
    """One request: what, when it started (s since the load began), ms, status or error."""

    kind: str  # "page" or "api"
    what: str
    start: float
    ms: float
    status: int | None
    error: str | None = None

    @property
    def failed(self) -> bool:
        return self.error is not None or self.status is None or self.status >= 400


@dataclass
class ImportRun:
    """The import job as the manager saw it (seconds since the load began)."""

    posted_at: float = float("nan")
    accepted_at: float = float("nan")
    imported_at: float = float("nan")
    finished_at: float = float("nan")
    status: str = "not posted"
    job: dict[str, object] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)


def copy_store(db: Path, rows: int) -> Path:
    """A fresh copy of the cached store (the import changes it)."""
    run = db.with_name(f"api-load-{rows}.duckdb")
    run.unlink(missing_ok=True)
    run.with_suffix(".duckdb.wal").unlink(missing_ok=True)
    shutil.copy(db, run)
    return run


def add_people(db: Path, owners: list[str]) -> list[Person]:
    """An administrator, a manager and an account manager per owner code, each with a
    personal API token, written to the store before it is served."""
    wanted: list[tuple[str, Role, str | None]] = [
        ("ada", Role.ADMIN, None),
        ("max", Role.MANAGER, None),
    ]
    wanted += [(f"am-{code.lower()}", Role.ACCOUNT_MANAGER, code) for code in owners]
    people = []
    with Store.open(db) as store:
        book = AuthBook.load(store)
        for name, role, owner in wanted:
            password = f"{name}-bench-password"
            user = book.add_user(name, role, password, owner)
            token, _ = create_token(book, user, "bench")
            people.append(Person(name, role, owner, password, token))
        book.flush(store.con)
    return people


def accounts_by_owner(db: Path) -> tuple[dict[str, list[str]], list[str], list[str]]:
    """The scored accounts of the latest snapshot by owner code, every one of them, and
    the owner codes by how many they own (most first)."""
    with Store.open(db, create=False) as store:
        rows = store.con.execute(
            """SELECT a.account_id, a.owner FROM accounts a
               JOIN health_snapshots h USING (account_id)
               WHERE h.as_of = (SELECT max(as_of) FROM health_snapshots)
               ORDER BY a.account_id"""
        ).fetchall()
    by_owner: dict[str, list[str]] = {}
    for account_id, owner in rows:
        by_owner.setdefault(str(owner), []).append(str(account_id))
    ranked = sorted(by_owner, key=lambda o: -len(by_owner[o]))
    return by_owner, [r[0] for r in rows], ranked


def write_orders(path: Path, rows: int, accounts: list[str]) -> Path:
    """``rows`` new orders (ids ``L000000001`` ...) of existing accounts in the store's own
    CSV layout, written once and reused."""
    if path.exists():
        return path
    tmp = path.with_suffix(".tmp")
    con = duckdb.connect()
    con.execute("SET enable_progress_bar = false")
    con.execute(
        "CREATE TABLE ids AS SELECT * FROM (SELECT unnest(?) AS id) ORDER BY id", [accounts]
    )
    con.execute("CREATE TABLE ids2 AS SELECT row_number() OVER () - 1 AS n, id FROM ids")
    n = len(accounts)
    con.execute(
        f"""COPY (
            SELECT printf('L%09d', i + 1) AS order_id,
                   ids2.id AS account_id,
                   TIMESTAMP '2025-11-01 08:00:00'
                     + to_minutes(CAST(hash(i * 7) % (364 * 24 * 60) AS BIGINT)) AS ordered_on,
                   round((hash(i * 3) % 500000) / 100.0 + 5, 2) AS amount,
                   round((hash(i * 3) % 500000) / 400.0, 2) AS margin,
                   CAST(1 + hash(i * 13) % 40 AS INTEGER) AS quantity,
                   CAST(1 + hash(i * 13) % 40 AS INTEGER) AS delivered_quantity,
                   ['verwarming', 'sanitair', 'gereedschap', 'elektra']
                     [1 + CAST(hash(i * 17) % 4 AS INTEGER)] AS category,
                   ['webshop', 'email', 'phone'][1 + CAST(hash(i * 19) % 3 AS INTEGER)] AS channel,
                   NULL AS confirmed_on, NULL AS promised_on, NULL AS delivered_on,
                   false AS is_test
            FROM range({rows}) t(i) JOIN ids2 ON ids2.n = hash(i) % {n})
        TO '{tmp}' (HEADER, DELIMITER ',')"""
    )
    con.close()
    tmp.rename(path)
    return path


def api_request(
    rng: random.Random, person: Person, ids: list[str], found: dict[str, list[str]]
) -> tuple[str, str, dict[str, str]]:
    pick = rng.random()
    if pick < 0.4:
        params = {
            "limit": str(rng.choice((20, 50, 100))),
            "offset": str(rng.choice((0, 0, 50, 200))),
        }
        if rng.random() < 1 / 3:
            params["status"] = rng.choice(STATUSES)
        if rng.random() < 1 / 3:
            params["level"] = rng.choice(LEVELS)
        if found.get("segment") and rng.random() < 1 / 3:
            params["segment"] = rng.choice(found["segment"])
        if person.owner is None and rng.random() < 1 / 3:
            params["owner"] = rng.choice(found["owner"])
        if rng.random() < 0.2:
            params["needs_attention"] = "true"
        params["sort"] = rng.choice(API_SORTS)
        params["order"] = rng.choice(("asc", "desc"))
        return "api accounts", "/api/v1/accounts", params
    account = rng.choice(ids)
    if pick < 0.65:
        return "api account", f"/api/v1/accounts/{account}", {}
    if pick < 0.85:
        return "api snapshots", f"/api/v1/accounts/{account}/snapshots", {}
    params = {"limit": "50", "sort": rng.choice(("advice", "overdue", "score", "open"))}
    return "api payments", "/api/v1/payments", params


def page_request(
    rng: random.Random, person: Person, ids: list[str], found: dict[str, list[str]]
) -> tuple[str, str, dict[str, str]]:
    pick = rng.random()
    if pick < 0.45:
        query = portfolio_query(rng, found)
        if person.owner is not None:
            query.pop("owner", None)
        return "page portfolio", "/", query
    if pick < 0.8:
        return "page account", f"/accounts/{rng.choice(ids)}", {}
    query = {
        "sort": rng.choice(("advice", "overdue", "score")),
        "page": str(rng.choice((1, 1, 2, 3))),
    }
    return "page payments", "/payments", query


async def sign_in(client: httpx.AsyncClient, person: Person) -> None:
    r = await client.post("/login", data={"name": person.name, "password": person.password})
    if r.status_code != 303 or "goodwill_session" not in client.cookies:
        raise SystemExit(f"{person.name} could not sign in: {r.status_code} {r.text[:200]}")


async def client_loop(
    i: int,
    client: httpx.AsyncClient,
    person: Person,
    ids: list[str],
    found: dict[str, list[str]],
    t0: float,
    until: float,
    samples: list[Sample],
    seed: int,
    think: float,
) -> None:
    """One closed-loop client: a request, its answer, (a pause of on average ``think``
    seconds,) the next request."""
    rng = random.Random(seed * 1000 + i)
    kind = "page" if i % 2 == 0 else "api"
    plan = page_request if kind == "page" else api_request
    while time.perf_counter() < until:
        what, url, params = plan(rng, person, ids, found)
        start = time.perf_counter()
        status, error = None, None
        try:
            r = await client.get(url, params=params)
            status = r.status_code
            if status >= 400:
                error = f"{status} {url} {r.text[:160]!r}"
        except httpx.HTTPError as exc:
            error = f"{type(exc).__name__} {url}: {exc}"
        samples.append(
            Sample(kind, what, start - t0, (time.perf_counter() - start) * 1000, status, error)
        )
        if think > 0:
            await asyncio.sleep(rng.uniform(0, 2 * think))


async def signed_in(i: int, base: str, person: Person) -> httpx.AsyncClient:
    """Client ``i``: a page client with a session cookie, or an API client with the
    person's token."""
    kind = "page" if i % 2 == 0 else "api"
    headers = {"Authorization": f"Bearer {person.token}"} if kind == "api" else {}
    client = httpx.AsyncClient(base_url=base, timeout=120, headers=headers)
    if kind == "page":
        await sign_in(client, person)
    return client


def upload(base: str, token: str, orders: Path) -> httpx.Response:
    """Post the file from a thread (a plain file object is read synchronously)."""
    with orders.open("rb") as f, httpx.Client(base_url=base, timeout=600) as client:
        return client.post(
            "/api/v1/imports",
            headers={"Authorization": f"Bearer {token}"},
            data={"table": "orders"},
            files={"file": (orders.name, f, "text/csv")},
        )


async def run_import(
    base: str, token: str, orders: Path, t0: float, after: float, run: ImportRun
) -> None:
    """Post the orders ``after`` seconds in and poll the job until it has ended."""
    await asyncio.sleep(max(0.0, t0 + after - time.perf_counter()))
    run.posted_at = time.perf_counter() - t0
    r = await asyncio.to_thread(upload, base, token, orders)
    run.accepted_at = time.perf_counter() - t0
    if r.status_code != 202:
        run.status = f"refused {r.status_code}"
        run.errors.append(r.text[:300])
        return
    location = r.headers["location"]
    run.status = "queued"
    async with httpx.AsyncClient(
        base_url=base, timeout=60, headers={"Authorization": f"Bearer {token}"}
    ) as client:
        deadline = time.perf_counter() + 3600
        while time.perf_counter() < deadline:
            await asyncio.sleep(0.5)
            try:
                got = await client.get(location)
            except httpx.HTTPError as exc:
                run.errors.append(repr(exc))
                continue
            if got.status_code != 200:
                run.errors.append(f"{got.status_code} {got.text[:200]}")
                continue
            run.job = got.json()
            run.status = str(run.job["status"])
            now = time.perf_counter() - t0
            if run.job.get("rows") is not None and run.imported_at != run.imported_at:
                run.imported_at = now
            if run.status in ("succeeded", "failed"):
                run.finished_at = now
                return


async def load(
    base: str,
    people: list[Person],
    by_owner: dict[str, list[str]],
    every: list[str],
    found: dict[str, list[str]],
    orders: Path,
    args: argparse.Namespace,
) -> tuple[list[Sample], ImportRun, float]:
    samples: list[Sample] = []
    run = ImportRun()
    manager = next(p for p in people if p.role is Role.MANAGER)
    persons = [people[(i // 2) % len(people)] for i in range(args.clients)]  # page + API each
    # every client signs in before the clock starts: signing in is not in the mix
    clients = await asyncio.gather(*(signed_in(i, base, p) for i, p in enumerate(persons)))
    if args.warmup > 0:  # every code path once (templates compiled, first-use caches made)
        start = time.perf_counter()
        end = start + args.warmup
        await asyncio.gather(
            *(
                client_loop(
                    i,
                    client,
                    person,
                    every if person.owner is None else by_owner[person.owner],
                    found,
                    start,
                    end,
                    [],  # not counted
                    args.seed + 7919,
                    args.think,
                )
                for i, (client, person) in enumerate(zip(clients, persons, strict=True))
            )
        )
    t0 = time.perf_counter()
    until = t0 + args.seconds
    loops = []
    for i, (client, person) in enumerate(zip(clients, persons, strict=True)):
        ids = every if person.owner is None else by_owner[person.owner]
        loops.append(
            client_loop(i, client, person, ids, found, t0, until, samples, args.seed, args.think)
        )
    importing = asyncio.create_task(
        run_import(base, manager.token, orders, t0, args.import_after, run)
    )
    try:
        await asyncio.gather(*loops)
    finally:
        for client in clients:
            await client.aclose()
    ended = time.perf_counter() - t0
    await importing
    return samples, run, ended


def health(base: str, ready: bool = False) -> dict[str, object]:
    """``/health``; with ``ready``, once the server has made what its pages keep (the
    load measures a server in service, not its first seconds)."""
    deadline = time.monotonic() + 300
    with httpx.Client(base_url=base, timeout=60) as client:
        while True:
            found: dict[str, object] = client.get("/health").json()
            if not ready or found.get("ready") or time.monotonic() > deadline:
                return found
            time.sleep(0.2)


def cpu_seconds(pid: int) -> tuple[float, float]:
    """CPU seconds (user + system) of process ``pid`` itself and of its children it has
    waited for (the scoring's child process), from /proc."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    tick = os.sysconf("SC_CLK_TCK")
    own = (int(fields[11]) + int(fields[12])) / tick
    children = (int(fields[13]) + int(fields[14])) / tick
    return own, children


def vm_hwm_kib(pid: int) -> int:
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return 0


def row(name: str, group: list[Sample]) -> str:
    ms = [s.ms for s in group]
    errors = sum(s.failed for s in group)
    if not ms:
        return f"| {name} | 0 | | | | | |"
    return (
        f"| {name} | {len(ms):,} | {errors} | {pct(ms, 50):,.0f} | {pct(ms, 95):,.0f} | "
        f"{pct(ms, 99):,.0f} | {max(ms):,.0f} |"
    )


def phase(sample: Sample, run: ImportRun) -> str:
    if sample.start < run.posted_at:
        return "before the import"
    if run.finished_at != run.finished_at or sample.start < run.finished_at:
        return "during the import"
    return "after the import"


def count_imported(db: Path) -> int:
    with Store.open(db, create=False) as store:
        found = store.con.execute("SELECT count(*) FROM orders WHERE order_id LIKE 'L%'").fetchone()
    return int(found[0]) if found else 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--accounts", type=int, default=50_000)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--import-after", type=float, default=1.5, help="seconds")
    parser.add_argument(
        "--think",
        type=float,
        default=0.0,
        help="mean seconds a client waits between answer and next request (0: none)",
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--warmup",
        type=float,
        default=5.0,
        help="seconds of the same load, not counted, before the clock starts (0: none)",
    )
    parser.add_argument(
        "--samples", type=Path, help="write every request (start s, ms, what, status) as CSV"
    )
    args = parser.parse_args()

    cached = build_store(args.accounts)
    found, _ = choices(cached)
    by_owner, every, ranked = accounts_by_owner(cached)
    orders = write_orders(cached.parent / f"orders-{args.rows}.csv", args.rows, every)
    db = copy_store(cached, args.rows)
    people = add_people(db, ranked[:OWNERS])
    port = free_port()
    log = cached.parent / "api-load-server.log"
    load_before = os.getloadavg()
    speed_before = calib()
    proc = start_server(db, port, log)
    base = f"http://127.0.0.1:{port}"
    before = health(base, ready=True)
    sampler = RssSampler(proc.pid)
    sampler.start()
    try:
        server_cpu_before = cpu_seconds(proc.pid)
        client_cpu_before, wall_before = time.process_time(), time.perf_counter()
        samples, run, ended = asyncio.run(load(base, people, by_owner, every, found, orders, args))
        client_cpu = time.process_time() - client_cpu_before
        wall = time.perf_counter() - wall_before
        server_cpu = [a - b for a, b in zip(cpu_seconds(proc.pid), server_cpu_before, strict=True)]
        after = health(base)
        peak_kib = max(sampler.peak_kib, vm_hwm_kib(proc.pid))
    finally:
        sampler.stop.set()
        sampler.join()
        proc.terminate()
        try:
            proc.wait(timeout=120)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    load_after = os.getloadavg()
    speed_after = calib()
    in_store = count_imported(db)
    if args.samples is not None:
        with args.samples.open("w", encoding="utf-8") as out:
            out.write("start_s,ms,kind,what,status\n")
            for s in sorted(samples, key=lambda s: s.start):
                out.write(f"{s.start:.3f},{s.ms:.1f},{s.kind},{s.what},{s.status}\n")

    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores; python "
        f"{platform.python_version()}; duckdb {duckdb.__version__}; load average (1 min) "
        f"{load_before[0]:.1f} before, {load_after[0]:.1f} after "
        f"(5 min {load_before[1]:.1f} / {load_after[1]:.1f}); calib (web_load.calib) "
        f"{speed_before:.2f} s before, {speed_after:.2f} s after; "
        f"{dt.datetime.now():%Y-%m-%d %H:%M}"
    )
    print(
        f"CPU seconds from the start of the load to the end of the import: server "
        f"{server_cpu[0]:.1f}, its scoring child {server_cpu[1]:.1f}, the bench's own "
        f"clients {client_cpu:.1f} (two cores give {2 * wall:.0f} in those {wall:.0f} s)"
    )
    print(
        f"accounts {len(every):,} scored; clients {args.clients} (half pages, half API, "
        f"think time {args.think:g} s) for "
        f"{args.seconds:g} s (ended at {ended:.1f} s); users {len(people)}; "
        f"orders file {args.rows:,} rows, {orders.stat().st_size / 2**20:,.0f} MiB"
    )
    posted, accepted = run.posted_at, run.accepted_at
    whole = (
        "it lasted the whole load"
        if run.finished_at >= ended
        else f"it ended {ended - run.finished_at:.1f} s before the load did"
    )
    print(
        f"import: posted at {posted:.1f} s, accepted (202) at {accepted:.1f} s "
        f"(upload {accepted - posted:.1f} s), rows written by {run.imported_at:.1f} s, "
        f"{run.status} at {run.finished_at:.1f} s: import and scoring "
        f"{run.finished_at - accepted:.1f} s after the upload, {run.finished_at - posted:.1f} s "
        f"from posting; {whole}"
    )
    job = run.job
    print(
        f"job: rows {job.get('rows')}, inserted {job.get('inserted')}, rescored as of "
        f"{job.get('rescored_as_of')}, message {job.get('message')!r}; "
        f"poll errors {len(run.errors)}"
    )
    print(
        f"/health before: imports {before.get('imports')}, after: imports "
        f"{after.get('imports')}, latest snapshot {after.get('latest_snapshot')}; "
        f"orders L... in the store after: {in_store:,}"
    )
    print(f"server peak RSS (VmHWM) {peak_kib / 1024:,.0f} MiB")
    statuses = Counter(s.status for s in samples)
    print("statuses:", ", ".join(f"{k}: {v:,}" for k, v in sorted(statuses.items(), key=str)))
    print()
    print("| requests | n | errors | p50 ms | p95 ms | p99 ms | max ms |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    print(row("**all**", samples))
    for kind in ("page", "api"):
        print(row(kind, [s for s in samples if s.kind == kind]))
    for what in sorted({s.what for s in samples}):
        print(row(what, [s for s in samples if s.what == what]))
    for name in ("before the import", "during the import", "after the import"):
        print(row(name, [s for s in samples if phase(s, run) == name]))
        for kind in ("page", "api"):
            print(
                row(
                    f"{name}: {kind}",
                    [s for s in samples if phase(s, run) == name and s.kind == kind],
                )
            )
    for s in [s for s in samples if s.failed][:8]:
        print(f"error at {s.start:.1f} s: {s.error}")
    for e in run.errors[:5]:
        print("import poll error:", e)
    errors = sum(s.failed for s in samples) + len(run.errors)
    p95 = pct([s.ms for s in samples], 95)
    good = run.status == "succeeded" and in_store == args.rows
    met = errors == 0 and p95 < TARGET_MS and good
    print(
        f"target (issue 11): no errors, p95 < {TARGET_MS:.0f} ms, the import in the store — "
        f"{'met' if met else 'NOT met'} (errors {errors}, p95 {p95:,.0f} ms, import {run.status}, "
        f"{in_store:,} of {args.rows:,} rows)"
    )


if __name__ == "__main__":
    main()
