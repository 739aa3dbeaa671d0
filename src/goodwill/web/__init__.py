"""The web dashboard: ``create_app(db_path)`` and ``goodwill serve`` (docs/web.md)."""

from goodwill.web.app import create_app

__all__ = ["create_app"]
