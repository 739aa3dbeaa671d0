"""The demo: simulate a world, import it into a fresh store, ready to explore."""

from __future__ import annotations

import datetime as dt
import shutil
from dataclasses import dataclass
from pathlib import Path

from goodwill.errors import StoreError
from goodwill.ingest.report import ImportReport
from goodwill.progress import ProgressCallback
from goodwill.simulate import generate_world
from goodwill.store import Store


@dataclass(frozen=True)
class DemoResult:
    """Where the demo put things, and what the import did."""

    db: Path
    world_dir: Path
    start: dt.date
    end: dt.date
    imports: list[ImportReport]


def build_demo(
    db: Path,
    *,
    accounts: int = 2000,
    years: float = 3.0,
    end: dt.date | None = None,
    seed: int = 42,
    preset: str = "default",
    progress: ProgressCallback | None = None,
) -> DemoResult:
    """Simulate ``accounts`` over ``years`` ending ``end`` (last month by default), write the
    world next to ``db`` and import it into a new store at ``db``.

    An existing demo store at ``db`` is replaced; a file there that is not a goodwill
    store is refused, so nothing else is ever overwritten.
    """
    db = Path(db)
    if db.exists():
        Store.open(db, create=False).close()  # refuses anything that is not a store
        db.unlink()
        db.with_name(db.name + ".wal").unlink(missing_ok=True)
    elif not db.parent.exists():
        raise StoreError(
            "the folder {folder} does not exist; create it first or choose another --db path",
            folder=db.parent,
        )
    world_dir = db.with_name(db.stem + "-world")
    if world_dir.exists():
        shutil.rmtree(world_dir)
    config, _rows = generate_world(
        world_dir,
        accounts=accounts,
        years=years,
        end=end,
        seed=seed,
        preset=preset,
        progress=progress,
    )
    with Store.open(db) as store:
        reports = store.import_dir(world_dir, progress=progress)
    return DemoResult(db, world_dir, config.start, config.end, reports)


@dataclass(frozen=True)
class DemoLogin:
    """A demo user and their (published, demo-only) password."""

    name: str
    role: str
    owner: str | None
    password: str


def add_demo_users(store: Store) -> list[DemoLogin]:
    """Users for trying the roles: ``admin``, ``manager`` and one account manager per
    owner code of the customers (named by the code in lower case), each with the
    password ``goodwill-`` + their name. For a demo only: the passwords are known."""
    from goodwill.auth import AuthBook, AuthPolicy
    from goodwill.settings import Settings
    from goodwill.web.access import Role

    book = AuthBook.load(store, AuthPolicy.from_settings(Settings.for_store(store.path)))
    owners = [
        str(r[0])
        for r in store.con.execute(
            "SELECT DISTINCT owner FROM accounts WHERE kind = 'customer' AND owner IS NOT NULL"
            " ORDER BY 1"
        ).fetchall()
    ]
    wanted: list[tuple[str, Role, str | None]] = [
        ("admin", Role.ADMIN, None),
        ("manager", Role.MANAGER, None),
    ]
    wanted += [(code.lower(), Role.ACCOUNT_MANAGER, code) for code in owners]
    logins = []
    for name, role, owner in wanted:
        password = f"goodwill-{name}"
        if book.find(name) is None:
            book.add_user(name, role, password, owner)
        logins.append(DemoLogin(name, role.code, owner, password))
    book.flush(store.con)
    return logins
