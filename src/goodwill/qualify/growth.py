"""Growth potential of established customers: how much of what they could buy do we get
(share of wallet), and which categories do look-alike customers buy from us that they do
not.

For each established customer (:func:`goodwill.qualify.lookalike.customer_values`: first
order at least a year old, an order in the last year) its *wallet* is estimated as the
75th percentile of the yearly value of its look-alikes — the established customers of
the same segment and size band (backing off to segment, then all of them, with fewer than
``qualify.min_lookalikes``; the account counts among its own look-alikes). Its *share of
wallet* is its own yearly value against that (at most 1), its *growth potential* the
difference (at least 0).

A category is *missing* for an account when at least ``share`` of its look-alikes of the
same segment and size band bought it from us in the last 365 days and the account did
not.
"""

from __future__ import annotations

import datetime as dt
from typing import Final

import duckdb
import numpy as np
import pandas as pd

from goodwill.qualify.lookalike import (
    VALUE_WINDOW_DAYS,
    customer_values,
    lookalike_potential,
    match_key,
    size_band,
)
from goodwill.settings import Settings

GROWTH_GROUPINGS: Final = ("segment_size", "segment", "all")


def _categories(con: duckdb.DuckDBPyConnection, as_of: dt.date) -> pd.DataFrame:
    """The (account_id, category) pairs bought in the 365 days up to ``as_of``."""
    return con.execute(
        f"""
        SELECT DISTINCT account_id, trim(category) AS category FROM orders
        WHERE category IS NOT NULL AND trim(category) <> '' AND amount > 0
          AND NOT coalesce(is_test, false)
          AND CAST(ordered_on AS DATE) <= $a
          AND CAST(ordered_on AS DATE) > $a - {VALUE_WINDOW_DAYS}
        """,
        {"a": as_of},
    ).df()


def missing_categories(
    customers: pd.DataFrame, bought: pd.DataFrame, share: float = 0.5
) -> pd.DataFrame:
    """Per account of ``customers`` (``segment``, ``employees``) and category: the
    categories (``bought``: ``account_id``, ``category``) that at least ``share`` of the
    accounts of the same segment and size band buy and it does not, with that share
    (``lookalike_share``), largest share first."""
    groups = pd.DataFrame(
        {
            "segment": match_key(customers["segment"]),
            "size_band": size_band(customers["employees"]),
        },
        index=customers.index.rename("account_id"),
    ).dropna()
    sizes = groups.groupby(["segment", "size_band"]).size().rename("n")
    pairs = bought.merge(groups, left_on="account_id", right_index=True)
    counts = pairs.groupby(["segment", "size_band", "category"]).size().rename("buyers")
    popular = counts.reset_index().join(sizes, on=["segment", "size_band"])
    popular["lookalike_share"] = popular["buyers"] / popular["n"]
    popular = popular[popular["lookalike_share"] >= share]
    wanted = groups.reset_index().merge(popular, on=["segment", "size_band"])
    have = wanted.merge(bought, on=["account_id", "category"], how="left", indicator=True)
    out = have[have["_merge"] == "left_only"][["account_id", "category", "lookalike_share"]]
    return out.sort_values(
        ["account_id", "lookalike_share", "category"], ascending=[True, False, True]
    ).reset_index(drop=True)


def growth_potential(
    con: duckdb.DuckDBPyConnection, as_of: dt.date, settings: Settings, share: float = 0.5
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The established customers' growth (index ``account_id``: ``owner``, ``value``,
    ``wallet``, ``share_of_wallet``, ``growth``, ``lookalikes``, ``grouping``,
    ``missing_categories``) and the missing categories (as
    :func:`missing_categories`)."""
    customers = customer_values(con, as_of, float(settings["value"]["default_margin_rate"]))
    owners = con.execute("SELECT account_id, owner FROM accounts").df().set_index("account_id")
    est = lookalike_potential(
        customers, customers, int(settings["qualify"]["min_lookalikes"]), GROWTH_GROUPINGS
    )
    out = customers[["value"]].join(owners)
    out["wallet"] = est["potential_high"]
    out["share_of_wallet"] = np.minimum(1.0, out["value"] / out["wallet"].where(out["wallet"] > 0))
    out["growth"] = (out["wallet"] - out["value"]).clip(lower=0.0)
    out["lookalikes"] = est["lookalikes"]
    out["grouping"] = est["grouping"]
    missing = missing_categories(customers, _categories(con, as_of), share)
    counts = missing.groupby("account_id").size()
    out["missing_categories"] = counts.reindex(out.index).fillna(0).astype(int)
    return out, missing


def named_categories(missing: pd.DataFrame, n: int = 3) -> dict[str, list[str]]:
    """Per account the first ``n`` of its missing categories (as
    :func:`missing_categories` orders them: most bought by its look-alikes first)."""
    out: dict[str, list[str]] = {}
    for account, category in zip(
        missing["account_id"].tolist(), missing["category"].tolist(), strict=True
    ):
        names = out.setdefault(str(account), [])
        if len(names) < n:
            names.append(str(category))
    return out


def comparable(growth: pd.DataFrame) -> pd.DataFrame:
    """The rows of :func:`growth_potential` whose wallet was read from look-alikes of at
    least the account's segment — not from every customer, which says little about what
    this one could buy (what the weekly plan and the dashboard act on)."""
    return growth[growth["grouping"] != "all"]


def top_opportunities(growth: pd.DataFrame, n: int = 5) -> pd.DataFrame:
    """Per account manager (``owner``), the ``n`` accounts with the most growth potential."""
    ranked = growth[growth["growth"] > 0].sort_values(
        ["growth", "value"], ascending=[False, False], kind="stable"
    )
    return (
        ranked.groupby("owner", dropna=False, sort=True)
        .head(n)
        .sort_values(["owner", "growth"], ascending=[True, False], kind="stable")
    )
