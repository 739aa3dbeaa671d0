"""What qualification adds to the weekly plan: value an action can *win* beyond the
account's measured response to our attention (docs/plan.md, *Value to win*).

* **A buyer's test** — a new customer's small first order from an account with high
  potential, advised to pursue (:func:`goodwill.qualify.qualify`). At stake is the
  account becoming the customer its look-alikes are: its potential, the look-alikes'
  median yearly margin. ``[plan] buyer_test_win`` is the chance that full attention now
  decides it. The plan holds buyer's tests before any other account, with a visit or a
  call (:data:`IN_PERSON`): a buyer testing how we serve a new customer is not answered
  by a message.
* **Growth potential** — an established customer that buys less from us than its
  look-alikes (:func:`goodwill.qualify.growth_potential`): the gap to their 75th
  percentile, with the categories most of them buy from us and it does not — only where
  those look-alikes share at least its segment (a wallet read from every customer says
  little about this one). ``[plan] growth_win`` is the chance that full attention wins
  that gap.

An account's ``stake`` is that chance × the yearly margin; the plan counts an action's
share of a full dose of fresh attention of it (:func:`goodwill.plan.value.action_values`).
A chance of 0 leaves the kind out (and saves reading it).
"""

from __future__ import annotations

import datetime as dt
from typing import Final

import duckdb
import numpy as np
import pandas as pd

from goodwill.plan.purpose import Purpose
from goodwill.qualify import (
    StrategyProfile,
    comparable,
    growth_potential,
    named_categories,
    qualify,
)
from goodwill.settings import Settings

BUYER_TEST, GROWTH = "buyer_test", "growth"
#: the actions a buyer's test is planned with
IN_PERSON: Final = ("visit", "call")
#: the missing categories a purpose names (most bought by look-alikes first)
CATEGORIES_NAMED: Final = 3
#: the columns of :func:`opportunities`
COLUMNS: Final = ("kind", "stake", "potential", "first_order_amount", "growth",
                  "share_of_wallet", "categories")  # fmt: skip


def _buyer_tests(
    con: duckdb.DuckDBPyConnection,
    as_of: dt.date,
    settings: Settings,
    profile: StrategyProfile | None,
    win: float,
) -> pd.DataFrame:
    table = qualify(con, as_of, settings, profile).table
    flagged = table[table["buyer_test"].astype(bool) & (table["advice"] == "pursue")]
    # what its look-alikes are worth (the estimate the buyer's test is judged by), not
    # the estimate weighed with the small first order itself
    column = "lookalike_value" if "lookalike_value" in flagged else "potential"
    potential = flagged[column].astype(float)
    return pd.DataFrame(
        {
            "kind": BUYER_TEST,
            "stake": win * potential,
            "potential": potential,
            "first_order_amount": flagged["first_order_amount"].astype(float),
        },
        index=flagged.index,
    )


def _growth(
    con: duckdb.DuckDBPyConnection, as_of: dt.date, settings: Settings, win: float
) -> pd.DataFrame:
    growth, missing = growth_potential(con, as_of, settings)
    growth = comparable(growth)
    growth = growth[growth["growth"] > 0]
    named = named_categories(missing, CATEGORIES_NAMED)
    return pd.DataFrame(
        {
            "kind": GROWTH,
            "stake": win * growth["growth"].astype(float),
            "growth": growth["growth"].astype(float),
            "share_of_wallet": growth["share_of_wallet"].astype(float),
            "categories": [tuple(named.get(str(a), ())) for a in growth.index],
        },
        index=growth.index,
    )


def opportunities(
    con: duckdb.DuckDBPyConnection,
    as_of: dt.date,
    settings: Settings,
    profile: StrategyProfile | None = None,
) -> pd.DataFrame:
    """Per account with value to win as of ``as_of`` (index ``account_id``, one row
    each; a buyer's test is a new customer and growth an established one, so never
    both): :data:`COLUMNS` — ``kind`` (``buyer_test`` or ``growth``), ``stake`` (the
    expected yearly margin won with full attention), and what the purpose names.
    ``profile`` is the strategy the buyer's tests are qualified against (default:
    everything fits)."""
    plan = settings["plan"]
    parts: list[pd.DataFrame] = []
    test_win, growth_win = float(plan["buyer_test_win"]), float(plan["growth_win"])
    if test_win > 0:
        parts.append(_buyer_tests(con, as_of, settings, profile, test_win))
    if growth_win > 0:
        parts.append(_growth(con, as_of, settings, growth_win))
    parts = [p for p in parts if len(p)]
    if not parts:
        empty = pd.DataFrame({c: pd.Series(dtype=object) for c in COLUMNS})
        return empty.rename_axis("account_id")
    out = pd.concat(parts).reindex(columns=list(COLUMNS))
    out = out[np.isfinite(out["stake"].astype(float)) & (out["stake"] > 0)]
    return out[~out.index.duplicated(keep="first")].rename_axis("account_id")


def opportunity_purpose(row: pd.Series) -> Purpose:
    """The purpose of acting on one row of :func:`opportunities`."""
    if row["kind"] == BUYER_TEST:
        return Purpose(
            "buyer_test",
            {
                "amount_eur": round(float(row["first_order_amount"])),
                "potential_eur": round(float(row["potential"])),
            },
        )
    growth = round(float(row["growth"]))
    categories = row["categories"]
    if isinstance(categories, tuple | list) and categories:
        return Purpose("growth_categories", {"categories": list(categories),
                                             "growth_eur": growth})  # fmt: skip
    share = float(row["share_of_wallet"])
    return Purpose("growth_wallet", {"pct": round(100 * share if share == share else 0.0),
                                     "growth_eur": growth})  # fmt: skip
