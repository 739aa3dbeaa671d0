"""What the dashboard's pages show, as data: queries over the store and the saved
snapshots that return DataFrames and dataclasses. The web layer renders them; nothing
here knows a screen (docs/web.md)."""

from goodwill.dashboard.status import latest_as_of, store_status

__all__ = ["latest_as_of", "store_status"]
