"""Qualification as of a date: the prospects and new accounts with their advice, potential
and reasons (:func:`goodwill.qualify.qualify`, against the strategy profile given or the
default), a page of them at a time; the established customers with most growth
potential per account manager (:func:`goodwill.qualify.top_opportunities`); and the
quotes won and lost — in all, per quarter, and the competitors that took most value
(:func:`goodwill.qualify.win_loss`, :func:`goodwill.qualify.top_competitors`)."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

import pandas as pd

from goodwill.qualify import (
    ADVICE,
    StrategyProfile,
    comparable,
    growth_potential,
    named_categories,
    qualify,
    top_competitors,
    top_opportunities,
    win_loss,
)
from goodwill.settings import Settings
from goodwill.signals.reasons import Reason
from goodwill.store import Store

#: the competitors the page lists
TOP_COMPETITORS = 5
#: the accounts with most growth potential listed per account manager
TOP_OPPORTUNITIES = 5
#: the missing categories named per account
CATEGORIES_NAMED = 3
#: the quarters of win/loss shown, the latest
QUARTERS = 8
#: the largest page of qualified accounts
MAX_PER_PAGE = 200


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
    #: per account manager the accounts with most growth potential (index account_id):
    #: owner, name, value, wallet, share_of_wallet, growth, categories (list of names)
    growth: pd.DataFrame
    #: win/loss per quarter of decision, the latest :data:`QUARTERS`, oldest first
    quarters: pd.DataFrame
    #: the strategy profile the accounts were qualified against
    profile: StrategyProfile


@dataclass(frozen=True)
class QualifyPage:
    """One page of a view's qualified accounts."""

    view: QualifyView
    #: the accounts of this page (as :attr:`QualifyView.table`)
    rows: pd.DataFrame
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.per_page))


def _ranked(table: pd.DataFrame) -> pd.DataFrame:
    """Pursue first, then serve efficiently, then decline; buyer's tests first within
    an advice, then by potential (unknown last)."""
    if not len(table):
        return table
    rank = {a: i for i, a in enumerate(ADVICE)}
    return (
        table.assign(_rank=table["advice"].map(rank), _potential=table["potential"].fillna(-1.0))
        .sort_values(["_rank", "buyer_test", "_potential"], ascending=[True, False, False])
        .drop(columns=["_rank", "_potential"])
    )


def growth_opportunities(
    store: Store, as_of: dt.date, settings: Settings, scope: str | None = None
) -> pd.DataFrame:
    """The :data:`TOP_OPPORTUNITIES` established customers with most growth potential
    per account manager (of ``scope`` only, when given), compared with look-alikes of
    at least their segment, with their name and the categories most look-alikes buy
    from us and they do not."""
    growth, missing = growth_potential(store.con, as_of, settings)
    growth = comparable(growth)
    if scope is not None:
        growth = growth[growth["owner"] == scope]
    top = top_opportunities(growth, n=TOP_OPPORTUNITIES)
    names = store.con.execute("SELECT account_id, name FROM accounts").df().set_index("account_id")
    categories = named_categories(missing, CATEGORIES_NAMED)
    out = top.join(names)
    out["categories"] = [categories.get(str(a), []) for a in out.index]
    return out


def quarterly(store: Store, as_of: dt.date, scope: str | None = None) -> pd.DataFrame:
    """Win/loss per quarter of decision (of ``scope``'s accounts when given): the latest
    :data:`QUARTERS` up to ``as_of``, oldest first."""
    frame = win_loss(store.con, as_of, by=("quarter",), owner=scope)
    return frame.sort_values("quarter").tail(QUARTERS).reset_index(drop=True)


def qualify_view(
    store: Store,
    as_of: dt.date,
    settings: Settings,
    scope: str | None = None,
    profile: StrategyProfile | None = None,
) -> QualifyView:
    """The qualified accounts as of ``as_of`` against ``profile`` (default: everything
    fits), growth and win/loss. With ``scope`` (an account manager's owner code) only
    that owner's accounts, and the win/loss of their accounts' quotes."""
    profile = profile or StrategyProfile()
    result = qualify(store.con, as_of, settings, profile)
    table = result.table
    reasons = result.reasons
    if scope is not None:
        table = table[table["owner"] == scope]
        reasons = {k: v for k, v in reasons.items() if k in set(table.index.astype(str))}
    table = _ranked(table)
    given = table["advice"].value_counts() if len(table) else pd.Series(dtype="int64")
    counts: dict[str, int] = {a: int(given.get(a, 0)) for a in ADVICE}
    competitors = top_competitors(store.con, as_of, n=TOP_COMPETITORS, owner=scope)
    overall = win_loss(store.con, as_of, by=(), owner=scope)
    decided: dict[str, float] | None = None
    if len(overall) and int(overall["won"].iloc[0] + overall["lost"].iloc[0]):
        decided = {k: float(overall[k].iloc[0]) for k in overall.columns}
    return QualifyView(
        as_of=as_of,
        table=table,
        reasons=reasons,
        counts=counts,
        competitors=competitors,
        decided=decided,
        growth=growth_opportunities(store, as_of, settings, scope),
        quarters=quarterly(store, as_of, scope),
        profile=profile,
    )


def qualify_page(view: QualifyView, page: int = 1, per_page: int = 25) -> QualifyPage:
    """Page ``page`` (from 1; kept within the pages there are) of ``per_page`` (1 to
    :data:`MAX_PER_PAGE`) of the view's qualified accounts, in the view's order."""
    per_page = max(1, min(int(per_page), MAX_PER_PAGE))
    total = len(view.table)
    pages = max(1, math.ceil(total / per_page))
    page = max(1, min(int(page), pages))
    start = (page - 1) * per_page
    rows = view.table.iloc[start : start + per_page]
    return QualifyPage(view=view, rows=rows, total=total, page=page, per_page=per_page)
