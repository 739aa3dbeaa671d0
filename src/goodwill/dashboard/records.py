"""Query results as light rows: named tuples straight from DuckDB's cursor.

The pages show tens of rows; made through a pandas DataFrame (``.df()``, then
``itertuples`` in the template) each page spent more of the interpreter's time on
the frame than on its rows. A named tuple reads like a frame's row (``r.name``).
"""

from __future__ import annotations

from collections import namedtuple
from functools import lru_cache
from typing import Any

import duckdb


@lru_cache(maxsize=64)
def row_type(names: tuple[str, ...]) -> Any:
    """The named tuple type of rows with the columns ``names`` (one per set of names)."""
    return namedtuple("Row", names)  # type: ignore[misc]


def records(cursor: duckdb.DuckDBPyConnection) -> list[Any]:
    """The rows of the query just run on ``cursor``, as named tuples of its columns."""
    names = tuple(str(d[0]) for d in cursor.description or ())
    row = row_type(names)
    return [row._make(values) for values in cursor.fetchall()]


def dict_rows(cursor: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    """The rows of the query just run on ``cursor``, as dicts of its columns."""
    names = [str(d[0]) for d in cursor.description or ()]
    return [dict(zip(names, values, strict=True)) for values in cursor.fetchall()]
