"""The portfolio's scatter: value (x) against health (y), sized by revenue, coloured by
relationship level — sampled for large portfolios, always keeping the accounts at risk."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from goodwill._typing import Lang
from goodwill.i18n import gettext
from goodwill.report.words import LEVEL_WORDS

__all__ = ["LEVEL_COLOURS", "MAX_POINTS", "scatter_points"]

#: at most this many points are drawn (a browser draws more, a reader sees no more)
MAX_POINTS = 2000
#: Okabe & Ito's colour-blind-safe palette; grey for accounts without a level
LEVEL_COLOURS = {
    "transactional": "#E69F00",
    "fruitful": "#56B4E9",
    "growing_together": "#009E73",
    "": "#999999",
}


def sample(table: pd.DataFrame, at_risk: pd.Series, limit: int = MAX_POINTS) -> pd.DataFrame:
    """At most ``limit`` rows of ``table`` (more only if more are at risk): every row
    ``at_risk`` and a seeded random choice of the others, in the table's order."""
    if len(table) <= limit:
        return table
    risky = at_risk.to_numpy(bool)
    others = np.flatnonzero(~risky)
    room = max(limit - int(risky.sum()), 0)
    rng = np.random.default_rng(0)
    keep = risky.copy()
    keep[rng.choice(others, size=min(room, len(others)), replace=False)] = True
    return table[keep]


def scatter_points(
    table: pd.DataFrame, at_risk: pd.Series, lang: Lang, limit: int = MAX_POINTS
) -> dict[str, Any]:
    """The chart's data for the page: parallel lists per point and the legend."""
    shown = sample(table, at_risk, limit)
    levels = list(LEVEL_COLOURS)
    level = shown["level"].fillna("").astype(str).where(lambda s: s.isin(levels), "")

    def numbers(column: str) -> list[float | None]:
        values = pd.to_numeric(shown[column], errors="coerce").astype(float).round(2)
        return [None if v != v else float(v) for v in values.tolist()]

    legend = [
        {"name": gettext(LEVEL_WORDS[k], lang) if k else gettext("no level", lang), "colour": c}
        for k, c in LEVEL_COLOURS.items()
    ]
    return {
        "id": shown.index.astype(str).tolist(),
        "name": shown["name"].astype(str).tolist(),
        "x": numbers("net_value"),
        "y": numbers("health"),
        "revenue": [max(v or 0.0, 0.0) for v in numbers("revenue_12m")],
        "level": [levels.index(v) for v in level.tolist()],
        "risk": at_risk.reindex(shown.index).astype(bool).astype(int).tolist(),
        "legend": legend,
        "shown": len(shown),
        "total": len(table),
    }
