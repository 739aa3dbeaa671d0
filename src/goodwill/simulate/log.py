"""The event log: every fact the world produced, as columns of NumPy chunks per table.

Internally dates are day numbers since 1970-01-01, timestamps seconds since then,
references positions (account index, contact index, sequence numbers) and categorical
values small integer codes. ``NA_INT`` marks a missing integer, ``nan`` a missing float;
the writer turns them into empty fields.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

NA_INT = np.iinfo(np.int64).min

#: The columns of each table in the log (not the CSV names; see writer.py).
LOG_COLUMNS: dict[str, tuple[str, ...]] = {
    "orders": (
        "seq",
        "account",
        "ordered_ts",
        "amount",
        "margin",
        "quantity",
        "delivered_quantity",
        "category",
        "channel",
        "confirmed_ts",
        "promised_day",
        "delivered_day",
        "is_test",
    ),
    "invoices": ("seq", "account", "issued_day", "due_day", "amount", "paid_day", "paid_amount"),
    "interactions": (
        "seq",
        "account",
        "ts",
        "channel",
        "direction",
        "purpose",
        "contact",
        "minutes",
        "cost",
        "employee",
    ),
    "complaints": (
        "seq",
        "account",
        "opened_ts",
        "first_response_ts",
        "resolved_ts",
        "severity",
        "category",
        "order_seq",
    ),
    "promises": ("seq", "account", "made_day", "due_day", "kept_day", "made_by", "description"),
    "quotes": (
        "seq",
        "account",
        "issued_day",
        "amount",
        "status",
        "decided_day",
        "lost_to_competitor",
        "lost_to_account",
        "request_seq",
    ),
    "latent": (
        "account",
        "month",
        "health",
        "hazard",
        "share",
        "distressed",
        "leaving",
    ),
}


@dataclass
class EventLog:
    """Append-only columns per table; ``counters`` hand out the sequence numbers (ids)."""

    chunks: dict[str, list[dict[str, NDArray[np.generic]]]] = field(
        default_factory=lambda: {name: [] for name in LOG_COLUMNS}
    )
    counters: dict[str, int] = field(default_factory=lambda: {name: 0 for name in LOG_COLUMNS})

    def next_seq(self, table: str, n: int) -> NDArray[np.int64]:
        """``n`` new sequence numbers for ``table`` (1-based, never reused)."""
        start = self.counters.get(table, 0)
        self.counters[table] = start + n
        return np.arange(start + 1, start + n + 1, dtype=np.int64)

    def append(self, table: str, **columns: NDArray[np.generic]) -> None:
        """Add rows; every column of the table must be given with the same length."""
        expected = LOG_COLUMNS[table]
        if set(columns) != set(expected):
            missing = sorted(set(expected) - set(columns))
            extra = sorted(set(columns) - set(expected))
            raise ValueError(f"log {table}: missing {missing}, unexpected {extra}")
        lengths = {len(v) for v in columns.values()}
        if len(lengths) != 1:
            raise ValueError(f"log {table}: columns of different lengths {sorted(lengths)}")
        if lengths.pop() == 0:
            return
        self.chunks[table].append(columns)

    def column(self, table: str, name: str) -> NDArray[Any]:
        """One column of a table, concatenated over all chunks."""
        parts = [c[name] for c in self.chunks[table]]
        if not parts:
            return np.empty(0, dtype=np.float64 if name in _FLOAT_COLUMNS else np.int64)
        return np.concatenate(parts)

    def rows(self, table: str) -> int:
        """Number of rows logged for ``table``."""
        return sum(len(c["account"]) for c in self.chunks[table])


_FLOAT_COLUMNS = {
    "amount",
    "margin",
    "quantity",
    "delivered_quantity",
    "paid_amount",
    "minutes",
    "cost",
    "health",
    "hazard",
    "share",
}
