"""The report of one account manager: the saved snapshot and the week's plan cut to the
accounts whose owner code is theirs — as the dashboard cuts its pages
(:func:`goodwill.dashboard.week.scoped_plan`).

An account counts as theirs when the store gives it their owner code now; a planned
action also needs their code on the plan (so the hours match their capacity), which keeps
an account that changed hands since the plan out of both owners' reports.
"""

from __future__ import annotations

from dataclasses import replace

from goodwill.report.saved import SavedSnapshot
from goodwill.report.weekplan import WeekPlan
from goodwill.store import Store

__all__ = ["owned_accounts", "scoped_snapshot", "scoped_week_plan"]


def owned_accounts(store: Store, scope: str) -> set[str]:
    """The ids of the accounts the store gives owner code ``scope``."""
    rows = store.con.execute("SELECT account_id FROM accounts WHERE owner = ?", [scope])
    return {str(r[0]) for r in rows.fetchall()}


def scoped_snapshot(snap: SavedSnapshot, owned: set[str]) -> SavedSnapshot:
    """``snap`` with only the accounts in ``owned``: their rows and their reasons."""
    table = snap.table[snap.table.index.isin(list(owned))]
    keep = set(table.index.tolist())
    return replace(
        snap,
        table=table,
        reasons={k: v for k, v in snap.reasons.items() if k in keep},
        credit_reasons={k: v for k, v in snap.credit_reasons.items() if k in keep},
    )


def scoped_week_plan(plan: WeekPlan, scope: str, owned: set[str]) -> WeekPlan:
    """``plan`` as the account manager ``scope`` sees it: their actions on accounts in
    ``owned``, their part of the stop list and their capacity."""
    a = plan.actions
    mine = (a["owner"] == scope) & a["account_id"].astype(str).isin(list(owned))
    return replace(
        plan,
        actions=a[mine].reset_index(drop=True),
        stop=plan.stop[plan.stop.index.astype(str).isin(list(owned))],
        capacity={k: v for k, v in plan.capacity.items() if k == scope},
    )
