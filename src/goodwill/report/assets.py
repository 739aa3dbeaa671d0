"""What every self-contained HTML report inlines: uPlot's script and stylesheet, read
from the package (``goodwill/web/static/vendor/uplot``), and JSON safe inside a
``<script>`` element — so a report works offline and can be mailed as it is."""

from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources

__all__ = ["script_json", "uplot"]

_VENDOR = "web/static/vendor/uplot"


@lru_cache(maxsize=1)
def uplot() -> tuple[str, str]:
    """uPlot's minified script and stylesheet."""
    base = resources.files("goodwill").joinpath(_VENDOR)
    return (
        base.joinpath("uPlot.iife.min.js").read_text(encoding="utf-8"),
        base.joinpath("uPlot.min.css").read_text(encoding="utf-8"),
    )


def script_json(value: object) -> str:
    """JSON safe to place inside a <script> element."""
    return json.dumps(value, ensure_ascii=False).replace("</", "<\\/")
