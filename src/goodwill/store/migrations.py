"""Schema versions and the steps that upgrade an older store in place.

A store records its version in ``goodwill_meta``. ``MIGRATIONS[n]`` upgrades a store of
version ``n`` to ``n + 1``; opening an older store runs the missing steps in one
transaction. A store of a newer version than this goodwill knows is refused.
"""

from __future__ import annotations

from collections.abc import Callable

import duckdb

#: The version new stores are created at.
SCHEMA_VERSION = 1

Migration = Callable[[duckdb.DuckDBPyConnection], None]

#: version n -> the step that upgrades a store of version n to n + 1
MIGRATIONS: dict[int, Migration] = {}


def pending(version: int) -> list[tuple[int, Migration]]:
    """The steps that bring a store of ``version`` to :data:`SCHEMA_VERSION`, in order."""
    return [(v, MIGRATIONS[v]) for v in range(version, SCHEMA_VERSION)]
