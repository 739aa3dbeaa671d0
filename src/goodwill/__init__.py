"""goodwill: what each B2B relationship is worth, whether it is healthy, and where sales
time pays off, with the reasons shown in Dutch and English."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("goodwill")
except PackageNotFoundError:  # pragma: no cover - running from a source tree without install
    __version__ = "0.0.0"

__all__ = ["__version__"]
