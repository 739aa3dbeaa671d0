"""Small worlds written once per test session, and DuckDB views of their files."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from tests.simulate.sim_helpers import connect, write_small


@pytest.fixture(scope="session")
def world_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A 600-account, two-year world in the default preset."""
    return write_small(tmp_path_factory.mktemp("world") / "w")


@pytest.fixture(scope="session")
def big_world_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A 2,000-account, three-year world: enough churners for statistical checks."""
    return write_small(tmp_path_factory.mktemp("big") / "w", seed=11, accounts=2000, years=3.0)


@pytest.fixture(scope="session")
def db(world_dir: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    con = connect(world_dir)
    yield con
    con.close()


@pytest.fixture(scope="session")
def big_db(big_world_dir: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    con = connect(big_world_dir)
    yield con
    con.close()
