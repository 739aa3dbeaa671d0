"""Helpers shared by the simulator tests: write a small world, open its files in DuckDB."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb

from goodwill.simulate import make_config, simulate, write_world

END = dt.date(2025, 6, 30)
TABLES = (
    "accounts",
    "contacts",
    "orders",
    "invoices",
    "interactions",
    "complaints",
    "promises",
    "quotes",
)
TRUTH = ("accounts", "suppliers", "latent_monthly", "managers")


def write_small(
    out: Path, seed: int = 7, preset: str = "default", accounts: int = 600, years: float = 2.0
) -> Path:
    """Simulate and write a small world into ``out``."""
    world = simulate(make_config(preset, accounts=accounts, years=years, end=END, seed=seed))
    write_world(world, out)
    return out


def connect(folder: Path) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB with one view per table (``t_accounts``, ...) and per truth file."""
    con = duckdb.connect()
    for name in TABLES:
        con.execute(
            f"CREATE VIEW {name} AS SELECT * FROM read_csv('{folder / (name + '.csv')}', "
            "header=true, all_varchar=true)"
        )
    for name in TRUTH:
        con.execute(
            f"CREATE VIEW truth_{name} AS SELECT * FROM "
            f"read_csv('{folder / 'truth' / (name + '.csv')}', "
            "header=true, all_varchar=true)"
        )
    return con
