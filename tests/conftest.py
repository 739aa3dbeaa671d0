"""Shared fixtures: fresh stores under tmp_path and small input files."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from goodwill.store import Store

ACCOUNTS_CSV = (
    "account_id,name,kind,owner,segment\n"
    "A1,Bakkerij Jansen B.V.,customer,JDV,food\n"
    "A2,Smit Bouw,customer,PK,bouw\n"
    "S1,Staal Leverancier,supplier,PK,industrie\n"
)


@pytest.fixture(scope="session")
def web_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The small simulated world of tests/web/world.py as a store, built once per worker
    and shared by the web and browser tests (which only read it, or copy it to write)."""
    from tests.web.world import build_world_store

    return build_world_store(tmp_path_factory.mktemp("web"))


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    """Write ``text`` to ``path`` in ``encoding``, with the newlines given."""
    path.write_bytes(text.encode(encoding))
    return path


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with Store.open(tmp_path / "store.duckdb") as s:
        yield s


@pytest.fixture
def accounts_file(tmp_path: Path) -> Path:
    return write(tmp_path / "accounts.csv", ACCOUNTS_CSV)


@pytest.fixture
def loaded(store: Store, accounts_file: Path) -> Store:
    """A store with three accounts imported."""
    store.import_file("accounts", accounts_file)
    return store


def snapshot(store: Store) -> dict[str, object]:
    """Everything a user could see of the store's state: rows, history and import log."""
    out: dict[str, object] = {}
    tables = [r[0] for r in store.con.execute("SHOW TABLES").fetchall()]
    for name in tables:
        rows = store.con.execute(f"SELECT * FROM {name}").fetchall()
        out[name] = sorted(map(repr, rows))
    return out
