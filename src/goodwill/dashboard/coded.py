"""Columns of a snapshot's rows as small integer codes and orders, for the indexes the
server keeps in memory (:mod:`goodwill.dashboard.portfolio_index`, ``listing_index``,
``payments_index``): a filter is a comparison of codes, an order made once with the
meaning of SQL's ``ORDER BY ... NULLS LAST, account_id``."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypeAlias

import numpy as np

#: a coded column: each row's code (-1 for a missing value) and each value's code
Coded: TypeAlias = tuple[np.ndarray, dict[Any, int]]


def codes(values: Sequence[Any]) -> Coded:
    """Integer codes of ``values`` (-1 for a missing one) and the code of each value."""
    table: dict[Any, int] = {}
    out = np.empty(len(values), dtype=np.int32)
    for i, v in enumerate(values):
        out[i] = -1 if v is None else table.setdefault(v, len(table))
    return out, table


def equal(coded: Coded, value: Any) -> np.ndarray:
    """The rows whose value is ``value`` (none for a value no row has)."""
    found, table = coded
    code = table.get(value)
    return found == code if code is not None else np.zeros(len(found), dtype=bool)


def ranks(values: Sequence[Any]) -> np.ndarray:
    """Each value's place among the distinct values in order (0 for a missing one)."""
    distinct = sorted({v for v in values if v is not None})
    place = {v: i for i, v in enumerate(distinct)}
    return np.array([place.get(v, 0) if v is not None else 0 for v in values], dtype=np.int64)


def order_by(values: Sequence[Any], id_rank: np.ndarray, descending: bool) -> np.ndarray:
    """Positions of ``values`` in order (NULLS LAST either way), ties by ``id_rank``
    (each row's place among the account ids): SQL's ``ORDER BY v NULLS LAST, account_id``."""
    return order_by_keys([(values, descending)], id_rank)


def order_by_keys(keys: Sequence[tuple[Sequence[Any], bool]], id_rank: np.ndarray) -> np.ndarray:
    """Positions in the order of ``keys`` (values, descending), each NULLS LAST, ties by
    ``id_rank``: SQL's ``ORDER BY k1 NULLS LAST, k2 NULLS LAST, ..., account_id``."""
    columns: list[np.ndarray] = [id_rank]
    for values, descending in reversed(keys):
        found = ranks(values)
        columns.append(-found if descending else found)
        columns.append(np.array([v is None for v in values], dtype=bool))
    ordered: np.ndarray = np.lexsort(columns)
    return ordered
