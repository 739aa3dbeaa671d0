"""The relationship profile beside health: the level of the relationship (with its
evidence and success factors) and its response to our attention, with their reasons.

Both describe the account rather than score a shortfall, so their reasons are kept apart
from health's ranked reasons (their points and baselines are 0).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import duckdb
import pandas as pd

from goodwill.settings import Settings
from goodwill.signals.level import level_reasons, relationship_levels
from goodwill.signals.packing import pack_columns
from goodwill.signals.reasons import Reason
from goodwill.signals.responsiveness import all_response_reasons, responsiveness

#: the profile columns a snapshot's table carries (besides the JSON profile)
TABLE_COLUMNS = (
    "level", "level_year_ago", "level_change", "time_for_each_other",
    "care_promises_kept_share", "care_response_hours", "breadth", "response_label",
    "response_effect", "response_low", "response_high", "response_p_group",
    "response_segment_share", "response_background", "attention_12m",
)  # fmt: skip


@dataclass(frozen=True)
class Profile:
    """Per account (index ``account_id``): level and responsiveness columns, and reasons."""

    table: pd.DataFrame
    level_reasons: dict[str, list[Reason]]
    response_reasons: dict[str, list[Reason]]

    def columns(self, ids: list[str]) -> tuple[pd.DataFrame, str]:
        """Per account in ``ids``: every profile column and both reasons, prefixed
        ``p__``, and the SQL that packs them into one JSON object per row."""
        reasons = {"level_reasons": self.level_reasons, "response_reasons": self.response_reasons}
        return pack_columns(self.table, reasons, ids, "p__")


def relationship_profile(
    con: duckdb.DuckDBPyConnection, as_of: dt.date, settings: Settings
) -> Profile:
    """Level and responsiveness of every customer account as of ``as_of``."""
    levels = relationship_levels(con, as_of, settings)
    response = responsiveness(con, as_of, settings)
    table = levels.join(response, how="outer")
    return Profile(table, level_reasons(levels), all_response_reasons(response, settings))
