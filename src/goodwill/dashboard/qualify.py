"""Qualification as of a date: the prospects and new accounts with their advice, potential
and reasons (:func:`goodwill.qualify.qualify`, the default strategy profile), and the
competitors that took the most value from us (:func:`goodwill.qualify.top_competitors`)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from goodwill.qualify import ADVICE, StrategyProfile, qualify, top_competitors, win_loss
from goodwill.settings import Settings
from goodwill.signals.reasons import Reason
from goodwill.store import Store

#: the competitors the page lists
TOP_COMPETITORS = 5


@dataclass(frozen=True)
class QualifyView:
    as_of: dt.date
    #: the qualified accounts (index account_id), pursue first, then by potential
    table: pd.DataFrame
    reasons: dict[str, list[Reason]]
    #: advice -> accounts, every advice of :data:`goodwill.qualify.ADVICE`
    counts: dict[str, int]
    #: the top competitors by value lost (of the owner's accounts, to an account manager)
    competitors: pd.DataFrame | None
    #: all quotes decided by the as-of date: won, lost, value_won, value_lost, win_rate
    decided: dict[str, float] | None


def qualify_view(
    store: Store, as_of: dt.date, settings: Settings, scope: str | None = None
) -> QualifyView:
    """The qualified accounts as of ``as_of`` under the default strategy profile
    (everything fits). With ``scope`` (an account manager's owner code) only that owner's
    accounts, and the win/loss of their accounts' quotes."""
    result = qualify(store.con, as_of, settings, StrategyProfile())
    table = result.table
    reasons = result.reasons
    if scope is not None:
        table = table[table["owner"] == scope]
        reasons = {k: v for k, v in reasons.items() if k in set(table.index.astype(str))}
    rank = {a: i for i, a in enumerate(ADVICE)}
    if len(table):
        table = (
            table.assign(
                _rank=table["advice"].map(rank), _potential=table["potential"].fillna(-1.0)
            )
            .sort_values(["_rank", "buyer_test", "_potential"], ascending=[True, False, False])
            .drop(columns=["_rank", "_potential"])
        )
    given = table["advice"].value_counts() if len(table) else pd.Series(dtype="int64")
    counts: dict[str, int] = {a: int(given.get(a, 0)) for a in ADVICE}
    competitors: pd.DataFrame | None = None
    decided: dict[str, float] | None = None
    competitors = top_competitors(store.con, as_of, n=TOP_COMPETITORS, owner=scope)
    overall = win_loss(store.con, as_of, by=(), owner=scope)
    if len(overall) and int(overall["won"].iloc[0] + overall["lost"].iloc[0]):
        decided = {k: float(overall[k].iloc[0]) for k in overall.columns}
    return QualifyView(
        as_of=as_of,
        table=table,
        reasons=reasons,
        counts=counts,
        competitors=competitors,
        decided=decided,
    )
