"""Import speed: N order rows from a Dutch-format CSV (';', decimal comma, dd-mm-yyyy,
Windows-1252), first import and a re-import with 1 % of the rows changed.

Each import runs in its own process so that its peak memory (max RSS) is its own.

    .venv/bin/python bench/import_orders.py --rows 10000000
"""

from __future__ import annotations

import argparse
import json
import platform
import subprocess
import sys
import time
from pathlib import Path

import duckdb

CATEGORIES = [
    "Bevestigingsmateriaal",
    "Gereedschap",
    "Elektra",
    "Sanitair",
    "Verf & Behang",
    "Ijzerwaren",
    "Tuin",
    "Veiligheid",
    "Hout",
    "Café-inventaris",
]


def write_files(
    out: Path, rows: int, accounts: int, changed_share: float
) -> tuple[Path, Path, Path]:
    """Write accounts, orders and the changed orders as Dutch CSV in Windows-1252."""
    con = duckdb.connect()
    con.execute("SET enable_progress_bar = false")
    cats = "[" + ", ".join("'" + c.replace("'", "''") + "'" for c in CATEGORIES) + "]"
    con.execute(
        f"""COPY (SELECT printf('K%06d', i) AS Klantnummer, 'Klant ' || i || ' B.V.' AS Naam,
                        'klant' AS Soort, 'AM' || (i % 9) AS Accountmanager
                 FROM range({accounts}) t(i))
            TO '{out}/klanten.utf8.csv' (HEADER, DELIMITER ';')"""
    )
    for variant, shift in (("orders", 0.0), ("orders_changed", changed_share)):
        con.execute(
            f"""COPY (
                SELECT printf('O%09d', i) AS Ordernummer,
                       printf('K%06d', hash(i) % {accounts}) AS Klantnummer,
                       strftime(DATE '2021-01-01' + CAST(hash(i * 7) % 1400 AS INTEGER),
                                '%d-%m-%Y') AS Orderdatum,
                       replace(printf('%.2f', (hash(i * 3) % 500000) / 100.0
                               + CASE WHEN (hash(i * 11) % 10000) < {shift * 10000}
                                      THEN 1 ELSE 0 END),
                               '.', ',') AS Bedrag,
                       replace(printf('%.2f', (hash(i * 5) % 100000) / 100.0), '.', ',') AS Marge,
                       CAST(1 + hash(i * 13) % 40 AS INTEGER) AS Aantal,
                       {cats}[1 + CAST(hash(i * 17) % {len(CATEGORIES)} AS INTEGER)] AS Categorie
                FROM range({rows}) t(i))
            TO '{out}/{variant}.utf8.csv' (HEADER, DELIMITER ';')"""
        )
    paths = []
    for stem in ("klanten", "orders", "orders_changed"):
        src, dst = out / f"{stem}.utf8.csv", out / f"{stem}.csv"
        with src.open("r", encoding="utf-8") as fin, dst.open("w", encoding="cp1252") as fout:
            while chunk := fin.read(1 << 24):
                fout.write(chunk)
        src.unlink()
        paths.append(dst)
    return paths[0], paths[1], paths[2]


def run_import(db: Path, table: str, file: Path) -> dict[str, float]:
    """One import in a child process; returns seconds, peak RSS and counts."""
    code = (
        "import json, resource, sys, time\n"
        "from goodwill.store import Store\n"
        "t = time.perf_counter()\n"
        "with Store.open(sys.argv[1]) as s:\n"
        "    r = s.import_file(sys.argv[2], sys.argv[3])\n"
        "print(json.dumps({'seconds': time.perf_counter() - t,"
        " 'peak_mib': resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,"
        " 'inserted': r.inserted, 'updated': r.updated, 'unchanged': r.unchanged}))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, str(db), table, str(file)],
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--accounts", type=int, default=100_000)
    parser.add_argument("--out", type=Path, default=Path("bench/out/import"))
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    t = time.perf_counter()
    acc, orders, changed = write_files(args.out, args.rows, args.accounts, 0.01)
    gen_s = time.perf_counter() - t
    db = args.out / "bench.duckdb"
    db.unlink(missing_ok=True)
    run_import(db, "accounts", acc)
    first = run_import(db, "orders", orders)
    again = run_import(db, "orders", changed)
    mib = orders.stat().st_size / 2**20
    print(
        f"machine: {platform.machine()}, {platform.processor() or ''} "
        f"{__import__('os').cpu_count()} cores; python {platform.python_version()}; "
        f"duckdb {duckdb.__version__}; generated in {gen_s:.0f} s"
    )
    print("| rows | file MiB | step | seconds | peak MiB | inserted | updated | unchanged |")
    print("|---:|---:|---|---:|---:|---:|---:|---:|")
    for step, r in (("first import", first), ("re-import, 1 % changed", again)):
        print(
            f"| {args.rows:,} | {mib:,.0f} | {step} | {r['seconds']:.1f} | {r['peak_mib']:,.0f} "
            f"| {r['inserted']:,} | {r['updated']:,} | {r['unchanged']:,} |"
        )


if __name__ == "__main__":
    main()
