"""Where not to spend time: accounts whose attention does not pay — low value, or
indifferent to our attention — that we still visit, call or e-mail, with an efficient
way to serve them instead."""

from __future__ import annotations

import numpy as np
import pandas as pd

from goodwill.settings import Settings

#: why an account is on the list (suggestion texts: goodwill.plan.calendar.STOP_WORDS)
LOW_VALUE, INDIFFERENT = "low_value", "indifferent"


def stop_list(table: pd.DataFrame, settings: Settings) -> pd.DataFrame:
    """Accounts of a snapshot ``table`` that received our attention in the last 12
    months although it does not pay: ``why`` (``low_value`` below
    ``[plan] low_value_share`` of the median margin, or ``indifferent`` to attention),
    the attention and cost to serve of the last 12 months, and the suggestion
    (``self_service`` or ``email_only``), the costliest first."""
    share = float(settings["plan"]["low_value_share"])
    margin = pd.to_numeric(table["margin_12m"], errors="coerce").fillna(0.0)
    positive = margin[margin > 0]
    median = float(positive.median()) if len(positive) else 0.0
    attention = pd.to_numeric(
        table.get("attention_12m", pd.Series(np.nan, index=table.index)), errors="coerce"
    )
    cost = pd.to_numeric(table["cost_to_serve_12m"], errors="coerce").fillna(0.0)
    served = (attention.fillna(0) > 0) | (cost > 0)
    low = margin < share * median
    indifferent = table.get("responsiveness", pd.Series("", index=table.index)) == "indifferent"
    dormant = table.get("dormant", pd.Series(False, index=table.index)).fillna(False)
    pick = served & (low | indifferent) & ~dormant.astype(bool)
    out = pd.DataFrame(
        {
            "owner": table["owner"],
            "name": table["name"],
            "why": np.where(low, LOW_VALUE, INDIFFERENT),
            "margin_12m": margin,
            "attention_12m": attention,
            "cost_to_serve_12m": cost,
            "suggestion": np.where(low, "self_service", "email_only"),
        },
        index=table.index,
    )[pick.to_numpy(bool)]
    return out.sort_values("cost_to_serve_12m", ascending=False)
