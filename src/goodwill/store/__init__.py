"""The embedded store: one DuckDB file with the input tables, their history and the log."""

from goodwill.store.store import Store, on_upgrade

__all__ = ["Store", "on_upgrade"]
