"""Chart data serialized once: a portfolio chart holds up to 2,000 points, which its page
embeds and its chart-data request returns. Encoding them for each took a tenth of the
server's time under load; the kept chart carries both encodings."""

from __future__ import annotations

import json
from typing import Any

from jinja2.utils import htmlsafe_json_dumps
from markupsafe import Markup


class EncodedChart(dict[str, Any]):
    """A chart's data (a dict, as templates and tests read it) with its JSON made once:
    :attr:`html` for a page's ``<script type="application/json">`` (what Jinja2's
    ``tojson`` writes) and :attr:`body` for a JSON response (what Starlette's
    ``JSONResponse`` writes)."""

    html: Markup
    body: bytes

    @classmethod
    def of(cls, data: dict[str, Any]) -> EncodedChart:
        chart = cls(data)
        chart.html = htmlsafe_json_dumps(data, sort_keys=True)  # as Jinja2 policies say
        chart.body = json.dumps(
            data, ensure_ascii=False, allow_nan=False, indent=None, separators=(",", ":")
        ).encode("utf-8")
        return chart

    @classmethod
    def of_json(cls, data: dict[str, Any], text: str) -> EncodedChart:
        """A chart whose JSON ``text`` was written elsewhere (by DuckDB), with ``data``
        the part of it the templates read: made safe for a page as Jinja2's ``tojson``
        makes it (``<``, ``>``, ``&`` and ``'`` as ``\\u`` escapes)."""
        chart = cls(data)
        chart.html = Markup(
            text.replace("<", "\\u003c")
            .replace(">", "\\u003e")
            .replace("&", "\\u0026")
            .replace("'", "\\u0027")
        )
        chart.body = text.encode("utf-8")
        return chart
