"""The web dashboard: ``create_app(db_path)`` and ``goodwill serve`` (docs/web.md).

``create_app`` is imported when first asked for, so the library can use the access
contract (``goodwill.web.access``: roles and principals) without loading FastAPI's app.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from goodwill.web.app import create_app

__all__ = ["create_app"]


def __getattr__(name: str) -> Any:
    if name == "create_app":
        from goodwill.web.app import create_app

        return create_app
    raise AttributeError(f"module 'goodwill.web' has no attribute {name!r}")
