"""Qualification against what happened: does the potential estimate rank the new accounts
by what they truly brought in the three years after, and do the accounts advised to
pursue bring more than those advised to decline politely?

As-of dates run every ``qualify.new_account_days`` back from ``HORIZON_DAYS`` before the
world's last order to a year after its first (the look-alikes need a year of history),
so every new account is qualified once. At each date :func:`goodwill.qualify.qualify`
runs twice: with the default strategy profile (everything fits, no minimum value) and
with :func:`evaluation_profile`, which sets a minimum value and target regions so that
all three advice branches occur.

Measured are the *new accounts* (first order at most ``qualify.new_account_days``
before the date) and, where the truth names them (``converted_on``), the prospects of
that date that ordered in the three years after it (each once: at the last date before
it converted). A prospect converted later is a
customer in the world's tables as written at its end, so for each date such accounts
are put back to ``prospect`` inside a transaction that is rolled back.

The *three-year value* is the margin of the account's orders in the ``HORIZON_DAYS``
after the date (recorded margin, or ``value.default_margin_rate`` × amount where an
order has none; test orders left out) — the yearly value's own rule, over what the
world's order table says happened. The truth holds no better measure of value: its
latent state says why accounts ordered, the orders what they brought.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from typing import Final

import duckdb
import numpy as np
import pandas as pd
from scipy.stats import spearmanr

from goodwill.qualify.advice import qualify
from goodwill.qualify.lookalike import VALUE_WINDOW_DAYS, customer_values, match_key
from goodwill.qualify.profile import StrategyProfile
from goodwill.settings import Settings
from goodwill.signals.facts import _decimal
from goodwill.store import Store
from goodwill.store.order_days import ORDER_DAYS_TABLE, ensure_order_days

HORIZON_DAYS: Final = 3 * 365
#: the groups of accounts measured
NEW: Final = "new"
PROSPECT: Final = "prospect"
#: the profiles qualified with: the default, and one with a minimum value and regions
DEFAULT: Final = "default"
MINIMUM: Final = "minimum"


@dataclass(frozen=True)
class QualifyEvaluation:
    """Per as-of date and account qualified: its potential, the advice under each
    profile and its three-year value."""

    #: as_of, account_id, group (``new`` or ``prospect``), potential, lookalike_value
    #: (the look-alikes' estimate alone), grouping, advice_default, advice_minimum,
    #: buyer_test and quotes_many (under the evaluation profile), value_3y
    table: pd.DataFrame
    as_of: list[dt.date]
    #: the evaluation profile's minimum yearly value at each date
    minimum: dict[dt.date, float]
    horizon_days: int = HORIZON_DAYS

    def rows(self, group: str = NEW) -> pd.DataFrame:
        return self.table[self.table["group"] == group]

    def n(self, group: str = NEW) -> int:
        return len(self.rows(group))

    def spearman(self, group: str = NEW, column: str = "potential") -> float:
        """Spearman's rank correlation of the potential (or another ``column``) with the
        three-year value (accounts without an estimate left out; ``nan`` for fewer than
        three)."""
        rows = self.rows(group).dropna(subset=[column])
        if len(rows) < 3:
            return float("nan")
        rho = spearmanr(rows[column], rows["value_3y"]).statistic
        return float(rho)

    def by_advice(self, profile: str = MINIMUM, group: str = NEW) -> pd.DataFrame:
        """Per advice (index): ``n``, ``mean`` and ``median`` three-year value."""
        rows = self.rows(group)
        stats = rows.groupby(f"advice_{profile}")["value_3y"].agg(["count", "mean", "median"])
        stats = stats.rename(columns={"count": "n"})
        order = ["pursue", "serve_efficiently", "decline_politely"]
        return stats.reindex(order).fillna({"n": 0}).astype({"n": int})

    def ratio(self, profile: str = MINIMUM, group: str = NEW, stat: str = "mean") -> float:
        """The pursued accounts' mean (or median) three-year value over the declined ones'."""
        column = self.by_advice(profile, group)[stat].astype(float)
        pursue, decline = float(column["pursue"]), float(column["decline_politely"])
        if math.isnan(pursue) or math.isnan(decline):
            return math.nan
        return pursue / decline if decline > 0 else math.inf


def as_of_dates(first: dt.date, last: dt.date, step_days: int) -> list[dt.date]:
    """Every ``step_days`` from ``HORIZON_DAYS`` before ``last`` back to a year after
    ``first``, oldest first (empty when the span is shorter than those four years)."""
    day = last - dt.timedelta(days=HORIZON_DAYS)
    earliest = first + dt.timedelta(days=VALUE_WINDOW_DAYS)
    out: list[dt.date] = []
    while day >= earliest:
        out.append(day)
        day -= dt.timedelta(days=step_days)
    return out[::-1]


def evaluation_profile(customers: pd.DataFrame) -> StrategyProfile:
    """A profile in which all three advice branches occur, from what is known at the
    date: the established customers' median yearly value as the minimum, and as target
    regions the most common ones holding at least half of them (no regions when none is
    known)."""
    minimum = float(customers["value"].median()) if len(customers) else 0.0
    regions = match_key(customers["region"]).dropna()
    targets: list[str] = []
    if len(regions):
        counts = regions.value_counts(sort=False).sort_index()
        counts = counts.sort_values(ascending=False, kind="stable")
        held = counts.cumsum()
        targets = list(counts.index[: int((held < len(regions) / 2).sum()) + 1])
    return StrategyProfile(
        regions=frozenset(targets), min_yearly_value_eur=max(minimum, 0.0), source="evaluation"
    )


def three_year_value(
    con: duckdb.DuckDBPyConnection,
    as_of: dt.date,
    default_margin_rate: float,
    horizon_days: int = HORIZON_DAYS,
) -> pd.Series:
    """Each account's margin in the ``horizon_days`` after ``as_of`` (index
    ``account_id``; accounts without orders then are absent)."""
    ensure_order_days(con)
    frame = con.execute(
        f"""
        SELECT account_id,
               CAST(sum(margin_recorded) + $rate * sum(amount_without_margin) AS DOUBLE) AS v
        FROM {ORDER_DAYS_TABLE}
        WHERE d > $a AND d <= $a + {int(horizon_days)}
        GROUP BY 1
        """,
        {"a": as_of, "rate": _decimal(default_margin_rate)},
    ).df()
    return frame.set_index("account_id")["v"]


def _later_customers(truth: pd.DataFrame | None, as_of: dt.date) -> list[str]:
    """The accounts the truth says were converted from prospect after ``as_of``."""
    if truth is None or "converted_on" not in truth:
        return []
    converted = pd.to_datetime(truth["converted_on"], errors="coerce")
    later = converted > pd.Timestamp(as_of)
    return truth.loc[later.to_numpy(), "account_id"].astype(str).tolist()


def evaluate_date(
    store: Store,
    as_of: dt.date,
    settings: Settings,
    truth: pd.DataFrame | None = None,
) -> tuple[pd.DataFrame, float]:
    """The rows of one as-of date (see :class:`QualifyEvaluation`) and the evaluation
    profile's minimum."""
    con = store.con
    ensure_order_days(con)
    rate = float(settings["value"]["default_margin_rate"])
    profile = evaluation_profile(customer_values(con, as_of, rate))
    later = _later_customers(truth, as_of)
    con.begin()
    try:
        if later:
            con.execute(
                "UPDATE accounts SET kind = 'prospect' WHERE account_id IN "
                "(SELECT unnest($ids)) AND kind = 'customer'",
                {"ids": later},
            )
        base = qualify(con, as_of, settings).table
        strict = qualify(con, as_of, settings, profile).table
    finally:
        con.rollback()
    value = three_year_value(con, as_of, rate)
    frame = pd.DataFrame(
        {
            "potential": base["potential"].astype(float),
            "lookalike_value": base["lookalike_value"].astype(float),
            "grouping": base["grouping"],
            "advice_default": base["advice"],
            "advice_minimum": strict["advice"].reindex(base.index),
            "buyer_test": strict["buyer_test"].reindex(base.index),
            "quotes_many": strict["quotes_many"].reindex(base.index),
            "value_3y": value.reindex(base.index).fillna(0.0),
            "ordered_after": base.index.isin(value.index),
        },
        index=base.index,
    )
    is_new = base["kind"].eq("customer") & base["first_order"].notna()
    frame["group"] = np.where(is_new, NEW, PROSPECT)
    keep = is_new | (base["kind"].eq("prospect") & base.index.isin(later) & frame["ordered_after"])
    out = frame[keep.to_numpy()].drop(columns="ordered_after")
    out.insert(0, "as_of", as_of)
    return out.rename_axis("account_id").reset_index(), profile.min_yearly_value_eur


def evaluate_qualification(
    store: Store,
    settings: Settings,
    truth: pd.DataFrame | None = None,
    dates: list[dt.date] | None = None,
) -> QualifyEvaluation | None:
    """Qualify at every date of :func:`as_of_dates` (or ``dates``) and measure against
    the three years after each; None when the store's orders span too short a time."""
    if dates is None:
        first, last = store.order_span()
        dates = as_of_dates(first, last, int(settings["qualify"]["new_account_days"]))
    if not dates:
        return None
    frames, minimum = [], {}
    for day in dates:
        rows, minimum[day] = evaluate_date(store, day, settings, truth)
        frames.append(rows)
    table = pd.concat(frames, ignore_index=True)
    # a prospect is a prospect at several dates: keep the last one before it converted
    once = ~table.duplicated(subset=["group", "account_id"], keep="last")
    table = table[(table["group"] == NEW) | once].reset_index(drop=True)
    return QualifyEvaluation(table, list(dates), minimum)
